"""What tracing costs: the same nested query with tracing off, on without resolver
spans, and on with every resolver span, measured in one run.

Everything runs in one process so the numbers are the gateway's own CPU, not network
noise: the gateway is driven through ``httpx.ASGITransport`` and its connectors talk
to the demo shop's Starlette apps in-process (an ASGI transport per service). Spans
go to the SDK's in-memory exporter (cleared after every request), so export costs
the same small amount in both traced modes. The three modes are interleaved round by
round so drift affects them equally; every loop is bounded by count. The figure is CPU
time per query, and it includes the in-process shop's own CPU (the same in every mode),
so the ratios are those of the whole request, not of the gateway alone.

    .venv/bin/python bench/tracing.py [--rounds 7] [--requests 30] [--limit 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_settings
from examples.shop.registry import SERVICES
from examples.shop.registry import create_app as create_service
from gateway import create_app

QUERY = (
    "query Bench($limit: Int!) { users(limit: $limit) { id name orders { id total items { "
    "quantity product { id name price reviews { rating } } } } } }"
)
MODES = {
    "tracing off": {"exporter": "none"},
    "on, no resolver spans": {"exporter": "memory", "resolvers": "off"},
    "on, root resolver spans": {"exporter": "memory", "resolvers": "root"},
    "on, all resolver spans": {"exporter": "memory", "resolvers": "all"},
}


class ShopTransport(httpx.AsyncBaseTransport):
    """Routes each request to the in-process shop service named by its host."""

    def __init__(self) -> None:
        self.services = {name: httpx.ASGITransport(app=create_service(name)) for name in SERVICES}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.services[request.url.host].handle_async_request(request)


@asynccontextmanager
async def gateway(mode: dict[str, str]) -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    settings = bench_settings(
        services={name: {"base_url": f"http://{name}"} for name in SERVICES},
        observability={"tracing": mode},
    )
    app = create_app(settings, transport=ShopTransport())
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(app.router.lifespan_context(app))
        client = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw")
        )
        yield client, app


async def timed_round(client: httpx.AsyncClient, app: object, body: dict, n: int) -> float:
    """Median CPU milliseconds per request over ``n`` sequential requests.

    CPU time of this process (everything runs in it) rather than wall time, so other
    work on a shared machine does not land in one mode's numbers.
    """
    memory = app.state.observability.tracing.memory  # type: ignore[attr-defined]
    samples = []
    for _ in range(n):
        started = time.process_time()
        response = await client.post("/graphql", json=body)
        samples.append((time.process_time() - started) * 1000)
        assert response.status_code == 200 and "errors" not in response.json()
        if memory is not None:
            memory.clear()
    return statistics.median(samples)


async def run(rounds: int, requests: int, limit: int) -> None:
    body = {"query": QUERY, "variables": {"limit": limit}}
    async with AsyncExitStack() as stack:
        gateways = {
            name: await stack.enter_async_context(gateway(mode)) for name, mode in MODES.items()
        }
        spans = {}
        for name, (client, app) in gateways.items():  # warm up, and count spans per query
            await timed_round(client, app, body, 3)
            memory = app.state.observability.tracing.memory  # type: ignore[attr-defined]
            await client.post("/graphql", json=body)
            spans[name] = len(memory.get_finished_spans()) if memory is not None else 0
            if memory is not None:
                memory.clear()
        results: dict[str, list[float]] = {name: [] for name in MODES}
        for _ in range(rounds):
            for name, (client, app) in gateways.items():
                results[name].append(await timed_round(client, app, body, requests))
    base = statistics.median(results["tracing off"])
    print(
        f"users(limit: {limit}) nested query, {rounds} rounds x {requests} requests, in-process\n"
    )
    print(f"{'mode':<24} {'spans/query':>11} {'CPU ms/query':>12} {'vs off':>7}")
    for name, values in results.items():
        ms = statistics.median(values)
        print(f"{name:<24} {spans[name]:>11} {ms:>12.2f} {ms / base:>6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(run(min(args.rounds, 50), min(args.requests, 500), args.limit))


if __name__ == "__main__":
    main()
