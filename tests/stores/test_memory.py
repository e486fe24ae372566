"""The in-memory counter store: fixed windows, refusal without counting, counters."""

from __future__ import annotations

import asyncio

from stores import CounterStore, Hit, build_store
from stores.memory import SWEEP_EVERY, MemoryCounterStore


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_exactly_limit_units_pass_and_refusals_are_not_counted() -> None:
    clock = Clock(1_000_040.0)  # 20 s into a minute window
    store = MemoryCounterStore(clock)
    results = [await store.hit("k", 1, 3, 60) for _ in range(5)]
    assert [r.allowed for r in results] == [True, True, True, False, False]
    assert [r.remaining for r in results] == [2, 1, 0, 0, 0]
    assert results[3].retry_after == 40.0
    assert results[0].reset_at == 1_000_080.0
    # a big hit is refused but a small one that fits still passes
    assert (await store.hit("c", 8, 10, 60)).allowed
    assert not (await store.hit("c", 5, 10, 60)).allowed
    assert (await store.hit("c", 2, 10, 60)).allowed


async def test_window_rolls_over() -> None:
    clock = Clock(1_000_040.0)
    store = MemoryCounterStore(clock)
    assert (await store.hit("k", 2, 2, 60)).allowed
    assert not (await store.hit("k", 1, 2, 60)).allowed
    clock.now = 1_000_080.5
    result = await store.hit("k", 1, 2, 60)
    assert result.allowed and result.remaining == 1


async def test_peek_does_not_count_and_keys_are_independent() -> None:
    store = MemoryCounterStore()
    await store.hit("a", 1, 2, 60)
    assert (await store.peek("a", 2, 60)).remaining == 1
    assert (await store.peek("a", 2, 60)).remaining == 1
    assert (await store.hit("b", 2, 2, 60)).allowed


async def test_concurrent_hits_are_exact() -> None:
    store = MemoryCounterStore()
    results = await asyncio.gather(*(store.hit("k", 1, 50, 60) for _ in range(200)))
    assert sum(r.allowed for r in results) == 50


async def test_incr_counts_until_expiry() -> None:
    clock = Clock(100.0)
    store = MemoryCounterStore(clock)
    assert await store.incr("q", 5, 10) == 5
    assert await store.incr("q", 5, 10) == 10
    clock.now = 111.0
    assert await store.incr("q", 1, 10) == 1


def test_build_store_picks_the_backend() -> None:
    assert isinstance(build_store("memory://"), MemoryCounterStore)
    assert isinstance(build_store("memory://"), CounterStore)


async def test_hit_many_required_is_all_or_nothing() -> None:
    store = MemoryCounterStore()
    ops, budget, field = Hit("ops", 1, 5, 60), Hit("budget", 8, 10, 60), Hit("f", 1, 1, 60)
    spent, fields = await store.hit_many([ops, budget], [field, field])
    assert [r.allowed for r in spent] == [True, True]
    assert [r.allowed for r in fields] == [True, False]  # the same key twice counts twice
    spent, fields = await store.hit_many([ops, budget], [])  # budget 8 + 8 > 10
    assert [r.allowed for r in spent] == [False, False]
    assert (await store.peek("ops", 5, 60)).remaining == 4  # nothing was counted


async def test_expired_windows_are_swept() -> None:
    clock = Clock(1_000_040.0)
    store = MemoryCounterStore(clock)
    for index in range(SWEEP_EVERY - 1):
        await store.hit_many([], [Hit(f"k{index}", 1, 5, 60)])
    clock.now += 120  # every window so far has ended
    await store.hit_many([], [Hit("fresh", 1, 5, 60)])
    assert len(store._windows) == 1
