"""Run the gateway on a real socket for end-to-end tests: in this process (uvicorn on the
test's event loop) or as a separate ``uvicorn --factory gateway:app_from_environment``
process configured by a TOML file.

Example::

    async with serve_gateway(settings) as url:
        httpx.post(f"{url}/graphql", json={"query": "{ user(id: 1) { name } }"})

    with GatewayProcess(toml_text) as gateway:
        gateway.url
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType

import httpx
import uvicorn

from gateway import create_app
from settings import Settings
from tests.support.redis_server import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
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


class GatewayProcess:
    """``uvicorn --factory gateway:app_from_environment`` in a subprocess on a free port."""

    def __init__(self, config_toml: str) -> None:
        self.config_toml = config_toml
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._dir: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> GatewayProcess:
        self._dir = Path(tempfile.mkdtemp(prefix="switchyard-gateway-"))
        config = self._dir / "switchyard.toml"
        config.write_text(self.config_toml, encoding="utf-8")
        self.port = free_port()
        env = {**os.environ, "SWITCHYARD_CONFIG": str(config)}
        command = [sys.executable, "-m", "uvicorn", "--factory", "gateway:app_from_environment"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        with (self._dir / "gateway.log").open("wb") as log:
            self._process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"gateway exited:\n{self.log_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("gateway did not start in time")

    def log_text(self) -> str:
        assert self._dir is not None
        return (self._dir / "gateway.log").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
