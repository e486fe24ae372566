"""The in-memory counter store: exact within one process (the embedded default).

Every operation runs without awaiting between its read and its write, so on one event
loop it is atomic. Expired windows are swept when the table grows, keeping memory
bounded by the number of active keys.

Usage::

    store = MemoryCounterStore()
    await store.hit("budget:acme", cost=40, limit=1000, window_seconds=60)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from stores.base import Hit, RateLimitResult, window_bounds

__all__ = ["MemoryCounterStore"]

#: Sweep expired entries whenever the table has grown by this many keys.
SWEEP_EVERY = 10_000


class MemoryCounterStore:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        #: key -> (window end, used units)
        self._windows: dict[str, tuple[float, int]] = {}
        #: key -> (expires at, value)
        self._counters: dict[str, tuple[float, int]] = {}
        self._next_sweep = SWEEP_EVERY

    async def hit(self, key: str, cost: int, limit: int, window_seconds: int) -> RateLimitResult:
        now = self._clock()
        used, reset_at = self._used(key, now, window_seconds)
        if used + cost > limit:
            return RateLimitResult(False, limit, max(0, limit - used), reset_at, reset_at - now)
        used += cost
        self._remember(key, reset_at, used, now)
        return RateLimitResult(True, limit, max(0, limit - used), reset_at, 0.0)

    async def hit_many(
        self, required: Sequence[Hit], optional: Sequence[Hit] = ()
    ) -> tuple[list[RateLimitResult], list[RateLimitResult]]:
        # No await inside: atomic on the event loop, like the Redis script.
        now = self._clock()
        refused = False
        for hit in required:
            used, _ = self._used(hit.key, now, hit.window_seconds)
            refused = refused or used + hit.cost > hit.limit
        first = [self._spend(hit, now, count=not refused) for hit in required]
        rest = [self._spend(hit, now, count=not refused) for hit in optional]
        return first, rest

    def _spend(self, hit: Hit, now: float, *, count: bool) -> RateLimitResult:
        used, reset_at = self._used(hit.key, now, hit.window_seconds)
        if not count or used + hit.cost > hit.limit:
            remaining = max(0, hit.limit - used)
            return RateLimitResult(False, hit.limit, remaining, reset_at, reset_at - now)
        used += hit.cost
        self._remember(hit.key, reset_at, used, now)
        return RateLimitResult(True, hit.limit, max(0, hit.limit - used), reset_at, 0.0)

    async def peek(self, key: str, limit: int, window_seconds: int) -> RateLimitResult:
        now = self._clock()
        used, reset_at = self._used(key, now, window_seconds)
        allowed = used + 1 <= limit
        return RateLimitResult(
            allowed, limit, max(0, limit - used), reset_at, 0.0 if allowed else reset_at - now
        )

    async def incr(self, key: str, amount: int, ttl_seconds: int) -> int:
        now = self._clock()
        expires, value = self._counters.get(key, (0.0, 0))
        if expires <= now:
            expires, value = now + ttl_seconds, 0
        value += amount
        self._counters[key] = (expires, value)
        return value

    async def ping(self) -> bool:
        return True

    async def aclose(self) -> None:
        self._windows.clear()
        self._counters.clear()

    def _used(self, key: str, now: float, window_seconds: int) -> tuple[int, float]:
        _, reset_at = window_bounds(now, window_seconds)
        entry = self._windows.get(key)
        if entry is None or entry[0] != reset_at:
            return 0, reset_at
        return entry[1], reset_at

    def _remember(self, key: str, reset_at: float, used: int, now: float) -> None:
        self._windows[key] = (reset_at, used)
        if len(self._windows) >= self._next_sweep:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
        self._counters = {k: v for k, v in self._counters.items() if v[0] > now}
        self._next_sweep = len(self._windows) + SWEEP_EVERY
