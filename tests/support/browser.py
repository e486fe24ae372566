"""Headless Chromium for end-to-end tests, fenced off from the network.

Uses Playwright's *async* API: pytest-asyncio runs tests inside an event loop,
where Playwright's sync API refuses to start. Every request to a host other
than loopback is aborted and recorded, so a test can assert that a page works
offline; console errors and uncaught page errors (CSP violations among them)
are collected too.

    async def test_page(browser_session: BrowserSession) -> None:
        await browser_session.page.goto(url)
        ...
        browser_session.assert_clean()

Debian's chromium is used (``CHROMIUM_PATH`` or ``/usr/bin/chromium``); Playwright's
own browser downloads are never used.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import (
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Route,
    WebSocketRoute,
    async_playwright,
)

from tests.support.prerequisites import missing

__all__ = ["CHROMIUM_ARGS", "LOOPBACK_HOSTS", "BrowserSession", "browser_session", "chromium_path"]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def chromium_path() -> Path:
    """The Chromium to drive; fails the test on CI and skips it elsewhere when absent."""
    configured = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    path = Path(configured) if os.sep in configured else Path(shutil.which(configured) or "")
    if path.is_file() and os.access(path, os.X_OK):
        return path
    missing(
        f"Chromium not found at {configured!r}: install it with `apt-get install -y chromium` "
        "or point CHROMIUM_PATH at a Chromium binary"
    )


@dataclass
class BrowserSession:
    """One page in a fresh browser context, plus what it tried and complained about."""

    page: Page
    context: BrowserContext
    blocked_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.blocked_requests == [], "the page tried to reach beyond loopback"
        assert self.console_errors == [], "the page logged errors"

    async def screenshot(self, path: Path) -> Path:
        await self.page.screenshot(path=str(path), full_page=True)
        return path


def _is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return (parts.hostname or "") in LOOPBACK_HOSTS


@pytest.fixture
async def browser_session() -> AsyncIterator[BrowserSession]:
    executable = chromium_path()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(viewport={"width": 1400, "height": 900})
            page = await context.new_page()
            session = BrowserSession(page=page, context=context)

            async def fence(route: Route) -> None:
                url = route.request.url
                if _is_loopback(url):
                    await route.continue_()
                else:
                    session.blocked_requests.append(url)
                    await route.abort("blockedbyclient")

            def on_console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    location = message.location
                    session.console_errors.append(f"{message.text} ({location.get('url')})")

            def on_page_error(error: Error) -> None:
                session.console_errors.append(f"uncaught: {error}")

            async def fence_websocket(websocket: WebSocketRoute) -> None:
                if _is_loopback(websocket.url):
                    websocket.connect_to_server()
                else:
                    session.blocked_requests.append(websocket.url)
                    await websocket.close()

            await context.route("**/*", fence)
            await context.route_web_socket("**/*", fence_websocket)
            page.on("console", on_console)
            page.on("pageerror", on_page_error)
            yield session
            await context.close()
        finally:
            await browser.close()
