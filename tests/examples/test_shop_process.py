"""The shop as a process: the CLI, the ready file, latency, determinism and clean stops."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from examples.shop import serve
from tests.support.processes import stop_process
from tests.support.shop import REPO_ROOT, SERVICES, ShopProcess


def dump_everything(shop: ShopProcess) -> dict[str, object]:
    all_ids = ",".join(str(i) for i in range(1, 1001))
    product_ids = ",".join(str(i) for i in range(1, 501))
    with httpx.Client() as client:
        return {
            "users": client.get(f"{shop.urls['users']}/users?ids={all_ids}").json(),
            "orders": client.get(f"{shop.urls['orders']}/orders?user_ids={all_ids}").json(),
            "products": client.get(f"{shop.urls['products']}/products?ids={product_ids}").json(),
            "reviews": client.get(
                f"{shop.urls['reviews']}/reviews?product_ids={product_ids}"
            ).json(),
        }


def test_two_processes_serve_identical_data() -> None:
    with ShopProcess() as first, ShopProcess() as second:
        assert first.urls != second.urls
        one, two = dump_everything(first), dump_everything(second)

    assert one == two
    assert [len(one[name]) for name in SERVICES] == [1000, 5000, 500, 2000]  # type: ignore[arg-type]


async def test_latency_delays_every_api_request_but_not_admin_routes() -> None:
    with ShopProcess().start(latency_ms=150) as shop:
        async with httpx.AsyncClient() as client:
            started = time.perf_counter()
            responses = await asyncio.gather(
                *(client.get(f"{shop.urls['users']}/users/{i}") for i in range(1, 11))
            )
            concurrent = time.perf_counter() - started

            started = time.perf_counter()
            await client.get(f"{shop.urls['users']}/__stats")
            admin = time.perf_counter() - started

    assert all(response.status_code == 200 for response in responses)
    assert concurrent >= 0.150
    assert concurrent < 1.0  # the ten delays overlap instead of adding up
    assert admin < 0.150


def test_cli_writes_ready_file_prints_urls_and_exits_cleanly_on_sigint(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    command = [sys.executable, "-m", "examples.shop", "--services", "users,reviews"]
    command += ["--port-users", "0", "--port-reviews", "0", "--ready-file", str(ready)]
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        deadline = time.monotonic() + 20
        while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        urls = json.loads(ready.read_text())
        assert set(urls) == {"users", "reviews"}
        assert httpx.get(f"{urls['users']}/users/1").status_code == 200

        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=10)
    finally:
        stop_process(process)  # only if the test failed before its own SIGINT worked

    assert process.returncode == 0
    assert stdout.splitlines() == [f"users: {urls['users']}", f"reviews: {urls['reviews']}"]
    assert list(tmp_path.iterdir()) == [ready]  # no temporary file left behind


def test_stop_terminates_with_exit_code_zero() -> None:
    shop = ShopProcess().start()

    assert shop.stop() == 0


def test_cli_fails_cleanly_when_a_port_is_taken(shop: ShopProcess) -> None:
    taken = httpx.URL(shop.urls["users"]).port
    result = subprocess.run(
        [sys.executable, "-m", "examples.shop", "--services", "users", f"--port-users={taken}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=20,
    )

    assert result.returncode == 1
    assert "cannot bind users" in result.stderr


def test_keep_alive_requests_are_not_held_back_by_nagle(shop: ShopProcess) -> None:
    # Without TCP_NODELAY on accepted sockets each request on a kept-alive connection
    # waited ~40 ms for a delayed ACK: 20 requests took ~0.9 s instead of ~0.03 s.
    with httpx.Client(base_url=shop.urls["users"]) as client:
        client.get("/users/1")
        started = time.perf_counter()
        for user_id in range(1, 21):
            client.get(f"/users/{user_id}")
        elapsed = time.perf_counter() - started

    assert elapsed < 0.4


async def test_serve_in_process_until_cancelled(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    task = asyncio.create_task(serve(["products"], ports={"products": 0}, ready_file=ready))
    try:
        for _ in range(500):
            if ready.exists() or task.done():
                break
            await asyncio.sleep(0.01)
        url = json.loads(ready.read_text())["products"]
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{url}/products/1")).json()["id"] == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    assert task.cancelled()
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{url}/products/1")
