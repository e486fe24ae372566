"""Serve an ASGI app with a real uvicorn server on a free 127.0.0.1 port, in a thread.

Example::

    with serve(create_app(settings)) as base_url:
        httpx.get(f"{base_url}/healthz")
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

START_TIMEOUT = 10.0


@contextmanager
def serve(app: ASGIApp, *, log_level: str = "warning") -> Iterator[str]:
    """Start ``app``, yield its base URL, stop it (bounded waits both ways)."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level=log_level, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
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
        thread.join(timeout=START_TIMEOUT)
