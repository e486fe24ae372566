"""Authenticate every HTTP request before anything parses it.

Puts the :class:`auth.Principal` in ``scope["state"]["principal"]`` (read as
``request.state.principal`` by the context builder and by admin endpoints). Bad
credentials, or none when ``auth.required``, end the request here with a
GraphQL-shaped 401 and ``WWW-Authenticate``; an unreachable JWKS gives 503.

``public_paths`` (health check, GraphiQL's static assets) and the GraphiQL page
itself (a browser's GET for HTML, which runs no operation) stay open, so a browser
can load the IDE and then send its own credentials.

Usage::

    Middleware(AuthenticationMiddleware, authenticator=authenticator,
               public_paths=("/healthz", "/graphiql/assets"), ide_path="/graphql")
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from auth import Authenticator, anonymous
from errors import SwitchyardError, Unauthenticated
from web.responses import error_response


class AuthenticationMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        authenticator: Authenticator,
        public_paths: Sequence[str] = (),
        ide_path: str | None = None,
    ) -> None:
        self.app = app
        self.authenticator = authenticator
        self.public_paths = tuple(public_paths)
        self.ide_path = ide_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        authorization = api_key = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = _text(value)
            elif name == b"x-api-key":
                api_key = _text(value)
        client = scope.get("client")
        client_ip = client[0] if client else "unknown"
        try:
            principal = await self.authenticator.authenticate(
                authorization=authorization, api_key=api_key, client_ip=client_ip
            )
        except Unauthenticated as exc:
            if authorization is None and api_key is None and self._open(scope):
                principal = anonymous(client_ip)
            else:
                await error_response(exc)(scope, receive, send)
                return
        except SwitchyardError as exc:
            await error_response(exc)(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    def _open(self, scope: Scope) -> bool:
        """Paths that serve no data, reachable without credentials even when required."""
        path: str = scope["path"]
        if path.startswith(self.public_paths):
            return True
        if path != self.ide_path or scope["method"] != "GET" or scope["query_string"]:
            return False
        accept = next((v for k, v in scope["headers"] if k == b"accept"), b"")
        return b"text/html" in accept


def _text(value: bytes) -> str:
    # Non-ASCII bytes cannot be a valid key or token: a replacement char makes them fail.
    return value.decode("ascii", errors="replace")
