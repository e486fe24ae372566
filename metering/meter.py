"""The meter: usage recorded off the request path, flushed in batches, quotas kept cheap.

``record`` is synchronous and does no I/O: it adds the request's counters to an
in-memory bucket (hour, client, operation). A background task writes pending buckets to
the usage store every ``flush_interval_seconds`` and re-reads the month's spend per
client; ``spend(client)`` is that cached spend plus what this process has not flushed
yet, so a quota check costs a dict lookup. ``stop`` (lifespan shutdown, SIGTERM under
uvicorn) flushes what is pending before the process exits.

Threshold events (quota 80 % / 100 %, a client repeatedly rate limited) are claimed in
the store (``claim`` is atomic there), so each is sent once per client and period even
when several processes see the crossing.

Usage::

    meter = Meter(store, settings.metering, plans, notify=sink.publish)
    await meter.start()
    meter.record(client="acme", plan="pro", operation="GetUser", cost=3, ...)
    meter.spend("acme")        # points spent this month, including unflushed ones
    await meter.stop()         # flushes pending usage first
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from notifications import Event, EventType
from settings.metering import MeteringSettings
from stores.usage import BucketKey, Counters, UsageStore, hour_of, month_of

__all__ = ["Meter", "MeterStats", "PlanTerms"]

logger = logging.getLogger("switchyard.metering")


class PlanTerms(Protocol):
    """What metering reads from a plan (``settings.limits`` plans)."""

    @property
    def monthly_quota_points(self) -> int | None: ...

    @property
    def price_per_1000_points(self) -> float: ...


@dataclass(slots=True)
class MeterStats:
    recorded: int = 0
    flushed_buckets: int = 0
    dropped: int = 0
    flush_errors: int = 0


class Meter:
    def __init__(
        self,
        store: UsageStore,
        settings: MeteringSettings,
        plans: Mapping[str, PlanTerms],
        *,
        notify: Callable[[Event], None] = lambda event: None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.settings = settings
        self.plans = plans
        self.notify = notify
        self.clock = clock
        self.stats = MeterStats()
        self._pending: dict[BucketKey, Counters] = {}
        self._pending_cost: Counter[str] = Counter()  # this month, not flushed yet
        self._flushing_cost: Counter[str] = Counter()  # being written right now
        self._month = month_of(datetime.now(UTC))
        self._spend: dict[str, int] = {}
        self._announced: set[str] = set()  # markers this process already handled
        self._rate_limited: Counter[tuple[str, str]] = Counter()  # (client, hour)
        self._plans: dict[str, str] = {}  # client -> the plan it last used
        self._claims: list[tuple[str, Event]] = []
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._lock = asyncio.Lock()  # one flush at a time (loop vs. stop)

    # -- the request path: synchronous, no I/O ---------------------------------------

    def quota(self, plan: str) -> int | None:
        terms = self.plans.get(plan)
        return terms.monthly_quota_points if terms is not None else None

    def spend(self, client: str) -> int:
        """Cost points spent this month: the store's (cached) plus this process's unflushed."""
        self._roll_month()
        return self._spend.get(client, 0) + self._flushing_cost[client] + self._pending_cost[client]

    def remaining(self, client: str) -> int | None:
        """Quota points left this month for a client seen by this process; None when its
        plan has no quota or the client is unknown here (the dashboard's "quota left")."""
        plan = self._plans.get(client)
        quota = self.quota(plan) if plan is not None else None
        return None if quota is None else max(0, quota - self.spend(client))

    def record(
        self,
        *,
        client: str,
        plan: str,
        operation: str,
        cost: int,
        fields: Counter[str],
        errors: Counter[str],
        backend_calls: int,
        latency_ms: float,
    ) -> None:
        now = datetime.fromtimestamp(self.clock(), UTC)
        self._roll_month()
        key = BucketKey(hour_of(now), client, operation)
        bucket = self._pending.get(key)
        if bucket is None:
            if len(self._pending) >= self.settings.max_pending_buckets:
                self.stats.dropped += 1  # the store is down for long: drop, count, move on
                return
            bucket = self._pending[key] = Counters()
        bucket.add(Counters(plan, 1, cost, backend_calls, latency_ms, fields, errors))
        self.stats.recorded += 1
        self._pending_cost[client] += cost
        self._plans[client] = plan
        self._check_quota(client, plan)
        if limited := errors.get("RATE_LIMITED", 0):
            self._check_rate_limited(client, key.hour, limited)

    def _check_quota(self, client: str, plan: str) -> None:
        quota = self.quota(plan)
        if not quota:
            return
        spent = self.spend(client)
        for threshold in self.settings.quota_thresholds:
            marker = f"quota:{threshold:g}:{client}:{self._month}"
            if spent >= threshold * quota and marker not in self._announced:
                self._announced.add(marker)
                event = Event.create(
                    EventType.QUOTA_THRESHOLD,
                    client=client,
                    plan=plan,
                    threshold=threshold,
                    month=self._month,
                    spent_points=spent,
                    quota_points=quota,
                )
                self._claims.append((marker, event))

    def _check_rate_limited(self, client: str, hour: str, count: int) -> None:
        if len(self._rate_limited) > 10_000:  # keep only the current hour's counts
            for stale in [k for k in self._rate_limited if k[1] != hour]:
                del self._rate_limited[stale]
        self._rate_limited[(client, hour)] += count
        marker = f"rate_limited:{client}:{hour}"
        if (
            self._rate_limited[(client, hour)] >= self.settings.rate_limited_threshold
            and marker not in self._announced
        ):
            self._announced.add(marker)
            event = Event.create(
                EventType.CLIENT_RATE_LIMITED,
                client=client,
                hour=hour,
                rate_limited=self._rate_limited[(client, hour)],
            )
            self._claims.append((marker, event))

    def _roll_month(self) -> None:
        month = month_of(datetime.fromtimestamp(self.clock(), UTC))
        if month != self._month:
            self._month = month
            self._spend.clear()
            self._pending_cost.clear()
            self._rate_limited.clear()
            self._announced.clear()

    # -- the background side ---------------------------------------------------------

    async def start(self) -> None:
        if self._task is None:
            await self._refresh_spend()
            self._task = asyncio.create_task(self._run(), name="switchyard-metering")

    async def stop(self) -> None:
        """Stop the loop, then flush everything pending (each step bounded).

        The loop is asked to stop, not cancelled: cancelling a store write half-way
        (a Redis pipeline, a SQLite transaction) is what could lose or hang a flush.
        """
        if self._task is not None:
            self._stopping.set()
            bound = self.settings.store_timeout_seconds * 3
            try:
                await asyncio.wait_for(asyncio.shield(self._task), bound)
            except TimeoutError:
                logger.warning("metering loop did not stop in %.1f s; cancelling it", bound)
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await asyncio.wait_for(self._task, bound)
            self._task = None
        await self.flush()

    async def flush(self) -> None:
        """Write pending buckets in one batch; on failure keep them for the next flush."""
        async with self._lock:
            batch, self._pending = self._pending, {}
            # Cost being written stays visible to spend() until the cache includes it.
            self._flushing_cost, self._pending_cost = self._pending_cost, Counter()
            flushed_cost = self._flushing_cost
            claims, self._claims = self._claims, []
            timeout = self.settings.store_timeout_seconds
            try:
                await asyncio.wait_for(self.store.write(batch), timeout)
            except Exception as exc:  # the store is down or slow: keep the usage, retry later
                self.stats.flush_errors += 1
                logger.warning("usage flush failed (%d buckets kept): %r", len(batch), exc)
                for key, counters in batch.items():
                    self._pending.setdefault(key, Counters()).add(counters)
                self._pending_cost.update(flushed_cost)
                self._flushing_cost = Counter()
                self._claims = claims + self._claims
                return
            self.stats.flushed_buckets += len(batch)
            # Until the next refresh, our own flushed cost counts in the cached spend.
            for client, cost in flushed_cost.items():
                self._spend[client] = self._spend.get(client, 0) + cost
            self._flushing_cost = Counter()
            for marker, event in claims:
                try:
                    won = await asyncio.wait_for(self.store.claim(marker), timeout)
                except Exception as exc:
                    logger.warning("could not claim %s: %r", marker, exc)
                    continue
                if won:  # another process may have sent it already
                    self.notify(event)

    async def _refresh_spend(self) -> None:
        try:
            spend = await asyncio.wait_for(
                self.store.month_spend(self._month), self.settings.store_timeout_seconds
            )
        except Exception as exc:
            logger.warning("could not refresh monthly spend: %r", exc)
            return
        self._spend = spend

    async def _run(self) -> None:
        interval = self.settings.flush_interval_seconds
        refresh_every = self.settings.spend_refresh_seconds
        last_refresh = time.monotonic()
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), interval)
            if self._stopping.is_set():
                return  # stop() does the final flush
            try:
                await self.flush()
                if time.monotonic() - last_refresh >= refresh_every:
                    async with self._lock:
                        await self._refresh_spend()
                    last_refresh = time.monotonic()
            except Exception:  # never let one bad flush end metering
                logger.exception("metering loop failed")
