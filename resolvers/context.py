"""What every resolver and extension may read about the current request.

Built once per request by the HTTP view; resolvers read it, never raw headers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auth import Principal
from connectors import Connectors
from connectors.calls import CallCounter
from resolvers.loaders import Loaders

if TYPE_CHECKING:  # schema imports resolvers; the annotation alone needs no import
    from schema.cost import Analysis

__all__ = ["GatewayContext"]


@dataclass(slots=True)
class GatewayContext:
    request_id: str
    connectors: Connectors
    loaders: Loaders
    #: Upper bound for list arguments (``[graphql] max_page_size``).
    max_page_size: int
    #: Who is calling; anonymous (identified by address) unless authenticated.
    principal: Principal
    #: The caller's address as the gateway saw it.
    client_ip: str
    #: The HTTP request (a Starlette ``Request``); extensions read client facts from it.
    request: Any = None
    #: Headers extensions want on the HTTP response.
    response_headers: dict[str, str] = field(default_factory=dict)
    #: Backend calls made for this request (metering); connectors add to it.
    backend_calls: CallCounter = field(default_factory=CallCounter)
    #: The operation's one cost walk, made before execution by
    #: ``schema.extensions.cost.OperationCost``: its cost (quota, metering) and, for the
    #: rate limiter, limited-field occurrences and root keys.
    cost_analysis: Analysis | None = None
    #: HTTP status an extension wants for the response (e.g. 429); None = the view decides.
    response_status: int | None = None
    #: Rate-limited fields of this operation: response path (no list indices) -> error.
    #: Guarded resolvers raise the error instead of calling the backend.
    limited_fields: dict[tuple[str, ...], Exception] = field(default_factory=dict)
    #: Work that must not delay the answer (metering): the HTTP view runs it, in order,
    #: once the response has been sent.
    after_response: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def cost(self) -> int | None:
        """The operation's static cost, or None before (or without) the cost walk."""
        return None if self.cost_analysis is None else self.cost_analysis.cost
