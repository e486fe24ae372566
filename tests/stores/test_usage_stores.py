"""Both usage stores: additive writes, range reads, monthly spend, one-shot markers."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from stores.usage import BucketKey, Counters, RedisUsageStore, SqliteUsageStore, UsageStore


@pytest.fixture(params=["sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[UsageStore]:
    built: UsageStore
    if request.param == "sqlite":
        built = SqliteUsageStore(tmp_path / "usage.db")
    else:
        built = RedisUsageStore.from_url(request.getfixturevalue("redis_url"))
    yield built
    await built.aclose()


def _counters(requests: int, cost: int, **fields: int) -> Counters:
    return Counters(
        "pro", requests, cost, requests, 1.5 * requests, Counter(fields), Counter(RATE_LIMITED=1)
    )


async def test_writes_add_up_and_reads_filter_by_hour_and_client(store: UsageStore) -> None:
    first = BucketKey("2026-12-04T16", "acme", "GetUser")
    await store.write({first: _counters(2, 6, **{"Query.user": 2})})
    await store.write(
        {
            first: _counters(3, 9, **{"Query.user": 3, "User.name": 1}),
            BucketKey("2026-12-04T17", "other", "Q"): _counters(1, 1),
            BucketKey("2026-11-30T23", "acme", "GetUser"): _counters(5, 5),
        }
    )
    rows = await store.read("2026-12-01T00", "2026-12-31T23", "acme")
    assert [row.key for row in rows] == [first]
    counters = rows[0].counters
    assert (counters.requests, counters.cost, counters.backend_calls) == (5, 15, 5)
    assert counters.fields == {"Query.user": 5, "User.name": 1}
    assert counters.errors == {"RATE_LIMITED": 2}
    assert counters.latency_ms == pytest.approx(7.5)
    assert len(await store.read("2026-12-01T00", "2026-12-31T23", None)) == 2
    assert await store.month_spend("2026-12") == {"acme": 15, "other": 1}
    assert await store.month_spend("2026-11") == {"acme": 5}


async def test_a_marker_is_claimed_once(store: UsageStore) -> None:
    assert await store.claim("quota:0.8:acme:2026-12") is True
    assert await store.claim("quota:0.8:acme:2026-12") is False
    assert await store.claim("quota:1:acme:2026-12") is True


async def test_sqlite_usage_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "usage.db"
    first = SqliteUsageStore(path)
    await first.write({BucketKey("2026-12-04T16", "acme", "Q"): _counters(4, 4)})
    await first.aclose()
    again = SqliteUsageStore(path)
    rows = await again.read("2026-12-04T00", "2026-12-04T23", None)
    await again.aclose()
    assert rows[0].counters.requests == 4


async def test_sqlite_reading_before_any_usage_creates_no_file(tmp_path: Path) -> None:
    store = SqliteUsageStore(tmp_path / "nested" / "usage.db")
    assert await store.read("2026-12-01T00", "2026-12-31T23", None) == []
    assert await store.month_spend("2026-12") == {}
    await store.aclose()
    assert not (tmp_path / "nested").exists()
