"""Every error gets a stable code; unexpected failures are masked and logged with the request id."""

from __future__ import annotations

import logging

import httpx
import pytest

from gateway import create_app
from settings import load_settings


async def ask(handler: httpx.MockTransport, query: str, **headers: str) -> dict[str, object]:
    settings = load_settings(None, {"SWITCHYARD_GRAPHQL__GRAPHIQL": "false"})
    app = create_app(settings, transport=handler)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            response = await client.post("/graphql", json={"query": query}, headers=headers)
            body: dict[str, object] = response.json()
            return body


def user(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"id": 1, "name": "Ada", "email": "ada@example.test"})


async def test_unexpected_exception_is_masked_and_logged_with_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("secret connection string postgres://admin:hunter2@db")

    with caplog.at_level(logging.ERROR, logger="switchyard.errors"):
        body = await ask(
            httpx.MockTransport(broken), "{ user(id: 1) { name } }", **{"X-Request-ID": "req-42"}
        )
    assert body["data"] == {"user": None}
    errors: list[dict[str, object]] = body["errors"]  # type: ignore[assignment]
    [error] = errors
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
    assert "hunter2" not in str(body)
    assert "req-42" in caplog.text and "hunter2" in caplog.text  # details go to the log only


async def test_parse_and_validation_errors_are_coded() -> None:
    transport = httpx.MockTransport(user)
    parse = await ask(transport, "{ user(id: 1) { name }")
    validation = await ask(transport, "{ user(id: 1) { password } }")
    assert parse["errors"][0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}  # type: ignore[index]
    assert validation["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}  # type: ignore[index]
    assert "data" not in parse and "data" not in validation


async def test_backend_errors_name_the_service() -> None:
    body = await ask(httpx.MockTransport(lambda r: httpx.Response(503)), "{ user(id: 1) { name } }")
    assert body["errors"][0]["extensions"] == {"code": "BACKEND_ERROR", "service": "users"}  # type: ignore[index]
    assert body["errors"][0]["message"] == "The users service answered with HTTP 503"  # type: ignore[index]
