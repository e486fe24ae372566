"""Refuse an operation before execution when the client's monthly quota is spent.

Runs at ``on_execute`` (after parsing and validation, before any resolver): the
operation's static cost (``context.cost``, set by
:class:`schema.extensions.cost.OperationCost`, which ``build_schema`` runs first) plus
the client's spend this month (a per-process cache kept by the :class:`metering.Meter`,
refreshed from the store) must fit in the plan's ``monthly_quota_points``. A refused
operation makes no backend call and answers ``QUOTA_EXCEEDED`` with ``Retry-After``
(seconds until the month resets) and status 429; the rate limiter after it then spends
nothing, and metering charges it no cost.

Usage::

    build_schema(extensions=[lambda: QuotaGuard(meter=meter)])
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from errors import QuotaExceeded
from metering import Meter

__all__ = ["QuotaGuard"]


class QuotaGuard(SchemaExtension):
    def __init__(self, *, meter: Meter) -> None:
        self.meter = meter

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        principal = getattr(context, "principal", None)
        quota = self.meter.quota(principal.plan) if principal is not None else None
        if principal is not None and quota:
            cost = context.cost or 0  # OperationCost walked the operation just before us
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
        self.execution_context.result = GraphQLExecutionResult(
            data=None, errors=[GraphQLError(error.message, original_error=error)]
        )
        headers = getattr(context, "response_headers", None)
        if headers is not None:
            headers["Retry-After"] = str(max(1, int((reset - now).total_seconds())))
        if hasattr(context, "response_status"):
            context.response_status = 429
