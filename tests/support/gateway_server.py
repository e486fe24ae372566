"""Run the gateway on a real socket in this process (uvicorn on the test's event loop),
and time bursts against fixed rate-limit windows. For a separate gateway process, see
``tests.support.gateway.GatewayProcess``.

Example::

    async with serve_gateway(settings) as url:
        wait_for_fresh_window()
        httpx.post(f"{url}/graphql", json={"query": "{ user(id: 1) { name } }"})
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn

from gateway import create_app
from settings import Settings
from tests.support.processes import free_port

START_TIMEOUT = 20.0


@asynccontextmanager
async def serve_gateway(settings: Settings) -> AsyncIterator[str]:
    """The gateway on 127.0.0.1:<free port> in this event loop; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(START_TIMEOUT):
            while not server.started:
                if task.done():
                    task.result()
                    raise RuntimeError("uvicorn stopped before it started")
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)


def wait_for_fresh_window(window: int = 60, margin: float = 5.0) -> None:
    """Counters use fixed windows aligned to the clock; start a burst well inside one."""
    left = window - time.time() % window
    if left < margin:
        time.sleep(left + 0.05)
