"""A real ``redis-server`` subprocess on a free port with persistence off, for tests.

Example::

    with RedisServer() as server:
        server.url                # "redis://127.0.0.1:PORT/0"
        server.pause()            # SIGSTOP: Redis becomes "slow" (accepts, never answers)
        server.resume()           # SIGCONT

Fixtures: ``redis_server`` (one per session) and ``redis_url`` (that server, flushed for
this test). A missing ``redis-server`` fails the test when ``CI=true``, skips otherwise.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest

from tests.support.prerequisites import missing
from tests.support.processes import free_port, stop_process, wait_for

__all__ = ["RedisServer", "redis_binary", "redis_server", "redis_url"]

START_TIMEOUT = 10.0


def redis_binary() -> str:
    """The redis-server path, or fail (CI) / skip (elsewhere) the calling test."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server is not installed: apt-get install -y redis-server")
    return binary


class RedisServer:
    def __init__(self) -> None:
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._dir: Path | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> RedisServer:
        binary = redis_binary()
        self.port = free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="switchyard-redis-"))
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self._dir)]
        log_path = self._dir / "redis.log"
        with log_path.open("wb") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(
                self._answers,
                self._process,
                START_TIMEOUT,
                log_path,
                what="redis-server",
                interval=0.02,
            )
        except BaseException:
            self.stop()
            raise
        return self

    def flush(self) -> None:
        self._command(b"*1\r\n$8\r\nFLUSHALL\r\n")

    def pause(self) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            stop_process(process, 5.0, resume_first=True)  # a paused server ignores SIGTERM
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _answers(self) -> bool:
        try:
            return self._command(b"*1\r\n$4\r\nPING\r\n").startswith(b"+PONG")
        except OSError:
            return False

    def _command(self, raw: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(raw)
            return sock.recv(64)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, emptied for this test."""
    redis_server.flush()
    return redis_server.url
