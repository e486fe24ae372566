"""``switchyard serve --workers 2`` in a real subprocess: Prometheus counts from both
workers add up (multiprocess mode), and its JSON logs carry no secrets."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from auth.api_keys import generate_key, hash_key, key_id
from tests.support.gateway import GatewayProcess
from tests.support.shop import ShopProcess

pytestmark = pytest.mark.e2e

QUERY = {
    "query": "query Counted { user(id: 2) { name orders { id } } }",
    "operationName": "Counted",
}
KEY = generate_key()  # a real API key: valid credentials must not be logged either


@pytest.fixture
def two_workers(shop: ShopProcess, tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    prom_dir = tmp_path / "prom"
    prom_dir.mkdir()
    config = tmp_path / "switchyard.toml"
    config.write_text(
        "[graphql]\ngraphiql = false\n"
        + f'[[auth.api_keys]]\nid = "{key_id(KEY)}"\nhash = "{hash_key(KEY)}"\n'
        + 'client = "workers-test"\nroles = ["reader"]\n'
        + "".join(f'[services.{n}]\nbase_url = "{u}"\n' for n, u in shop.urls.items())
    )
    with GatewayProcess(
        config_path=config,
        env={"PROMETHEUS_MULTIPROC_DIR": str(prom_dir)},
        args=("--workers", "2"),
        workdir=tmp_path,
    ) as gateway:
        yield gateway.url, prom_dir, gateway.log_path


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
