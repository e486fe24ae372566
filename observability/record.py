"""What one request did, collected while it runs and read once when it ends.

The ASGI middleware opens a :class:`RequestRecord` per HTTP request and binds it to
the request's context (a ``ContextVar``: per task, so concurrent requests never share
one). Deeper floors add to it without knowing about HTTP: the GraphQL extension sets
the operation, the connector observer counts backend calls, other rooms set the cost.

Usage::

    record = current_request()
    if record is not None:
        record.cost = 42
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["BackendCall", "RequestRecord", "bind_request", "current_request"]


@dataclass(slots=True)
class BackendCall:
    service: str
    route: str
    status: int | None
    duration_ms: float


@dataclass(slots=True)
class RequestRecord:
    request_id: str
    method: str
    path: str
    started: float = field(default_factory=time.perf_counter)
    client_id: str | None = None
    #: Set by the GraphQL extension; ``None`` for non-GraphQL requests.
    operation_name: str | None = None
    operation_type: str | None = None
    #: Top-level fields the operation selected (for the dashboard's "top fields").
    root_fields: tuple[str, ...] = ()
    #: Query cost when a cost analysis ran.
    cost: float | None = None
    #: What a rate limit refused: "operation" (a plan limit or cost budget) or one
    #: "field" per limited field.
    rate_limited: list[str] = field(default_factory=list)
    error_codes: list[str] = field(default_factory=list)
    #: The service of each error in ``error_codes`` (``extensions.service``, or None).
    error_services: list[str | None] = field(default_factory=list)
    backend_calls: list[BackendCall] = field(default_factory=list)
    trace_id: str | None = None
    #: With tracing off: the caller's valid ``traceparent``/``tracestate``, passed on
    #: unchanged to every backend call so the caller's trace still reaches the services.
    trace_headers: dict[str, str] = field(default_factory=dict)
    status: int = 0

    @property
    def is_graphql(self) -> bool:
        return self.operation_type is not None

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000.0


_current: ContextVar[RequestRecord | None] = ContextVar("switchyard_request", default=None)


def current_request() -> RequestRecord | None:
    """The record of the request being served, or ``None`` outside one."""
    return _current.get()


@contextmanager
def bind_request(record: RequestRecord) -> Iterator[RequestRecord]:
    token = _current.set(record)
    try:
        yield record
    finally:
        _current.reset(token)
