"""Field-level authorization end to end: real gateway, real shop, API keys and HS256 JWTs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from auth import generate_key, hash_key
from auth.api_keys import key_id
from gateway import create_app
from settings import Settings
from tests.support.live_app import serve_app
from tests.support.shop import ShopProcess

SECRET = "another-hs256-shared-secret-32-bytes-long"
ADMIN_KEY, READER_KEY, USER2_KEY = generate_key(), generate_key(), generate_key()


def _entry(key: str, client: str, roles: list[str]) -> dict[str, Any]:
    return {"id": key_id(key), "hash": hash_key(key), "client": client, "roles": roles}


@pytest.fixture
def url(shop: ShopProcess) -> Iterator[str]:
    settings = Settings.model_validate(
        {
            "services": {name: {"base_url": u} for name, u in shop.urls.items()},
            "auth": {
                "keys_db": "/nonexistent/keys.db",
                "api_keys": [
                    _entry(ADMIN_KEY, "ops", ["admin"]),
                    _entry(READER_KEY, "acme", ["reader"]),
                    {**_entry(USER2_KEY, "acme-app", ["reader"]), "subject": "2"},
                ],
                "jwt": {"hs256_secret": SECRET},
            },
        }
    )
    with serve_app(create_app(settings)) as base:
        yield base


def token(sub: str) -> str:
    claims = {"sub": sub, "exp": int(time.time()) + 60, "roles": ["reader"]}
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(SECRET), algorithms=["HS256"])


def post(url: str, query: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = httpx.post(f"{url}/graphql", json={"query": query}, headers=headers or {})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def real_email(shop: ShopProcess, user_id: int) -> str:
    email: str = httpx.get(f"{shop.urls['users']}/users/{user_id}").json()["email"]
    return email


def test_anonymous_gets_null_email_and_the_rest(url: str, shop: ShopProcess) -> None:
    body = post(url, "{ user(id: 3) { id name email } }")
    assert body["data"]["user"]["id"] == "3" and body["data"]["user"]["name"]
    assert body["data"]["user"]["email"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["path"] == ["user", "email"]


def test_owner_rule_user_sees_own_email_only(url: str, shop: ShopProcess) -> None:
    headers = {"Authorization": f"Bearer {token('1')}"}
    body = post(url, "{ me: user(id: 1) { email } other: user(id: 3) { email } }", headers)
    assert body["data"]["me"]["email"] == real_email(shop, 1)
    assert body["data"]["other"]["email"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


def test_an_api_key_acting_for_a_user_owns_that_users_record(url: str, shop: ShopProcess) -> None:
    query = "{ me: user(id: 2) { email } other: user(id: 3) { email } }"
    body = post(url, query, {"X-API-Key": USER2_KEY})
    assert shop.stats("users")["requests"] == 1  # both users in one batch; no extra call
    assert body["data"]["me"]["email"] == real_email(shop, 2)
    assert body["data"]["other"]["email"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


def test_admin_key_sees_everyones_email(url: str, shop: ShopProcess) -> None:
    body = post(url, "{ users(limit: 3) { id email } }", {"X-API-Key": ADMIN_KEY})
    assert "errors" not in body
    assert [u["email"] for u in body["data"]["users"]] == [
        real_email(shop, 1),
        real_email(shop, 2),
        real_email(shop, 3),
    ]


def test_aliases_and_fragments_do_not_leak(url: str, shop: ShopProcess) -> None:
    secret = real_email(shop, 3)
    query = """
      query { u: user(id: 3) { e: email ...F ... on User { mail: email } } }
      fragment F on User { email }
    """
    response = httpx.post(
        f"{url}/graphql", json={"query": query}, headers={"X-API-Key": READER_KEY}
    )
    assert secret not in response.text
    body = response.json()
    assert body["data"]["u"] == {"e": None, "email": None, "mail": None}
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}
    assert sorted(e["path"][-1] for e in body["errors"]) == ["e", "email", "mail"]


def test_denied_mutation_makes_no_backend_call(url: str, shop: ShopProcess) -> None:
    mutation = (
        'mutation { createOrder(input: {userId: "9", items: [{productId: "1", quantity: 1}]})'
        " { id } }"
    )
    body = post(url, mutation)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert shop.stats("orders")["requests"] == 0
    assert shop.total_requests() == 0
    allowed = post(url, mutation, {"X-API-Key": READER_KEY})
    assert allowed["data"]["createOrder"]["id"]
    assert shop.stats("orders")["requests"] == 1


def test_only_the_denied_field_skips_its_backend_call(url: str, shop: ShopProcess) -> None:
    body = post(url, "{ user(id: 2) { name email orders { id } } }")
    assert body["data"]["user"]["orders"] is not None
    assert shop.stats("users")["requests"] == 1 and shop.stats("orders")["requests"] == 1


def test_misspelt_field_gets_no_suggestion(url: str) -> None:
    response = httpx.post(f"{url}/graphql", json={"query": "{ user(id: 1) { emial } }"})
    message = response.json()["errors"][0]["message"]
    assert "emial" in message and "Did you mean" not in message and "'email'" not in message
