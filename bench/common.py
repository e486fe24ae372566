"""Shared pieces of the benchmarks: start the shop and a gateway, run a bounded load.

Every load is bounded in time *and* in count, and goes to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("users", "orders", "products", "reviews")


def bench_settings(**sections: Any) -> Settings:
    """Settings for a benchmark's in-process app: GraphiQL off, the access log off (its
    lines would flood the output), usage and keys in a temp dir (never the checkout's),
    and limits off unless the benchmark is about them (a load test is one client far
    over any demo plan). ``sections`` are merged over these, key by key."""
    tmp = Path(tempfile.mkdtemp(prefix="switchyard-bench-"))
    base: dict[str, Any] = {
        "graphql": {"graphiql": False},
        "limits": {"enabled": False},
        "metering": {"usage_db": str(tmp / "usage.db")},
        "auth": {"keys_db": str(tmp / "keys.db")},
        "observability": {"logging": {"access_log": False}},
    }
    return Settings.model_validate(_merge(base, sections))


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(
    process: subprocess.Popen[bytes], ready: Callable[[], bool], what: str, timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.05)


def _exit_on_sigterm() -> None:
    """A SIGTERM to a benchmark runs its ``finally`` blocks (which stop the shop and the
    gateways it started) instead of leaving those processes behind."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


class Shop:
    """The demo shop in its own process (request logging off)."""

    def __init__(self, latency_ms: float = 0) -> None:
        _exit_on_sigterm()
        self.tmp = Path(tempfile.mkdtemp(prefix="switchyard-bench-"))
        ready = self.tmp / "ready.json"
        command = [sys.executable, "-m", "examples.shop", "--ready-file", str(ready)]
        command += ["--latency-ms", str(latency_ms), "--log-level", "warning"]
        for service in SERVICES:
            command += [f"--port-{service}", "0"]
        self.process = subprocess.Popen(command, cwd=ROOT)
        _wait(self.process, ready.exists, "the shop")
        self.urls: dict[str, str] = json.loads(ready.read_text())

    def calls(self) -> int:
        return sum(httpx.get(f"{u}/__stats").json()["requests"] for u in self.urls.values())

    def reset(self) -> None:
        for url in self.urls.values():
            httpx.post(f"{url}/__reset")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=10)


class Gateway:
    """``switchyard serve`` on a free port, configured through the environment."""

    def __init__(self, urls: Mapping[str, str], env: Mapping[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHYARD_")}
        self.tmp = Path(tempfile.mkdtemp(prefix="switchyard-bench-gateway-"))
        # A load test is one client far over any demo plan; measure the gateway, not the
        # limiter (bench/limits.py does that), and keep usage out of the checkout.
        environment["SWITCHYARD_LIMITS__ENABLED"] = "false"
        environment["SWITCHYARD_LIMITS__DEFAULT_PLAN"] = "enterprise"  # no monthly quota
        environment["SWITCHYARD_METERING__USAGE_DB"] = str(self.tmp / "usage.db")
        environment["SWITCHYARD_AUTH__KEYS_DB"] = str(self.tmp / "keys.db")
        for service, url in urls.items():
            environment[f"SWITCHYARD_SERVICES__{service.upper()}__BASE_URL"] = url
        environment.update(env or {})
        command = [sys.executable, "-m", "gateway", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(  # the access log stays on, but unread
            command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

        def up() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{self.port}/healthz").status_code == 200
            except httpx.TransportError:
                return False

        _wait(self.process, up, "the gateway")

    def peak_rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]


async def _load(
    url: str,
    body: dict[str, object],
    concurrency: int,
    seconds: float,
    max_requests: int,
    headers: Mapping[str, str] | None = None,
) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline and len(latencies) + errors < max_requests:
                started = time.perf_counter()
                response = await client.post(url, json=body)
                if response.status_code != 200 or "errors" in response.json():
                    errors += 1
                else:
                    latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return LoadResult(len(latencies), errors, elapsed, latencies)


def run_load(
    url: str,
    body: dict[str, object],
    *,
    concurrency: int,
    seconds: float,
    max_requests: int = 200_000,
    headers: Mapping[str, str] | None = None,
) -> LoadResult:
    """Closed-loop load: ``concurrency`` clients, each sending the next request on an answer."""
    return asyncio.run(_load(url, body, concurrency, seconds, max_requests, headers))
