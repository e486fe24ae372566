"""What batching saves: the benchmark query through the gateway, with and without batching.

Starts the demo shop and one gateway per mode, checks the answers agree, then loads
``users(limit: N)`` for a fixed time at a fixed concurrency and prints req/s, p50, p99,
backend calls per query and the gateway's peak RSS, with ratios against batching off
measured in the same run.

    .venv/bin/python bench/batching.py [--seconds 10] [--concurrency 16] [--limits 10,50]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Gateway, Shop, run_load

QUERY = (
    "query Bench($limit: Int!) { users(limit: $limit) { id name orders { id total items { quantity "
    "product { id name price reviews { rating } } } } } }"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--limits", default="10,50")
    args = parser.parse_args()
    shop = Shop()
    gateways = {
        "batching on": Gateway(shop.urls),
        "batching off": Gateway(shop.urls, {"SWITCHYARD_GRAPHQL__BATCHING": "false"}),
    }
    try:
        print(f"concurrency {args.concurrency}, {args.seconds:.0f} s per row, one gateway worker\n")
        print(
            f"{'limit':>5} {'mode':<13} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'calls/query':>12} {'peak RSS MiB':>13}"
        )
        for limit in (int(x) for x in args.limits.split(",")):
            body = {"query": QUERY, "variables": {"limit": limit}}
            answers = {
                name: httpx.post(gw.url, json=body, timeout=60).json()
                for name, gw in gateways.items()
            }
            assert "errors" not in answers["batching on"], answers["batching on"]
            assert answers["batching on"] == answers["batching off"], "the two modes disagree"
            assert len(answers["batching on"]["data"]["users"]) == limit
            rows = {}
            for name, gw in gateways.items():
                shop.reset()
                result = run_load(gw.url, body, concurrency=args.concurrency, seconds=args.seconds)
                calls = shop.calls() / max(result.requests + result.errors, 1)
                rows[name] = result
                print(
                    f"{limit:>5} {name:<13} {result.rps:>8.1f} {result.percentile(50):>8.1f} "
                    f"{result.percentile(99):>8.1f} {calls:>12.1f} {gw.peak_rss_mib():>13.1f}"
                    + (f"   errors: {result.errors}" if result.errors else "")
                )
            on, off = rows["batching on"], rows["batching off"]
            print(
                f"{'':>5} {'ratio on/off':<13} {on.rps / off.rps:>7.2f}x "
                f"{on.percentile(50) / off.percentile(50):>7.2f}x "
                f"{on.percentile(99) / off.percentile(99):>7.2f}x\n"
            )
    finally:
        for gw in gateways.values():
            gw.stop()
        shop.stop()


if __name__ == "__main__":
    main()
