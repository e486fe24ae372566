"""The limiter's decisions, straight from RateLimiter.check (no HTTP)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphql import parse

from auth import Principal, anonymous
from errors import RateLimited, RateLimiterUnavailable
from schema import build_schema
from schema.rate_limits import Decision, RateLimiter
from settings import LimitsSettings, PlanSettings
from settings.limits import FieldLimit, RateRule
from stores import CounterStore, GuardedStore, Hit, RateLimitResult, StoreUnavailable
from stores.memory import MemoryCounterStore

PLAN = {"free": PlanSettings(operations={"all": RateRule(limit=1000, window="1h")})}


def limiter(store: CounterStore | None = None, **limits: Any) -> RateLimiter:
    limits.setdefault("plans", PLAN)
    return RateLimiter(
        build_schema()._schema, LimitsSettings(**limits), store or MemoryCounterStore()
    )


async def check(rl: RateLimiter, query: str, principal: Principal | None = None) -> Decision:
    kind = "mutation" if query.startswith("mutation") else "query"
    return await rl.check(
        parse(query), None, {}, kind, principal or anonymous("10.1.1.1"), "10.1.1.1"
    )


async def test_nested_field_occurrences_are_limited_by_path() -> None:
    rl = limiter(fields={"OrderItem.product": FieldLimit(limit=1, window="1m")})
    items = "items { product { name } }"
    query = f"{{ a: order(id: 1) {{ {items} }} b: order(id: 2) {{ {items} }} }}"
    decision = await check(rl, query)
    assert list(decision.limited_fields) in (
        [("a", "items", "product")],
        [("b", "items", "product")],
    )
    assert not decision.all_roots_limited and decision.status is None


async def test_scopes_client_ip_and_global() -> None:
    rl = limiter(
        fields={
            "Query.user": FieldLimit(limit=1, window="1m", per="CLIENT"),
            "Query.product": FieldLimit(limit=1, window="1m", per="GLOBAL"),
        }
    )
    acme = Principal(client_id="acme")
    globex = Principal(client_id="globex")
    assert not (await check(rl, "{ user(id: 1) { id } }", acme)).limited_fields
    assert not (await check(rl, "{ user(id: 1) { id } }", globex)).limited_fields  # own counter
    assert (await check(rl, "{ user(id: 1) { id } }", acme)).limited_fields
    assert not (await check(rl, "{ product(id: 1) { id } }", acme)).limited_fields
    shared = await check(rl, "{ product(id: 1) { id } }", globex)  # one counter for all
    assert isinstance(shared.limited_fields[("product",)], RateLimited)
    assert shared.all_roots_limited and shared.status == 429


async def test_plans_by_principal_and_kind() -> None:
    plans = {
        "free": PlanSettings(operations={"mutation": RateRule(limit=0, window="1m")}),
        "pro": PlanSettings(operations={"all": RateRule(limit=5, window="1m")}),
    }
    rl = limiter(plans=plans)
    free = Principal(client_id="a", plan="free")
    refused = await check(rl, "mutation { __typename }", free)
    assert isinstance(refused.refused, RateLimited) and refused.status == 429
    assert (await check(rl, "{ __typename }", free)).refused is None
    unknown_plan = Principal(client_id="b", plan="platinum")  # falls back to default "free"
    assert (await check(rl, "mutation { __typename }", unknown_plan)).refused is not None
    pro = Principal(client_id="c", plan="pro")
    decision = await check(rl, "mutation { __typename }", pro)
    assert decision.refused is None
    assert decision.headers["RateLimit-Limit"] == "5"
    assert decision.headers["RateLimit-Remaining"] == "4"


class DownStore:
    """Always unavailable: stands in for an unreachable Redis in unit tests."""

    async def hit(self, key: str, cost: int, limit: int, window_seconds: int) -> RateLimitResult:
        raise StoreUnavailable("down")

    async def peek(self, key: str, limit: int, window_seconds: int) -> RateLimitResult:
        raise StoreUnavailable("down")

    async def hit_many(
        self, required: Sequence[Hit], optional: Sequence[Hit] = ()
    ) -> tuple[list[RateLimitResult], list[RateLimitResult]]:
        raise StoreUnavailable("down")

    async def incr(self, key: str, amount: int, ttl_seconds: int) -> int:
        raise StoreUnavailable("down")

    async def ping(self) -> bool:
        return False

    async def aclose(self) -> None:
        return None


async def test_store_down_fail_open_allows_and_fail_closed_refuses() -> None:
    opened = GuardedStore(DownStore(), fail_open=True)
    decision = await check(limiter(opened), "{ user(id: 1) { id } }")
    assert decision.refused is None and decision.status is None
    assert "RateLimit-Limit" not in decision.headers  # nothing was really counted
    assert opened.failures == 1
    closed = GuardedStore(DownStore(), fail_open=False)
    decision = await check(limiter(closed), "{ user(id: 1) { id } }")
    assert isinstance(decision.refused, RateLimiterUnavailable)
    assert decision.status == 503
