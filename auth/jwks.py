"""Public keys from a JWKS: a local file and/or a URL fetched with httpx and cached.

The URL is fetched lazily, kept for ``jwks_cache_seconds``, and fetched again at
once when a token names a ``kid`` the cache lacks, but at most once per
``jwks_min_refresh_seconds`` so a flood of made-up kids cannot hammer the issuer.
Every fetch is bounded by ``jwks_timeout_seconds``; when no key can be had because
the endpoint is down or slow, the request gets :class:`errors.AuthUnavailable` (503)
instead of waiting.

Usage::

    keys = JwksCache(settings.auth.jwt)
    key = await keys.key_for("key-2024")   # a joserfc key, or raises
    await keys.aclose()
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet

from errors import AuthUnavailable, Unauthenticated
from settings import JwtSettings

__all__ = ["JwksCache"]

logger = logging.getLogger("switchyard.auth")


class JwksCache:
    def __init__(
        self,
        settings: JwtSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._file_keys = _load_file(settings) if settings.jwks_file else {}
        self._url_keys: dict[str, Key] = {}
        self._fetched_at: float | None = None
        self._last_attempt: float | None = None
        self._lock = asyncio.Lock()

    def only_key(self) -> Key | None:
        """The single known key, for tokens without ``kid`` when that is allowed."""
        keys = {**self._url_keys, **self._file_keys}
        return next(iter(keys.values())) if len(keys) == 1 else None

    async def key_for(self, kid: str) -> Key:
        key = self._file_keys.get(kid)
        if key is not None or not self.settings.jwks_url:
            if key is None:
                raise Unauthenticated("The token's key id is unknown")
            return key
        now = self._clock()
        stale = (
            self._fetched_at is None or now - self._fetched_at > self.settings.jwks_cache_seconds
        )
        if kid not in self._url_keys or stale:
            await self._refresh()
        key = self._url_keys.get(kid)
        if key is None:
            raise Unauthenticated("The token's key id is unknown")
        return key

    async def _refresh(self) -> None:
        async with self._lock:
            now = self._clock()
            if (
                self._last_attempt is not None
                and now - self._last_attempt < self.settings.jwks_min_refresh_seconds
            ):
                # Rate-limited: answer from what we have; with nothing, the source is down.
                if self._fetched_at is None:
                    raise AuthUnavailable("The token signing keys are unavailable; try again later")
                return
            self._last_attempt = now
            try:
                keys = await asyncio.wait_for(self._fetch(), self.settings.jwks_timeout_seconds)
            except (TimeoutError, httpx.HTTPError, ValueError, JoseError) as exc:
                logger.warning("JWKS fetch from %s failed: %r", self.settings.jwks_url, exc)
                if self._fetched_at is None:
                    raise AuthUnavailable(
                        "The token signing keys are unavailable; try again later"
                    ) from None
                return  # keep serving the keys we had
            self._url_keys = keys
            self._fetched_at = self._clock()

    async def _fetch(self) -> dict[str, Key]:
        if self._client is None:
            timeout = self.settings.jwks_timeout_seconds
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(timeout), transport=self._transport
            )
        assert self.settings.jwks_url is not None
        response = await self._client.get(self.settings.jwks_url)
        response.raise_for_status()
        return _by_kid(response.json())

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()


def _load_file(settings: JwtSettings) -> dict[str, Key]:
    assert settings.jwks_file is not None
    return _by_kid(json.loads(settings.jwks_file.read_text(encoding="utf-8")))


def _by_kid(document: Any) -> dict[str, Key]:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("a JWKS must be an object with a 'keys' list")
    # Symmetric keys never come from a JWKS: an "oct" key there would let anyone who
    # reads the (public) document sign tokens.
    public = [k for k in document["keys"] if isinstance(k, dict) and k.get("kty") != "oct"]
    key_set = KeySet.import_key_set({"keys": public})
    return {str(key.kid): key for key in key_set.keys if key.kid}
