"""Rate limits end to end: a real gateway on a socket, the real shop, memory and Redis.

Each test builds its own gateway (fresh counters) and asserts what a client sees: nulls
with RATE_LIMITED, the RateLimit headers, 429s, and -- through the shop's /__stats --
that no backend call is made for a limited field.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from auth import generate_key, hash_key
from auth.api_keys import key_id
from gateway import create_app
from settings import AuthSettings, LimitsSettings, PlanSettings, ServiceSettings, Settings
from settings.limits import FieldLimit, RateRule
from tests.support.live_app import serve_app
from tests.support.processes import free_port
from tests.support.rate_windows import wait_for_fresh_window
from tests.support.redis_server import RedisServer
from tests.support.shop import ShopProcess

GENEROUS = PlanSettings(operations={"all": RateRule(limit=10_000, window="1h")})


def gateway_settings(shop: ShopProcess, **limits: object) -> Settings:
    limits.setdefault("plans", {"free": GENEROUS})
    return Settings.model_validate(
        {
            "graphql": {"graphiql": False},
            "services": {name: ServiceSettings(base_url=url) for name, url in shop.urls.items()},
            "limits": LimitsSettings.model_validate(limits),
        }
    )


@asynccontextmanager
async def gateway_client(settings: Settings) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    """The gateway on a real socket and an HTTP client for it."""
    with serve_app(create_app(settings)) as url:
        async with httpx.AsyncClient(timeout=10) as client:
            yield url, client


async def post(
    client: httpx.AsyncClient, url: str, query: str, **variables: object
) -> httpx.Response:
    return await client.post(f"{url}/graphql", json={"query": query, "variables": variables})


@pytest.fixture(params=["memory", "redis"])
def store_url(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return "memory://"
    url: str = request.getfixturevalue("redis_url")
    return url


async def test_limited_field_is_null_without_a_backend_call(
    shop: ShopProcess, store_url: str
) -> None:
    settings = gateway_settings(
        shop, store=store_url, fields={"Query.user": FieldLimit(limit=2, window="1m")}
    )
    wait_for_fresh_window()
    query = '{ user(id: 1) { name } products(ids: ["1"]) { name } }'
    async with gateway_client(settings) as (url, client):
        first = await post(client, url, query)
        second = await post(client, url, query)
        assert first.status_code == second.status_code == 200
        assert first.json()["data"]["user"]["name"]
        assert first.headers["RateLimit-Limit"] == "2"
        assert first.headers["RateLimit-Remaining"] == "1"
        assert 0 <= int(first.headers["RateLimit-Reset"]) <= 60
        assert "Retry-After" not in first.headers
        assert shop.stats("users")["requests"] == 2

        third = await post(client, url, query)
        body = third.json()
        assert third.status_code == 200  # products still resolved
        assert body["data"]["user"] is None
        assert body["data"]["products"][0]["name"]
        [error] = body["errors"]
        assert error["path"] == ["user"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["extensions"]["limit"] == 2
        assert error["extensions"]["window"] == "1m"
        assert 1 <= error["extensions"]["retryAfter"] <= 60
        assert third.headers["RateLimit-Remaining"] == "0"
        assert int(third.headers["Retry-After"]) == error["extensions"]["retryAfter"]
        assert shop.stats("users")["requests"] == 2  # no call for the limited field
        assert shop.stats("products")["requests"] == 3

        only_limited = await post(client, url, "{ user(id: 2) { name } }")
        assert only_limited.status_code == 429
        assert only_limited.json()["data"] == {"user": None}
        assert shop.stats("users")["requests"] == 2

        metrics = (await client.get(f"{url}/metrics")).text
        assert 'switchyard_rate_limited_total{scope="field"} 2.0' in metrics


async def test_aliases_each_count_against_the_field_limit(shop: ShopProcess) -> None:
    settings = gateway_settings(shop, fields={"Query.user": FieldLimit(limit=2, window="1m")})
    wait_for_fresh_window()
    async with gateway_client(settings) as (url, client):
        response = await post(
            client, url, "{ a: user(id: 1) { id } b: user(id: 2) { id } c: user(id: 3) { id } }"
        )
        data = response.json()["data"]
        assert [data["a"] is None, data["b"] is None, data["c"] is None].count(True) == 1
        assert response.status_code == 200  # two of three root fields resolved


async def test_create_order_directive_limits_mutations_per_client(shop: ShopProcess) -> None:
    """createOrder is @authenticated and @rateLimit(10, "1m", CLIENT): each API key
    (client) gets its own ten orders a minute."""
    keys = {client: generate_key() for client in ("acme", "globex")}
    entries = [
        {"id": key_id(key), "hash": hash_key(key), "client": client} for client, key in keys.items()
    ]
    settings = gateway_settings(shop).model_copy(
        update={"auth": AuthSettings.model_validate({"api_keys": entries})}
    )
    mutation = (
        "mutation($u: ID!) { createOrder(input: {userId: $u, items: [{productId: 1, quantity: 1}]})"
        " { id } }"
    )
    body = {"query": mutation, "variables": {"u": "977"}}
    wait_for_fresh_window()
    async with gateway_client(settings) as (url, client):
        acme = {"X-API-Key": keys["acme"]}
        responses = [
            await client.post(f"{url}/graphql", json=body, headers=acme) for _ in range(11)
        ]
        other = await client.post(
            f"{url}/graphql", json=body, headers={"X-API-Key": keys["globex"]}
        )
    assert [r.status_code for r in responses] == [200] * 10 + [429]
    assert all(r.json()["data"]["createOrder"]["id"] for r in responses[:10])
    refused = responses[10].json()
    assert refused["data"] is None  # createOrder is non-null: the null reaches the root
    assert refused["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert refused["errors"][0]["extensions"]["limit"] == 10
    assert other.status_code == 200 and other.json()["data"]["createOrder"]["id"]
    assert shop.stats("orders")["requests"] == 11  # the refused POST never left the gateway


async def test_cost_budget_refuses_before_execution(shop: ShopProcess) -> None:
    plan = PlanSettings(
        operations={"all": RateRule(limit=1000, window="1m")}, cost_budget=30, budget_window="1m"
    )
    settings = gateway_settings(shop, plans={"free": plan})
    wait_for_fresh_window()
    async with gateway_client(settings) as (url, client):
        answers = [await post(client, url, "{ users(limit: 10) { id } }") for _ in range(4)]
        cheap = await post(client, url, "{ __typename }")
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert all(a.json()["extensions"]["cost"] == 10 for a in answers)
    refused = answers[3].json()
    assert "data" not in refused or refused["data"] is None
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["limit"] == 30
    assert error["extensions"]["resetAt"] >= time.time()
    assert "costs 10" in error["message"]
    assert answers[3].headers["Retry-After"] == str(error["extensions"]["retryAfter"])
    assert shop.stats("users")["requests"] == 3  # the refused one never executed
    assert cheap.status_code == 200 and cheap.json()["extensions"]["cost"] == 0


async def test_plan_operation_limit(shop: ShopProcess) -> None:
    plan = PlanSettings(operations={"all": RateRule(limit=3, window="1m")})
    settings = gateway_settings(shop, plans={"free": plan})
    wait_for_fresh_window()
    async with gateway_client(settings) as (url, client):
        statuses = [(await post(client, url, "{ __typename }")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize("fail_open", [True, False])
async def test_unreachable_redis_is_bounded_and_never_a_500(
    shop: ShopProcess, fail_open: bool
) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings = gateway_settings(
        shop, store=dead, fail_open=fail_open, store_timeout_seconds=0.2, store_retry_seconds=0
    )
    async with gateway_client(settings) as (url, client):
        started = time.monotonic()
        response = await post(client, url, "{ user(id: 1) { name } }")
        elapsed = time.monotonic() - started
    assert elapsed < 2.0
    if fail_open:
        assert response.status_code == 200
        assert response.json()["data"]["user"]["name"]
    else:
        assert response.status_code == 503
        assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITER_UNAVAILABLE"
        assert shop.stats("users")["requests"] == 0


@pytest.mark.parametrize("fail_open", [True, False])
async def test_slow_redis_is_bounded_and_never_a_500(shop: ShopProcess, fail_open: bool) -> None:
    with RedisServer() as server:
        settings = gateway_settings(
            shop, store=server.url, fail_open=fail_open, store_timeout_seconds=0.2
        )
        async with gateway_client(settings) as (url, client):
            healthy = await post(client, url, "{ user(id: 1) { name } }")
            assert healthy.status_code == 200
            server.pause()
            try:
                started = time.monotonic()
                slow = await post(client, url, "{ user(id: 1) { name } }")
                elapsed = time.monotonic() - started
            finally:
                server.resume()
    assert elapsed < 2.0
    if fail_open:
        assert slow.status_code == 200 and slow.json()["data"]["user"]["name"]
    else:
        assert slow.status_code == 503
        assert slow.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITER_UNAVAILABLE"
