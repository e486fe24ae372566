"""BodyLimitMiddleware: 413 for bodies over the limit, declared or chunked."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from tests.support.graphql_http import assert_error_response
from web.middleware import BodyLimitMiddleware

LIMIT = 2048


class Counting:
    """An endpoint that reads the body and counts how often it was called."""

    def __init__(self) -> None:
        self.calls = 0

    async def handle(self, request: Request) -> Response:
        self.calls += 1
        return JSONResponse({"received": len(await request.body())})


@pytest.fixture
def endpoint() -> Counting:
    return Counting()


@pytest.fixture
async def client(endpoint: Counting) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(
        routes=[Route("/", endpoint.handle, methods=["POST"])],
        middleware=[Middleware(BodyLimitMiddleware, max_body_bytes=LIMIT)],
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http_client:
        yield http_client


async def chunks(total: int, size: int = 500) -> AsyncIterator[bytes]:
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


def assert_413(response: httpx.Response, media_type: str = "application/json") -> None:
    assert_error_response(
        response,
        413,
        "BAD_REQUEST",
        media_type=media_type,
    )
    assert response.headers["connection"] == "close"
    assert str(LIMIT) in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("size", [0, 1, LIMIT - 1, LIMIT])
async def test_body_up_to_the_limit_passes(client: httpx.AsyncClient, size: int) -> None:
    response = await client.post("/", content=b"x" * size)
    assert response.status_code == 200
    assert response.json() == {"received": size}


@pytest.mark.parametrize("size", [0, LIMIT])
async def test_chunked_body_up_to_the_limit_passes(client: httpx.AsyncClient, size: int) -> None:
    response = await client.post("/", content=chunks(size))
    assert response.status_code == 200
    assert response.json() == {"received": size}


async def test_declared_length_over_the_limit_is_refused_unread(
    client: httpx.AsyncClient, endpoint: Counting
) -> None:
    response = await client.post("/", content=b"x" * (LIMIT + 1))
    assert_413(response)
    assert endpoint.calls == 0  # refused before the app ran


async def test_declared_length_refusal_speaks_graphql_response_json(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/", content=b"x" * (LIMIT + 1), headers={"accept": "application/graphql-response+json"}
    )
    assert_413(response, "application/graphql-response+json")


async def test_chunked_body_over_the_limit_is_413_from_any_endpoint(
    client: httpx.AsyncClient, endpoint: Counting
) -> None:
    """The endpoint is not the GraphQL view: the middleware itself turns the failed
    read into 413 rather than letting it become a 500."""
    request = client.build_request("POST", "/", content=chunks(LIMIT + 1))
    assert "content-length" not in request.headers
    response = await client.send(request)
    assert_413(response)
    assert endpoint.calls == 1


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "12 34"])
async def test_garbled_content_length_is_400(
    client: httpx.AsyncClient, endpoint: Counting, length: str
) -> None:
    request = client.build_request("POST", "/", content=b"x")
    request.headers["content-length"] = length
    response = await client.send(request)
    assert_error_response(
        response,
        400,
        "BAD_REQUEST",
    )
    assert endpoint.calls == 0


async def test_non_http_scopes_pass_through() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def receive() -> Message:
        raise AssertionError("the middleware must not read a lifespan channel")

    async def send(message: Message) -> None:
        raise AssertionError("the middleware must not answer a lifespan scope")

    await BodyLimitMiddleware(app, max_body_bytes=LIMIT)({"type": "lifespan"}, receive, send)
    assert seen == ["lifespan"]
