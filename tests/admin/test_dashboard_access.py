"""Who gets in: the configured dashboard key (real server, real shop behind it)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from gateway import create_app
from settings import Settings
from tests.support.live_app import serve_app, shop_settings
from tests.support.shop import ShopProcess

KEY = "dashboard-only-key-0123456789"


@pytest.fixture
def base(shop: ShopProcess) -> Iterator[str]:
    settings = Settings.model_validate(
        shop_settings(
            shop.urls,
            graphql={"graphiql": False},
            observability={"dashboard": {"admin_key": KEY}},
        )
    )
    with serve_app(create_app(settings)) as url:
        yield url


def test_configured_key_logs_in_with_a_strict_cookie(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        assert client.get("/admin").status_code == 401
        response = client.post("/admin/login", data={"key": KEY})
        assert response.status_code == 303
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie
        assert KEY.lower() not in cookie
        page = client.get("/admin")
        assert page.status_code == 200 and "<svg" in page.text
        assert page.headers["cache-control"] == "no-store"
        assert client.post("/admin/logout").status_code == 303
        assert client.get("/admin").status_code == 401


def test_bad_logins_are_refused_without_a_500(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        for body in ({"key": KEY[:-1]}, {"key": ""}, {"other": KEY}):
            assert client.post("/admin/login", data=body).status_code == 401
        too_big = client.post(
            "/admin/login",
            content=b"key=" + b"x" * 5000,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert too_big.status_code == 413
        bad_utf8 = client.post(
            "/admin/login",
            content=b"key=\xff\xfe",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert bad_utf8.status_code == 401
        assert client.get("/admin/static/admin.css").status_code == 200
