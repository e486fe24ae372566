"""Switchyard's app factory and CLI entry: settings -> connectors -> schema -> Starlette app.

Wiring only; every piece of logic lives in its own room.

Usage::

    app = create_app(load_settings(Path("switchyard.toml")))
    uvicorn.run(app)
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from admin import admin_routes
from admin.usage import usage_routes
from auth import Authenticator
from connectors import Connectors
from metering.runtime import MeteringRuntime
from observability import Observability, ObservabilityMiddleware
from schema import build_schema
from schema.extensions.metering import metering_extensions
from schema.extensions.tracing import operation_tracing
from settings import Settings, load_settings
from stores import build_store
from web.context import ContextBuilder
from web.graphiql import graphiql_asset_routes, render_graphiql
from web.graphql_view import GraphQLView
from web.middleware import AuthenticationMiddleware, BodyLimitMiddleware, RequestIdMiddleware

__all__ = ["app_from_environment", "create_app", "main"]

logger = logging.getLogger("switchyard")

#: Where ``make assets`` installs GraphiQL's pinned npm bundles.
DEFAULT_ASSETS = Path(__file__).resolve().parent / "assets"
GRAPHIQL_ASSETS = "/graphiql/assets"


def create_app(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> Starlette:
    """Build the gateway. ``transport`` replaces the network for every connector (tests)."""

    # Usage metering and quotas (store, meter, webhooks): built here, run by the lifespan.
    metering = MeteringRuntime.create(settings) if settings.metering.enabled else None
    observability = Observability.create(settings)
    if metering is not None:  # the dashboard's "quota left" column
        observability.quota_remaining = metering.meter.remaining
    authenticator = Authenticator(settings.auth, jwks_transport=transport)
    limits = settings.limits
    if settings.server.workers > 1 and limits.enabled and limits.store.startswith("memory://"):
        logger.warning(
            "[limits] store is memory://: each of the %d workers counts on its own; "
            "use redis:// to share limits",
            settings.server.workers,
        )
    # Built here (a Redis client connects lazily), closed at shutdown.
    counter_store = build_store(
        limits.store,
        timeout_seconds=limits.store_timeout_seconds,
        fail_open=limits.fail_open,
        retry_seconds=limits.store_retry_seconds,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.connectors = Connectors.create(settings, transport, observability.observer)
        if metering is not None:
            await metering.start()
        try:
            yield
        finally:
            if metering is not None:
                await metering.stop()  # flushes pending usage first (SIGTERM included)
            await app.state.connectors.aclose()
            await authenticator.aclose()
            await counter_store.aclose()
            observability.shutdown()

    routes: list[BaseRoute] = [Route("/healthz", _healthz, methods=["GET"])]
    render_ide = None
    if settings.graphql.graphiql:
        routes += graphiql_asset_routes(
            settings.graphql.assets_dir or DEFAULT_ASSETS, GRAPHIQL_ASSETS
        )
        render_ide = _graphiql_page(settings.graphql.path)
    routes += admin_routes(settings.observability)
    if metering is not None:
        routes += usage_routes(metering, settings.limits.plans)
    view = GraphQLView(
        build_schema(
            settings.graphql,
            limits=limits,
            store=counter_store,
            leading_extensions=[operation_tracing(observability.tracing)],
            extensions=metering_extensions(metering.meter) if metering else (),
        ),
        build_context=ContextBuilder(settings.graphql),
        render_ide=render_ide,
    )
    routes.append(Route(settings.graphql.path, view, methods=None))
    middleware = [
        Middleware(RequestIdMiddleware),
        Middleware(ObservabilityMiddleware, observability=observability),
        Middleware(
            AuthenticationMiddleware,
            authenticator=authenticator,
            # The dashboard checks for an admin itself and must serve its login form.
            public_paths=("/healthz", GRAPHIQL_ASSETS, settings.observability.dashboard.path),
            ide_path=settings.graphql.path if settings.graphql.graphiql else None,
        ),
        Middleware(BodyLimitMiddleware, max_body_bytes=settings.server.max_body_bytes),
    ]
    if settings.server.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.server.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type", "Authorization", "X-API-Key", "X-Request-ID"],
                expose_headers=[
                    "RateLimit-Limit",
                    "RateLimit-Remaining",
                    "RateLimit-Reset",
                    "Retry-After",
                ],
            )
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.settings = settings
    app.state.metering = metering
    app.state.counter_store = counter_store
    app.state.observability = observability
    app.state.authenticator = authenticator
    return app


def _graphiql_page(endpoint: str) -> Callable[[Request], Awaitable[Response]]:
    async def render(request: Request) -> Response:
        return render_graphiql(endpoint, GRAPHIQL_ASSETS)

    return render


async def _healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def app_from_environment() -> Starlette:
    """Factory for ``uvicorn --factory`` and worker processes: ``SWITCHYARD_CONFIG`` names
    the TOML file (optional); ``SWITCHYARD_*`` variables override it."""
    config = os.environ.get("SWITCHYARD_CONFIG")
    return create_app(load_settings(Path(config) if config else None))


def main(argv: Sequence[str] | None = None) -> int:
    """The ``switchyard`` command."""
    from cli import run  # the CLI sits above the app factory

    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
