"""Bounded failure for a remote counter store, and the factory that picks a backend.

:class:`GuardedStore` caps each call at the store's timeout and then either lets the
request through (fail-open: logged and counted) or raises :class:`StoreUnavailable`
(fail-closed); after a failure it skips the store for ``retry_seconds``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from stores.base import CounterStore, Hit, RateLimitResult, StoreUnavailable, window_bounds

__all__ = ["GuardedStore", "build_store"]

logger = logging.getLogger("switchyard.stores")


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
