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

from stores.base import CounterStore, Hit, RateLimitResult, StoreUnavailable, window_bounds
from stores.guarded import GuardedStore, build_store

__all__ = [
    "CounterStore",
    "GuardedStore",
    "Hit",
    "RateLimitResult",
    "StoreUnavailable",
    "build_store",
    "window_bounds",
]
