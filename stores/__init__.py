"""Counters shared by every request (rate limits, cost budgets, quotas): one interface,
two backends. Stores know nothing of GraphQL or HTTP.

- ``memory://`` (the default): :class:`MemoryCounterStore`, exact within one process.
- ``redis://host:port/db``: :class:`RedisCounterStore`, exact across processes and hosts
  (one atomic Lua script per hit, using Redis's clock), wrapped in :class:`GuardedStore`
  so that a slow or unreachable Redis costs at most ``timeout`` seconds and either lets
  the request through (fail-open: logged and counted) or raises :class:`StoreUnavailable`
  (fail-closed).

Counting is a fixed window aligned to the epoch (a 60 s window resets at every full
minute), so every process agrees on when a window ends. A hit that would take a counter
over its limit is refused *without* being counted: exactly ``limit`` units get through.

Usage::

    store = build_store("redis://127.0.0.1:6379/0", timeout_seconds=0.2, fail_open=True)
    result = await store.hit("rl:Mutation.createOrder:acme", cost=1, limit=10, window_seconds=60)
    if not result.allowed:
        print("retry in", result.retry_after, "s")
    await store.aclose()
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = [
    "CounterStore",
    "GuardedStore",
    "Hit",
    "RateLimitResult",
    "StoreUnavailable",
    "build_store",
]

logger = logging.getLogger("switchyard.stores")


class StoreUnavailable(Exception):
    """The counter store did not answer in time or could not be reached."""


@dataclass(frozen=True, slots=True)
class RateLimitResult:
    """The outcome of one :meth:`CounterStore.hit`."""

    allowed: bool
    #: The limit the hit was checked against.
    limit: int
    #: Units left in the current window after this hit (never negative).
    remaining: int
    #: When the current window ends (epoch seconds).
    reset_at: float
    #: Seconds until a refused hit may succeed; 0 when allowed.
    retry_after: float
    #: True when the store was unavailable and the hit was let through (fail-open).
    degraded: bool = False


@dataclass(frozen=True, slots=True)
class Hit:
    """One counter to spend in :meth:`CounterStore.hit_many`."""

    key: str
    cost: int
    limit: int
    window_seconds: int


@runtime_checkable
class CounterStore(Protocol):
    """What rate limits, budgets and quotas need from a store."""

    async def hit(self, key: str, cost: int, limit: int, window_seconds: int) -> RateLimitResult:
        """Atomically add ``cost`` to ``key``'s counter for the current window unless that
        would exceed ``limit``; a refused hit is not counted."""
        ...

    async def hit_many(
        self, required: Sequence[Hit], optional: Sequence[Hit] = ()
    ) -> tuple[list[RateLimitResult], list[RateLimitResult]]:
        """Several counters in one atomic step (one Redis round trip): the ``required`` hits
        are all-or-nothing (one over its limit: none is counted, and no ``optional`` hit
        either); each ``optional`` hit is then counted if it fits on its own."""
        ...

    async def peek(self, key: str, limit: int, window_seconds: int) -> RateLimitResult:
        """The counter's state without changing it (``allowed``: would a hit of 1 pass)."""
        ...

    async def incr(self, key: str, amount: int, ttl_seconds: int) -> int:
        """Atomically add ``amount`` to a plain counter (kept ``ttl_seconds`` after its
        first increment); returns the new value. For quotas and other tallies."""
        ...

    async def ping(self) -> bool:
        """True when the store answers."""
        ...

    async def aclose(self) -> None: ...


def window_bounds(now: float, window_seconds: int) -> tuple[float, float]:
    """The start and end of the fixed window holding ``now``."""
    start = now - (now % window_seconds)
    return start, start + window_seconds


class GuardedStore:
    """Applies the failure policy around a store that may become unavailable.

    Fail-open lets hits through (``degraded=True``), logs at most once per
    ``retry_seconds`` and counts ``failures``; fail-closed raises :class:`StoreUnavailable`.
    After a failure the store is not asked again for ``retry_seconds``, so a dead Redis
    does not add its timeout to every request.
    """

    def __init__(self, inner: CounterStore, *, fail_open: bool, retry_seconds: float = 1.0) -> None:
        self.inner = inner
        self.fail_open = fail_open
        self.retry_seconds = retry_seconds
        #: Hits answered without the store (fail-open) or refused because of it.
        self.failures = 0
        self._down_until = 0.0

    async def hit(self, key: str, cost: int, limit: int, window_seconds: int) -> RateLimitResult:
        try:
            self._check_down()
            return await self.inner.hit(key, cost, limit, window_seconds)
        except StoreUnavailable as exc:
            return self._failed(exc, limit, window_seconds)

    async def hit_many(
        self, required: Sequence[Hit], optional: Sequence[Hit] = ()
    ) -> tuple[list[RateLimitResult], list[RateLimitResult]]:
        try:
            self._check_down()
            return await self.inner.hit_many(required, optional)
        except StoreUnavailable as exc:
            self._failed(exc, 0, 1)  # counts, marks down, raises when failing closed
            return (
                [self._degraded(h.limit, h.window_seconds) for h in required],
                [self._degraded(h.limit, h.window_seconds) for h in optional],
            )

    async def peek(self, key: str, limit: int, window_seconds: int) -> RateLimitResult:
        try:
            self._check_down()
            return await self.inner.peek(key, limit, window_seconds)
        except StoreUnavailable as exc:
            return self._failed(exc, limit, window_seconds)

    async def incr(self, key: str, amount: int, ttl_seconds: int) -> int:
        try:
            self._check_down()
            return await self.inner.incr(key, amount, ttl_seconds)
        except StoreUnavailable:
            self._mark_down()
            raise

    async def ping(self) -> bool:
        return await self.inner.ping()

    async def aclose(self) -> None:
        await self.inner.aclose()

    def _check_down(self) -> None:
        if time.monotonic() < self._down_until:
            raise StoreUnavailable("counter store marked unavailable after a recent failure")

    def _mark_down(self) -> None:
        now = time.monotonic()
        if now >= self._down_until:
            logger.warning(
                "counter store unavailable; %s for %.1f s",
                "allowing requests (fail-open)" if self.fail_open else "refusing requests",
                self.retry_seconds,
            )
            self._down_until = now + self.retry_seconds

    def _failed(self, exc: StoreUnavailable, limit: int, window_seconds: int) -> RateLimitResult:
        self.failures += 1
        self._mark_down()
        if not self.fail_open:
            raise exc
        return self._degraded(limit, window_seconds)

    def _degraded(self, limit: int, window_seconds: int) -> RateLimitResult:
        _, reset_at = window_bounds(time.time(), window_seconds)
        return RateLimitResult(True, limit, limit, reset_at, 0.0, degraded=True)


def build_store(
    url: str, *, timeout_seconds: float = 0.2, fail_open: bool = True, retry_seconds: float = 1.0
) -> CounterStore:
    """The store a URL names: ``memory://`` or ``redis://host:port/db`` (``rediss://`` too)."""
    if url.startswith("memory://"):
        from stores.memory import MemoryCounterStore

        return MemoryCounterStore()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from stores.redis import RedisCounterStore

        inner = RedisCounterStore(url, timeout_seconds=timeout_seconds)
        return GuardedStore(inner, fail_open=fail_open, retry_seconds=retry_seconds)
    raise ValueError(f"unknown counter store {url!r}: use memory:// or redis://host:port/db")
