"""``switchyard serve --workers 2`` in a real subprocess: Prometheus counts from both
workers add up (multiprocess mode), and its JSON logs carry no secrets."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from auth.api_keys import generate_key, hash_key, key_id
from tests.support.shop import ShopProcess

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
QUERY = {
    "query": "query Counted { user(id: 2) { name orders { id } } }",
    "operationName": "Counted",
}
KEY = generate_key()  # a real API key: valid credentials must not be logged either


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def two_workers(shop: ShopProcess, tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    port = _free_port()
    prom_dir = tmp_path / "prom"
    prom_dir.mkdir()
    config = tmp_path / "switchyard.toml"
    config.write_text(
        "[graphql]\ngraphiql = false\n"
        + f'[[auth.api_keys]]\nid = "{key_id(KEY)}"\nhash = "{hash_key(KEY)}"\n'
        + 'client = "workers-test"\nroles = ["reader"]\n'
        + "".join(f'[services.{n}]\nbase_url = "{u}"\n' for n, u in shop.urls.items())
    )
    log_path = tmp_path / "gateway.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PROMETHEUS_MULTIPROC_DIR": str(prom_dir),
        "SWITCHYARD_CONFIG": str(config),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway", "serve", "--port", str(port), "--workers", "2"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "gateway did not start:\n" + log_path.read_text()
            time.sleep(0.1)
        yield base, prom_dir, log_path
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _post(base: str) -> int:
    # A fresh connection per request, so the kernel spreads them over both workers.
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {KEY}"}) as client:
        return client.post("/graphql", json=QUERY).status_code


def _pids_with_counts(prom_dir: Path) -> set[str]:
    return {p.stem.split("_")[-1] for p in prom_dir.glob("counter_*.db")}


def test_counts_from_two_workers_add_up(two_workers: tuple[str, Path, Path]) -> None:
    base, prom_dir, log_path = two_workers
    sent = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        # Rounds of concurrent requests until both workers have served some (bounded).
        while sent < 400 and (sent < 40 or len(_pids_with_counts(prom_dir)) < 2):
            statuses = list(pool.map(lambda _: _post(base), range(20)))
            assert statuses == [200] * 20
            sent += 20
    assert len(_pids_with_counts(prom_dir)) == 2, "both workers should have served requests"

    text = httpx.get(f"{base}/metrics").text
    totals = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    key = (
        "switchyard_graphql_requests_total",
        (("operation", "Counted"), ("outcome", "ok"), ("type", "query")),
    )
    assert totals[key] == sent
    user_calls = (
        "switchyard_backend_requests_total",
        (("route", "/users/{}"), ("service", "users"), ("status", "200")),
    )
    assert totals[user_calls] == sent

    time.sleep(0.3)  # let the last access lines reach the log file
    lines = [json.loads(ln) for ln in log_path.read_text().splitlines() if ln.startswith("{")]
    requests = [ln for ln in lines if ln.get("event") == "request" and ln["path"] == "/graphql"]
    assert len(requests) == sent
    assert {ln["operation_name"] for ln in requests} == {"Counted"}
    assert {ln["client_id"] for ln in requests} == {"workers-test"}
    secret_part = KEY.rsplit("_", 1)[1]
    assert secret_part not in log_path.read_text()
