"""JwksCache against an httpx.MockTransport: caching, one refresh per unknown kid, rate limit."""

from __future__ import annotations

import httpx
import pytest
from joserfc.jwk import RSAKey

from auth.jwks import JwksCache
from errors import AuthUnavailable, Unauthenticated
from settings import JwtSettings

KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _cache(handler: object, clock: Clock, **options: object) -> JwksCache:
    settings = JwtSettings.model_validate(
        {"jwks_url": "http://jwks.test/keys", "jwks_min_refresh_seconds": 10, **options}
    )
    return JwksCache(settings, transport=httpx.MockTransport(handler), clock=clock)  # type: ignore[arg-type]


async def test_keys_are_cached_and_refreshed_when_stale() -> None:
    fetches = []

    def handler(request: httpx.Request) -> httpx.Response:
        fetches.append(request.url.path)
        return httpx.Response(200, json={"keys": [KEY.as_dict(private=False)]})

    clock = Clock()
    cache = _cache(handler, clock, jwks_cache_seconds=60)
    assert (await cache.key_for("k1")).kid == "k1"
    await cache.key_for("k1")
    assert len(fetches) == 1
    clock.now += 61
    await cache.key_for("k1")
    assert len(fetches) == 2
    await cache.aclose()


async def test_unknown_kids_refresh_at_most_once_per_interval() -> None:
    fetches = []

    def handler(request: httpx.Request) -> httpx.Response:
        fetches.append(1)
        return httpx.Response(200, json={"keys": [KEY.as_dict(private=False)]})

    clock = Clock()
    cache = _cache(handler, clock)
    await cache.key_for("k1")
    clock.now += 11
    for kid in ("a", "b", "c"):
        with pytest.raises(Unauthenticated):
            await cache.key_for(kid)
    assert len(fetches) == 2  # the first unknown kid refreshed; the others were rate-limited
    await cache.aclose()


async def test_down_endpoint_is_auth_unavailable_and_oct_keys_are_ignored() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    cache = _cache(down, Clock())
    with pytest.raises(AuthUnavailable):
        await cache.key_for("k1")
    await cache.aclose()

    def with_oct(request: httpx.Request) -> httpx.Response:
        oct_key = {"kty": "oct", "kid": "sym", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"}
        return httpx.Response(200, json={"keys": [oct_key, KEY.as_dict(private=False)]})

    cache = _cache(with_oct, Clock())
    with pytest.raises(Unauthenticated):
        await cache.key_for("sym")
    await cache.aclose()
