"""Static operation cost: how expensive an operation is, computed before it executes.

Rules (one place; rate-limit budgets, quotas and metering all reuse them):

- every field has a weight: ``@cost(weight: N)`` when declared, otherwise 1 for fields
  returning an object (interface, union, or a list of them) and 0 for scalars and enums;
- a list field multiplies its weight plus the cost of its selection by its size: the
  ``limit`` / ``first`` / ``last`` argument, the length of ``ids``, that argument's
  default in the schema, ``@listSize(assumedSize: N)``, or ``default_list_size`` (1);
- fragments (named and inline) and aliases count as executed: fields are grouped by
  response key exactly as execution merges them, so ``a: user {..} b: user {..}`` costs
  two users while the same field spelled twice costs one; ``@skip``/``@include`` apply;
- variables are resolved (provided values, else the operation's defaults).

So ``users(limit: 10) { id orders { id } }`` costs ``10 * (1 + 1 * (1 + 0)) = 20``.

Usage::

    cost = operation_cost(schema, parse("{ users(limit: 5) { id } }"), None, {})   # 5
    model = CostModel(schema)          # reads the weights once; reuse it per request
    model.operation_cost(document, "Q", {"n": 3})
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    get_named_type,
    is_composite_type,
    is_leaf_type,
    value_from_ast,
    value_from_ast_untyped,
)

__all__ = ["Analysis", "CostModel", "FieldCost", "operation_cost"]

#: Arguments that say how many items a list field returns.
SIZE_ARGUMENTS = ("limit", "first", "last")
#: Arguments whose length says how many items a list field returns.
LIST_ARGUMENTS = ("ids",)


@dataclass(frozen=True, slots=True)
class FieldCost:
    """What the cost rules know about one schema field."""

    weight: int
    is_list: bool
    assumed_size: int | None


@dataclass(frozen=True, slots=True)
class Analysis:
    """One walk over an operation: its cost, its root response keys, and every occurrence
    of a watched field as (response path without list indices, "Type.field")."""

    cost: int
    root_keys: list[str]
    found: list[tuple[tuple[str, ...], str]]


class CostModel:
    """The cost rules bound to one schema; field facts are read once and kept.

    ``weights`` ("Type.field" -> weight) overrides the schema's ``@cost`` (configuration).
    Accepts a graphql-core ``GraphQLSchema`` or a Strawberry schema.
    """

    def __init__(
        self,
        schema: GraphQLSchema | Any,
        *,
        weights: Mapping[str, int] | None = None,
        default_list_size: int = 1,
    ) -> None:
        self.schema: GraphQLSchema = schema if isinstance(schema, GraphQLSchema) else schema._schema
        self.weights = dict(weights or {})
        self.default_list_size = default_list_size
        self._fields: dict[tuple[str, str], FieldCost] = {}

    def operation_cost(
        self,
        document: DocumentNode,
        operation_name: str | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> int:
        """The cost of one operation of ``document``; 0 when it names no known operation."""
        return self.analyze(document, operation_name, variables).cost

    def analyze(
        self,
        document: DocumentNode,
        operation_name: str | None = None,
        variables: Mapping[str, Any] | None = None,
        watch: Collection[str] = (),
    ) -> Analysis:
        """The cost, plus where the ``watch``-ed fields ("Type.field") occur, in one walk."""
        operation, fragments = _split(document, operation_name)
        if operation is None:
            return Analysis(0, [], [])
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return Analysis(0, [], [])
        values = dict(variables or {})
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in values and definition.default_value is not None:
                values[name] = value_from_ast_untyped(definition.default_value)
        walk = _Walk(self, fragments, values, watch)
        cost = walk.cost(root, [operation.selection_set], ())
        return Analysis(cost, walk.root_keys, walk.found)

    def field(self, owner: GraphQLNamedType, name: str, definition: GraphQLField) -> FieldCost:
        """The weight and list facts of ``owner.name`` (cached)."""
        key = (owner.name, name)
        found = self._fields.get(key)
        if found is None:
            found = self._fields[key] = self._read_field(owner.name, name, definition)
        return found

    def _read_field(self, owner: str, name: str, definition: GraphQLField) -> FieldCost:
        declared = _declared(definition)
        weight = self.weights.get(f"{owner}.{name}")
        if weight is None:
            weight = declared.get("cost")
        if weight is None:
            weight = 0 if is_leaf_type(get_named_type(definition.type)) else 1
        return FieldCost(
            weight=max(0, int(weight)),
            is_list=_is_list(definition),
            assumed_size=declared.get("listSize"),
        )


def operation_cost(
    schema: GraphQLSchema | Any,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int:
    """The static cost of an operation (pure; see the module docstring for the rules)."""
    return CostModel(schema).operation_cost(document, operation_name, variables)


class _Walk:
    """One cost computation: fragments and variables of one request."""

    def __init__(
        self,
        model: CostModel,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        watch: Collection[str] = (),
    ) -> None:
        self.model = model
        self.fragments = fragments
        self.variables: dict[str, Any] = dict(variables)
        self.watch = watch
        self.root_keys: list[str] = []
        self.found: list[tuple[tuple[str, ...], str]] = []

    def cost(
        self,
        parent: GraphQLNamedType,
        selection_sets: Iterable[SelectionSetNode],
        path: tuple[str, ...],
    ) -> int:
        grouped: dict[str, tuple[GraphQLNamedType, list[FieldNode]]] = {}
        for selection_set in selection_sets:
            self._collect(parent, selection_set, grouped, set())
        if not path:
            self.root_keys = list(grouped)
        total = 0
        for key, (owner, nodes) in grouped.items():
            name = nodes[0].name.value
            definition = getattr(owner, "fields", {}).get(name)
            if definition is None:  # __typename and introspection are free
                continue
            if self.watch and f"{owner.name}.{name}" in self.watch:
                self.found.append(((*path, key), f"{owner.name}.{name}"))
            facts = self.model.field(owner, name, definition)
            children = [node.selection_set for node in nodes if node.selection_set]
            named = get_named_type(definition.type)
            inner = self.cost(named, children, (*path, key)) if children else 0
            size = self._list_size(facts, definition, nodes[0]) if facts.is_list else 1
            total += size * (facts.weight + inner)
        return total

    def _collect(
        self,
        parent: GraphQLNamedType,
        selection_set: SelectionSetNode,
        grouped: dict[str, tuple[GraphQLNamedType, list[FieldNode]]],
        seen_fragments: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                if key in grouped:
                    grouped[key][1].append(selection)
                else:
                    grouped[key] = (parent, [selection])
            elif isinstance(selection, InlineFragmentNode):
                owner = self._condition(parent, selection.type_condition)
                self._collect(owner, selection.selection_set, grouped, seen_fragments)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen_fragments:
                    continue
                seen_fragments.add(name)
                owner = self._condition(parent, fragment.type_condition)
                self._collect(owner, fragment.selection_set, grouped, seen_fragments)

    def _condition(self, parent: GraphQLNamedType, condition: Any) -> GraphQLNamedType:
        if condition is None:
            return parent
        found = self.model.schema.get_type(condition.name.value)
        return found if found is not None and is_composite_type(found) else parent

    def _included(self, node: Any) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            condition = next((a.value for a in directive.arguments if a.name.value == "if"), None)
            value = (
                value_from_ast(condition, GraphQLBoolean, self.variables)
                if condition is not None
                else Undefined
            )
            if (name == "skip" and value is True) or (name == "include" and value is False):
                return False
        return True

    def _list_size(self, facts: FieldCost, definition: GraphQLField, node: FieldNode) -> int:
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        for name in (*SIZE_ARGUMENTS, *LIST_ARGUMENTS):
            argument = definition.args.get(name)
            if argument is None:
                continue
            value: Any = Undefined
            if name in given:
                value = value_from_ast(given[name], argument.type, self.variables)
            if value is Undefined or value is None:
                value = _default_of(argument)
            if name in LIST_ARGUMENTS and isinstance(value, list | tuple):
                return len(value)
            if isinstance(value, int) and not isinstance(value, bool):
                return max(0, value)
        if facts.assumed_size is not None:
            return max(0, facts.assumed_size)
        return self.model.default_list_size


def _split(
    document: DocumentNode, operation_name: str | None
) -> tuple[OperationDefinitionNode | None, dict[str, FragmentDefinitionNode]]:
    operations: list[OperationDefinitionNode] = []
    fragments: dict[str, FragmentDefinitionNode] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            operations.append(definition)
        elif isinstance(definition, FragmentDefinitionNode):
            fragments[definition.name.value] = definition
    if operation_name is None:
        return (operations[0] if len(operations) == 1 else None), fragments
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation, fragments
    return None, fragments


def _default_of(argument: GraphQLArgument) -> Any:
    # graphql-core 3.3 keeps SDL defaults as a literal beside the older default_value.
    if argument.default_value is not Undefined:
        return argument.default_value
    default = getattr(argument, "default", None)
    if default is None:
        return Undefined
    if getattr(default, "value", Undefined) is not Undefined:
        return default.value
    literal = getattr(default, "literal", None)
    return value_from_ast_untyped(literal) if literal is not None else Undefined


def _is_list(definition: GraphQLField) -> bool:
    field_type = definition.type
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return isinstance(field_type, GraphQLList)


def _declared(definition: GraphQLField) -> dict[str, int]:
    """``@cost`` weight and ``@listSize`` size declared on a field, from Strawberry's field
    definition or, for schemas built from SDL, from the field's AST node."""
    found: dict[str, int] = {}
    strawberry_field = (definition.extensions or {}).get("strawberry-definition")
    for directive in getattr(strawberry_field, "directives", None) or ():
        meta = getattr(type(directive), "__strawberry_directive__", None)
        name = getattr(meta, "graphql_name", None) or getattr(meta, "python_name", "")
        if name == "cost":
            found["cost"] = int(directive.weight)
        elif name == "listSize":
            found["listSize"] = int(directive.assumed_size)
    node = definition.ast_node
    for directive_node in (node.directives if node is not None else None) or ():
        name = directive_node.name.value
        for argument in directive_node.arguments or ():
            if (name, argument.name.value) in (("cost", "weight"), ("listSize", "assumedSize")):
                value = value_from_ast_untyped(argument.value)
                if isinstance(value, int):
                    found[name] = value
    return found
