"""Enforce ``@authenticated``, ``@requiresRoles``, ``@requiresScopes`` and ``@policy`` per field.

The directives are read once, when the schema is built: every guarded field (one
that carries a directive or returns a type that does) gets a small *synchronous*
check in front of its resolver. Unguarded fields are untouched and cost nothing; a
guarded field's check is one function call that returns the original resolver's
result (or coroutine) as is -- no ``async def`` wrapper, see STYLE.md point 5.

A denied field raises before its resolver runs, so no backend call is made for it;
graphql-core turns that into ``null`` at the field (bubbling to the nearest nullable
parent, as the spec says) plus an error with ``extensions.code`` ``UNAUTHENTICATED``
(anonymous caller) or ``FORBIDDEN``. The check runs at resolution, so aliases and
fragments cannot route around it. :func:`hide_suggestions` strips graphql-core's
"Did you mean ...?" hints from request errors so typos do not enumerate fields.

Usage::

    schema = GatewaySchema(query=Query)
    guarded = enforce_authorization(schema, default_policies())   # {"User.email": ...}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    default_field_resolver,
    get_named_type,
)

from auth import Principal
from errors import Forbidden, Unauthenticated
from schema.directives import Authenticated, Policy, RequiresRoles, RequiresScopes
from schema.policies import PolicyRegistry

__all__ = ["Requirement", "enforce_authorization", "hide_suggestions"]


@dataclass(frozen=True, slots=True)
class Requirement:
    """Everything one field demands; all parts must hold."""

    label: str
    #: Each entry: the caller needs at least one of these roles.
    roles: tuple[frozenset[str], ...] = ()
    #: Each entry: the caller needs every scope of at least one inner set.
    scopes: tuple[tuple[frozenset[str], ...], ...] = ()
    policies: tuple[str, ...] = ()

    def check(self, principal: Principal, obj: Any, policies: PolicyRegistry) -> None:
        """Raise :class:`Unauthenticated` or :class:`Forbidden` unless allowed."""
        if not principal.authenticated:
            raise Unauthenticated(f"Authentication required to read {self.label}")
        for any_of in self.roles:
            if principal.roles.isdisjoint(any_of):
                raise self._forbidden()
        for alternatives in self.scopes:
            if not any(needed <= principal.scopes for needed in alternatives):
                raise self._forbidden()
        for name in self.policies:
            rule = policies.get(name)
            # Fail closed: a policy named in the schema but not registered denies.
            if rule is None or not rule(principal, obj):
                raise self._forbidden()

    def _forbidden(self) -> Forbidden:
        return Forbidden(f"Not authorized to read {self.label}")


def enforce_authorization(
    schema: strawberry.Schema, policies: PolicyRegistry
) -> dict[str, Requirement]:
    """Put a check in front of every guarded field's resolver; returns them by "Type.field"."""
    guarded: dict[str, Requirement] = {}
    type_map = schema._schema.type_map
    for type_name, graphql_type in type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, field in graphql_type.fields.items():
            label = f"{type_name}.{field_name}"
            directives = [*_field_directives(field), *_type_directives(get_named_type(field.type))]
            requirement = _requirement(label, directives)
            if requirement is not None:
                field.resolve = _guard(
                    field.resolve or default_field_resolver, requirement, policies
                )
                guarded[label] = requirement
    return guarded


def _guard(
    resolve: Callable[..., Any], requirement: Requirement, policies: PolicyRegistry
) -> Callable[..., Any]:
    def guarded(root: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        requirement.check(info.context.principal, root, policies)
        return resolve(root, info, **arguments)

    return guarded


def _requirement(label: str, directives: Iterable[object]) -> Requirement | None:
    found = False
    roles: list[frozenset[str]] = []
    scopes: list[tuple[frozenset[str], ...]] = []
    names: list[str] = []
    for directive in directives:
        if isinstance(directive, Authenticated):
            found = True
        elif isinstance(directive, RequiresRoles):
            found = True
            roles.append(frozenset(directive.roles))
        elif isinstance(directive, RequiresScopes):
            found = True
            scopes.append(tuple(frozenset(group) for group in directive.scopes))
        elif isinstance(directive, Policy):
            found = True
            names.append(directive.name)
    if not found:
        return None
    return Requirement(label, tuple(roles), tuple(scopes), tuple(names))


def _field_directives(field: GraphQLField) -> Iterator[object]:
    definition = (field.extensions or {}).get("strawberry-definition")
    yield from getattr(definition, "directives", None) or ()


def _type_directives(named: GraphQLNamedType) -> Iterator[object]:
    definition = (named.extensions or {}).get("strawberry-definition")
    yield from getattr(definition, "directives", None) or ()


_SUGGESTION = re.compile(r"\s*Did you mean .*\?$", re.DOTALL)


def hide_suggestions(error: GraphQLError) -> None:
    """Drop "Did you mean ...?" from a request error (called from
    ``GatewaySchema.process_errors``, which sees every error): a misspelt field must not
    reveal the names of fields the caller cannot read."""
    if error.path is None and "Did you mean" in error.message:
        error.message = _SUGGESTION.sub("", error.message)
