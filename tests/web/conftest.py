"""An in-process gateway for the HTTP tests: the real app, a tiny users service behind
``httpx.MockTransport``, and an ``httpx.AsyncClient`` talking ASGI to it.

Example::

    async def test_typename(gateway: Gateway) -> None:
        response = await gateway.client.post("/graphql", json={"query": "{ __typename }"})
        assert response.json() == {"data": {"__typename": "Query"}}
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from gateway import create_app
from settings import load_settings

USERS = {
    1: {"id": 1, "name": "Ada Lovelace", "email": "ada@example.com"},
    2: {"id": 2, "name": "Alan Turing", "email": "alan@example.com"},
    3: {"id": 3, "name": "Émilie du Châtelet 🏃", "email": "emilie@example.com"},
}
#: The users service answers 500 for this user (a backend failure inside a result).
FAILING_USER_ID = 13
#: Small enough that the oversize tests stay cheap, big enough for 100k nested arrays.
MAX_BODY_BYTES = 256 * 1024


@dataclass
class Gateway:
    client: httpx.AsyncClient
    #: Every request the gateway sent to a backend, as "METHOD path?query".
    backend_calls: list[str] = field(default_factory=list)


def users_service(calls: list[str]) -> httpx.MockTransport:
    """``GET /users?limit=&offset=``, ``/users?ids=``, ``/users/{id}`` (500 for
    :data:`FAILING_USER_ID`); anything else 404."""

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.raw_path.decode()}")
        path, params = request.url.path, request.url.params
        if request.method == "GET" and path == "/users":
            if "ids" in params:
                ids = [int(i) for i in params["ids"].split(",")]
                return httpx.Response(200, json=[USERS[i] for i in ids if i in USERS])
            offset, limit = int(params.get("offset", 0)), int(params.get("limit", 20))
            return httpx.Response(200, json=list(USERS.values())[offset : offset + limit])
        if request.method == "GET" and path == f"/users/{FAILING_USER_ID}":
            return httpx.Response(500, text="Traceback (most recent call last): boom")
        if request.method == "GET" and path.startswith("/users/"):
            user = USERS.get(int(path.rsplit("/", 1)[1]))
            return httpx.Response(200, json=user) if user else httpx.Response(404)
        return httpx.Response(404, json={"detail": "not found"})

    return httpx.MockTransport(handler)


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    # GraphiQL is off: these tests are about the GraphQL endpoint, and must not depend
    # on `make assets` having installed the IDE's npm bundles.
    settings = load_settings(
        None,
        {
            "SWITCHYARD_GRAPHQL__GRAPHIQL": "false",
            "SWITCHYARD_SERVER__MAX_BODY_BYTES": str(MAX_BODY_BYTES),
        },
    )
    calls: list[str] = []
    app = create_app(settings, transport=users_service(calls))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield Gateway(client=client, backend_calls=calls)
