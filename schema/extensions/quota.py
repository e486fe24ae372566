"""Refuse an operation before execution when the client's monthly quota is spent.

Runs at ``on_execute`` (after parsing and validation, before any resolver): the
operation's static cost plus the client's spend this month (a per-process cache kept
by the :class:`metering.Meter`, refreshed from the store) must fit in the plan's
``monthly_quota_points``. A refused operation makes no backend call and answers
``QUOTA_EXCEEDED`` with ``Retry-After`` (seconds until the month resets) and status 429.

Usage::

    extensions=[lambda: QuotaGuard(meter=meter, cost_of=cost_function())]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from errors import QuotaExceeded
from metering import Meter
from schema.cost import CostModel

__all__ = ["CostFunction", "QuotaGuard", "cost_function", "operation_cost_of"]

#: ``operation_cost(schema, document, operation_name, variables) -> int`` (schema.cost).
CostFunction = Callable[[Any, Any, str | None, dict[str, Any] | None], int]


def cost_function(weights: Mapping[str, int] | None = None) -> CostFunction:
    """:func:`schema.cost.operation_cost` with one :class:`CostModel` kept per schema
    (it caches each field's weight), and the configured weight overrides."""
    models: dict[int, CostModel] = {}

    def cost(
        schema: Any, document: Any, operation_name: str | None, variables: dict[str, Any] | None
    ) -> int:
        model = models.get(id(schema))
        if model is None:
            model = models[id(schema)] = CostModel(schema, weights=weights)
        return model.operation_cost(document, operation_name, variables)

    return cost


def operation_cost_of(extension: SchemaExtension, cost_of: CostFunction) -> int:
    """The operation's static cost, computed once per request and kept on the context."""
    ctx = extension.execution_context
    context = ctx.context
    cached = getattr(context, "cost", None)
    if cached is not None:
        return int(cached)
    if ctx.graphql_document is None:
        return 0
    schema = ctx.schema._schema  # graphql-core schema, as schema.cost expects
    cost = int(cost_of(schema, ctx.graphql_document, ctx.operation_name, ctx.variables))
    if hasattr(context, "cost"):
        context.cost = cost
    return cost


class QuotaGuard(SchemaExtension):
    def __init__(self, *, meter: Meter, cost_of: CostFunction) -> None:
        self.meter = meter
        self.cost_of = cost_of

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        principal = getattr(context, "principal", None)
        quota = self.meter.quota(principal.plan) if principal is not None else None
        if principal is not None and quota:
            cost = operation_cost_of(self, self.cost_of)
            spent = self.meter.spend(principal.client_id)
            if spent + cost > quota:
                self._refuse(context, quota, spent, cost)
        yield

    def _refuse(self, context: Any, quota: int, spent: int, cost: int) -> None:
        now = datetime.now(UTC)
        reset = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC)
        error = QuotaExceeded(
            quota=quota, spent=spent, cost=cost, reset_at=reset.isoformat().replace("+00:00", "Z")
        )
        context.cost = 0  # nothing ran, nothing is charged
        self.execution_context.result = GraphQLExecutionResult(
            data=None, errors=[GraphQLError(error.message, original_error=error)]
        )
        headers = getattr(context, "response_headers", None)
        if headers is not None:
            headers["Retry-After"] = str(max(1, int((reset - now).total_seconds())))
        if hasattr(context, "response_status"):
            context.response_status = 429
