"""Run the gateway (``python -m gateway serve``) as a real subprocess for end-to-end tests.

Example::

    with GatewayProcess(shop.urls, env={"SWITCHYARD_CONNECTORS__MAX_BATCH_SIZE": "3"}) as gw:
        httpx.post(gw.graphql_url, json={"query": "{ user(id: 1) { name } }"})

In tests, prefer the ``gateway`` fixture from ``tests/conftest.py`` (one process per session,
pointed at the session's shop).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0


def free_port() -> int:
    """A port the kernel just handed out on 127.0.0.1 (closed again at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class GatewayProcess:
    """One ``switchyard serve`` subprocess on a free port, configured through the environment."""

    def __init__(
        self,
        service_urls: Mapping[str, str],
        *,
        env: Mapping[str, str] | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.graphql_url = f"{self.url}/graphql"
        self._env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SWITCHYARD_")},
            **{
                f"SWITCHYARD_SERVICES__{name.upper()}__BASE_URL": url
                for name, url in service_urls.items()
            },
            **(env or {}),
        }
        self._args = args
        self._process: subprocess.Popen[bytes] | None = None
        self._log = Path(tempfile.mkstemp(prefix="switchyard-gateway-", suffix=".log")[1])

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> GatewayProcess:
        command = [sys.executable, "-m", "gateway", "serve", "--port", str(self.port)]
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                [*command, *self._args],
                cwd=REPO_ROOT,
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"gateway exited early:\n{self.log_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gateway did not start in time:\n{self.log_text()[-3000:]}")

    def query(self, query: str, variables: dict[str, object] | None = None) -> httpx.Response:
        body: dict[str, object] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return httpx.post(self.graphql_url, json=body, timeout=30.0)

    def log_text(self) -> str:
        return self._log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int | None:
        process, self._process = self._process, None
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return process.returncode

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
