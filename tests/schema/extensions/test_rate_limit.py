"""The RateLimits extension inside the app, with backends replaced by httpx.MockTransport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from gateway import create_app
from settings import LimitsSettings, PlanSettings, Settings
from settings.limits import FieldLimit, RateRule


def users_backend(calls: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        ids = request.url.params.get("ids")
        if ids is not None:
            users = [{"id": int(i), "name": f"u{i}", "email": f"u{i}@x"} for i in ids.split(",")]
            return httpx.Response(200, json=users)
        user_id = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(200, json={"id": int(user_id), "name": "u", "email": "u@x"})

    return httpx.MockTransport(handle)


@asynccontextmanager
async def client_for(limits: LimitsSettings, calls: list[str]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        Settings(graphql={"graphiql": False}, limits=limits),  # type: ignore[arg-type]
        transport=users_backend(calls),
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("10.0.0.7", 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield client


async def ask(client: httpx.AsyncClient, query: str) -> httpx.Response:
    return await client.post("/graphql", json={"query": query})


PLAN = {"free": PlanSettings(operations={"all": RateRule(limit=1000, window="1h")})}


async def test_every_response_reports_its_cost() -> None:
    async with client_for(LimitsSettings(plans=PLAN), []) as client:
        response = await ask(client, "{ users(limit: 3) { id orders { id } } }")
        assert response.json()["extensions"]["cost"] == 3 * (1 + 5)  # @listSize(5) on orders
        invalid = await ask(client, "{ nope }")
        assert "extensions" not in invalid.json()  # never executed: errors only


async def test_limits_off_still_reports_cost_and_never_limits() -> None:
    limits = LimitsSettings(
        enabled=False, plans=PLAN, fields={"Query.user": FieldLimit(limit=0, window="1m")}
    )
    calls: list[str] = []
    async with client_for(limits, calls) as client:
        response = await ask(client, "{ user(id: 1) { name } }")
    assert response.status_code == 200
    assert response.json()["data"]["user"] == {"name": "u"}
    assert "RateLimit-Limit" not in response.headers


async def test_zero_limit_nulls_the_field_with_no_backend_call() -> None:
    limits = LimitsSettings(plans=PLAN, fields={"Query.user": FieldLimit(limit=0, window="1h")})
    calls: list[str] = []
    async with client_for(limits, calls) as client:
        response = await ask(client, "{ user(id: 1) { name } }")
    assert response.status_code == 429
    body = response.json()
    assert body["data"] == {"user": None}
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert body["errors"][0]["extensions"]["window"] == "1h"
    assert calls == []
    assert int(response.headers["Retry-After"]) >= 1


async def test_configured_field_must_exist() -> None:
    with pytest.raises(ValueError, match=r"Query\.nope"):
        create_app(
            Settings(
                graphql={"graphiql": False},  # type: ignore[arg-type]
                limits=LimitsSettings(fields={"Query.nope": FieldLimit(limit=1)}),
            )
        )


async def test_sdl_shows_the_directives() -> None:
    app = create_app(Settings(graphql={"graphiql": False}))  # type: ignore[arg-type]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            response = await ask(client, '{ __type(name: "RateLimitPer") { enumValues { name } } }')
    names = [value["name"] for value in response.json()["data"]["__type"]["enumValues"]]
    assert names == ["CLIENT", "IP", "GLOBAL"]
    from schema import build_schema

    sdl = build_schema().as_str()
    [create_order] = [line for line in sdl.splitlines() if "createOrder(input:" in line]
    assert '@rateLimit(limit: 10, window: "1m", per: CLIENT) @cost(weight: 10)' in create_order
    assert "directive @cost(weight: Int!) on FIELD_DEFINITION" in sdl
    assert "orders: [Order!]! @listSize(assumedSize: 5)" in sdl
