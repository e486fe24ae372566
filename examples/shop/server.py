"""Run several shop services in one process: one ``uvicorn.Server`` each, on one event loop.

One process instead of four keeps test start-up near a second and makes the shop one
PID to stop. Sockets are bound here, before uvicorn starts, for two reasons: a busy port
fails fast with a message naming the service, and with port 0 the real port is known
from the socket itself without racing the server's start-up.

Signals are handled once for all servers: uvicorn's own handling installs a handler per
server with ``signal.signal``, and the last one installed would be the only one to stop.

Example::

    await serve(["users", "orders"], ports={"users": 0, "orders": 0}, ready_file="r.json")
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import orjson
import uvicorn
from starlette.applications import Starlette

from examples.shop.registry import DEFAULT_PORTS, SERVICES, create_app

__all__ = ["DEFAULT_PORTS", "SERVICES", "serve"]

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to :func:`serve`."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(
    services: Sequence[str] = SERVICES,
    host: str = "127.0.0.1",
    ports: Mapping[str, int] | None = None,
    latency_ms: float = 0,
    ready_file: str | os.PathLike[str] | None = None,
) -> None:
    """Serve ``services`` until SIGINT/SIGTERM (or until this coroutine is cancelled).

    ``ports`` maps service names to ports (0 picks a free one); missing names use
    :data:`DEFAULT_PORTS`. Once every service listens, ``ready_file`` (if given) is
    replaced atomically by ``{"users": "http://127.0.0.1:PORT", ...}`` and one line per
    service is printed. Raises ``ValueError`` for unknown services and ``OSError`` when a
    port cannot be bound.
    """
    services = list(dict.fromkeys(services))  # a service named twice runs once
    unknown = [name for name in services if name not in SERVICES]
    if unknown or not services:
        raise ValueError(f"unknown services {unknown}; expected some of {SERVICES}")
    servers = {
        name: _Server(_config(create_app(name, latency_ms=latency_ms), host)) for name in services
    }
    sockets = _bind_all(services, host, {**DEFAULT_PORTS, **(ports or {})})
    tasks = [
        asyncio.create_task(servers[name].serve(sockets=[sockets[name]]), name=f"shop-{name}")
        for name in services
    ]
    try:
        with _stop_on_signals(list(servers.values())):
            await _wait_started(list(servers.values()), tasks)
            urls = {name: _url(host, sockets[name]) for name in services}
            if ready_file is not None:
                _write_atomically(Path(ready_file), orjson.dumps(urls))
            for name, url in urls.items():
                print(f"{name}: {url}", flush=True)
            # Not gather(): cancelling gather would cancel the servers mid-request.
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for server in servers.values():
            server.should_exit = True
        await asyncio.wait(tasks)  # each server finishes its graceful shutdown
        for sock in sockets.values():
            sock.close()
    for task in tasks:
        task.result()  # a server that died on its own surfaces its error here


def _config(app: Starlette, host: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        access_log=False,  # each service logs its own line, with the traceparent
        log_config=None,  # leave logging to the caller; uvicorn would reconfigure it
        lifespan="off",  # the apps have no start-up work
        timeout_graceful_shutdown=5,
    )


def _bind_all(
    services: Sequence[str], host: str, ports: Mapping[str, int]
) -> dict[str, socket.socket]:
    bound: dict[str, socket.socket] = {}
    try:
        for name in services:
            try:
                bound[name] = _listen(host, ports[name])
            except OSError as exc:
                message = f"cannot bind {name} to {host}:{ports[name]}: {exc.strerror}"
                raise OSError(exc.errno, message) from exc
    except BaseException:
        for sock in bound.values():
            sock.close()
        raise
    return bound


def _listen(host: str, port: int) -> socket.socket:
    # proto must be IPPROTO_TCP, not the 0 that socket.create_server() leaves: asyncio
    # only sets TCP_NODELAY on accepted sockets whose proto says TCP, and without it a
    # keep-alive client waits ~40 ms per request on Nagle's algorithm (measured).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen()
    except BaseException:
        sock.close()
        raise
    return sock


async def _wait_started(servers: list[_Server], tasks: list[asyncio.Task[None]]) -> None:
    # uvicorn offers no start-up event; its `started` flag flips after the listener is up.
    while not all(server.started for server in servers):
        for task in tasks:
            if task.done():
                task.result()
                raise RuntimeError(f"{task.get_name()} stopped during start-up")
        await asyncio.sleep(0.01)


@contextlib.contextmanager
def _stop_on_signals(servers: list[_Server]) -> Iterator[None]:
    """Stop every server on SIGINT/SIGTERM; a second SIGINT forces the exit."""
    if threading.current_thread() is not threading.main_thread():
        yield  # embedded in a thread: the caller stops us by cancelling
        return
    loop = asyncio.get_running_loop()

    def stop(sig: signal.Signals) -> None:
        for server in servers:
            server.force_exit = server.should_exit and sig == signal.SIGINT
            server.should_exit = True

    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, stop, sig)
    try:
        yield
    finally:
        for sig in _STOP_SIGNALS:
            loop.remove_signal_handler(sig)


def _url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _write_atomically(path: Path, content: bytes) -> None:
    # Readers poll for the file; rename is atomic, so they never read half of it.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)
