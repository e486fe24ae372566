"""GraphQL-shaped error responses for requests refused before execution."""

from __future__ import annotations

import orjson
from starlette.responses import Response

from errors import SwitchyardError
from web.negotiation import JSON


def error_response(
    error: SwitchyardError,
    *,
    status_code: int | None = None,
    media_type: str = JSON,
    headers: dict[str, str] | None = None,
) -> Response:
    """``{"errors": [{"message", "extensions": {"code"}}]}`` with the error's status."""
    body = {"errors": [{"message": error.message, "extensions": error.extensions()}]}
    return Response(
        orjson.dumps(body),
        status_code=status_code or error.status_code,
        # Starlette only adds a charset to text/* types; say utf-8 explicitly like the
        # GraphQL responses do.
        media_type=f"{media_type}; charset=utf-8",
        headers={**getattr(error, "headers", {}), **(headers or {})},
    )
