"""Per-service request accounting, served at ``GET /__stats`` and cleared by ``POST /__reset``.

The gateway's tests use these counters to prove batching ("one request to reviews for
fifty products") and path encoding ("``../admin`` arrived as ``%2E%2E%2Fadmin``"), so:

* counting happens on arrival, before any ``await``; asyncio runs the increment without
  interruption, so the count is exact under any concurrency (no lock needed);
* ``recent`` keeps the request target exactly as it came off the wire: the ASGI scope's
  ``raw_path`` (not the percent-decoded ``path``) plus ``?`` and the raw query string,
  decoded as latin-1 so that every byte maps to one character, untouched;
* the admin routes and ``/openapi.json`` are not API requests and are not counted.

Example::

    app = StatsMiddleware(router, service="users", stats=RequestStats())
    # GET /__stats  -> {"service": "users", "requests": 3, "recent": ["/users/1", ...]}
"""

from __future__ import annotations

from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send

from examples.shop.responses import ORJSONResponse, error_response

RECENT_LIMIT = 100
STATS_PATH = "/__stats"
RESET_PATH = "/__reset"
OPENAPI_PATH = "/openapi.json"
_NOT_API = frozenset({STATS_PATH, RESET_PATH, OPENAPI_PATH})
_ADMIN_METHODS = {STATS_PATH: "GET", RESET_PATH: "POST"}


def is_api_path(path: str) -> bool:
    """Whether a request to ``path`` is an API request (counted, delayed, logged as such)."""
    return path not in _NOT_API


def raw_target(scope: Scope) -> str:
    """The request target as received: raw path plus ``?query`` when there is one."""
    raw_path = scope.get("raw_path")
    target = raw_path.decode("latin-1") if raw_path is not None else scope["path"]
    query = scope.get("query_string", b"")
    return f"{target}?{query.decode('latin-1')}" if query else target


class RequestStats:
    """The counters of one service: total API requests and the last 100 raw targets."""

    def __init__(self) -> None:
        self.requests = 0
        self.recent: deque[str] = deque(maxlen=RECENT_LIMIT)

    def record(self, target: str) -> None:
        self.requests += 1
        self.recent.append(target)

    def reset(self) -> None:
        self.requests = 0
        self.recent.clear()


class StatsMiddleware:
    """Pure ASGI middleware: counts API requests and answers the two admin routes itself.

    Pure ASGI rather than ``BaseHTTPMiddleware`` because it sits on every request of a
    benchmarked service, and answering the admin routes here keeps them out of the
    service's router (and so out of its OpenAPI document).
    """

    def __init__(self, app: ASGIApp, *, service: str, stats: RequestStats) -> None:
        self.app = app
        self.service = service
        self.stats = stats

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path in _ADMIN_METHODS:
            await self._admin(scope, path)(scope, receive, send)
            return
        if path != OPENAPI_PATH:
            self.stats.record(raw_target(scope))
        await self.app(scope, receive, send)

    def snapshot(self) -> dict[str, object]:
        return {
            "service": self.service,
            "requests": self.stats.requests,
            "recent": list(self.stats.recent),
        }

    def _admin(self, scope: Scope, path: str) -> ORJSONResponse:
        method = _ADMIN_METHODS[path]
        if scope["method"] != method:
            return error_response(405, "method not allowed", allowed=method)
        if path == RESET_PATH:
            self.stats.reset()
        return ORJSONResponse(self.snapshot())
