"""JWT bearer tokens -> :class:`Principal`, through joserfc.

HS256 tokens are checked with the configured shared secret only; RS256/ES256/EdDSA
tokens only with keys from the JWKS. The algorithm decides the key source and
each source accepts only its own algorithms, so ``alg: none`` and HS256 signed with
an RSA public key (key confusion) both fail. ``exp``, ``nbf``, ``iat``, ``iss`` and
``aud`` are checked with ``leeway_seconds``; claims map to the principal as
configured in ``[auth.jwt.claims]``.

Usage::

    verifier = JwtVerifier(settings.auth.jwt)
    principal = await verifier.verify(token)
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
    SecurityWarning,
)
from joserfc.jwk import Key, OctKey

from auth.jwks import JwksCache
from auth.principal import Principal
from errors import Unauthenticated
from settings import JwtSettings

__all__ = ["JwtVerifier"]

_CLAIM_MESSAGES = {
    "iss": "The token's issuer is not accepted",
    "aud": "The token's audience is not accepted",
    "nbf": "The token is not valid yet",
    "iat": "The token was issued in the future",
}


class JwtVerifier:
    def __init__(
        self, settings: JwtSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        secret = settings.hs256_secret
        self._hs256 = OctKey.import_key(secret.get_secret_value()) if secret else None
        self._jwks = (
            JwksCache(settings, transport=transport)
            if settings.jwks_url or settings.jwks_file
            else None
        )
        claims: dict[str, Any] = {"exp": {"essential": True}}
        if settings.issuer is not None:
            claims["iss"] = {"essential": True, "value": settings.issuer}
        if settings.audience is not None:
            claims["aud"] = {"essential": True, "value": settings.audience}
        self._registry = jwt.JWTClaimsRegistry(leeway=settings.leeway_seconds, **claims)

    async def verify(self, token: str) -> Principal:
        try:
            header = jws.extract_compact(token.encode("ascii")).headers()
        except (JoseError, ValueError, TypeError, UnicodeError):
            raise Unauthenticated("The bearer token is malformed") from None
        alg = header.get("alg")
        key = await self._key(alg, header.get("kid"))
        try:
            with warnings.catch_warnings():
                # joserfc flags "EdDSA" as superseded by "Ed25519"; both are Ed25519 here.
                warnings.simplefilter("ignore", SecurityWarning)
                decoded = jwt.decode(token, key, algorithms=[str(alg)])
        except BadSignatureError:
            raise Unauthenticated("The token's signature is invalid") from None
        except (JoseError, ValueError, TypeError):
            raise Unauthenticated("The bearer token is malformed") from None
        self._check_claims(decoded.claims)
        return self._principal(decoded.claims)

    async def _key(self, alg: object, kid: object) -> Key:
        if alg == "HS256":
            if self._hs256 is None:
                raise Unauthenticated("HS256 tokens are not accepted")
            return self._hs256
        if not isinstance(alg, str) or alg not in self.settings.algorithms:
            raise Unauthenticated(f"Tokens signed with alg {str(alg)[:20]!r} are not accepted")
        if self._jwks is None:
            raise Unauthenticated("No signing keys are configured for this algorithm")
        if not isinstance(kid, str) or not kid:
            only = None if self.settings.require_kid else self._jwks.only_key()
            if only is None:
                raise Unauthenticated("The token's header has no key id (kid)")
            return only
        return await self._jwks.key_for(kid[:200])

    def _check_claims(self, claims: dict[str, Any]) -> None:
        try:
            self._registry.validate(claims)
        except ExpiredTokenError:
            raise Unauthenticated("The token has expired") from None
        except (InvalidClaimError, MissingClaimError) as exc:
            name = exc.claim
            message = _CLAIM_MESSAGES.get(name, f"The token's {name} claim is invalid or missing")
            raise Unauthenticated(message) from None
        except (ClaimError, JoseError, TypeError, ValueError):
            raise Unauthenticated("The token's claims are invalid") from None

    def _principal(self, claims: Mapping[str, Any]) -> Principal:
        names = self.settings.claims
        subject = claims.get(names.subject)
        client = claims.get(names.client_id) or subject
        if not isinstance(client, str | int) or client == "":
            raise Unauthenticated("The token names no subject or client")
        plan = claims.get(names.plan)
        return Principal(
            client_id=str(client),
            subject=str(subject) if subject is not None else None,
            roles=_strings(claims.get(names.roles)),
            scopes=_strings(claims.get(names.scopes)),
            plan=plan if isinstance(plan, str) and plan else "free",
            claims=dict(claims),
        )

    async def aclose(self) -> None:
        if self._jwks is not None:
            await self._jwks.aclose()


def _strings(value: object) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list | tuple):
        return frozenset(str(v) for v in value if isinstance(v, str | int))
    return frozenset()
