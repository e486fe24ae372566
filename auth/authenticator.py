"""Resolve the caller's :class:`Principal` once per request from its credentials.

Accepted: ``X-API-Key: <key>``, ``Authorization: Bearer <key>`` and, when JWT is
configured, ``Authorization: Bearer <jwt>``. No credentials means an anonymous
principal (or :class:`errors.Unauthenticated` when ``auth.required``). Anything
presented and wrong is refused, never downgraded to anonymous. Error messages and
logs never contain the credential.

Usage::

    authenticator = Authenticator(settings.auth)
    principal = await authenticator.authenticate(
        authorization="Bearer sy_...", api_key=None, client_ip="127.0.0.1"
    )
"""

from __future__ import annotations

import logging
from typing import Protocol

import httpx

from auth.api_keys import ApiKeyRecord, key_id, looks_like_key, matches
from auth.jwt import JwtVerifier
from auth.key_store import KeyStore
from auth.principal import Principal, anonymous
from errors import Unauthenticated
from settings import AuthSettings

__all__ = ["Authenticator", "TokenVerifier"]

logger = logging.getLogger("switchyard.auth")


class TokenVerifier(Protocol):
    """Turns a bearer token that is not an API key into a principal (see auth.jwt)."""

    async def verify(self, token: str) -> Principal: ...


class Authenticator:
    def __init__(
        self,
        settings: AuthSettings,
        *,
        keys: KeyStore | None = None,
        tokens: TokenVerifier | None = None,
        jwks_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.keys = keys or KeyStore(settings)
        self._jwt = (
            JwtVerifier(settings.jwt, transport=jwks_transport) if settings.jwt.enabled else None
        )
        self.tokens = tokens or self._jwt
        self._challenge = f'Bearer realm="{settings.realm}"'
        self._invalid = f'{self._challenge}, error="invalid_token"'

    async def authenticate(
        self, *, authorization: str | None, api_key: str | None, client_ip: str
    ) -> Principal:
        if authorization is None and api_key is None:
            if self.settings.required:
                raise Unauthenticated(
                    "Authentication required: send an API key or a bearer token",
                    www_authenticate=self._challenge,
                )
            return anonymous(client_ip)
        if authorization is not None and api_key is not None:
            raise self._refuse("Send one credential: Authorization or X-API-Key, not both")
        limit = self.settings.max_credential_bytes
        if len(authorization or api_key or "") > limit:
            raise self._refuse(f"The credential is longer than {limit} bytes")
        if api_key is not None:
            return self._api_key(api_key.strip())
        assert authorization is not None
        scheme, _, value = authorization.strip().partition(" ")
        value = value.strip()
        if scheme.lower() != "bearer" or not value:
            raise self._refuse("The Authorization header must be 'Bearer <credential>'")
        if looks_like_key(value):
            return self._api_key(value)
        if self.tokens is None:
            raise self._refuse("Invalid API key")
        try:
            return await self.tokens.verify(value)
        except Unauthenticated as exc:
            logger.info("refused a bearer token: %s", exc.message)
            raise self._refuse(exc.message) from None

    async def aclose(self) -> None:
        """Close the JWKS client, if one was opened (the app's lifespan calls this)."""
        if self._jwt is not None:
            await self._jwt.aclose()

    def _api_key(self, key: str) -> Principal:
        id = key_id(key)
        record = self.keys.find(id) if id is not None else None
        # Compare even without a record, so timing does not tell a well-formed key apart.
        valid = matches(record, key) if record is not None else _burn(key)
        if record is None or not valid or record.revoked:
            logger.info("refused an API key (id %s)", id if record is not None else "unknown")
            raise self._refuse("Invalid or revoked API key")
        return record.principal()

    def _refuse(self, message: str) -> Unauthenticated:
        return Unauthenticated(message, www_authenticate=self._invalid)


_DUMMY = ApiKeyRecord(id="", hash="sha256$" + "0" * 64, client="")


def _burn(key: str) -> bool:
    matches(_DUMMY, key)
    return False
