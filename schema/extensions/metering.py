"""Meter every operation once it has an answer: one record, no I/O on the request path.

After the operation (``on_operation`` exit; every error has its code by then, see
:mod:`schema.error_codes`) this counts the successful field resolutions by walking the
operation along its result (:func:`metering.resolved_fields`, no per-field wrapper), the errors by
code, the backend calls the connectors counted on the context, the static cost (computed
once before execution: ``context.cost``, see :mod:`schema.extensions.cost`) and the
latency, and hands them to :meth:`metering.Meter.record`, which only adds to an
in-memory bucket. A background task writes the buckets to the store.

Usage::

    build_schema(extensions=metering_extensions(meter))
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from metering import Meter, error_codes, resolved_fields
from schema.error_codes import code_error
from schema.extensions.quota import QuotaGuard

__all__ = ["Metering", "metering_extensions"]

logger = logging.getLogger("switchyard.metering")

ANONYMOUS_OPERATION = "(anonymous)"
INVALID_OPERATION = "(invalid)"


class Metering(SchemaExtension):
    def __init__(self, *, meter: Meter) -> None:
        self.meter = meter

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        except GraphQLError as refused:
            # A hook refused the document by raising (the parser cache on a syntax error,
            # several operations without operationName): the answer is this error alone,
            # and Schema.process_errors codes it only later, so code it here.
            code_error(refused, getattr(self.execution_context.context, "request_id", "-"))
            self._safely_record(started, [refused])
            raise
        self._safely_record(started, None)

    def _safely_record(self, started: float, refused: list[GraphQLError] | None) -> None:
        try:
            self._record((time.perf_counter() - started) * 1000, refused)
        except Exception:  # metering must never break an answer
            logger.exception("could not meter an operation")

    def _record(self, latency_ms: float, refused: list[GraphQLError] | None) -> None:
        ctx = self.execution_context
        context = ctx.context
        principal = getattr(context, "principal", None)
        if principal is None:
            return
        result = ctx.result
        data = getattr(result, "data", None)
        errors = refused or list(getattr(result, "errors", None) or ctx.pre_execution_errors or ())
        executed = data is not None or any(error.path for error in errors)
        document = ctx.graphql_document
        if document is None:
            operation = INVALID_OPERATION
        else:
            operation = ctx.operation_name or _single_operation_name(document)
        calls = getattr(context, "backend_calls", None)
        schema, operation_name = ctx.schema._schema, ctx.operation_name
        cost = (getattr(context, "cost", None) or 0) if executed else 0

        def record() -> None:
            self.meter.record(
                client=principal.client_id,
                plan=principal.plan,
                operation=operation,
                cost=cost,
                fields=resolved_fields(schema, document, operation_name, data, errors),
                errors=error_codes(errors),
                backend_calls=calls.total if calls is not None else 0,
                latency_ms=latency_ms,
            )

        after_response = getattr(context, "after_response", None)
        if after_response is None:  # no HTTP view around this execution: record now
            record()
            return

        async def after_sending() -> None:
            # Counting resolved fields walks the whole answer: done once it is sent. An
            # async task (not a thread) because the meter belongs to the event loop.
            record()

        after_response.append(after_sending)


def _single_operation_name(document: object) -> str:
    definitions = getattr(document, "definitions", ())
    for definition in definitions:
        name = getattr(definition, "name", None)
        if getattr(definition, "operation", None) is not None:
            return name.value if name is not None else ANONYMOUS_OPERATION
    return ANONYMOUS_OPERATION


def metering_extensions(meter: Meter) -> list[object]:
    """The factories to add to the schema: the quota guard, then the meter."""
    return [
        lambda: QuotaGuard(meter=meter),
        lambda: Metering(meter=meter),
    ]
