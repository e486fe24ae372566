"""The admin dashboard in headless Chromium: login with the admin key, charts drawn
from the queries this test just made, strict CSP, and refusal without the key."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from auth.api_keys import generate_key, hash_key, key_id
from gateway import create_app
from settings import Settings
from tests.support.browser import BrowserSession
from tests.support.live_app import serve_app, shop_settings
from tests.support.processes import free_port
from tests.support.shop import ShopProcess

pytestmark = pytest.mark.e2e

ADMIN_KEY = generate_key()  # an API key with the admin role, from the auth room
READER_KEY = generate_key()
TIMEOUT_MS = 15_000


def _entry(key: str, client: str, role: str) -> dict[str, object]:
    return {"id": key_id(key), "hash": hash_key(key), "client": client, "roles": [role]}


async def test_dashboard_login_charts_and_refusal(
    shop: ShopProcess, browser_session: BrowserSession, tmp_path: Path
) -> None:
    urls = dict(shop.urls)
    urls["reviews"] = f"http://127.0.0.1:{free_port()}"  # a service that is down
    settings = Settings.model_validate(
        shop_settings(
            urls,
            graphql={"graphiql": False},
            observability={"dashboard": {"health_cache_seconds": 0}},
            auth={
                "api_keys": [_entry(ADMIN_KEY, "ops", "admin"), _entry(READER_KEY, "app", "reader")]
            },
        )
    )
    with serve_app(create_app(settings)) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            for _ in range(6):
                r = await client.post(
                    "/graphql", json={"query": "query Catalogue { products(ids: [1, 2]) { name } }"}
                )
                assert r.status_code == 200
            for user_id in (1, 2, 3):
                r = await client.post(
                    "/graphql",
                    json={"query": f"query Profile {{ user(id: {user_id}) {{ name }} }}"},
                )
                assert r.status_code == 200
            broken = await client.post(
                "/graphql",
                json={"query": "query Reviews { product(id: 1) { reviews { rating } } }"},
            )
            assert broken.json()["errors"][0]["extensions"]["code"] == "BACKEND_UNAVAILABLE"

            # Without the key: refused, and nothing of the dashboard is shown.
            refused = await client.get("/admin")
            assert refused.status_code == 401
            assert "Requests per minute" not in refused.text
            wrong = await client.post("/admin/login", data={"key": "not-the-key"})
            assert wrong.status_code == 401
            assert "switchyard_admin" not in wrong.headers.get("set-cookie", "")
            reader = await client.post("/admin/login", data={"key": READER_KEY})
            assert reader.status_code == 401  # a valid key without the admin role
            by_header = await client.get("/admin", headers={"X-API-Key": ADMIN_KEY})
            assert by_header.status_code == 200 and "Requests per minute" in by_header.text
            forged = await client.get(
                "/admin", headers={"Cookie": "switchyard_admin=9999999999.61646d696e.00"}
            )
            assert forged.status_code == 401

        page = browser_session.page
        response = await page.goto(f"{base}/admin")
        assert response is not None and response.status == 401
        assert await page.locator("svg.chart").count() == 0
        # Chromium reports the refused page load itself as a console error; nothing else.
        assert [e for e in browser_session.console_errors if "401" not in e] == []
        browser_session.console_errors.clear()
        await page.fill("#key", ADMIN_KEY)
        await page.click("button[type=submit]")
        await expect(page.locator("svg.chart")).to_have_count(2, timeout=TIMEOUT_MS)
        csp = (await page.request.get(f"{base}/admin")).headers.get("content-security-policy")
        assert csp is not None and "default-src 'none'" in csp and "script-src" not in csp

        cookies = {c["name"]: c for c in await browser_session.context.cookies()}
        session_cookie = cookies["switchyard_admin"]
        assert session_cookie["httpOnly"] and session_cookie["sameSite"] == "Strict"
        assert ADMIN_KEY not in session_cookie["value"]

        # The charts hold the 10 GraphQL requests made above, in this minute's points.
        requests = await page.locator('circle.point[data-series="requests"]').evaluate_all(
            "els => els.map(e => Number(e.dataset.value))"
        )
        assert len(requests) == 60 and sum(requests) == 10
        p95 = await page.locator('circle.point[data-series="p95"]').count()
        assert p95 >= 1
        errors_points = await page.locator('circle.point[data-series="errors"]').evaluate_all(
            "els => els.map(e => Number(e.dataset.value))"
        )
        assert sum(errors_points) == 1
        assert "ops" in await page.locator("header").inner_text()  # who is signed in

        text = await page.locator("body").inner_text()
        assert "Catalogue" in text and "Profile" in text and "products" in text
        assert "BACKEND_UNAVAILABLE" in text and "reviews" in text
        # Top clients, with the quota the metering room says is left this month: the
        # anonymous caller is on the free plan (10,000,000 points) and has spent a little.
        row = re.search(r"ip:127\.0\.0\.1\s+(\d+)\s+(\d+)", text)
        assert row is not None, text
        assert int(row[1]) == 10 and 9_999_000 < int(row[2]) < 10_000_000
        await expect(page.locator("li.service.down")).to_contain_text("reviews")
        await expect(page.locator("li.service.up")).to_have_count(3)

        shot = await browser_session.screenshot(tmp_path / "dashboard.png")
        if target := os.environ.get("SWITCHYARD_SCREENSHOT_DIR"):
            shutil.copy(shot, Path(target) / "dashboard.png")
        browser_session.assert_clean()

        await page.click("text=Sign out")
        await expect(page.locator("#key")).to_be_visible(timeout=TIMEOUT_MS)


async def test_sign_in_attempts_are_limited_per_address(shop: ShopProcess) -> None:
    """Every attempt counts, a right key included: a weak dashboard key can't be guessed."""
    settings = Settings.model_validate(
        shop_settings(
            shop.urls,
            graphql={"graphiql": False},
            observability={"dashboard": {"login_attempts": 3, "login_window_seconds": 60}},
            auth={"api_keys": [_entry(ADMIN_KEY, "ops", "admin")]},
        )
    )
    with serve_app(create_app(settings)) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            wrong = [
                (await client.post("/admin/login", data={"key": f"guess-{i}"})).status_code
                for i in range(3)
            ]
            refused = await client.post("/admin/login", data={"key": ADMIN_KEY})
            by_header = await client.get("/admin", headers={"X-API-Key": ADMIN_KEY})
    assert wrong == [401, 401, 401]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Too many attempts" in refused.text
    assert "switchyard_admin" not in refused.headers.get("set-cookie", "")
    assert by_header.status_code == 200  # an API key in a header is not a sign-in attempt
