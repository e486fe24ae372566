"""The two small ASGI middleware every shop service wears: an access log and fake latency.

Both are pure ASGI callables (no ``BaseHTTPMiddleware``): they sit on every request of a
service that benchmarks load, and pure ASGI adds next to nothing per request.

Example::

    app = AccessLogMiddleware(LatencyMiddleware(router, latency_ms=20), service="users")
"""

from __future__ import annotations

import asyncio
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from examples.shop.stats import is_api_path, raw_target

_TRACEPARENT = b"traceparent"


class AccessLogMiddleware:
    """One log line per request: method, raw target, status and ``traceparent`` if sent.

    Logged on the ``examples.shop.<service>`` logger so a test (or a person) can pick one
    service's lines. The tracing work relies on seeing the propagated ``traceparent``
    here, which is why it is logged verbatim rather than parsed.
    """

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.logger = logging.getLogger(f"examples.shop.{service}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the client sees if the app dies before starting a response

        async def send_and_remember(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_remember)
        finally:
            if self.logger.isEnabledFor(logging.INFO):
                self._log(scope, status)

    def _log(self, scope: Scope, status: int) -> None:
        traceparent = next(
            (value.decode("latin-1") for name, value in scope["headers"] if name == _TRACEPARENT),
            None,
        )
        if traceparent is None:
            self.logger.info("%s %s %d", scope["method"], raw_target(scope), status)
        else:
            self.logger.info(
                "%s %s %d traceparent=%s", scope["method"], raw_target(scope), status, traceparent
            )


class LatencyMiddleware:
    """Delays every API request by ``latency_ms`` to imitate a remote service.

    Uses ``asyncio.sleep`` so concurrent requests overlap, like a real slow backend
    would; admin routes and the OpenAPI document are not delayed, so test helpers that
    read ``/__stats`` stay fast.
    """

    def __init__(self, app: ASGIApp, *, latency_ms: float) -> None:
        self.app = app
        self.delay = latency_ms / 1000

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.delay > 0 and scope["type"] == "http" and is_api_path(scope["path"]):
            await asyncio.sleep(self.delay)
        await self.app(scope, receive, send)
