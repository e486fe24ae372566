"""The operator's surface: ``GET /metrics`` for Prometheus and the ``/admin`` dashboard.

Usage::

    routes += admin_routes(settings.observability)
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from admin.dashboard import dashboard_routes
from observability import CONTENT_TYPE_LATEST, Observability
from settings.observability import ObservabilitySettings

__all__ = ["admin_routes"]


async def metrics_endpoint(request: Request) -> Response:
    obs: Observability = request.app.state.observability
    return Response(obs.metrics.render(), media_type=CONTENT_TYPE_LATEST)


def admin_routes(settings: ObservabilitySettings) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    if settings.metrics.enabled:
        routes.append(Route(settings.metrics.path, metrics_endpoint, methods=["GET"]))
    return routes + dashboard_routes(settings.dashboard)
