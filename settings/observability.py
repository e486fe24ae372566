"""Observability configuration: ``[observability.tracing]``, ``.metrics``, ``.logging``,
``.dashboard``.

Usage::

    [observability.tracing]
    exporter = "otlp-http"
    endpoint = "http://127.0.0.1:4318/v1/traces"
    sampling_ratio = 0.1
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

__all__ = [
    "DashboardSettings",
    "LoggingSettings",
    "MetricsSettings",
    "ObservabilitySettings",
    "TracingSettings",
]


class StrictModel(BaseModel):
    """Same contract as :class:`settings.model.StrictModel` (unknown keys are errors);
    defined here because ``settings.model`` imports this module."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TracingSettings(StrictModel):
    #: Where spans go: ``none`` switches tracing off (no spans are made at all),
    #: ``console`` prints them, ``otlp-http`` / ``otlp-grpc`` send them to a collector,
    #: ``memory`` keeps them in the SDK's in-memory exporter (tests, debugging).
    exporter: Literal["none", "console", "otlp-http", "otlp-grpc", "memory"] = "none"
    #: Collector address; empty uses the exporter's default (or OTEL_EXPORTER_OTLP_* vars).
    endpoint: str = ""
    #: Fraction of new traces recorded; an incoming sampled ``traceparent`` is always followed.
    sampling_ratio: float = Field(default=1.0, ge=0.0, le=1.0)
    service_name: str = "switchyard"
    #: Extra resource attributes, e.g. ``{ "deployment.environment" = "prod" }``.
    resource_attributes: dict[str, str] = Field(default_factory=dict)
    #: Resolver spans: ``off``, ``root`` (top-level fields only) or ``all`` (costly).
    resolvers: Literal["off", "root", "all"] = "off"
    #: Return the trace id in the response's ``extensions.traceId``.
    return_trace_id: bool = True


class MetricsSettings(StrictModel):
    #: Serve Prometheus metrics; with several workers set ``PROMETHEUS_MULTIPROC_DIR``.
    enabled: bool = True
    path: str = "/metrics"
    #: Distinct operation names kept as label values per process; the rest count as "other".
    max_operation_names: int = Field(default=200, ge=1, le=10_000)


class LoggingSettings(StrictModel):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    #: ``json`` (one object per line) or ``text`` (human-readable, for development).
    format: Literal["json", "text"] = "json"
    #: Write one access-log line per HTTP request.
    access_log: bool = True


class DashboardSettings(StrictModel):
    #: Serve the admin dashboard at ``path`` (an admin principal is required).
    enabled: bool = True
    path: str = "/admin"
    #: A key that opens the dashboard on its own; leave unset to rely on API keys with
    #: the ``admin`` role. Compared in constant time, never logged.
    admin_key: SecretStr | None = None
    #: Secret that signs dashboard sessions; set it (or ``admin_key``) with several
    #: workers so every worker accepts every session. Unset: derived from ``admin_key``,
    #: else random per process.
    session_secret: SecretStr | None = None
    #: How long a dashboard login lasts, in seconds.
    session_seconds: int = Field(default=8 * 3600, ge=60)
    #: Seconds a backend health probe result is reused.
    health_cache_seconds: float = Field(default=10.0, ge=0)
    #: Sign-in attempts allowed per client address per ``login_window_seconds`` (counted
    #: in the shared counter store, so the bound holds across workers and hosts).
    login_attempts: int = Field(default=10, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)


class ObservabilitySettings(StrictModel):
    tracing: TracingSettings = TracingSettings()
    metrics: MetricsSettings = MetricsSettings()
    logging: LoggingSettings = LoggingSettings()
    dashboard: DashboardSettings = DashboardSettings()
