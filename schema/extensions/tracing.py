"""The GraphQL operation as the operator sees it: spans, and facts for metrics and logs.

:class:`OperationTracing` runs for every operation. It fills the request's record
(operation name and type, root fields, client id, error codes) for metrics, the
access log and the dashboard, and, when tracing is on, opens the operation span
(name, type, document hash, cost, client id) with parse and validate spans under it.
``extensions.traceId`` is added to the response when configured.

:class:`ResolverTracing` adds one span per resolver (``root``: top-level fields only;
``all``: every field). It is sync+async-aware: a sync resolver's span ends when it
returns, an async one's when its awaitable finishes; no ``async def`` wrapper is put
around sync fields (the 9x slowdown STYLE.md point 5 measures).

Usage::

    schema = build_schema(settings.graphql, leading_extensions=[operation_tracing(tracing)])
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from inspect import isawaitable
from typing import Any

from graphql import FieldNode, GraphQLResolveInfo, GraphQLSyntaxError, OperationDefinitionNode
from opentelemetry import context as otel_context
from opentelemetry.trace import Span, Status, StatusCode, set_span_in_context, use_span
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from observability.record import RequestRecord, current_request
from observability.tracing import Tracing, format_trace_id

__all__ = ["OperationTracing", "ResolverTracing", "operation_tracing"]


class OperationTracing(SchemaExtension):
    def __init__(self, *, tracing: Tracing, return_trace_id: bool = True) -> None:
        self.tracing = tracing
        self.return_trace_id = return_trace_id
        self._trace_id: str | None = None

    def on_operation(self) -> Iterator[None]:
        record = current_request()
        span: Span | None = None
        token: object = None
        if self.tracing.enabled:
            query = self.execution_context.query or ""
            span = self.tracing.tracer.start_span(
                "graphql.operation",
                attributes={"graphql.document.hash": hashlib.sha256(query.encode()).hexdigest()},
            )
            self._trace_id = format_trace_id(span)
            token = otel_context.attach(set_span_in_context(span))
        failure: BaseException | None = None
        try:
            yield
        except BaseException as exc:
            # Some failures (a parse error raised by the parser cache, a bad operation
            # type) leave the operation as exceptions; they still count as errors.
            failure = exc
            raise
        finally:
            if token is not None:
                otel_context.detach(token)  # type: ignore[arg-type]
            self._finish(record, span, failure)
            if span is not None:
                span.end()

    def on_parse(self) -> Iterator[None]:
        if not self.tracing.enabled:
            yield
            return
        with self.tracing.tracer.start_as_current_span("graphql.parse"):
            yield

    def on_validate(self) -> Iterator[None]:
        if not self.tracing.enabled:
            yield
            return
        with self.tracing.tracer.start_as_current_span("graphql.validate"):
            yield

    def on_execute(self) -> Iterator[None]:
        # Reached only by valid documents, so root field names are schema names (bounded).
        record = current_request()
        if record is not None:
            operation = self._operation_node()
            if operation is not None:
                record.root_fields = tuple(
                    s.name.value
                    for s in operation.selection_set.selections
                    if isinstance(s, FieldNode)
                )
        yield

    def get_results(self) -> dict[str, Any]:
        if self.return_trace_id and self._trace_id:
            return {"traceId": self._trace_id}
        return {}

    # -- helpers --------------------------------------------------------------------

    def _operation_node(self) -> OperationDefinitionNode | None:
        document = self.execution_context.graphql_document
        if document is None:
            return None
        name = self.execution_context.operation_name
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode) and (
                name is None or (definition.name and definition.name.value == name)
            ):
                return definition
        return None

    def _finish(
        self, record: RequestRecord | None, span: Span | None, failure: BaseException | None
    ) -> None:
        ec = self.execution_context
        operation = self._operation_node()
        op_type = operation.operation.value if operation is not None else "unknown"
        op_name = ec.operation_name or (
            operation.name.value if operation is not None and operation.name else None
        )
        principal = getattr(ec.context, "principal", None)
        client_id = getattr(principal, "client_id", None)
        codes: list[str] = []
        services: list[str | None] = []
        for error in (ec.result.errors if ec.result is not None else None) or ():
            extensions = error.extensions or {}
            codes.append(str(extensions.get("code", "INTERNAL_SERVER_ERROR")))
            service = extensions.get("service")
            services.append(str(service) if service is not None else None)
        if failure is not None and not codes:
            codes, services = [_failure_code(failure)], [None]
        cost = record.cost if record is not None else None
        if record is not None:
            record.operation_name, record.operation_type = op_name, op_type
            record.client_id = client_id or record.client_id
            record.error_codes += codes
            record.error_services += services
        if span is None:
            return
        span.update_name(f"{op_type} {op_name}" if op_name else op_type)
        span.set_attribute("graphql.operation.type", op_type)
        if op_name:
            span.set_attribute("graphql.operation.name", op_name)
        if client_id:
            span.set_attribute("switchyard.client_id", client_id)
        if cost is not None:
            span.set_attribute("switchyard.cost", cost)
        if codes:
            span.set_attribute("switchyard.error_codes", codes)
            span.set_status(Status(StatusCode.ERROR, codes[0]))


class ResolverTracing(OperationTracing):
    """Adds resolver spans; ``root_only`` keeps them to top-level fields."""

    def __init__(
        self, *, tracing: Tracing, return_trace_id: bool = True, root_only: bool = False
    ) -> None:
        super().__init__(tracing=tracing, return_trace_id=return_trace_id)
        self.root_only = root_only

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if self.root_only and info.path.prev is not None:
            return _next(root, info, *args, **kwargs)
        span = self.tracing.tracer.start_span(
            f"resolve {info.parent_type.name}.{info.field_name}",
            attributes={
                "graphql.field.name": info.field_name,
                "graphql.field.parent": info.parent_type.name,
            },
        )
        token = otel_context.attach(set_span_in_context(span))
        try:
            result = _next(root, info, *args, **kwargs)
        except BaseException as exc:
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            span.end()
            raise
        finally:
            otel_context.detach(token)
        if isawaitable(result):
            return _finish_async(result, span)
        span.end()
        return result


def _failure_code(failure: BaseException) -> str:
    if isinstance(failure, GraphQLSyntaxError) or isinstance(
        getattr(failure, "original_error", None), GraphQLSyntaxError
    ):
        return "GRAPHQL_PARSE_FAILED"
    if isinstance(failure, InvalidOperationTypeError | CannotGetOperationTypeError):
        return "BAD_REQUEST"
    return "INTERNAL_SERVER_ERROR"


async def _finish_async(awaitable: Awaitable[Any], span: Span) -> Any:
    # Re-attach the span while awaiting, so loads and backend calls become its children.
    with use_span(span, end_on_exit=True, record_exception=False, set_status_on_exception=True):
        return await awaitable


def operation_tracing(tracing: Tracing) -> Callable[[], SchemaExtension]:
    """The extension factory for ``tracing.settings`` (a new instance per operation)."""
    settings = tracing.settings
    if tracing.enabled and settings.resolvers != "off":
        return partial(
            ResolverTracing,
            tracing=tracing,
            return_trace_id=settings.return_trace_id,
            root_only=settings.resolvers == "root",
        )
    return partial(OperationTracing, tracing=tracing, return_trace_id=settings.return_trace_id)
