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
from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from stores.base import Hit, RateLimitResult, StoreUnavailable

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

# KEYS = counters; ARGV = number of required counters, then cost, limit, window per key.
# The required counters are all-or-nothing; the others count only if those passed and
# they fit. Each key is re-read before it is written, so a key named twice counts twice.
# Returns {allowed, used, milliseconds until the window ends} per key.
_HIT_MANY = """
local t = redis.call('TIME')
local sec = tonumber(t[1])
local now_ms = sec * 1000 + math.floor(tonumber(t[2]) / 1000)
local required = tonumber(ARGV[1])
local function state(i)
  local cost = tonumber(ARGV[3 * i - 1])
  local limit = tonumber(ARGV[3 * i])
  local window = tonumber(ARGV[3 * i + 1])
  local start = sec - (sec % window)
  local s = redis.call('HMGET', KEYS[i], 's', 'c')
  local used = 0
  if s[1] and tonumber(s[1]) == start then used = tonumber(s[2]) end
  return cost, limit, start, used, (start + window) * 1000 - now_ms
end
local refused = false
for i = 1, required do
  local cost, limit, start, used = state(i)
  if used + cost > limit then refused = true end
end
local out = {}
for i = 1, #KEYS do
  local cost, limit, start, used, reset_ms = state(i)
  local allowed = 0
  if (not refused) and used + cost <= limit then
    allowed = 1
    used = used + cost
    redis.call('HSET', KEYS[i], 's', start, 'c', used)
    redis.call('PEXPIRE', KEYS[i], reset_ms + 1000)
  end
  out[i] = {allowed, used, reset_ms}
end
return out
"""

# KEYS[1] = counter; ARGV = amount, ttl seconds. Returns the new value.
_INCR = """
local value = redis.call('INCRBY', KEYS[1], tonumber(ARGV[1]))
if value == tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
return value
"""


def _result(limit: int, row: Any, now: float) -> RateLimitResult:
    allowed, used, reset_ms = int(row[0]), int(row[1]), int(row[2])
    reset_in = max(0.0, reset_ms / 1000)
    return RateLimitResult(
        bool(allowed), limit, max(0, limit - used), now + reset_in, 0.0 if allowed else reset_in
    )


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
        self._hit_many = self._redis.register_script(_HIT_MANY)

    async def hit(self, key: str, cost: int, limit: int, window_seconds: int) -> RateLimitResult:
        return await self._run(key, cost, limit, window_seconds, peek=False)

    async def hit_many(
        self, required: Sequence[Hit], optional: Sequence[Hit] = ()
    ) -> tuple[list[RateLimitResult], list[RateLimitResult]]:
        hits = [*required, *optional]
        if not hits:
            return [], []
        args: list[int] = [len(required)]
        for hit in hits:
            args += [hit.cost, hit.limit, int(hit.window_seconds)]
        keys = [self.key_prefix + hit.key for hit in hits]
        reply: Any = await self._bounded(self._hit_many(keys=keys, args=args))
        now = time.time()
        results = [_result(hit.limit, row, now) for hit, row in zip(hits, reply, strict=True)]
        return results[: len(required)], results[len(required) :]

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
        return _result(limit, reply, time.time())

    async def _bounded(self, call: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout(self.timeout_seconds):
                return await call
        except (TimeoutError, RedisError, OSError) as exc:
            raise StoreUnavailable(f"redis: {type(exc).__name__}: {exc}") from exc
