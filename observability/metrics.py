"""Prometheus metrics in a per-app registry, correct across several worker processes.

Every collector lives in the app's own :class:`CollectorRegistry` (two apps in one
process never share counts). When ``PROMETHEUS_MULTIPROC_DIR`` is set, prometheus-client
writes each process's values to files in that directory and a scrape aggregates
every worker's files, so ``/metrics`` answers the same totals whichever worker serves it.

Labels are bounded: operation names are normalised and capped (``other`` beyond the
cap), routes are templates, never raw ids or query text.

Other rooms report through the small API::

    metrics = request.app.state.observability.metrics
    metrics.rate_limited(scope="client")
    metrics.quota_used(plan="pro", amount=3)
"""

from __future__ import annotations

import os
import re
import threading

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

__all__ = ["CONTENT_TYPE_LATEST", "GatewayMetrics", "multiprocess_dir"]

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def multiprocess_dir() -> str | None:
    """The multiprocess directory prometheus-client uses, if configured."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class GatewayMetrics:
    """The gateway's collectors and the calls that feed them."""

    def __init__(self, *, max_operation_names: int = 200) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._max_names = max_operation_names
        self._names: set[str] = set()
        self._names_lock = threading.Lock()
        r = self.registry
        self.requests = Counter(
            "switchyard_graphql_requests",
            "GraphQL operations by operation name, type and outcome (ok, error)",
            ["operation", "type", "outcome"],
            registry=r,
        )
        self.latency = Histogram(
            "switchyard_graphql_request_duration_seconds",
            "GraphQL request latency, from the first byte in to the last byte out",
            ["operation", "type"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.errors = Counter(
            "switchyard_graphql_errors", "GraphQL errors by extensions.code", ["code"], registry=r
        )
        self.http_requests = Counter(
            "switchyard_http_requests",
            "HTTP requests by route group and status class",
            ["route", "status"],
            registry=r,
        )
        self.backend_calls = Counter(
            "switchyard_backend_requests",
            "Backend HTTP calls by service, route template and status",
            ["service", "route", "status"],
            registry=r,
        )
        self.backend_latency = Histogram(
            "switchyard_backend_request_duration_seconds",
            "Backend HTTP call latency by service, route template and status",
            ["service", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.batch_size = Histogram(
            "switchyard_dataloader_batch_size",
            "Keys per dataloader batch, by service",
            ["service"],
            buckets=BATCH_BUCKETS,
            registry=r,
        )
        self.rate_limits = Counter(
            "switchyard_rate_limited",
            "Requests refused by a rate limit, by limit scope",
            ["scope"],
            registry=r,
        )
        self.quota = Counter(
            "switchyard_quota_used", "Quota units consumed, by plan", ["plan"], registry=r
        )
        self.quota_rejections = Counter(
            "switchyard_quota_exceeded",
            "Requests refused for an exhausted quota",
            ["plan"],
            registry=r,
        )
        self.in_flight = Gauge(
            "switchyard_in_flight_requests",
            "HTTP requests being served",
            registry=r,
            multiprocess_mode="livesum",
        )

    # -- the API other rooms call ----------------------------------------------------

    def operation_label(self, name: str | None) -> str:
        """A bounded label value for a client-chosen operation name."""
        if not name:
            return "anonymous"
        if not _NAME.match(name):
            return "invalid"
        if name in self._names:
            return name
        with self._names_lock:
            if len(self._names) >= self._max_names:
                return "other"
            self._names.add(name)
        return name

    def graphql_request(
        self, operation: str | None, op_type: str, seconds: float, error_codes: list[str]
    ) -> None:
        label = self.operation_label(operation)
        outcome = "error" if error_codes else "ok"
        self.requests.labels(label, op_type, outcome).inc()
        self.latency.labels(label, op_type).observe(seconds)
        for code in error_codes:
            self.errors.labels(_bounded(code)).inc()

    def http_request(self, route: str, status: int) -> None:
        self.http_requests.labels(route, f"{status // 100}xx").inc()

    def backend_call(self, service: str, route: str, status: int | None, seconds: float) -> None:
        status_label = str(status) if status is not None else "error"
        self.backend_calls.labels(service, route, status_label).inc()
        self.backend_latency.labels(service, route, status_label).observe(seconds)

    def dataloader_batch(self, service: str, size: int) -> None:
        self.batch_size.labels(service).observe(size)

    def rate_limited(self, scope: str = "client") -> None:
        """Count one request refused by a rate limit (``scope``: client, field, ip...)."""
        self.rate_limits.labels(_bounded(scope)).inc()

    def quota_used(self, plan: str, amount: float = 1.0) -> None:
        self.quota.labels(_bounded(plan)).inc(amount)

    def quota_exceeded(self, plan: str) -> None:
        self.quota_rejections.labels(_bounded(plan)).inc()

    # -- exposition ----------------------------------------------------------------------

    def render(self) -> bytes:
        """The text exposition: this process's registry, or every worker's in multiprocess mode."""
        directory = multiprocess_dir()
        if directory:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=directory)
            return generate_latest(registry)
        return generate_latest(self.registry)

    def close(self) -> None:
        """At worker exit: drop this process's live gauges from the shared files."""
        if multiprocess_dir():
            multiprocess.mark_process_dead(os.getpid())


def _bounded(value: str) -> str:
    """Codes, scopes and plans come from our own code, but cap them anyway."""
    return value if _NAME.match(value) else "invalid"
