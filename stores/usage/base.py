"""The usage store contract: hourly buckets of counters per (client, operation).

Two backends implement it: :mod:`stores.usage.sqlite` (the embedded default, a WAL-mode
file that survives restarts) and :mod:`stores.usage.redis` (shared by several gateway
processes). Both also keep each client's monthly spend (for quotas) and one-shot
markers (for "send this notification once, whichever process sees it first").

Usage::

    store = open_usage_store(settings)             # see stores.usage
    await store.write({BucketKey("2026-12-04T16", "acme", "GetUser"): counters})
    rows = await store.read("2026-12-01T00", "2026-12-31T23", client="acme")
    if await store.claim("quota:0.8:acme:2026-12"):
        ...                                         # first and only time
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple, Protocol

__all__ = ["BucketKey", "Counters", "UsageRow", "UsageStore", "hour_of", "month_of"]


def hour_of(moment: datetime) -> str:
    """The bucket an instant falls in: ``YYYY-MM-DDTHH`` in UTC (sorts as text)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H")


def month_of(moment: datetime) -> str:
    """``YYYY-MM`` in UTC: quotas and spend are counted per calendar month."""
    return moment.astimezone(UTC).strftime("%Y-%m")


class BucketKey(NamedTuple):
    hour: str
    client: str
    operation: str


@dataclass(slots=True)
class Counters:
    """Everything metered for one bucket; ``add`` is additive, so buckets merge."""

    plan: str = "free"
    requests: int = 0
    cost: int = 0
    backend_calls: int = 0
    latency_ms: float = 0.0
    #: Successful resolutions per ``Type.field``.
    fields: Counter[str] = field(default_factory=Counter)
    #: Errors per ``extensions.code``.
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, other: Counters) -> None:
        self.plan = other.plan
        self.requests += other.requests
        self.cost += other.cost
        self.backend_calls += other.backend_calls
        self.latency_ms += other.latency_ms
        self.fields.update(other.fields)
        self.errors.update(other.errors)


class UsageRow(NamedTuple):
    key: BucketKey
    counters: Counters


class UsageStore(Protocol):
    """Durable usage; every method is bounded by the store's timeout."""

    async def write(self, batch: dict[BucketKey, Counters]) -> None:
        """Add ``batch`` to the stored buckets (and to each client's monthly spend)."""

    async def read(self, first_hour: str, last_hour: str, client: str | None) -> list[UsageRow]:
        """Buckets with ``first_hour <= hour <= last_hour``, optionally of one client."""

    async def month_spend(self, month: str) -> dict[str, int]:
        """Cost points spent per client in ``month`` (``YYYY-MM``)."""

    async def claim(self, marker: str) -> bool:
        """True exactly once per marker, across every process sharing the store."""

    async def aclose(self) -> None: ...
