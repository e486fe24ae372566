"""JWT bearer tokens end to end: real gateway, real shop, a real JWKS over HTTP.

Every bad-token case of the issue gets a GraphQL-shaped 401 (or 503 when the JWKS
cannot be reached), within a bounded time, and reaches no backend service.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, Key, OctKey, OKPKey, RSAKey

from gateway import create_app
from settings import Settings
from tests.support.jwks_server import JwksServer
from tests.support.live_app import serve_app
from tests.support.processes import free_port
from tests.support.shop import ShopProcess

ISSUER = "https://issuer.test"
AUDIENCE = "switchyard"
SECRET = "an-hs256-shared-secret-of-at-least-32-bytes"
QUERY = {"query": "{ user(id: 2) { id name } }"}

RSA = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
EC = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
OKP = OKPKey.generate_key("Ed25519", parameters={"kid": "okp-1"})
OTHER_RSA = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})  # same kid, other key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"sub": "user-2", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 300, "iat": now}
    base.update({"roles": ["reader"], "scope": "orders:read", "plan": "pro"})
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(key: Key, alg: str, **overrides: Any) -> str:
    header = {"alg": alg, "kid": key.kid} if key.kid else {"alg": alg}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # "EdDSA" is the legacy name
        return jwt.encode(header, claims(**overrides), key, algorithms=[alg])


def _settings(shop: ShopProcess, jwks_url: str, **jwt_extra: Any) -> Settings:
    return Settings.model_validate(
        {
            "services": {name: {"base_url": url} for name, url in shop.urls.items()},
            "auth": {
                "keys_db": "/nonexistent/keys.db",
                "jwt": {
                    "issuer": ISSUER,
                    "audience": AUDIENCE,
                    "leeway_seconds": 5,
                    "hs256_secret": SECRET,
                    "jwks_url": jwks_url,
                    "jwks_timeout_seconds": 0.5,
                    "jwks_min_refresh_seconds": 0.2,
                    **jwt_extra,
                },
            },
        }
    )


@pytest.fixture(scope="module")
def jwks() -> Iterator[tuple[JwksServer, str]]:
    server = JwksServer([RSA, EC, OKP], slow_seconds=3.0)
    with serve_app(server.app()) as url:
        yield server, url


@contextmanager
def gateway(shop: ShopProcess, jwks_url: str, **jwt_extra: Any) -> Iterator[str]:
    with serve_app(create_app(_settings(shop, jwks_url, **jwt_extra))) as url:
        yield url


def ask(url: str, token: str) -> httpx.Response:
    return httpx.post(
        f"{url}/graphql", json=QUERY, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def refused(response: httpx.Response, code: str = "UNAUTHENTICATED") -> str:
    body = response.json()
    assert "data" not in body, body
    assert body["errors"][0]["extensions"]["code"] == code
    message: str = body["errors"][0]["message"]
    return message


def test_valid_tokens_of_every_algorithm(shop: ShopProcess, jwks: tuple[JwksServer, str]) -> None:
    _, base = jwks
    with gateway(shop, f"{base}/jwks.json") as url:
        hs = OctKey.import_key(SECRET)
        for token in (
            sign(RSA, "RS256"),
            sign(EC, "ES256"),
            sign(OKP, "EdDSA"),
            sign(OKP, "Ed25519"),
            sign(hs, "HS256"),
            sign(RSA, "RS256", exp=int(time.time()) - 2),  # within the 5 s leeway
        ):
            response = ask(url, token)
            assert response.status_code == 200, response.text
            assert response.json()["data"]["user"]["id"] == "2"
    assert shop.stats("users")["requests"] == 6


BAD_TOKENS: dict[str, tuple[Any, str]] = {
    "expired": (lambda: sign(RSA, "RS256", exp=int(time.time()) - 60), "expired"),
    "not yet valid": (lambda: sign(RSA, "RS256", nbf=int(time.time()) + 60), "not valid yet"),
    "wrong issuer": (lambda: sign(RSA, "RS256", iss="https://evil.test"), "issuer"),
    "wrong audience": (lambda: sign(RSA, "RS256", aud="someone-else"), "audience"),
    "no exp": (lambda: sign(RSA, "RS256", exp=None), "exp"),
    "bad signature": (lambda: sign(OTHER_RSA, "RS256"), "signature"),
    "alg none": (lambda: _unsigned(), "not accepted"),
    "HS256 signed with the RSA public key": (lambda: _key_confusion(), "signature"),
    "malformed base64": (lambda: "eyJhbGc!!!.@@@.###", "malformed"),
    "three garbage segments": (lambda: "a.b.c", "malformed"),
    "not a JWT at all": (lambda: "just-some-opaque-token", "malformed"),
    "no kid": (lambda: _no_kid(), "kid"),
}


def _unsigned() -> str:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims()).encode())}."


def _key_confusion() -> str:
    header = _b64(json.dumps({"alg": "HS256", "kid": "rsa-1"}).encode())
    payload = _b64(json.dumps(claims()).encode())
    secret = RSA.as_pem(private=False)
    mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(mac)}"


def _no_kid() -> str:
    key = RSAKey.import_key({k: v for k, v in RSA.as_dict(private=True).items() if k != "kid"})
    return jwt.encode({"alg": "RS256"}, claims(), key, algorithms=["RS256"])


@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_bad_tokens_are_refused(
    shop: ShopProcess, jwks: tuple[JwksServer, str], case: str, caplog: pytest.LogCaptureFixture
) -> None:
    make, expected = BAD_TOKENS[case]
    token = make()
    _, base = jwks
    caplog.set_level(logging.DEBUG)
    with gateway(shop, f"{base}/jwks.json") as url:
        response = ask(url, token)
    assert response.status_code == 401, response.text
    assert expected in refused(response)
    assert response.headers["www-authenticate"].startswith('Bearer realm="switchyard"')
    assert token not in response.text
    assert token not in caplog.text
    assert shop.total_requests() == 0


def test_unknown_kid_refreshes_once_then_refuses(
    shop: ShopProcess, jwks: tuple[JwksServer, str]
) -> None:
    server, base = jwks
    with gateway(shop, f"{base}/jwks.json", jwks_min_refresh_seconds=30) as url:
        before = server.fetches
        stranger = RSAKey.generate_key(2048, parameters={"kid": "unknown-1"})
        first = ask(url, sign(stranger, "RS256"))
        second = ask(url, sign(RSAKey.generate_key(2048, parameters={"kid": "x2"}), "RS256"))
        assert server.fetches - before == 1  # one fetch; the second kid was rate-limited
        assert "key id is unknown" in refused(first) and "key id" in refused(second)
        assert ask(url, sign(RSA, "RS256")).status_code == 200  # still served from cache
        assert server.fetches - before == 1


def test_rotated_key_is_picked_up_by_one_refresh(
    shop: ShopProcess, jwks: tuple[JwksServer, str]
) -> None:
    server, base = jwks
    rotated = ECKey.generate_key("P-256", parameters={"kid": "ec-rotated"})
    with gateway(shop, f"{base}/jwks.json") as url:
        assert ask(url, sign(RSA, "RS256")).status_code == 200
        before = server.fetches
        server.keys.append(rotated)
        try:
            time.sleep(0.25)  # past jwks_min_refresh_seconds
            response = ask(url, sign(rotated, "ES256"))
        finally:
            server.keys.remove(rotated)
        assert response.status_code == 200, response.text
        assert server.fetches - before == 1


@pytest.mark.parametrize("where", ["down", "slow"])
def test_jwks_down_or_slow_is_a_bounded_503(
    shop: ShopProcess, jwks: tuple[JwksServer, str], where: str
) -> None:
    _, base = jwks
    jwks_url = (
        f"http://127.0.0.1:{free_port()}/jwks.json" if where == "down" else f"{base}/slow.json"
    )
    with gateway(shop, jwks_url, jwks_min_refresh_seconds=30) as url:
        started = time.monotonic()
        response = ask(url, sign(RSA, "RS256"))
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.text
        refused(response, "AUTH_UNAVAILABLE")
        assert elapsed < 2.0  # jwks_timeout_seconds = 0.5
        # HS256 needs no JWKS and keeps working meanwhile.
        assert ask(url, sign(OctKey.import_key(SECRET), "HS256")).status_code == 200
        # Within the refresh interval a second request fails fast instead of waiting again.
        started = time.monotonic()
        assert ask(url, sign(RSA, "RS256")).status_code == 503
        assert time.monotonic() - started < 0.4


def test_claims_map_to_the_principal_roles(shop: ShopProcess, jwks: tuple[JwksServer, str]) -> None:
    """Roles from the token reach the context: the admin sees another user's email."""
    _, base = jwks
    query = {"query": "{ user(id: 3) { id email } }"}
    with gateway(shop, f"{base}/jwks.json") as url:
        admin = sign(RSA, "RS256", sub="1", roles=["admin"])
        reader = sign(RSA, "RS256", sub="1", roles=["reader"])
        seen = httpx.post(
            f"{url}/graphql", json=query, headers={"Authorization": f"Bearer {admin}"}
        )
        hidden = httpx.post(
            f"{url}/graphql", json=query, headers={"Authorization": f"Bearer {reader}"}
        )
    assert seen.json()["data"]["user"]["email"]
    assert hidden.json()["data"]["user"]["email"] is None
    assert hidden.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
