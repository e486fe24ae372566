"""One cost walk per operation, shared by the quota guard, rate limits and metering; an
operation refused over quota spends no rate-limit counter. In-process app with metering
on (SQLite in tmp_path) and backends replaced by httpx.MockTransport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway import create_app
from schema.cost import Analysis, CostModel
from settings import LimitsSettings, PlanSettings, Settings
from settings.limits import FieldLimit, RateRule

CLIENT = "ip:10.0.0.9"  # the anonymous principal of the ASGI client below (plan "free")
QUERY = "{ user(id: 1) { name } }"  # cost 1


def users_backend(calls: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, json={"id": 1, "name": "u", "email": "u@x"})

    return httpx.MockTransport(handle)


def limits(quota: int) -> LimitsSettings:
    plan = PlanSettings(
        operations={"all": RateRule(limit=100, window="1h")},
        cost_budget=100,
        budget_window="1h",
        monthly_quota_points=quota,
    )
    return LimitsSettings(
        plans={"free": plan}, fields={"Query.user": FieldLimit(limit=100, window="1h")}
    )


@asynccontextmanager
async def gateway(
    tmp_path: Path, quota: int, calls: list[str]
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    settings = Settings.model_validate(
        {
            "graphql": {"graphiql": False},
            "limits": limits(quota),
            "metering": {"usage_db": str(tmp_path / "usage.db")},
        }
    )
    app = create_app(settings, transport=users_backend(calls))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("10.0.0.9", 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield app, client


async def remaining(app: Any) -> dict[str, int]:
    """What is left of each rate-limit counter of CLIENT (peek spends nothing)."""
    store = app.state.counter_store
    prefix = app.state.settings.limits.key_prefix
    keys = {
        "operations": (f"{prefix}op:all:{CLIENT}", 100),
        "budget": (f"{prefix}budget:{CLIENT}", 100),
        "field": (f"{prefix}field:Query.user:{CLIENT}", 100),
    }
    return {
        name: (await store.peek(key, limit, 3600)).remaining for name, (key, limit) in keys.items()
    }


async def test_the_operation_is_costed_once_for_quota_limits_and_metering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[int] = []
    analyze = CostModel.analyze

    def counting(self: CostModel, *args: Any, **kwargs: Any) -> Analysis:
        found = analyze(self, *args, **kwargs)
        walks.append(found.cost)
        return found

    monkeypatch.setattr(CostModel, "analyze", counting)
    async with gateway(tmp_path, quota=1000, calls=[]) as (app, client):
        for n in range(1, 4):
            response = await client.post("/graphql", json={"query": QUERY})
            assert response.status_code == 200, response.text
            assert response.json()["extensions"]["cost"] == 1
            assert walks == [1] * n  # quota guard, rate limits and metering shared one walk
        assert app.state.metering.meter.spend(CLIENT) == 3  # metering charged that cost
        assert await remaining(app) == {"operations": 97, "budget": 97, "field": 97}


async def test_an_operation_refused_over_quota_spends_no_rate_limit(tmp_path: Path) -> None:
    calls: list[str] = []
    async with gateway(tmp_path, quota=2, calls=calls) as (app, client):
        for _ in range(2):
            assert (await client.post("/graphql", json={"query": QUERY})).status_code == 200
        before = await remaining(app)
        assert before == {"operations": 98, "budget": 98, "field": 98}
        for _ in range(3):
            refused = await client.post("/graphql", json={"query": QUERY})
            assert refused.status_code == 429
            assert refused.json()["errors"][0]["extensions"]["code"] == "QUOTA_EXCEEDED"
            assert "RateLimit-Remaining" not in refused.headers
        assert await remaining(app) == before
        assert len(calls) == 2  # the refused operations reached no backend
