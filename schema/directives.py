"""Schema directives that carry access policy; they show in the SDL and in GraphiQL's docs.

``@authenticated`` needs any authenticated caller; ``@requiresRoles(roles:)`` any one of
the roles; ``@requiresScopes(scopes:)`` all scopes of at least one inner list (OR of
ANDs, as in Apollo Router); ``@policy(name:)`` a Python rule from the policy registry.
On an object type, a directive guards every field that returns that type.
:mod:`schema.extensions.authorization` enforces them.

Usage::

    @strawberry.type(directives=[RequiresRoles(roles=["admin"])])
    class AuditLog: ...

    email: str | None = strawberry.field(directives=[Policy(name="owner")])
"""

from __future__ import annotations

import strawberry
from strawberry.schema_directive import Location

__all__ = ["AUTH_DIRECTIVES", "Authenticated", "Policy", "RequiresRoles", "RequiresScopes"]

_WHERE = [Location.FIELD_DEFINITION, Location.OBJECT]


@strawberry.schema_directive(
    locations=_WHERE, name="authenticated", description="Only authenticated callers."
)
class Authenticated:
    pass


@strawberry.schema_directive(
    locations=_WHERE, name="requiresRoles", description="Callers with any one of these roles."
)
class RequiresRoles:
    roles: list[str]


@strawberry.schema_directive(
    locations=_WHERE,
    name="requiresScopes",
    description="Callers holding every scope of at least one of the inner lists.",
)
class RequiresScopes:
    scopes: list[list[str]]


@strawberry.schema_directive(
    locations=_WHERE, name="policy", description="A named rule evaluated by the gateway."
)
class Policy:
    name: str


AUTH_DIRECTIVES = (Authenticated, RequiresRoles, RequiresScopes, Policy)
