"""Per-request overhead of rate limiting: limits off vs the memory store vs Redis.

Three gateways are built in this process (backends answered by ``httpx.MockTransport``, so
only the gateway's own work is timed) and driven through ASGI with the same query, one
request at a time, in interleaved rounds so that drift hits every variant alike:

- ``off``:    ``[limits] enabled = false`` (the operation cost is still computed and reported)
- ``memory``: plan operation limit + cost budget + a per-field limit on ``Query.user``,
              in-memory counters (3 counter hits per request)
- ``redis``:  the same limits on a real ``redis-server`` started here on a free port with
              persistence off (skipped when redis-server is missing)

Bounded: ``--requests`` per variant per round, ``--rounds`` rounds, ``--max-seconds``.

Usage::

    python bench/limits.py --requests 500 --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_settings
from gateway import create_app
from settings import LimitsSettings, PlanSettings
from settings.limits import FieldLimit, RateRule

QUERY = '{ user(id: 1) { name } products(ids: ["1", "2"]) { name } }'
BIG = 10**9


def backend() -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/users"):
            return httpx.Response(200, json={"id": 1, "name": "Ada", "email": "ada@example.com"})
        ids = (request.url.params.get("ids") or "1").split(",")
        return httpx.Response(
            200, json=[{"id": int(i), "name": f"p{i}", "price": 1.0} for i in ids]
        )

    return httpx.MockTransport(handle)


def limits(store: str | None) -> LimitsSettings:
    plan = PlanSettings(operations={"all": RateRule(limit=BIG, window="1h")}, cost_budget=BIG)
    return LimitsSettings(
        enabled=store is not None,
        store=store or "memory://",
        store_timeout_seconds=2.0,
        fail_open=False,  # a failing store must show up as errors, not as a fast path
        plans={"free": plan},
        fields={"Query.user": FieldLimit(limit=BIG, window="1h")},
    )


@asynccontextmanager
async def client(store: str | None) -> AsyncIterator[httpx.AsyncClient]:
    settings = bench_settings(limits=limits(store).model_dump(mode="json"))
    app = create_app(settings, transport=backend())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            yield http


async def run(http: httpx.AsyncClient, requests: int) -> float:
    """Seconds per request over ``requests`` sequential requests."""
    started = time.perf_counter()
    for _ in range(requests):
        response = await http.post("/graphql", json={"query": QUERY})
        if response.status_code != 200 or "errors" in response.json():
            raise SystemExit(f"unexpected answer: {response.status_code} {response.text}")
    return (time.perf_counter() - started) / requests


def start_redis() -> tuple[subprocess.Popen[bytes], str, Path] | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = Path(tempfile.mkdtemp(prefix="switchyard-bench-redis-"))
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(folder)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, f"redis://127.0.0.1:{port}/0", folder
        except OSError:
            time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    return None


async def main(requests: int, rounds: int, max_seconds: float) -> None:
    redis = start_redis()
    try:
        variants: dict[str, str | None] = {"off": None, "memory": "memory://"}
        if redis is not None:
            variants["redis"] = redis[1]
        else:
            print("redis-server not found: the redis variant is skipped")
        timings: dict[str, list[float]] = {name: [] for name in variants}
        deadline = time.monotonic() + max_seconds
        async with AsyncExitStack() as stack:
            clients = {
                name: await stack.enter_async_context(client(store))
                for name, store in variants.items()
            }
            for http in clients.values():  # warm up caches, connections, imports
                await run(http, 50)
            for _ in range(rounds):
                for name, http in clients.items():
                    timings[name].append(await run(http, requests))
                if time.monotonic() > deadline:
                    print(f"stopping early: over {max_seconds} s")
                    break
    finally:
        if redis is not None:
            process, _, folder = redis
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
            shutil.rmtree(folder, ignore_errors=True)
    base = statistics.median(timings["off"])
    print(f"query: {QUERY}")
    print(f"{requests} sequential requests x {len(timings['off'])} rounds per variant (median)")
    print(f"{'variant':<8} {'ms/request':>10} {'overhead ms':>12} {'ratio':>7}")
    for name, values in timings.items():
        value = statistics.median(values)
        print(
            f"{name:<8} {value * 1000:>10.3f} {(value - base) * 1000:>12.3f} {value / base:>7.2f}"
        )
    print(f"python {sys.version.split()[0]}, pid {os.getpid()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=120.0)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.rounds, args.max_seconds))
