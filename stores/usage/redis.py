"""Usage in Redis: one store shared by every gateway process.

Each hourly bucket is a hash ``{prefix}ub:<hour>\\x1f<client>\\x1f<operation>`` whose
fields are incremented with ``HINCRBY`` (additive, so concurrent writers never lose a
count); ``{prefix}uh:<hour>`` indexes the buckets of an hour; ``{prefix}spend:<month>``
holds each client's cost points; markers are ``SET NX``. One flush is one pipeline.

Usage::

    store = RedisUsageStore.from_url("redis://127.0.0.1:6379/0")
    await store.write(batch)
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from redis.asyncio import Redis

from stores.usage.base import BucketKey, Counters, UsageRow

__all__ = ["RedisUsageStore"]

SEP = "\x1f"  # cannot appear in client ids or operation names we produce
MARKER_TTL_SECONDS = 40 * 24 * 3600  # markers are per month; keep them a little longer


class RedisUsageStore:
    def __init__(self, client: Redis, *, prefix: str = "switchyard:") -> None:
        self.redis = client
        self.prefix = prefix

    @classmethod
    def from_url(
        cls, url: str, *, timeout: float = 2.0, prefix: str = "switchyard:"
    ) -> RedisUsageStore:
        client = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, decode_responses=True
        )
        return cls(client, prefix=prefix)

    def _bucket(self, key: BucketKey) -> str:
        return f"{self.prefix}ub:{key.hour}{SEP}{key.client}{SEP}{key.operation}"

    async def write(self, batch: dict[BucketKey, Counters]) -> None:
        if not batch:
            return
        spend: Counter[tuple[str, str]] = Counter()
        pipe = self.redis.pipeline(transaction=False)
        for key, c in batch.items():
            bucket = self._bucket(key)
            pipe.sadd(f"{self.prefix}uh:{key.hour}", f"{key.client}{SEP}{key.operation}")
            pipe.hset(bucket, "plan", c.plan)
            pipe.hincrby(bucket, "requests", c.requests)
            pipe.hincrby(bucket, "cost", c.cost)
            pipe.hincrby(bucket, "backend_calls", c.backend_calls)
            pipe.hincrbyfloat(bucket, "latency_ms", c.latency_ms)
            for name, n in c.fields.items():
                pipe.hincrby(bucket, f"f:{name}", n)
            for name, n in c.errors.items():
                pipe.hincrby(bucket, f"e:{name}", n)
            spend[(key.hour[:7], key.client)] += c.cost
        for (month, client), cost in spend.items():
            pipe.hincrby(f"{self.prefix}spend:{month}", client, cost)
        await pipe.execute()

    async def read(self, first_hour: str, last_hour: str, client: str | None) -> list[UsageRow]:
        hours = _hours_between(first_hour, last_hour)
        pipe = self.redis.pipeline(transaction=False)
        for hour in hours:
            pipe.smembers(f"{self.prefix}uh:{hour}")
        keys: list[BucketKey] = []
        for hour, members in zip(hours, await pipe.execute(), strict=True):
            for member in sorted(members):
                cl, _, op = member.partition(SEP)
                if client is None or cl == client:
                    keys.append(BucketKey(hour, cl, op))
        pipe = self.redis.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(self._bucket(key))
        return [
            UsageRow(key, _counters(raw))
            for key, raw in zip(keys, await pipe.execute(), strict=True)
        ]

    async def month_spend(self, month: str) -> dict[str, int]:
        raw = await self.redis.hgetall(f"{self.prefix}spend:{month}")
        return {str(client): int(cost) for client, cost in raw.items()}

    async def claim(self, marker: str) -> bool:
        won = await self.redis.set(
            f"{self.prefix}marker:{marker}", "1", nx=True, ex=MARKER_TTL_SECONDS
        )
        return bool(won)

    async def aclose(self) -> None:
        await self.redis.aclose()


def _counters(raw: dict[str, str]) -> Counters:
    counters = Counters(
        plan=raw.get("plan", "free"),
        requests=int(raw.get("requests", 0)),
        cost=int(raw.get("cost", 0)),
        backend_calls=int(raw.get("backend_calls", 0)),
        latency_ms=float(raw.get("latency_ms", 0.0)),
    )
    for name, value in raw.items():
        if name.startswith("f:"):
            counters.fields[name[2:]] = int(value)
        elif name.startswith("e:"):
            counters.errors[name[2:]] = int(value)
    return counters


def _hours_between(first: str, last: str) -> list[str]:
    start = datetime.strptime(first, "%Y-%m-%dT%H")
    end = datetime.strptime(last, "%Y-%m-%dT%H")
    hours: list[str] = []
    while start <= end and len(hours) < 24 * 400:  # bounded: at most ~13 months per read
        hours.append(start.strftime("%Y-%m-%dT%H"))
        start += timedelta(hours=1)
    return hours
