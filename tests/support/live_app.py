"""Run an ASGI app in a real uvicorn server on a free loopback port, in a thread.

Usage::

    with serve_app(create_app(settings)) as base_url:
        httpx.get(f"{base_url}/healthz")
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

__all__ = ["RunGateway", "serve_app", "shop_settings"]

#: ``with run_gateway(**observability_sections) as (app, base_url): ...``
RunGateway = Callable[..., AbstractContextManager[tuple[Starlette, str]]]


@contextmanager
def serve_app(app: ASGIApp, *, start_timeout: float = 10.0) -> Iterator[str]:
    """Start ``app`` on a free loopback port, yield its base URL, stop it (bounded waits)."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="on", ws="none", log_level="warning",
        access_log=False,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=start_timeout)


def shop_settings(urls: dict[str, str], **sections: object) -> dict[str, object]:
    """Settings data pointing every service at the test's shop, plus ``sections``."""
    return {"services": {name: {"base_url": url} for name, url in urls.items()}, **sections}
