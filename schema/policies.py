"""Named access rules for ``@policy(name:)``, written in Python.

A rule gets the caller's principal and the object whose field is being read (the
connector record, e.g. a ``UserRecord``) and answers True to allow. Rules run only
for authenticated callers and must be cheap and side-effect free: they run once per
guarded field per object.

Usage::

    policies = default_policies().with_rule("same-client", lambda p, obj: p.client_id == obj.client)
    build_schema(settings, policies=policies)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from auth import Principal

__all__ = ["ADMIN_ROLE", "PolicyRegistry", "PolicyRule", "default_policies", "owner"]

PolicyRule = Callable[[Principal, Any], bool]
ADMIN_ROLE = "admin"


@dataclass(frozen=True, slots=True)
class PolicyRegistry:
    """An immutable name -> rule map (built once with the schema, shared safely)."""

    rules: Mapping[str, PolicyRule] = field(default_factory=dict)

    def with_rule(self, name: str, rule: PolicyRule) -> PolicyRegistry:
        return PolicyRegistry(MappingProxyType({**self.rules, name: rule}))

    def get(self, name: str) -> PolicyRule | None:
        return self.rules.get(name)


def owner(principal: Principal, obj: Any) -> bool:
    """The demo's rule: users see their own record's guarded fields; admins see everyone's.

    The caller owns a user record when the principal's subject is that user's id
    (a JWT ``sub`` of "3" owns user 3).
    """
    if principal.has_role(ADMIN_ROLE):
        return True
    own_id = getattr(obj, "id", None)
    return own_id is not None and principal.subject == str(own_id)


def default_policies() -> PolicyRegistry:
    return PolicyRegistry(MappingProxyType({"owner": owner}))
