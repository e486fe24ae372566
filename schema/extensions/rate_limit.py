"""Rate limits, cost budgets and the cost report, enforced once per operation.

Before execution (``on_execute``) the app's :class:`schema.rate_limits.RateLimiter`
decides on the operation, from the one walk :class:`schema.extensions.cost.OperationCost`
left on the context (``context.cost_analysis``, which ``build_schema`` guarantees by
installing that extension first): its static cost goes to ``extensions.cost`` of the response, the
plan's operation limits and cost budget are spent (over: the operation
is refused with ``RATE_LIMITED`` and 429, nothing executes), and every rate-limited field
is counted (over: that field resolves to null with ``RATE_LIMITED``, with no backend
call; 429 when every root field is limited). The ``RateLimit-*`` and ``Retry-After``
headers go on the HTTP response through ``GatewayContext.response_headers``. An operation
an earlier extension already answered (the quota guard's ``QUOTA_EXCEEDED``) is skipped:
it spends no counter and reports no cost.

Passed to the schema as a factory bound to the app's limiter (one instance per request)::

    extensions.append(RateLimits.factory(limiter))
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from observability.record import current_request
from schema.rate_limits import Decision, RateLimiter

__all__ = ["RateLimits"]


class RateLimits(SchemaExtension):
    def __init__(self, *, limiter: RateLimiter) -> None:
        self.limiter = limiter
        self.decision: Decision | None = None

    @classmethod
    def factory(cls, limiter: RateLimiter) -> Callable[[], RateLimits]:
        """A fresh extension per request, sharing the app's limiter."""

        def build() -> RateLimits:
            return cls(limiter=limiter)

        return build

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        context: Any = execution.context
        if document is None or context is None or execution.result is not None:
            # Nothing to run, or refused before us (e.g. over quota): spend nothing.
            yield
            return
        analysis = context.cost_analysis
        if analysis is None:  # build_schema installs OperationCost first; fail closed if not
            raise RuntimeError("RateLimits needs OperationCost to run before it")
        decision = self.decision = await self.limiter.decide(
            analysis, execution.operation_type.value, context.principal, context.client_ip
        )
        context.response_headers.update(decision.headers)
        record = current_request()
        if record is not None:  # the access log, the trace and the metrics report these
            if decision.refused is not None:  # (record.cost: OperationCost set it)
                record.rate_limited.append("operation")
            record.rate_limited += ["field"] * len(decision.limited_fields)
        if decision.status is not None:
            context.response_status = decision.status
        if decision.refused is not None:
            refused = decision.refused
            error = GraphQLError(
                refused.message, original_error=refused, extensions=refused.extensions()
            )
            execution.result = ExecutionResult(data=None, errors=[error])
        elif decision.limited_fields:
            context.limited_fields.update(decision.limited_fields)
        yield

    def get_results(self) -> dict[str, Any]:
        # Request errors (parse, validation, variable coercion) are answered with errors
        # only: the operation never ran, so there is no cost to report. An operation this
        # extension refused does report the cost it was refused for.
        decision = self.decision
        if decision is None:
            return {}
        result = self.execution_context.result
        if decision.refused is None and _request_error(result):
            return {}
        return {"cost": decision.cost}


def _request_error(result: Any) -> bool:
    errors = getattr(result, "errors", None)
    return bool(
        result is not None
        and getattr(result, "data", None) is None
        and errors
        and all(error.path is None for error in errors)
    )
