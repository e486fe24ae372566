"""``switchyard demo``: the four demo shop services and the gateway, started and stopped together.

The shop runs as a child process (``python -m examples.shop``) on the ports named by the
configured service URLs; the gateway runs in this process. Ctrl-C or SIGTERM stops both.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn

from settings import Settings

SHOP_SERVICES = ("users", "orders", "products", "reviews")
EXAMPLE_QUERY = (
    "{ users(limit: 3) { id name orders { id total items { quantity product { name price } } } } }"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="artificial latency of each shop request"
    )


def handle(args: argparse.Namespace, settings: Settings) -> int:
    settings = _readable_logs(settings)
    with tempfile.TemporaryDirectory(prefix="switchyard-demo-") as tmp:
        ready_file = Path(tmp) / "shop.json"
        shop = _start_shop(settings, ready_file, args.latency_ms)
        try:
            _wait_for(shop, ready_file)
            asyncio.run(_serve_gateway(settings))
        except KeyboardInterrupt:
            pass
        except RuntimeError as exc:
            print(f"switchyard demo: {exc}", file=sys.stderr)
            return 1
        finally:
            shop.terminate()
            try:
                shop.wait(timeout=10)
            except subprocess.TimeoutExpired:
                shop.kill()
    return 0


def _readable_logs(settings: Settings) -> Settings:
    """The demo is for people at a terminal: one text line per request instead of JSON,
    unless the configuration chose a format."""
    logging_settings = settings.observability.logging
    if "format" in logging_settings.model_fields_set:
        return settings
    observability = settings.observability.model_copy(
        update={"logging": logging_settings.model_copy(update={"format": "text"})}
    )
    return settings.model_copy(update={"observability": observability})


def _start_shop(settings: Settings, ready_file: Path, latency_ms: float) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "examples.shop",
        "--ready-file",
        str(ready_file),
        "--latency-ms",
        str(latency_ms),
    ]
    for service in SHOP_SERVICES:
        url = urlsplit(settings.connector(service).base_url)
        command += [f"--port-{service}", str(url.port or 80)]
    return subprocess.Popen(command)  # noqa: S603 -- our own interpreter and module, fixed args


def _wait_for(shop: subprocess.Popen[bytes], ready_file: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready_file.exists():
        if shop.poll() is not None:
            raise RuntimeError("the demo shop services did not start (is a port in use?)")
        if time.monotonic() > deadline:
            raise RuntimeError("the demo shop services did not start in time")
        time.sleep(0.05)
    json.loads(ready_file.read_text())  # fail loudly on a torn file


class _GatewayServer(uvicorn.Server):
    """uvicorn re-raises a captured SIGTERM after shutting down, which would kill the
    demo before it stops the shop; the demo handles the signals itself instead."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _serve_gateway(settings: Settings) -> None:
    from cli.keys import demo_keys
    from gateway import create_app

    settings, keys = demo_keys(settings)
    host, port = settings.server.host, settings.server.port
    config = uvicorn.Config(create_app(settings), host=host, port=port, access_log=False)
    server = _GatewayServer(config)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: setattr(server, "should_exit", True))
    serving = asyncio.create_task(server.serve())
    # uvicorn has no "started" event to await; poll its flag briefly.
    for _ in range(600):
        if server.started or serving.done():
            break
        await asyncio.sleep(0.05)
    if server.started:
        print(
            f"\nSwitchyard is running.\n  GraphiQL: http://{host}:{port}{settings.graphql.path}\n"
            f"  Try:      {EXAMPLE_QUERY}\n"
            f"  Admin key:  {keys['admin']}\n  Reader key: {keys['reader']}\n"
            f"  (send one as 'X-API-Key: <key>'; valid while this demo runs)\n"
            f"  Stop:     Ctrl-C\n",
            flush=True,
        )
    await serving
    if not server.started:
        raise RuntimeError(f"the gateway could not listen on {host}:{port} (is the port in use?)")
