"""Switchyard's app factory and CLI entry: settings -> connectors -> schema -> Starlette app.

Wiring only; every piece of logic lives in its own room.

Usage::

    app = create_app(load_settings(Path("switchyard.toml")))
    uvicorn.run(app)
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from connectors import Connectors
from schema import build_schema
from settings import Settings, load_settings
from web.context import ContextBuilder
from web.graphql_view import GraphQLView
from web.middleware import BodyLimitMiddleware, RequestIdMiddleware

__all__ = ["app_from_environment", "create_app", "main"]


def create_app(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> Starlette:
    """Build the gateway. ``transport`` replaces the network for every connector (tests)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.connectors = Connectors.create(settings, transport)
        try:
            yield
        finally:
            await app.state.connectors.aclose()

    view = GraphQLView(
        build_schema(settings.graphql), build_context=ContextBuilder(settings.graphql)
    )
    routes: list[BaseRoute] = [
        Route(settings.graphql.path, view, methods=None),
        Route("/healthz", _healthz, methods=["GET"]),
    ]
    middleware = [
        Middleware(RequestIdMiddleware),
        Middleware(BodyLimitMiddleware, max_body_bytes=settings.server.max_body_bytes),
    ]
    if settings.server.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.server.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type", "Authorization", "X-API-Key", "X-Request-ID"],
            )
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.settings = settings
    return app


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
