"""The meter: spend includes unflushed usage, failed flushes keep usage, events claim once."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from metering import Meter
from notifications import Event, EventType
from settings import MeteringSettings, PlanSettings
from stores.usage import BucketKey, Counters, SqliteUsageStore

PLANS = {"pro": PlanSettings(monthly_quota_points=10, price_per_1000_points=1.0)}


def _record(meter: Meter, *, cost: int = 1, errors: Counter[str] | None = None) -> None:
    meter.record(
        client="acme",
        plan="pro",
        operation="Q",
        cost=cost,
        fields=Counter({"Query.user": 1}),
        errors=errors or Counter(),
        backend_calls=1,
        latency_ms=1.0,
    )


class FlakyStore(SqliteUsageStore):
    fail = True

    async def write(self, batch: dict[BucketKey, Counters]) -> None:
        if self.fail:
            raise ConnectionError("store down")
        await super().write(batch)


async def test_failed_flush_keeps_usage_for_the_next_one(tmp_path: Path) -> None:
    store = FlakyStore(tmp_path / "usage.db")
    meter = Meter(store, MeteringSettings(), PLANS)
    for _ in range(3):
        _record(meter, cost=2)
    await meter.flush()
    assert meter.stats.flush_errors == 1
    assert meter.spend("acme") == 6  # still counted while pending
    store.fail = False
    await meter.flush()
    rows = await store.read("2000-01-01T00", "2999-12-31T23", None)
    assert rows[0].counters.requests == 3
    assert meter.spend("acme") == 6  # now from the (cached) store side
    await store.aclose()


async def test_threshold_and_rate_limited_events_are_sent_once(tmp_path: Path) -> None:
    store = SqliteUsageStore(tmp_path / "usage.db")
    sent: list[Event] = []
    settings = MeteringSettings(rate_limited_threshold=3)
    meter = Meter(store, settings, PLANS, notify=sent.append)
    for _ in range(12):
        _record(meter, errors=Counter(RATE_LIMITED=1))
    await meter.flush()
    # A second meter (another process) sharing the store sees the same crossings.
    other = Meter(store, settings, PLANS, notify=sent.append)
    for _ in range(12):
        _record(other, errors=Counter(RATE_LIMITED=1))
    await other.flush()
    kinds = [(e.type, e.data.get("threshold")) for e in sent]
    assert kinds.count((EventType.QUOTA_THRESHOLD, 0.8)) == 1
    assert kinds.count((EventType.QUOTA_THRESHOLD, 1.0)) == 1
    assert kinds.count((EventType.CLIENT_RATE_LIMITED, None)) == 1
    await store.aclose()


class SlowStore(SqliteUsageStore):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def write(self, batch: dict[BucketKey, Counters]) -> None:
        self.entered.set()
        await self.release.wait()
        await super().write(batch)


async def test_spend_counts_usage_while_it_is_being_written(tmp_path: Path) -> None:
    store = SlowStore(tmp_path / "usage.db")
    meter = Meter(store, MeteringSettings(), PLANS)
    _record(meter, cost=4)
    flushing = asyncio.create_task(meter.flush())
    await store.entered.wait()
    assert meter.spend("acme") == 4  # neither pending nor cached: in flight
    _record(meter, cost=1)
    assert meter.spend("acme") == 5
    store.release.set()
    await flushing
    assert meter.spend("acme") == 5
    await store.aclose()


def test_remaining_quota_follows_the_clients_plan_and_spend(tmp_path: Path) -> None:
    meter = Meter(SqliteUsageStore(tmp_path / "usage.db"), MeteringSettings(), PLANS)
    assert meter.remaining("acme") is None  # never seen by this process
    _record(meter, cost=3)
    assert meter.remaining("acme") == 7  # pro: 10 points a month
    _record(meter, cost=30)
    assert meter.remaining("acme") == 0  # never negative
