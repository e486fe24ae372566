"""Per-request overhead of usage metering (and quotas): off vs SQLite (default) vs Redis.

Starts the demo shop, a redis-server (free port, persistence off) and three gateways
that differ only in metering: off, on with the embedded SQLite usage store, on with a
shared Redis store. Each gateway gets the same closed-loop load, in alternating rounds
so drift hits every mode alike; prints req/s, p50, p99 and ratios against "off"
measured in the same run. Afterwards it checks with ``switchyard usage export`` that
every answered request was metered.

    .venv/bin/python bench/metering.py [--seconds 5] [--rounds 2] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

# The repository first: this script's own name must not shadow the ``metering`` package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(1, str(Path(__file__).resolve().parent))
from common import ROOT, Gateway, LoadResult, Shop, free_port, run_load

QUERIES = {
    "small": {"query": "query Small { user(id: 1) { id name } }"},
    "nested": {
        "query": "query Nested { users(limit: 10) { id name orders { id total items { quantity "
        "product { id name } } } } }"
    },
}
# A quota nobody reaches, so quota checks run (cost computed) but never refuse.
BIG_QUOTA = {
    "SWITCHYARD_LIMITS__PLANS__FREE__MONTHLY_QUOTA_POINTS": "1000000000000",
    # Rate limits off in every mode: this measures metering (and the quota check) alone.
    "SWITCHYARD_LIMITS__ENABLED": "false",
}


def start_redis() -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            import socket

            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("redis-server did not start")


def exported_requests(env: dict[str, str]) -> int:
    today = datetime.now(UTC).date().isoformat()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHYARD_")}
    environment.update(env)
    done = subprocess.run(
        [sys.executable, "-m", "gateway", "usage", "export", "--from", today, "--to", today,
         "--format", "json"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return int(json.loads(done.stdout)["totals"]["requests"])


def micro(gateway_url: str, iterations: int = 2000) -> None:
    """CPU cost of the request-path part of metering, in-process: the field walk over a
    real answer plus ``Meter.record`` (no I/O), per request. Immune to machine load
    in a way end-to-end req/s is not."""
    from collections import Counter

    from graphql import parse

    from metering import Meter, resolved_fields
    from schema import build_schema
    from schema.cost import CostModel
    from settings import LimitsSettings, MeteringSettings
    from stores.usage import SqliteUsageStore

    schema = build_schema()._schema
    cost = CostModel(schema)  # the gateway builds one per schema, walks once per request
    tmp = Path(tempfile.mkdtemp(prefix="switchyard-bench-micro-"))
    meter = Meter(SqliteUsageStore(tmp / "usage.db"), MeteringSettings(), LimitsSettings().plans)
    for query, body in QUERIES.items():
        import httpx

        data = httpx.post(gateway_url, json=body, timeout=30).json()["data"]
        document = parse(str(body["query"]))
        started = time.perf_counter()
        for _ in range(iterations):
            fields = resolved_fields(schema, document, None, data, [])
            points = cost.operation_cost(document, None, None)
            meter.record(
                client="bench",
                plan="free",
                operation=query,
                cost=points,
                fields=fields,
                errors=Counter(),
                backend_calls=1,
                latency_ms=1.0,
            )
        per_request_us = (time.perf_counter() - started) / iterations * 1e6
        print(
            f"{query:<7} request-path metering CPU: {per_request_us:8.1f} us/request "
            f"({sum(fields.values())} field resolutions counted, cost {points})"
        )
    shutil.rmtree(tmp, ignore_errors=True)
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per mode, per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="switchyard-bench-metering-"))
    shop = Shop()
    redis, redis_url = start_redis()
    envs = {
        "off": {**BIG_QUOTA, "SWITCHYARD_METERING__ENABLED": "false"},
        "sqlite": {**BIG_QUOTA, "SWITCHYARD_METERING__USAGE_DB": str(tmp / "usage.db")},
        "redis": {
            **BIG_QUOTA,
            "SWITCHYARD_LIMITS__STORE": redis_url,
            "SWITCHYARD_METERING__USAGE_DB": str(tmp / "unused.db"),
        },
    }
    try:
        gateways = {name: Gateway(shop.urls, env) for name, env in envs.items()}
        answered = dict.fromkeys(envs, 0)
        try:
            _measure(gateways, answered, args)
        finally:
            for gateway in gateways.values():
                gateway.stop()  # SIGTERM: each flushes its pending usage
        for name in ("sqlite", "redis"):
            metered = exported_requests(envs[name])
            status = "ok" if metered == answered[name] else "MISMATCH"
            print(f"{name}: {answered[name]} requests answered, {metered} metered ({status})")
    finally:
        shop.stop()
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def _measure(
    gateways: dict[str, Gateway], answered: dict[str, int], args: argparse.Namespace
) -> None:
    print(
        f"concurrency {args.concurrency}, {args.rounds} x {args.seconds:.0f} s per mode, "
        "one gateway worker each\n"
    )
    micro(gateways["off"].url)
    print(f"{'query':<7} {'metering':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for query, body in QUERIES.items():
        results: dict[str, list[LoadResult]] = {name: [] for name in gateways}
        for _ in range(args.rounds):
            for name, gateway in gateways.items():
                result = run_load(
                    gateway.url, body, concurrency=args.concurrency, seconds=args.seconds
                )
                assert result.errors == 0, f"{name}: {result.errors} errors"
                results[name].append(result)
                answered[name] += result.requests
        merged = {name: _merge(parts) for name, parts in results.items()}
        for name, result in merged.items():
            print(
                f"{query:<7} {name:<9} {result.rps:>8.1f} {result.percentile(50):>8.2f} "
                f"{result.percentile(99):>8.2f}"
            )
        off = merged["off"]
        for name in ("sqlite", "redis"):
            on = merged[name]
            print(
                f"{query:<7} {name + '/off':<9} {on.rps / off.rps:>7.3f}x "
                f"{on.percentile(50) / off.percentile(50):>7.3f}x "
                f"{on.percentile(99) / off.percentile(99):>7.3f}x"
            )
        print()


def _merge(parts: list[LoadResult]) -> LoadResult:
    return LoadResult(
        requests=sum(p.requests for p in parts),
        errors=sum(p.errors for p in parts),
        seconds=sum(p.seconds for p in parts),
        latencies_ms=[ms for p in parts for ms in p.latencies_ms],
    )


if __name__ == "__main__":
    main()
