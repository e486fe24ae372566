"""Cost the operation once, before anything else needs its cost.

At ``on_execute`` (after parsing and validation, before any resolver) the operation is
walked once by the app's :class:`schema.cost.CostModel` (built once per schema, in
``build_schema``), watching the rate-limited fields on the way. The result goes on the
request context for the extensions after it:

- ``context.cost_analysis``: the whole :class:`schema.cost.Analysis`; the quota check and
  metering read its cost (``context.cost``), the rate limiter also its limited-field
  occurrences and root keys;
- ``record.cost``: the access log, the trace and the metrics report it.

So the quota guard, the rate limiter and metering share one walk instead of three.

Usage (``build_schema`` places it before the quota guard, metering and rate limits)::

    extensions.append(OperationCost.factory(model, watch=limiter.watch))
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from observability.record import current_request
from schema.cost import CostModel

__all__ = ["OperationCost"]


class OperationCost(SchemaExtension):
    def __init__(self, *, model: CostModel, watch: Collection[str] = ()) -> None:
        self.model = model
        self.watch = watch

    @classmethod
    def factory(cls, model: CostModel, watch: Collection[str] = ()) -> Callable[[], OperationCost]:
        """A fresh extension per request, sharing the schema's cost model."""

        def build() -> OperationCost:
            return cls(model=model, watch=watch)

        return build

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        context: Any = execution.context
        if document is not None and context is not None:
            analysis = self.model.analyze(
                document, execution.operation_name, execution.variables, self.watch
            )
            if hasattr(context, "cost_analysis"):
                context.cost_analysis = analysis
            record = current_request()
            if record is not None:
                record.cost = analysis.cost
        yield
