"""What services see of the caller: a header-recording users service on a real socket,
the real shop for the rest, the real gateway in between."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auth import generate_key, hash_key
from auth.api_keys import key_id
from connectors.credentials import verify_identity
from gateway import create_app
from settings import Settings
from tests.support.live_app import serve_app
from tests.support.shop import ShopProcess

KEY = generate_key()
SIGNING = "users-service-signing-secret"
QUERY = {"query": "{ user(id: 1) { id name } }"}
SPOOFED = {"X-Principal-Id": "root", "X-Principal-Roles": "admin", "X-Service-Key": "mine"}


@pytest.fixture(scope="module")
def recorder() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []

    async def user(request: Request) -> JSONResponse:
        seen.append(dict(request.headers))
        uid = int(request.path_params["id"])
        return JSONResponse({"id": uid, "name": f"user {uid}", "email": "u@x.test"})

    with serve_app(Starlette(routes=[Route("/users/{id}", user)])) as url:
        yield url, seen


def _gateway(shop: ShopProcess, users_url: str, credentials: dict[str, Any]) -> Settings:
    services: dict[str, Any] = {name: {"base_url": u} for name, u in shop.urls.items()}
    services["users"] = {"base_url": users_url, "credentials": credentials}
    entry = {"id": key_id(KEY), "hash": hash_key(KEY), "client": "acme", "roles": ["reader"]}
    return Settings.model_validate(
        {"services": services, "auth": {"api_keys": [entry], "keys_db": "/nonexistent/k.db"}}
    )


def _ask(
    shop: ShopProcess,
    recorder: tuple[str, list[dict[str, str]]],
    credentials: dict[str, Any],
    headers: dict[str, str],
) -> dict[str, str]:
    url, seen = recorder
    seen.clear()
    with serve_app(create_app(_gateway(shop, url, credentials))) as gateway:
        response = httpx.post(f"{gateway}/graphql", json=QUERY, headers=headers)
    assert response.status_code == 200 and response.json()["data"]["user"]["id"] == "1"
    [received] = seen
    return received


def test_by_default_nothing_of_the_caller_reaches_the_service(
    shop: ShopProcess, recorder: tuple[str, list[dict[str, str]]]
) -> None:
    received = _ask(shop, recorder, {}, {"Authorization": f"Bearer {KEY}", **SPOOFED})
    assert "authorization" not in received
    assert not any(name.startswith("x-principal") for name in received)
    assert "x-service-key" not in received
    assert KEY not in str(received)


def test_signed_identity_cannot_be_spoofed(
    shop: ShopProcess, recorder: tuple[str, list[dict[str, str]]]
) -> None:
    credentials = {"signed_identity_secret": SIGNING}
    received = _ask(shop, recorder, credentials, {"X-API-Key": KEY, **SPOOFED})
    assert received["x-principal-id"] == "acme" and received["x-principal-roles"] == "reader"
    headers = httpx.Headers(received)
    assert verify_identity(headers, secret=SIGNING.encode()) == ("acme", frozenset({"reader"}))
    assert verify_identity(headers, secret=b"another service's secret") is None
    forged = httpx.Headers({**received, "x-principal-roles": "admin"})
    assert verify_identity(forged, secret=SIGNING.encode()) is None
    assert "x-api-key" not in received


def test_anonymous_caller_gets_no_identity_headers(
    shop: ShopProcess, recorder: tuple[str, list[dict[str, str]]]
) -> None:
    received = _ask(shop, recorder, {"signed_identity_secret": SIGNING}, SPOOFED)
    assert not any(name.startswith("x-principal") for name in received)


def test_forwarded_authorization_and_static_headers(
    shop: ShopProcess, recorder: tuple[str, list[dict[str, str]]]
) -> None:
    credentials = {"forward_authorization": True, "static_headers": {"X-Service-Key": "svc-key"}}
    received = _ask(shop, recorder, credentials, {"Authorization": f"Bearer {KEY}", **SPOOFED})
    assert received["authorization"] == f"Bearer {KEY}"
    assert received["x-service-key"] == "svc-key"  # the gateway's, not the client's "mine"
