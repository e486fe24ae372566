"""Durable usage for billing: SQLite by default, Redis when the store is shared.

Usage::

    store = open_usage_store(settings.metering.usage_db, redis_url=None)  # SQLite file
    store = open_usage_store(path, redis_url="redis://127.0.0.1:6379/0")  # shared Redis
"""

from __future__ import annotations

from pathlib import Path

from stores.usage.base import BucketKey, Counters, UsageRow, UsageStore, hour_of, month_of
from stores.usage.redis import RedisUsageStore
from stores.usage.sqlite import SqliteUsageStore

__all__ = [
    "BucketKey",
    "Counters",
    "RedisUsageStore",
    "SqliteUsageStore",
    "UsageRow",
    "UsageStore",
    "hour_of",
    "month_of",
    "open_usage_store",
]


def open_usage_store(
    usage_db: Path,
    *,
    redis_url: str | None = None,
    timeout: float = 2.0,
    prefix: str = "switchyard:",
) -> UsageStore:
    """Redis when ``redis_url`` names one (``store = "redis://..."``), else the SQLite file.
    ``prefix`` starts every Redis key (``[limits] key_prefix``)."""
    if redis_url and redis_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisUsageStore.from_url(redis_url, timeout=timeout, prefix=prefix)
    return SqliteUsageStore(usage_db, timeout=max(timeout, 1.0))
