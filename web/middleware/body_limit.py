"""Refuse request bodies over ``max_body_bytes`` with 413, before they fill memory.

A declared ``Content-Length`` over the limit is refused at once; a chunked body is
counted as it arrives and the read fails with :class:`errors.PayloadTooLarge`,
which the GraphQL view turns into the same 413 answer (and this middleware does for
any other endpoint).

Usage::

    Starlette(routes=..., middleware=[Middleware(BodyLimitMiddleware, max_body_bytes=2**20)])
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from errors import BadRequest, PayloadTooLarge
from web.negotiation import JSON, negotiate
from web.responses import error_response


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and not declared.isdigit():
            # A garbled length is a malformed request, not a large one (uvicorn's parsers
            # already refuse it; this guards other servers and in-process clients).
            await self._refuse(scope, receive, send, BadRequest("Invalid Content-Length header"))
            return
        if declared is not None and int(declared) > self.max_body_bytes:
            await self._refuse(scope, receive, send, self._error())
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise self._error()
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except PayloadTooLarge:
            # The GraphQL view answers this itself; any other endpoint that reads the
            # body would let it become a 500, so answer 413 here unless it is too late.
            if started:
                raise
            await self._refuse(scope, receive, send, self._error())

    def _error(self) -> PayloadTooLarge:
        # Close the connection whoever answers: the unread rest of the body would
        # otherwise be parsed as the next request on a keep-alive connection.
        return PayloadTooLarge(
            f"The request body is larger than {self.max_body_bytes} bytes",
            headers={"Connection": "close"},
        )

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, error: BadRequest) -> None:
        accept = next((v for k, v in scope["headers"] if k == b"accept"), b"").decode("latin-1")
        response = error_response(
            error, media_type=negotiate(accept) or JSON, headers={"Connection": "close"}
        )
        await response(scope, receive, send)
