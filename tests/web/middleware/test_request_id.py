"""RequestIdMiddleware: the caller's X-Request-ID when sane, a fresh one otherwise."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from web.middleware import RequestIdMiddleware

GENERATED = re.compile(r"^[0-9a-f]{32}$")


async def echo(request: Request) -> Response:
    return JSONResponse({"seen": request.state.request_id})


async def fail(request: Request) -> Response:
    return Response("nope", status_code=418)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(
        routes=[Route("/", echo), Route("/fail", fail)],
        middleware=[Middleware(RequestIdMiddleware)],
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http_client:
        yield http_client


@pytest.mark.parametrize(
    "incoming",
    ["abc", "req-123", "0f8fad5b-d9cb-469f-a165-70867728950e", "a.b_c:d-e", "x" * 64],
)
async def test_sane_id_is_kept_and_echoed(client: httpx.AsyncClient, incoming: str) -> None:
    response = await client.get("/", headers={"X-Request-ID": incoming})
    assert response.headers["x-request-id"] == incoming
    assert response.json() == {"seen": incoming}


@pytest.mark.parametrize(
    "incoming",
    [
        "",
        "x" * 65,
        "has space",
        "semi;colon",
        "<script>",
        'quote"d',
        "caf\u00e9",
        "tab\there",
    ],
    ids=["empty", "too long", "space", "semicolon", "markup", "quote", "non-ascii", "tab"],
)
async def test_insane_id_is_replaced(client: httpx.AsyncClient, incoming: str) -> None:
    response = await client.get(
        "/", headers=[(b"X-Request-ID", incoming.encode("latin-1", "replace"))]
    )
    replaced = response.headers["x-request-id"]
    assert replaced != incoming
    assert GENERATED.match(replaced)
    assert response.json() == {"seen": replaced}


async def test_missing_id_gets_a_fresh_one_per_request(client: httpx.AsyncClient) -> None:
    first = (await client.get("/")).headers["x-request-id"]
    second = (await client.get("/")).headers["x-request-id"]
    assert GENERATED.match(first) and GENERATED.match(second)
    assert first != second


async def test_id_is_on_error_responses_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/fail", headers={"X-Request-ID": "trace-me"})
    assert response.status_code == 418
    assert response.headers["x-request-id"] == "trace-me"


async def test_id_replaces_an_id_set_by_the_app(client: httpx.AsyncClient) -> None:
    """Exactly one X-Request-ID goes out, whatever the endpoint did."""
    response = await client.get("/", headers={"X-Request-ID": "mine"})
    assert response.headers.get_list("x-request-id") == ["mine"]
