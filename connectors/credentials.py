"""What a service is told about the caller: per-service, configured, signed when asked.

Each service's ``[services.NAME.credentials]`` picks any of: forward the caller's
``Authorization`` header; the gateway's own static headers (an API key for that
service); identity headers signed with HMAC-SHA256 under a per-service secret::

    X-Principal-Id: acme
    X-Principal-Roles: admin,reader
    X-Principal-Timestamp: 1767225600
    X-Principal-Signature: hex(HMAC-SHA256(secret, "1767225600\\nacme\\nadmin,reader"))

By default nothing of the caller's reaches a service. The gateway never copies a
client's headers to a service, so a client cannot set or override these. Identity
headers are only sent for authenticated callers. Connectors know nothing of the auth
package: the context hands them a plain :class:`Caller`.

Usage::

    policy = CredentialPolicy.from_settings(settings.services["users"].credentials)
    policy.headers_for(Caller(id="acme", roles=frozenset({"admin"}), authenticated=True))
    verify_identity(headers, secret=b"...", max_age_seconds=60)   # on the service side
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from settings import ServiceCredentials

__all__ = ["NO_CREDENTIALS", "Caller", "CredentialPolicy", "sign_identity", "verify_identity"]

ID, ROLES, TIMESTAMP, SIGNATURE = (
    "X-Principal-Id",
    "X-Principal-Roles",
    "X-Principal-Timestamp",
    "X-Principal-Signature",
)


@dataclass(frozen=True, slots=True)
class Caller:
    """The caller as connectors see it (built from the principal by the context)."""

    id: str
    roles: frozenset[str] = frozenset()
    authenticated: bool = False
    #: The caller's own ``Authorization`` header, for services configured to receive it.
    authorization: str | None = None


@dataclass(frozen=True, slots=True)
class CredentialPolicy:
    forward_authorization: bool = False
    static_headers: Mapping[str, str] = field(default_factory=dict)
    signing_secret: bytes | None = None

    @classmethod
    def from_settings(cls, settings: ServiceCredentials) -> CredentialPolicy:
        secret = settings.signed_identity_secret
        return cls(
            forward_authorization=settings.forward_authorization,
            static_headers={k: v.get_secret_value() for k, v in settings.static_headers.items()},
            signing_secret=secret.get_secret_value().encode() if secret else None,
        )

    @property
    def per_caller(self) -> bool:
        """Whether headers depend on the caller (else they are set once on the client)."""
        return self.forward_authorization or self.signing_secret is not None

    def headers_for(self, caller: Caller, *, now: float | None = None) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.forward_authorization and caller.authorization:
            headers["Authorization"] = caller.authorization
        if self.signing_secret is not None and caller.authenticated:
            headers.update(sign_identity(caller, self.signing_secret, now=now))
        return headers


NO_CREDENTIALS = CredentialPolicy()


def _message(timestamp: str, id: str, roles: str) -> bytes:
    return f"{timestamp}\n{id}\n{roles}".encode()


def sign_identity(caller: Caller, secret: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    roles = ",".join(sorted(caller.roles))
    digest = hmac.new(secret, _message(timestamp, caller.id, roles), hashlib.sha256).hexdigest()
    return {ID: caller.id, ROLES: roles, TIMESTAMP: timestamp, SIGNATURE: digest}


def verify_identity(
    headers: Mapping[str, str], *, secret: bytes, max_age_seconds: float = 60.0
) -> tuple[str, frozenset[str]] | None:
    """What a service runs: ``(id, roles)`` when the headers are signed and fresh, else None.

    ``headers`` must be case-insensitive (Starlette's and httpx's are).
    """
    try:
        id, roles, timestamp = headers[ID], headers[ROLES], headers[TIMESTAMP]
        signature = headers[SIGNATURE]
        age = abs(time.time() - int(timestamp))
    except (KeyError, ValueError):
        return None
    expected = hmac.new(secret, _message(timestamp, id, roles), hashlib.sha256).hexdigest()
    if age > max_age_seconds or not hmac.compare_digest(expected, signature):
        return None
    return id, frozenset(filter(None, roles.split(",")))
