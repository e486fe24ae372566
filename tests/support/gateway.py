"""Run the gateway (``python -m gateway serve``) as a real subprocess for end-to-end tests.

One class for every way a test configures it: service URLs (as ``SWITCHYARD_*`` env
overrides), a config file path or TOML text, extra environment, extra CLI arguments.

Example::

    with GatewayProcess(shop.urls, env={"SWITCHYARD_CONNECTORS__MAX_BATCH_SIZE": "3"}) as gw:
        gw.query("{ user(id: 1) { name } }")

    with GatewayProcess(config_toml=toml, args=("--workers", "2")) as gw:
        httpx.post(gw.graphql_url, json={"query": "{ __typename }"})

    gateway = GatewayProcess(config_path=config, workdir=tmp_path).start()
    assert gateway.stop() in (0, -signal.SIGTERM)   # SIGTERM, bounded wait, exit code
    gateway.log_text()                              # still readable after the stop

The process runs with its working directory in its own directory (``workdir``, or a
temporary one removed on ``__exit__``), so the relative defaults ``.switchyard/usage.db``
and ``.switchyard/keys.db`` land there, never in the checkout. In tests, prefer the
``gateway`` fixture from ``tests/conftest.py`` (one process per session, pointed at the
session's shop).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import httpx

from tests.support.processes import (
    REPO_ROOT,
    STOP_TIMEOUT,
    free_port,
    project_env,
    stop_process,
    wait_until_healthy,
)

__all__ = ["REPO_ROOT", "GatewayProcess", "free_port"]

START_TIMEOUT = 30.0


class GatewayProcess:
    """One ``switchyard serve`` subprocess on a free port of 127.0.0.1.

    Settings come from ``config_path`` (or ``config_toml``, written to the work dir), then
    the ``service_urls`` and ``env`` overrides (env beats the file); ``SWITCHYARD_*``
    variables of the test runner's own environment are not passed on. Output goes to
    :attr:`log_path`, which outlives :meth:`stop`; :meth:`log_text` also outlives
    :meth:`close` (the end of a ``with`` block).
    """

    def __init__(
        self,
        service_urls: Mapping[str, str] | None = None,
        *,
        config_path: Path | None = None,
        config_toml: str | None = None,
        env: Mapping[str, str] | None = None,
        args: tuple[str, ...] = (),
        workdir: Path | None = None,
    ) -> None:
        if config_path is not None and config_toml is not None:
            raise ValueError("pass config_path or config_toml, not both")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.graphql_url = f"{self.url}/graphql"
        self._owns_workdir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="switchyard-gateway-"))
        self.log_path = self.workdir / f"gateway-{self.port}.log"
        self.config_path = config_path
        if config_toml is not None:
            self.config_path = self.workdir / f"switchyard-{self.port}.toml"
            self.config_path.write_text(config_toml, encoding="utf-8")
        runner_env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHYARD_")}
        self._env = {
            **project_env(runner_env),  # the cwd is the work dir, not the checkout
            **{
                f"SWITCHYARD_SERVICES__{name.upper()}__BASE_URL": url
                for name, url in (service_urls or {}).items()
            },
            **(env or {}),
        }
        self._args = args
        self._process: subprocess.Popen[bytes] | None = None
        self._closed_log: str | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> GatewayProcess:
        """Start the process and wait (bounded) until ``/healthz`` answers; returns self."""
        command = [sys.executable, "-m", "gateway", "serve", "--port", str(self.port)]
        if self.config_path is not None:
            command += ["--config", str(self.config_path)]
        with self.log_path.open("wb") as log:
            # A file, not a pipe: nobody reads a pipe during the test, and a full pipe
            # would block the gateway on its next log line.
            self._process = subprocess.Popen(
                [*command, *self._args],
                cwd=self.workdir,
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_healthy(
                f"{self.url}/healthz", self._process, START_TIMEOUT, self.log_path, what="gateway"
            )
        except BaseException:
            self.stop()
            raise
        return self

    def query(self, query: str, variables: dict[str, object] | None = None) -> httpx.Response:
        """POST one GraphQL operation to the gateway."""
        body: dict[str, object] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return httpx.post(self.graphql_url, json=body, timeout=30.0)

    def log_text(self) -> str:
        """Everything the process logged so far (also after :meth:`close`)."""
        if self._closed_log is not None:
            return self._closed_log
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM by PID, wait up to ``timeout`` s, SIGKILL this PID if it hangs; returns
        the exit code (None if not running). uvicorn shuts down gracefully and then
        re-raises the signal, so a clean stop exits with 0 or -SIGTERM."""
        process, self._process = self._process, None
        return None if process is None else stop_process(process, timeout)

    def kill(self) -> None:
        """SIGKILL this PID at once (no graceful shutdown), if it still runs."""
        process, self._process = self._process, None
        if process is not None:
            stop_process(process, STOP_TIMEOUT, sig=signal.SIGKILL)

    def close(self) -> None:
        """Stop the process and remove the work dir if this object created it."""
        self.stop()
        if self._owns_workdir and self._closed_log is None:
            # Tests assert on the log after the ``with`` block: keep its text.
            self._closed_log = self.log_text() if self.log_path.exists() else ""
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
