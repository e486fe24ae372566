"""Observability: tracing, metrics, logs and live stats, built once per app.

``create_app`` builds one :class:`Observability` and hangs it on ``app.state.observability``;
everything here is an instance (no process-global provider or registry), shut down
with the app.

Usage::

    obs = Observability.create(settings)
    app.state.observability = obs
    obs.metrics.rate_limited(scope="client")
    obs.shutdown()
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from observability.asgi import ObservabilityMiddleware
from observability.backend import BackendObserver
from observability.logging import configure_logging
from observability.metrics import CONTENT_TYPE_LATEST, GatewayMetrics
from observability.record import RequestRecord, current_request
from observability.stats import LiveStats
from observability.tracing import Tracing
from settings import Settings
from settings.observability import ObservabilitySettings

__all__ = [
    "CONTENT_TYPE_LATEST",
    "GatewayMetrics",
    "LiveStats",
    "Observability",
    "ObservabilityMiddleware",
    "RequestRecord",
    "Tracing",
    "current_request",
]


@dataclass(slots=True)
class Observability:
    settings: ObservabilitySettings
    tracing: Tracing
    metrics: GatewayMetrics
    stats: LiveStats
    observer: BackendObserver
    #: Fixed request paths mapped to their metric route label (anything else is "other").
    routes: dict[str, str] = field(default_factory=dict)
    #: Seam for the metering room: ``client_id -> quota remaining`` (None: unknown).
    quota_remaining: Callable[[str], Any] = field(default=lambda client_id: None)

    @classmethod
    def create(cls, settings: Settings) -> Observability:
        own = settings.observability
        configure_logging(own.logging)
        tracing = Tracing.create(own.tracing)
        metrics = GatewayMetrics(max_operation_names=own.metrics.max_operation_names)
        routes = {
            settings.graphql.path: "graphql",
            own.metrics.path: "metrics",
            "/healthz": "healthz",
        }
        return cls(
            settings=own,
            tracing=tracing,
            metrics=metrics,
            stats=LiveStats(),
            observer=BackendObserver(tracing, metrics),
            routes=routes,
        )

    def route_group(self, path: str) -> str:
        """A bounded label for a request path."""
        group = self.routes.get(path)
        if group is not None:
            return group
        if path.startswith(self.settings.dashboard.path):
            return "admin"
        if path.startswith("/graphiql/"):
            return "graphiql"
        return "other"

    def shutdown(self) -> None:
        self.tracing.shutdown()
        self.metrics.close()
