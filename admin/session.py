"""Who may see the dashboard: an admin principal, or a signed dashboard session.

An admin arrives either with a principal already resolved by authentication (an
API key with the ``admin`` role, on ``request.state.principal``) or through the
login form, which checks the key (an API key with the ``admin`` role, through the
auth room's ``app.state.authenticator``, or the configured ``dashboard.admin_key``,
compared in constant time) and sets an HttpOnly,
SameSite=Strict cookie holding a signed, expiring session, never the key itself.

Usage::

    sessions = SessionSigner(secret)
    cookie = sessions.issue("ops", ttl=3600)
    sessions.verify(cookie)        # "ops" or None
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from starlette.requests import Request

from errors import SwitchyardError
from settings.observability import DashboardSettings

__all__ = ["COOKIE", "SessionSigner", "check_key", "request_admin"]

COOKIE = "switchyard_admin"


class SessionSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def for_settings(cls, settings: DashboardSettings) -> SessionSigner:
        # A configured secret (or one derived from the admin key) lets every worker accept
        # every worker's sessions; without either, a per-process secret.
        if settings.session_secret is not None:
            material = settings.session_secret.get_secret_value().encode()
            return cls(hashlib.sha256(b"switchyard-dashboard-session:" + material).digest())
        if settings.admin_key is not None:
            material = (
                b"switchyard-dashboard-session:" + settings.admin_key.get_secret_value().encode()
            )
            return cls(hashlib.sha256(material).digest())
        return cls(secrets.token_bytes(32))

    def issue(self, client_id: str, ttl: int) -> str:
        payload = f"{int(time.time()) + ttl}.{client_id.encode().hex()}"
        return f"{payload}.{self._sign(payload)}"

    def verify(self, cookie: str | None) -> str | None:
        """The client id of a valid, unexpired session; None otherwise."""
        if not cookie or cookie.count(".") != 2:
            return None
        expiry, client_hex, signature = cookie.split(".")
        payload = f"{expiry}.{client_hex}"
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            if int(expiry) < time.time():
                return None
            return bytes.fromhex(client_hex).decode()
        except ValueError:
            return None

    def _sign(self, payload: str) -> str:
        return hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()


async def check_key(request: Request, key: str, settings: DashboardSettings) -> str | None:
    """The admin client id for ``key``, or None when it is not an admin key."""
    if not key:
        return None
    authenticator: Any = getattr(request.app.state, "authenticator", None)
    if authenticator is not None:
        client = request.client.host if request.client else "unknown"
        try:
            principal = await authenticator.authenticate(
                authorization=None, api_key=key, client_ip=client
            )
        except SwitchyardError:  # not a valid API key: try the dashboard's own key
            principal = None
        if principal is not None and principal.authenticated and principal.has_role("admin"):
            return str(principal.client_id)
    configured = settings.admin_key
    if configured is not None and hmac.compare_digest(
        key.encode(), configured.get_secret_value().encode()
    ):
        return "admin"
    return None


def request_admin(request: Request, signer: SessionSigner) -> str | None:
    """The admin client id behind this request (principal or session cookie), or None."""
    principal = getattr(request.state, "principal", None)
    if (
        principal is not None
        and getattr(principal, "authenticated", False)
        and principal.has_role("admin")
    ):
        return str(principal.client_id)
    return signer.verify(request.cookies.get(COOKIE))
