"""Refuse out-of-range list arguments written in the query as a validation error.

``users(limit: 1000)`` is then a request error like any other invalid document:
no execution, no backend call, and 400 for clients that speak
``application/graphql-response+json``. Values passed through variables are only known
at execution, so the resolvers check them again (:mod:`resolvers.arguments`) with the
same bounds and message.

Usage::

    rule = argument_bounds_rule(max_page_size=100)     # once per schema (validation cache)
    AddValidationRules([rule])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLError, IntValueNode, ListValueNode, ValidationRule

from resolvers.arguments import length_problem, range_problem

__all__ = ["argument_bounds_rule"]


@dataclass(frozen=True, slots=True)
class _Range:
    low: int
    high: int | None


@dataclass(frozen=True, slots=True)
class _Length:
    maximum: int
    noun: str


def argument_bounds_rule(max_page_size: int) -> type[ValidationRule]:
    """The rule class for this schema's bounds (built once, so validation results cache)."""
    bounds: dict[tuple[str, str], dict[str, _Range | _Length]] = {
        ("Query", "users"): {"limit": _Range(1, max_page_size), "offset": _Range(0, None)},
        ("Query", "products"): {"ids": _Length(max_page_size, "products")},
    }

    class ArgumentBounds(ValidationRule):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            parent = self.context.get_parent_type()
            rules = bounds.get((parent.name, node.name.value)) if parent else None
            for argument in (node.arguments or ()) if rules else ():
                name, value = argument.name.value, argument.value
                rule = rules.get(name) if rules else None
                problem = None
                if isinstance(rule, _Range) and isinstance(value, IntValueNode):
                    problem = range_problem(name, int(value.value), rule.low, rule.high)
                elif isinstance(rule, _Length) and isinstance(value, ListValueNode):
                    problem = length_problem(name, len(value.values), rule.maximum, rule.noun)
                if problem:
                    error = GraphQLError(problem, argument, extensions={"code": "BAD_USER_INPUT"})
                    self.report_error(error)

    return ArgumentBounds
