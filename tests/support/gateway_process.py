"""Run ``switchyard serve`` as a real subprocess (for restart and SIGTERM tests), and
write the TOML configurations metering tests share.

Example::

    with GatewayProcess(config_path) as gateway:
        httpx.post(f"{gateway.url}/graphql", json={"query": "{ user(id: 1) { id } }"})
        gateway.terminate()            # SIGTERM by PID, waits for a clean exit
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from auth import generate_key, hash_key
from auth.api_keys import key_id
from tests.support.redis_server import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0


def api_key_entry(client: str, *, plan: str, roles: tuple[str, ...] = ()) -> tuple[str, str]:
    """A fresh key and its ``[[auth.api_keys]]`` TOML table."""
    key = generate_key()
    table = (
        "[[auth.api_keys]]\n"
        f'id = "{key_id(key)}"\nhash = "{hash_key(key)}"\nclient = "{client}"\n'
        f'plan = "{plan}"\nroles = {json.dumps(list(roles))}\n'
    )
    return key, table


def write_config(
    path: Path,
    *,
    services: dict[str, str],
    key_tables: list[str],
    plans: dict[str, dict[str, object]],
    usage_db: Path,
    store: str = "memory://",
    flush_interval: float = 0.1,
    webhook_url: str | None = None,
    webhook_secret: str = "",
    extra: str = "",
    limits_options: str = "",
) -> Path:
    lines = [f'[auth]\nkeys_db = "{path.parent / "keys.db"}"']
    lines += [f'[services.{name}]\nbase_url = "{url}"' for name, url in services.items()]
    lines += key_tables
    lines.append(
        f'[limits]\nstore = "{store}"\ndefault_plan = "{next(iter(plans))}"\n{limits_options}'
    )
    for name, terms in plans.items():
        body = "\n".join(f"{k} = {json.dumps(v)}" for k, v in terms.items())
        lines.append(f"[limits.plans.{name}]\n{body}")
    lines.append(
        f'[metering]\nusage_db = "{usage_db}"\nflush_interval_seconds = {flush_interval}\n'
        f"spend_refresh_seconds = {flush_interval}"
    )
    if webhook_url:
        lines.append(
            f'[metering.webhooks]\nurls = ["{webhook_url}"]\nsecret = "{webhook_secret}"\n'
            "backoff_seconds = 0.05"
        )
    path.write_text("\n\n".join(lines) + "\n" + extra)
    return path


class GatewayProcess:
    """``python gateway.py serve --config ... --port <free>`` with its output in a file."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = config.parent / f"gateway-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> GatewayProcess:
        command = [sys.executable, "gateway.py", "serve", "--config", str(self.config)]
        command += ["--port", str(self.port)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHYARD_")}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, env=env
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gateway exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"gateway did not start:\n{self.log_path.read_text()[-3000:]}")

    def terminate(self) -> int:
        """SIGTERM by PID and wait (bounded) for the exit code. uvicorn shuts down
        gracefully, then re-raises the signal, so a clean stop exits with -SIGTERM."""
        assert self.process is not None
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.kill()


def export_usage(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``switchyard usage export`` in its own process, as an operator would run it."""
    command = [sys.executable, "gateway.py", "usage", "export", "--config", str(config), *args]
    return subprocess.run(  # bounded; our own interpreter and script
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )
