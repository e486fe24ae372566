"""The observability middleware: one server span, in-flight gauge, request metrics,
live stats and one access-log line per HTTP request.

It opens the request's :class:`RequestRecord` before anything else runs, so the
GraphQL extension and the connector observer below it can fill it in; when the
response is sent it reads the record once and reports everywhere.

Usage::

    Middleware(ObservabilityMiddleware, observability=app_observability)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from opentelemetry.trace import SpanKind, Status, StatusCode, use_span
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observability.logging import log_access
from observability.record import RequestRecord, bind_request
from observability.tracing import format_trace_id

if TYPE_CHECKING:
    from observability import Observability

__all__ = ["ObservabilityMiddleware"]


_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
_MAX_TRACESTATE = 512


def passthrough_trace_headers(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """The caller's W3C trace context, if well-formed, to forward as it came.

    A gateway that does not trace must still not break the caller's trace; anything
    malformed (or a version-ff header, or an all-zero id) is dropped, not forwarded.
    """
    found = {k.decode("latin-1"): v.decode("latin-1") for k, v in headers if k in _TRACE_KEYS}
    parent = found.get("traceparent", "")
    if not _TRACEPARENT.match(parent) or parent.startswith("ff") or "-" + "0" * 32 + "-" in parent:
        return {}
    kept = {"traceparent": parent}
    state = found.get("tracestate", "")
    if state and len(state) <= _MAX_TRACESTATE and state.isprintable():
        kept["tracestate"] = state
    return kept


_TRACE_KEYS = (b"traceparent", b"tracestate")


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, *, observability: Observability) -> None:
        self.app = app
        self.obs = observability

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        obs = self.obs
        state = scope.setdefault("state", {})
        record = RequestRecord(
            request_id=str(state.get("request_id", "-")), method=scope["method"], path=scope["path"]
        )
        route = obs.route_group(record.path)

        async def send_observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
            await send(message)

        metrics = obs.metrics
        metrics.in_flight.inc()
        try:
            with bind_request(record):
                if obs.tracing.enabled:
                    await self._traced(scope, receive, send_observed, record, route)
                else:
                    record.trace_headers = passthrough_trace_headers(scope["headers"])
                    if "traceparent" in record.trace_headers:
                        record.trace_id = record.trace_headers["traceparent"][3:35]
                    await self.app(scope, receive, send_observed)
        except BaseException:
            record.status = record.status or 500
            raise
        finally:
            metrics.in_flight.dec()
            self._report(scope, record, route)

    async def _traced(
        self, scope: Scope, receive: Receive, send: Send, record: RequestRecord, route: str
    ) -> None:
        tracing = self.obs.tracing
        carrier = {
            k.decode("latin-1"): v.decode("latin-1")
            for k, v in scope["headers"]
            if k in (b"traceparent", b"tracestate")
        }
        name = record.method if route == "other" else f"{record.method} {record.path}"
        span = tracing.tracer.start_span(
            name,
            context=tracing.extract(carrier),
            kind=SpanKind.SERVER,
            attributes={
                "http.request.method": record.method,
                "url.path": record.path if route != "other" else "",
                "switchyard.request_id": record.request_id,
            },
        )
        record.trace_id = format_trace_id(span)
        with use_span(span, end_on_exit=True, record_exception=False):
            try:
                await self.app(scope, receive, send)
            finally:
                status = record.status or 500
                span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    span.set_status(Status(StatusCode.ERROR))
                if record.operation_name:
                    span.set_attribute("graphql.operation.name", record.operation_name)

    def _report(self, scope: Scope, record: RequestRecord, route: str) -> None:
        obs = self.obs
        if record.client_id is None:
            principal = scope.get("state", {}).get("principal")
            record.client_id = getattr(principal, "client_id", None)
        seconds = record.elapsed_ms() / 1000.0
        obs.metrics.http_request(route, record.status)
        if route == "graphql" and not record.is_graphql and record.status >= 400:
            # Refused before GraphQL ran (bad JSON, wrong method or media type...).
            record.operation_type = "unknown"
            record.error_codes.append("BAD_REQUEST")
            record.error_services.append(None)
        if record.is_graphql:
            obs.metrics.graphql_request(
                record.operation_name, record.operation_type or "query", seconds, record.error_codes
            )
            obs.stats.observe(record, obs.metrics.operation_label(record.operation_name))
            for limited in record.rate_limited:
                obs.metrics.rate_limited(limited)
        if obs.settings.logging.access_log:
            log_access(record)
