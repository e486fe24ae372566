"""A small in-process memory of the last hour, for the admin dashboard.

Per-minute buckets in a ring (request count, errors, a bounded latency sample),
bounded tallies of operations, root fields and clients, and the most recent errors.
It is per process: with several workers each dashboard shows its own worker
(Prometheus has the global picture).

Usage::

    stats = LiveStats()
    stats.observe(record)                       # once per finished GraphQL request
    stats.minutes()                             # 60 MinuteStats, oldest first
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field

from observability.record import RequestRecord

__all__ = ["LiveStats", "MinuteStats", "RecentError", "percentile"]

WINDOW_MINUTES = 60
SAMPLES_PER_MINUTE = 600
TALLY_LIMIT = 500


@dataclass(slots=True)
class MinuteStats:
    minute: int  # unix time // 60
    requests: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    def p(self, q: float) -> float | None:
        return percentile(self.latencies_ms, q)


@dataclass(frozen=True, slots=True)
class RecentError:
    time: float
    code: str
    service: str | None
    operation: str
    request_id: str


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


class LiveStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[int, MinuteStats] = {}
        self.operations: Counter[str] = Counter()
        self.fields: Counter[str] = Counter()
        self.clients: Counter[str] = Counter()
        self.errors: deque[RecentError] = deque(maxlen=50)

    def observe(
        self, record: RequestRecord, operation_label: str, now: float | None = None
    ) -> None:
        now = time.time() if now is None else now
        minute = int(now // 60)
        elapsed = record.elapsed_ms()
        with self._lock:
            bucket = self._buckets.get(minute)
            if bucket is None:
                bucket = self._buckets[minute] = MinuteStats(minute)
                for old in [m for m in self._buckets if m <= minute - WINDOW_MINUTES]:
                    del self._buckets[old]
            bucket.requests += 1
            if record.error_codes:
                bucket.errors += 1
            if len(bucket.latencies_ms) < SAMPLES_PER_MINUTE:
                bucket.latencies_ms.append(elapsed)
            _tally(self.operations, operation_label)
            for name in record.root_fields:
                _tally(self.fields, name)
            if record.client_id:
                _tally(self.clients, record.client_id)
            for code, service in zip(record.error_codes, record.error_services, strict=False):
                self.errors.appendleft(
                    RecentError(now, code, service, operation_label, record.request_id)
                )

    def minutes(self, now: float | None = None) -> list[MinuteStats]:
        """The last hour, one entry per minute (empty minutes included), oldest first."""
        now = time.time() if now is None else now
        current = int(now // 60)
        with self._lock:
            return [
                self._buckets.get(m) or MinuteStats(m)
                for m in range(current - WINDOW_MINUTES + 1, current + 1)
            ]


def _tally(counter: Counter[str], key: str) -> None:
    # Bounded: past the limit only keys already counted keep counting.
    if key in counter or len(counter) < TALLY_LIMIT:
        counter[key] += 1
