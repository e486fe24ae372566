"""Count successful field resolutions per ``Type.field`` from the operation and its result.

One walk over the selection set, guided by the result data, after execution: no
per-field wrapper (an ``async def resolve`` around every field makes large queries
several times slower, see STYLE.md point 5). A field counts once per value it
produced (once per list item for fields below a list) unless an error sits exactly
at its path (a rate-limited or failed field is not a successful resolution).

Usage::

    counts = resolved_fields(schema._schema, document, "GetUser", data, errors)
    counts["Query.user"]    # 1
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
)
from graphql.utilities import get_operation_ast

__all__ = ["error_codes", "resolved_fields"]

Path = tuple[str | int, ...]


def error_codes(errors: Iterable[GraphQLError] | None) -> Counter[str]:
    """Errors per ``extensions.code`` (``INTERNAL_SERVER_ERROR`` when one has none)."""
    codes: Counter[str] = Counter()
    for error in errors or ():
        code = (error.extensions or {}).get("code") or getattr(
            error.original_error, "code", "INTERNAL_SERVER_ERROR"
        )
        codes[str(code)] += 1
    return codes


def resolved_fields(
    schema: GraphQLSchema,
    document: DocumentNode | None,
    operation_name: str | None,
    data: Mapping[str, Any] | None,
    errors: Sequence[GraphQLError] | None,
) -> Counter[str]:
    counts: Counter[str] = Counter()
    if document is None or not data:
        return counts
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return counts
    root = schema.get_root_type(operation.operation)
    if root is None:
        return counts
    walker = _Walker(schema, document, {tuple(e.path) for e in errors or () if e.path}, counts)
    walker.walk(root, operation.selection_set, data, ())
    return counts


class _Walker:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, failed: set[Path], counts: Counter[str]
    ) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.failed = failed
        self.counts = counts
        # One plan per (type, selection set): list items share it, so a 1,000-item list
        # collects its fields once, not 1,000 times.
        self._plans: dict[
            tuple[str, int], list[tuple[str, str, str, Any, SelectionSetNode | None]]
        ] = {}

    def walk(
        self,
        parent: GraphQLObjectType,
        selections: SelectionSetNode,
        value: Mapping[str, Any],
        path: Path,
    ) -> None:
        for key, coordinate, _, type_, merged in self._plan(parent, selections):
            if key not in value:
                continue  # skipped by @skip/@include
            here = (*path, key)
            if self.failed and here in self.failed:
                continue
            self.counts[coordinate] += 1
            if merged is not None:
                self._descend(type_, merged, value[key], here)

    def _plan(
        self, parent: GraphQLObjectType, selections: SelectionSetNode
    ) -> list[tuple[str, str, str, Any, SelectionSetNode | None]]:
        cache_key = (parent.name, id(selections))
        plan = self._plans.get(cache_key)
        if plan is not None:
            return plan
        plan = []
        for key, nodes in self._fields(parent, selections).items():
            name = nodes[0].name.value
            if name.startswith("__"):
                continue  # introspection
            definition = parent.fields.get(name)
            merged = None
            if definition is not None and any(node.selection_set for node in nodes):
                # Fields merged by the executor (same response key) resolve once,
                # with their sub-selections combined.
                merged = SelectionSetNode(
                    selections=tuple(
                        selection
                        for node in nodes
                        if node.selection_set
                        for selection in node.selection_set.selections
                    )
                )
            type_ = definition.type if definition is not None else None
            plan.append((key, f"{parent.name}.{name}", name, type_, merged))
        self._plans[cache_key] = plan
        return plan

    def _descend(self, type_: Any, selections: SelectionSetNode, value: Any, path: Path) -> None:
        if value is None:
            return
        if isinstance(value, list):
            for index, item in enumerate(value):
                self._descend(type_, selections, item, (*path, index))
            return
        if not isinstance(value, Mapping):
            return
        named = get_named_type(type_)
        if is_abstract_type(named):
            # The runtime type is only known when the client asked for __typename.
            runtime = self.schema.get_type(str(value.get("__typename", "")))
            named = runtime if isinstance(runtime, GraphQLObjectType) else None
        if isinstance(named, GraphQLObjectType):
            self.walk(named, selections, value, path)

    def _fields(
        self, parent: GraphQLObjectType, selections: SelectionSetNode
    ) -> dict[str, list[FieldNode]]:
        found: dict[str, list[FieldNode]] = {}
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                found.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, parent):
                    _merge(found, self._fields(parent, selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None and self._applies(
                    fragment.type_condition.name.value, parent
                ):
                    _merge(found, self._fields(parent, fragment.selection_set))
        return found

    def _applies(self, condition: str, parent: GraphQLObjectType) -> bool:
        if condition == parent.name:
            return True
        target = self.schema.get_type(condition)
        return (
            target is not None
            and is_abstract_type(target)
            and self.schema.is_sub_type(
                target,
                parent,
            )
        )


def _merge(into: dict[str, list[FieldNode]], more: dict[str, list[FieldNode]]) -> None:
    for key, nodes in more.items():
        into.setdefault(key, []).extend(nodes)
