"""Plumbing for the real subprocesses the tests start: free ports, bounded readiness
polls that notice a dead process, and a bounded stop that kills only the given PID.

Example::

    port = free_port()
    process = subprocess.Popen([...], stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process, 30.0, log_path)
        ...
    finally:
        stop_process(process)          # SIGTERM, wait up to 10 s, SIGKILL this PID if it hangs
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
STOP_TIMEOUT = 10.0
LOG_TAIL_CHARS = 3000


class ProcessStartError(RuntimeError):
    """A subprocess died or did not become ready in time; the message has its log tail."""


def free_port() -> int:
    """A port the kernel just handed out on 127.0.0.1 (closed again at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports (all held open together while the kernel picks them)."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def project_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with the checkout on PYTHONPATH, for
    a subprocess that runs in a temporary directory: relative defaults such as
    ``.switchyard/usage.db`` then land there instead of in the checkout."""
    env = dict(os.environ if base is None else base)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def log_tail(log: Path | None, chars: int = LOG_TAIL_CHARS) -> str:
    """The end of a log file, or "" when there is none (yet)."""
    if log is None or not log.exists():
        return ""
    return log.read_text(encoding="utf-8", errors="replace")[-chars:]


def wait_for(
    ready: Callable[[], bool],
    process: subprocess.Popen[bytes] | subprocess.Popen[str],
    timeout: float,
    log: Path | None = None,
    *,
    what: str = "process",
    interval: float = 0.05,
) -> None:
    """Poll ``ready()`` until it is true; raise :class:`ProcessStartError` as soon as the
    process exits, or after ``timeout`` seconds. The caller stops the process on error."""
    deadline = time.monotonic() + timeout
    while True:
        if ready():
            return
        if process.poll() is not None:
            raise ProcessStartError(f"{what} exited with {process.returncode}:\n{log_tail(log)}")
        if time.monotonic() >= deadline:
            raise ProcessStartError(f"{what} not ready after {timeout} s:\n{log_tail(log)}")
        time.sleep(interval)


def wait_until_healthy(
    url: str,
    process: subprocess.Popen[bytes] | subprocess.Popen[str],
    timeout: float,
    log: Path | None = None,
    *,
    what: str = "process",
) -> None:
    """Poll ``GET url`` until it answers 200 (see :func:`wait_for` for the failure modes)."""

    def healthy() -> bool:
        try:
            return httpx.get(url, timeout=1.0).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(healthy, process, timeout, log, what=what)


def stop_process(
    process: subprocess.Popen[bytes] | subprocess.Popen[str],
    timeout: float = STOP_TIMEOUT,
    *,
    resume_first: bool = False,
    sig: signal.Signals = signal.SIGTERM,
) -> int:
    """Send ``sig`` (SIGTERM) to this process, wait up to ``timeout`` seconds, SIGKILL only
    this PID if it is still running; returns the exit code. ``resume_first`` sends SIGCONT
    first, for a process a test paused with SIGSTOP (it could not handle SIGTERM)."""
    if process.poll() is None:
        if resume_first:
            process.send_signal(signal.SIGCONT)
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
    return process.returncode
