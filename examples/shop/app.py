"""Assembles one shop service: its routes, the OpenAPI route, the error handlers and the
shared middleware, in the order that makes each of them see what it needs.

Middleware order, outermost first:

1. access log - sees every request, admin routes included, and the final status;
2. stats - counts on arrival and answers ``/__stats`` and ``/__reset`` itself;
3. latency - delays only API requests, after they were counted;
4. Starlette's own error handling and the router.

Example::

    app = build_app("users", routes, document=users_document(), latency_ms=0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from examples.shop.middleware import AccessLogMiddleware, LatencyMiddleware
from examples.shop.responses import EXCEPTION_HANDLERS, ORJSONResponse
from examples.shop.stats import OPENAPI_PATH, RequestStats, StatsMiddleware


def build_app(
    service: str,
    routes: Sequence[BaseRoute],
    *,
    document: Mapping[str, Any],
    latency_ms: float = 0,
) -> Starlette:
    """A Starlette app serving ``routes`` plus ``GET /openapi.json`` and the admin routes.

    ``app.state.stats`` holds the service's :class:`RequestStats`, for in-process use.
    """
    if latency_ms < 0:
        raise ValueError(f"latency_ms must be >= 0, got {latency_ms}")
    body = ORJSONResponse(document).body  # rendered once: the document never changes

    async def openapi(request: Request) -> Response:
        return Response(body, media_type="application/json")

    stats = RequestStats()
    app = Starlette(
        routes=[*routes, Route(OPENAPI_PATH, openapi, methods=["GET"])],
        middleware=[
            Middleware(AccessLogMiddleware, service=service),
            Middleware(StatsMiddleware, service=service, stats=stats),
            Middleware(LatencyMiddleware, latency_ms=latency_ms),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.stats = stats
    app.state.service = service
    return app
