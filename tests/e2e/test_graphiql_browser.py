"""GraphiQL in a real Chromium, against a real uvicorn, with the network fenced off.

The page-driving steps are plain helpers so the same checks can run against the
full gateway (which has a real ``User`` type at /graphql).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import strawberry
import uvicorn
from playwright.async_api import Page, expect
from playwright.async_api import Request as BrowserRequest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from tests.support.browser import BrowserSession
from web.graphiql import graphiql_asset_routes, render_graphiql, wants_graphiql

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


# --- a tiny app: our routes plus a small Strawberry schema, on a real socket ------


@strawberry.type
class Order:
    id: strawberry.ID
    total: float


@strawberry.type
class User:
    id: strawberry.ID
    name: str
    email: str

    @strawberry.field
    def orders(self) -> list[Order]:
        return [Order(id=strawberry.ID(f"{self.id}-1"), total=12.5)]


@strawberry.type
class Query:
    @strawberry.field
    def users(self, limit: int = 10) -> list[User]:
        names = ["Ada", "Grace", "Barbara", "Frances"]
        return [
            User(id=strawberry.ID(str(i)), name=n, email=f"{n.lower()}@shop.test")
            for i, n in enumerate(names[:limit], start=1)
        ]


class GraphQLWithOurIDE:
    """Strawberry's view without its CDN GraphiQL; browsers get our page instead."""

    def __init__(self) -> None:
        self.graphql = GraphQL(strawberry.Schema(query=Query), graphql_ide=None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and wants_graphiql(Request(scope)):
            await render_graphiql("/graphql", "/graphiql/assets")(scope, receive, send)
        else:
            await self.graphql(scope, receive, send)


def make_app() -> Starlette:
    if not (ASSETS / "node_modules").is_dir():
        message = "GraphiQL assets are not installed: run `make assets`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return Starlette(
        routes=[
            *graphiql_asset_routes(ASSETS),
            Route("/graphql", GraphQLWithOurIDE(), methods=["GET", "POST"]),
        ]
    )


@pytest.fixture
def base_url() -> Iterator[str]:
    app = make_app()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", ws="none", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


async def test_graphiql_runs_a_query_and_browses_docs_offline(
    base_url: str, browser_session: BrowserSession, tmp_path: Path
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
    assert json.loads(text) == {
        "data": {
            "users": [
                {"id": "1", "name": "Ada", "orders": [{"total": 12.5}]},
                {"id": "2", "name": "Grace", "orders": [{"total": 12.5}]},
            ]
        }
    }

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
