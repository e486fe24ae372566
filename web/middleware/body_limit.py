"""Refuse request bodies over ``max_body_bytes`` with 413, before they fill memory.

A declared ``Content-Length`` over the limit is refused at once; a chunked body is
counted as it arrives and the read fails with :class:`errors.PayloadTooLarge`,
which the GraphQL view turns into the same 413 answer.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from errors import BadRequest, PayloadTooLarge
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

        await self.app(scope, counting_receive, send)

    def _error(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"The request body is larger than {self.max_body_bytes} bytes")

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, error: BadRequest) -> None:
        # Close the connection: the unread body would otherwise be parsed as the next request.
        await error_response(error, headers={"Connection": "close"})(scope, receive, send)
