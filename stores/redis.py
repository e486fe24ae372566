"""The Redis counter store: exact across processes and hosts.

Each hit is one atomic Lua script (no read-then-write from the client): it reads Redis's
own clock, so every gateway process agrees on the window, refuses without counting when
the hit would go over the limit, and keeps the counter in one hash key (Cluster-safe:
the script touches only the key it is given). Every call is bounded by
``timeout_seconds`` (connect, socket and an overall deadline) and redis-py's own retries
are off: a slow or dead Redis raises :class:`stores.StoreUnavailable` quickly, and
:class:`stores.GuardedStore` applies fail-open or fail-closed.

Usage::

    store = RedisCounterStore("redis://127.0.0.1:6379/0", timeout_seconds=0.2)
    await store.hit("rl:Query.user:ip:127.0.0.1", cost=1, limit=50, window_seconds=60)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from stores import RateLimitResult, StoreUnavailable

__all__ = ["RedisCounterStore"]

T = TypeVar("T")

# KEYS[1] = counter; ARGV = cost, limit, window seconds, peek (1 = do not count).
# Returns {allowed, used, milliseconds until the window ends}.
_HIT = """
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local start = tonumber(t[1]) - (tonumber(t[1]) % window)
local reset_ms = (start + window) * 1000 - now_ms
local state = redis.call('HMGET', KEYS[1], 's', 'c')
local used = 0
if state[1] and tonumber(state[1]) == start then used = tonumber(state[2]) end
if used + cost > limit then return {0, used, reset_ms} end
if ARGV[4] == '1' then return {1, used, reset_ms} end
used = used + cost
redis.call('HSET', KEYS[1], 's', start, 'c', used)
redis.call('PEXPIRE', KEYS[1], reset_ms + 1000)
return {1, used, reset_ms}
"""

# KEYS[1] = counter; ARGV = amount, ttl seconds. Returns the new value.
_INCR = """
local value = redis.call('INCRBY', KEYS[1], tonumber(ARGV[1]))
if value == tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
return value
"""


class RedisCounterStore:
    def __init__(self, url: str, *, timeout_seconds: float = 0.2, key_prefix: str = "") -> None:
        self.timeout_seconds = timeout_seconds
        self.key_prefix = key_prefix
        self._redis: Redis = Redis.from_url(
            url,
            socket_timeout=timeout_seconds,
            socket_connect_timeout=timeout_seconds,
            retry=Retry(NoBackoff(), 0),  # the guard decides what a failure means
            health_check_interval=0,
        )
        self._hit = self._redis.register_script(_HIT)
        self._incr = self._redis.register_script(_INCR)

    async def hit(self, key: str, cost: int, limit: int, window_seconds: int) -> RateLimitResult:
        return await self._run(key, cost, limit, window_seconds, peek=False)

    async def peek(self, key: str, limit: int, window_seconds: int) -> RateLimitResult:
        return await self._run(key, 1, limit, window_seconds, peek=True)

    async def incr(self, key: str, amount: int, ttl_seconds: int) -> int:
        value = await self._bounded(
            self._incr(keys=[self.key_prefix + key], args=[amount, ttl_seconds])
        )
        return int(value)

    async def ping(self) -> bool:
        try:
            return bool(await self._bounded(self._redis.ping()))
        except StoreUnavailable:
            return False

    async def aclose(self) -> None:
        await self._redis.aclose()

    async def _run(
        self, key: str, cost: int, limit: int, window_seconds: int, *, peek: bool
    ) -> RateLimitResult:
        reply: Any = await self._bounded(
            self._hit(
                keys=[self.key_prefix + key],
                args=[cost, limit, int(window_seconds), "1" if peek else "0"],
            )
        )
        allowed, used, reset_ms = int(reply[0]), int(reply[1]), int(reply[2])
        reset_in = max(0.0, reset_ms / 1000)
        remaining = max(0, limit - used)
        return RateLimitResult(
            bool(allowed), limit, remaining, time.time() + reset_in, 0.0 if allowed else reset_in
        )

    async def _bounded(self, call: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout(self.timeout_seconds):
                return await call
        except (TimeoutError, RedisError, OSError) as exc:
            raise StoreUnavailable(f"redis: {type(exc).__name__}: {exc}") from exc
