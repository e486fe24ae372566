"""Who is calling: resolved once per request, read by extensions and resolvers.

Usage::

    principal = Principal(client_id="acme", roles=frozenset({"reader"}), plan="pro")
    principal.has_role("admin")        # False
    anonymous("203.0.113.9").client_id # "ip:203.0.113.9"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Principal", "anonymous"]


@dataclass(frozen=True, slots=True)
class Principal:
    #: Stable id used for limits, quotas and usage ("acme", or "ip:1.2.3.4" when anonymous).
    client_id: str
    subject: str | None = None
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    plan: str = "free"
    claims: Mapping[str, Any] = field(default_factory=dict)
    authenticated: bool = True

    def has_role(self, role: str) -> bool:
        return role in self.roles


def anonymous(client_ip: str) -> Principal:
    """An unauthenticated caller, identified by address until it authenticates."""
    return Principal(client_id=f"ip:{client_ip}", authenticated=False)
