"""Compare GraphQL response bodies without the operation cost every executed operation
reports in ``extensions.cost`` (README, "Rate limits, cost budgets and plans").

Example::

    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}
"""

from __future__ import annotations

from typing import Any


def without_cost(body: Any) -> Any:
    """``body`` minus ``extensions.cost`` (checked to be a non-negative int), and minus
    ``extensions`` when nothing else is in it."""
    if not isinstance(body, dict) or "extensions" not in body:
        return body
    extensions = dict(body["extensions"])
    cost = extensions.pop("cost", 0)
    assert isinstance(cost, int) and cost >= 0, cost
    rest = {key: value for key, value in body.items() if key != "extensions"}
    if extensions:
        rest["extensions"] = extensions
    return rest
