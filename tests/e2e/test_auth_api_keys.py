"""API keys end to end: real gateway (uvicorn), real shop services, real sockets."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from auth import KeyStore, generate_key, hash_key
from auth.api_keys import key_id
from gateway import create_app
from settings import Settings, load_settings
from tests.support.live_app import serve_app
from tests.support.shop import ShopProcess

QUERY = {"query": "{ user(id: 1) { id name } }"}


def _settings(shop: ShopProcess, tmp_path: Path, **auth: object) -> tuple[Settings, str]:
    key = generate_key()
    entry = {
        "id": key_id(key),
        "hash": hash_key(key),
        "client": "acme",
        "roles": ["admin"],
        "plan": "pro",
    }
    raw_services = "\n".join(
        f'[services.{name}]\nbase_url = "{url}"' for name, url in shop.urls.items()
    )
    config = tmp_path / "switchyard.toml"
    config.write_text(f'[auth]\nkeys_db = "{tmp_path / "keys.db"}"\n{raw_services}\n')
    settings = load_settings(config, environ={})
    settings = settings.model_copy(
        update={
            "auth": settings.auth.model_validate(
                {**settings.auth.model_dump(), "api_keys": [entry], **auth}
            )
        }
    )
    return settings, key


@pytest.fixture
def gateway(shop: ShopProcess, tmp_path: Path) -> Iterator[tuple[str, str, Settings]]:
    settings, key = _settings(shop, tmp_path)
    app = create_app(settings)
    with serve_app(app) as url:
        yield url, key, settings


def test_configured_key_authenticates_both_headers(gateway: tuple[str, str, Settings]) -> None:
    url, key, _ = gateway
    for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
        response = httpx.post(f"{url}/graphql", json=QUERY, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["data"]["user"]["id"] == "1"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-Key": "sy_000000000000_" + "A" * 43},  # well-formed, unknown
        {"Authorization": "Bearer sy_nonsense"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer " + "x" * 60_000},  # huge
        {"X-API-Key": "\u00e9t\u00e9"},  # garbage (non-ASCII)
    ],
)
def test_bad_keys_are_refused_with_401(
    gateway: tuple[str, str, Settings],
    shop: ShopProcess,
    headers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    url, _, _ = gateway
    encoded = {k.encode(): v.encode("utf-8") for k, v in headers.items()}
    response = httpx.post(f"{url}/graphql", json=QUERY, headers=encoded)
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "data" not in body
    assert shop.total_requests() == 0
    for value in headers.values():
        credential = value.split()[-1]
        assert len(credential) < 8 or credential not in caplog.text


def test_wrong_variant_of_a_real_key_is_refused(gateway: tuple[str, str, Settings]) -> None:
    url, key, _ = gateway
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    response = httpx.post(f"{url}/graphql", json=QUERY, headers={"X-API-Key": tampered})
    assert response.status_code == 401
    assert key not in response.text and tampered not in response.text


def test_revoked_stored_key_is_refused(shop: ShopProcess, tmp_path: Path) -> None:
    settings, _ = _settings(shop, tmp_path)
    store = KeyStore(settings.auth)
    key, record = store.create(client="beta", roles=("reader",), plan="free")
    with serve_app(create_app(settings)) as url:
        ok = httpx.post(f"{url}/graphql", json=QUERY, headers={"X-API-Key": key})
        assert ok.status_code == 200 and ok.json()["data"]["user"]["name"]
        assert store.revoke(record.id)
        refused = httpx.post(f"{url}/graphql", json=QUERY, headers={"X-API-Key": key})
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_required_auth_refuses_anonymous_before_parsing(shop: ShopProcess, tmp_path: Path) -> None:
    settings, key = _settings(shop, tmp_path, required=True)
    with serve_app(create_app(settings)) as url:
        # Not even valid JSON: refused for the missing credential, not the body.
        anonymous = httpx.post(
            f"{url}/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"] == 'Bearer realm="switchyard"'
        assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert httpx.get(f"{url}/healthz").status_code == 200
        ok = httpx.post(f"{url}/graphql", json=QUERY, headers={"X-API-Key": key})
        assert ok.status_code == 200
    assert shop.stats("users")["requests"] == 1


def test_anonymous_allowed_by_default(gateway: tuple[str, str, Settings]) -> None:
    url, _, _ = gateway
    response = httpx.post(f"{url}/graphql", json=QUERY)
    assert response.status_code == 200
    assert response.json()["data"]["user"]["id"] == "1"
