"""GraphiQL in a real Chromium, served by the real gateway over the real shop, with
every request to a non-loopback host aborted (the page must work offline)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect
from playwright.async_api import Request as BrowserRequest

from tests.support.bodies import without_cost
from tests.support.browser import BrowserSession
from tests.support.gateway import GatewayProcess
from tests.support.prerequisites import missing
from tests.support.shop import ShopProcess

pytestmark = pytest.mark.e2e

ASSETS = Path(__file__).resolve().parents[2] / "assets"
TIMEOUT_MS = 15_000


# --- page-driving helpers (reusable against the real gateway) ---------------------


async def run_query_in_graphiql(page: Page, query: str) -> str:
    """Put ``query`` in GraphiQL's editor, press the execute button, return the result text."""
    editor = page.locator(".graphiql-query-editor .CodeMirror").first
    await editor.wait_for(timeout=TIMEOUT_MS)
    # CodeMirror 5 owns the editor; setValue fires the change events typing would, without
    # auto-closed brackets and completion pop-ups getting in the way.
    await editor.evaluate("(el, q) => el.CodeMirror.setValue(q)", query)
    result = page.locator(".graphiql-response .CodeMirror").first
    await result.evaluate("el => el.CodeMirror.setValue('')")
    await page.locator("button.graphiql-execute-button").click()
    handle = await page.wait_for_function(
        """() => {
            const el = document.querySelector('.graphiql-response .CodeMirror');
            const text = el && el.CodeMirror.getValue();
            return text && text.trim().startsWith('{') ? text : null;
        }""",
        timeout=TIMEOUT_MS,
    )
    return str(await handle.json_value())


async def open_docs_for_type(page: Page, type_name: str) -> list[str]:
    """Open the documentation explorer, find ``type_name`` through its search, and
    return the field names it lists."""
    docs_button = page.locator('button[aria-label="Show Documentation Explorer"]')
    if await docs_button.count():
        await docs_button.click()
    search = page.locator(".graphiql-doc-explorer-search-input input")
    await search.fill(type_name)
    await page.get_by_role("option", name=type_name, exact=True).first.click()
    await expect(page.locator(".graphiql-doc-explorer-title")).to_have_text(
        type_name, timeout=TIMEOUT_MS
    )
    fields = page.locator(".graphiql-doc-explorer-content .graphiql-doc-explorer-field-name")
    await fields.first.wait_for(timeout=TIMEOUT_MS)
    return [name.strip() for name in await fields.all_inner_texts()]


# --- against the real gateway and the real shop -------------------------------------


@pytest.fixture
def base_url(gateway: GatewayProcess) -> str:
    if not (ASSETS / "node_modules").is_dir():
        missing("GraphiQL assets are not installed: run `make assets`")
    return gateway.url


def expected_users(shop: ShopProcess, limit: int) -> dict[str, object]:
    """What the REST services hold for ``users(limit:) { id name orders { total } }``."""
    users = httpx.get(f"{shop.urls['users']}/users", params={"limit": limit, "offset": 0}).json()
    ids = ",".join(str(u["id"]) for u in users)
    orders = httpx.get(f"{shop.urls['orders']}/orders", params={"user_ids": ids}).json()
    return {
        "data": {
            "users": [
                {
                    "id": str(u["id"]),
                    "name": u["name"],
                    "orders": [{"total": o["total"]} for o in orders if o["user_id"] == u["id"]],
                }
                for u in users
            ]
        }
    }


async def test_graphiql_runs_a_query_and_browses_docs_offline(
    base_url: str, browser_session: BrowserSession, tmp_path: Path, shop: ShopProcess
) -> None:
    page = browser_session.page
    graphql_posts: list[BrowserRequest] = []
    page.on("request", lambda r: graphql_posts.append(r) if r.method == "POST" else None)
    response = await page.goto(f"{base_url}/graphql")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in (await response.header_value("content-security-policy") or "")
    editor = page.locator(".graphiql-query-editor .CodeMirror").first
    await expect(editor).to_contain_text("users(limit: 3)", timeout=TIMEOUT_MS)

    text = await run_query_in_graphiql(page, "{ users(limit: 2) { id name orders { total } } }")
    assert without_cost(json.loads(text)) == expected_users(shop, 2)

    # The explorer plugin is loaded, and lists the root fields when opened.
    await page.locator('button[aria-label="Show GraphiQL Explorer"]').click()
    await expect(page.locator(".graphiql-explorer-root")).to_contain_text(
        "users", timeout=TIMEOUT_MS
    )

    assert await open_docs_for_type(page, "User") == ["id", "name", "email", "orders"]

    assert graphql_posts, "GraphiQL sent no request to /graphql"
    for request in graphql_posts:
        assert request.url == f"{base_url}/graphql"
        accept = await request.header_value("accept")
        assert accept == "application/graphql-response+json, application/json"

    await browser_session.screenshot(tmp_path / "graphiql.png")
    browser_session.assert_clean()
