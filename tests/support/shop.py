"""Run the demo shop (``python -m examples.shop``) as a real subprocess for end-to-end tests.

The shop runs in its own process, on free ports, exactly as a developer would start it,
so tests exercise real sockets and the real CLI. This module talks to it only over HTTP
(and reads its log file); it imports nothing from ``examples``.

Example::

    shop = ShopProcess().start(latency_ms=5)
    try:
        httpx.get(f"{shop.urls['users']}/users/1")
        assert shop.stats("users")["requests"] == 1
    finally:
        shop.stop()

In tests, prefer the ``shop`` fixture from ``tests/conftest.py``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from tests.support.processes import (
    REPO_ROOT,
    STOP_TIMEOUT,
    ProcessStartError,
    stop_process,
    wait_for,
)

__all__ = ["REPO_ROOT", "SERVICES", "ShopError", "ShopProcess"]

SERVICES = ("users", "orders", "products", "reviews")
START_TIMEOUT = 20.0


class ShopError(RuntimeError):
    """The shop process failed to start or to answer; the message includes its log tail."""


class ShopProcess:
    """One ``python -m examples.shop`` subprocess serving all four services on free ports.

    ``urls`` maps each service to its base URL once :meth:`start` returned. The process's
    stdout and stderr (including one line per request) go to :attr:`log_path`.
    """

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._tmp_dir: Path | None = None
        self._client = httpx.Client(timeout=10.0)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def log_path(self) -> Path:
        if self._tmp_dir is None:
            raise ShopError("shop not started")
        return self._tmp_dir / "shop.log"

    def start(self, latency_ms: float = 0) -> ShopProcess:
        """Start the shop and wait (up to 20 s) until every service listens; returns self."""
        if self._process is not None:
            raise ShopError("shop already started")
        self._tmp_dir = Path(tempfile.mkdtemp(prefix="switchyard-shop-"))
        ready_file = self._tmp_dir / "ready.json"
        command = [sys.executable, "-m", "examples.shop", "--latency-ms", str(latency_ms)]
        command += ["--ready-file", str(ready_file)]
        for service in SERVICES:
            command += [f"--port-{service}", "0"]
        with self.log_path.open("wb") as log:
            # A file, not a pipe: nobody reads a pipe during the test, and a full pipe
            # would block the shop on its next log line.
            self._process = subprocess.Popen(
                command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            self.urls = self._wait_ready(ready_file)
        except BaseException:
            self.stop()
            raise
        return self

    def stats(self, service: str) -> dict[str, Any]:
        """The service's ``GET /__stats`` document: ``{"service", "requests", "recent"}``."""
        response = self._client.get(f"{self._url(service)}/__stats")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def total_requests(self) -> int:
        """API requests served by all four services since the last :meth:`reset`."""
        return sum(int(str(self.stats(service)["requests"])) for service in SERVICES)

    def reset(self) -> None:
        """Zero every service's counters (the data, including POSTed orders, stays)."""
        for service in SERVICES:
            self._client.post(f"{self._url(service)}/__reset").raise_for_status()

    def log_text(self) -> str:
        """Everything the process logged so far (one line per request, among others)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int | None:
        """SIGTERM the process, wait, SIGKILL only this PID if it hangs; returns its exit code."""
        process, self._process = self._process, None
        returncode = None
        if process is not None:
            returncode = stop_process(process, STOP_TIMEOUT)
        self._client.close()
        self._client = httpx.Client(timeout=10.0)
        if self._tmp_dir is not None:
            shutil.rmtree(self._tmp_dir, ignore_errors=True)
            self._tmp_dir = None
        self.urls = {}
        return returncode

    def __enter__(self) -> ShopProcess:
        return self if self._process is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _wait_ready(self, ready_file: Path) -> dict[str, str]:
        assert self._process is not None
        try:
            # The ready file is written atomically, so it is complete when present.
            wait_for(ready_file.exists, self._process, START_TIMEOUT, what="shop", interval=0.02)
        except ProcessStartError as error:
            raise ShopError(f"{error}\n{self._log_tail()}") from None
        urls: dict[str, str] = json.loads(ready_file.read_text(encoding="utf-8"))
        return urls

    def _log_tail(self) -> str:
        return "\n".join(self.log_text().splitlines()[-20:])

    def _url(self, service: str) -> str:
        try:
            return self.urls[service]
        except KeyError:
            raise ShopError(
                f"no running service {service!r}; started: {sorted(self.urls)}"
            ) from None
