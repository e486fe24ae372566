"""Metering, quotas, usage export and /admin/usage end to end: real gateway processes
(or uvicorn in a thread), the real shop, real SQLite files and a real redis-server."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway import create_app
from settings import load_settings
from tests.support.config_files import api_key_entry, write_config
from tests.support.gateway import GatewayProcess
from tests.support.live_app import serve_app
from tests.support.processes import REPO_ROOT
from tests.support.shop import ShopProcess

GET_USER = {"query": "query GetUser { user(id: 1) { id name } }", "operationName": "GetUser"}
PLANS: dict[str, dict[str, object]] = {
    "metered": {"monthly_quota_points": 1000, "price_per_1000_points": 2.5},
    "tiny": {"monthly_quota_points": 3, "price_per_1000_points": 1.0},
}


def export_usage(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``switchyard usage export`` in its own process, as an operator would run it."""
    command = [sys.executable, "-m", "gateway", "usage", "export", "--config", str(config), *args]
    return subprocess.run(  # bounded; our own interpreter and module
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _export_json(config: Path, *extra: str) -> dict[str, object]:
    done = export_usage(config, "--from", _today(), "--to", _today(), "--format", "json", *extra)
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report


def _line(report: dict[str, object], client: str) -> dict[str, object]:
    lines = [line for line in report["clients"] if line["client"] == client]  # type: ignore[attr-defined]
    assert len(lines) == 1, report
    line: dict[str, object] = lines[0]
    return line


def metering_config(tmp_path: Path, shop: ShopProcess, *key_tables: str, **options: Any) -> Path:
    """This module's configuration: the shop, these keys, ``PLANS``, usage in ``tmp_path``."""
    options.setdefault("usage_db", tmp_path / "usage.db")
    return write_config(
        tmp_path / "switchyard.toml",
        services=shop.urls,
        key_tables=list(key_tables),
        plans=PLANS,
        **options,
    )


def test_export_counts_requests_fields_and_amount_due(shop: ShopProcess, tmp_path: Path) -> None:
    key, table = api_key_entry("acme", plan="metered")
    config = metering_config(tmp_path, shop, table)
    with serve_app(create_app(load_settings(config, environ={}))) as url:
        for _ in range(7):
            response = httpx.post(f"{url}/graphql", json=GET_USER, headers={"X-API-Key": key})
            assert response.json()["data"]["user"]["id"] == "1"
        missing = httpx.post(
            f"{url}/graphql",
            json={"query": "{ user(id: 1) { id } nope: order(id: 999999) { id } }"},
            headers={"X-API-Key": key},
        )
        assert missing.status_code == 200
    # The server stopped (lifespan shutdown flushed); the CLI reads the SQLite file.
    line = _line(_export_json(config, "--client", "acme"), "acme")
    assert line["requests"] == 8
    assert line["fields"] == {"Query.order": 1, "Query.user": 8, "User.id": 8, "User.name": 7}
    assert line["operations"]["GetUser"] == {"requests": 7, "cost_points": 7}  # type: ignore[index]
    assert line["cost_points"] == 7 + 2
    assert line["backend_calls"] == 7 + 2
    assert line["amount_due"] == "0.02"  # 9 points at 2.50 per 1,000
    csv_out = export_usage(config, "--from", _today(), "--to", _today(), "--format", "csv")
    assert csv_out.returncode == 0, csv_out.stderr
    header, row = csv_out.stdout.strip().splitlines()
    assert header.startswith("client,plan,requests,cost_points,fields_resolved")
    assert row.startswith("acme,metered,8,9,24,0,9,")


def test_admin_usage_needs_admin_and_matches_export(shop: ShopProcess, tmp_path: Path) -> None:
    admin_key, admin = api_key_entry("ops", plan="metered", roles=("admin",))
    user_key, user = api_key_entry("acme", plan="metered", roles=("reader",))
    config = metering_config(tmp_path, shop, admin, user)
    app = create_app(load_settings(config, environ={}))
    params = {"from": _today(), "to": _today(), "client": "acme"}
    with serve_app(app) as url:
        for _ in range(3):
            httpx.post(f"{url}/graphql", json=GET_USER, headers={"X-API-Key": user_key})
        anonymous = httpx.get(f"{url}/admin/usage", params=params)
        assert anonymous.status_code == 401
        assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        reader = httpx.get(f"{url}/admin/usage", params=params, headers={"X-API-Key": user_key})
        assert reader.status_code == 403
        assert reader.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        deliveries = httpx.get(f"{url}/admin/webhooks/deliveries", headers={"X-API-Key": user_key})
        assert deliveries.status_code == 403
        bad = httpx.get(
            f"{url}/admin/usage", params={"from": "2026-13-01"}, headers={"X-API-Key": admin_key}
        )
        assert bad.status_code == 400
        assert bad.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        # Flushes run every 0.1 s; wait (bounded) until the three requests are stored.
        for _ in range(100):
            admin_view = httpx.get(
                f"{url}/admin/usage", params=params, headers={"X-API-Key": admin_key}
            )
            assert admin_view.status_code == 200
            if admin_view.json()["totals"]["requests"] == 3:
                break
            time.sleep(0.05)
        assert admin_view.json()["totals"]["requests"] == 3
    assert admin_view.json() == _export_json(config, "--client", "acme")


def test_quota_exceeded_before_execution_without_backend_call(
    shop: ShopProcess, tmp_path: Path
) -> None:
    key, table = api_key_entry("small", plan="tiny")
    config = metering_config(tmp_path, shop, table)
    with serve_app(create_app(load_settings(config, environ={}))) as url:
        for _ in range(3):  # quota 3 points, 1 point each
            ok = httpx.post(f"{url}/graphql", json=GET_USER, headers={"X-API-Key": key})
            assert ok.json()["data"]["user"]["name"], ok.text
        calls_before = shop.total_requests()
        refused = httpx.post(f"{url}/graphql", json=GET_USER, headers={"X-API-Key": key})
        assert refused.status_code == 429
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "QUOTA_EXCEEDED"
        assert error["extensions"]["quota"] == 3
        assert int(refused.headers["Retry-After"]) > 0
        strict = httpx.post(
            f"{url}/graphql",
            json=GET_USER,
            headers={"X-API-Key": key, "Accept": "application/graphql-response+json"},
        )
        assert strict.status_code == 429
        assert strict.json()["errors"][0]["extensions"]["code"] == "QUOTA_EXCEEDED"
        assert shop.total_requests() == calls_before  # nothing reached a backend
    line = _line(_export_json(config), "small")
    assert line["requests"] == 5
    assert line["cost_points"] == 3  # refused operations are not charged
    assert line["errors_by_code"] == {"QUOTA_EXCEEDED": 2}


def test_sigterm_flushes_pending_and_restart_keeps_usage(shop: ShopProcess, tmp_path: Path) -> None:
    key, table = api_key_entry("acme", plan="metered")
    config = metering_config(
        tmp_path,
        shop,
        table,
        flush_interval=3600,  # nothing flushes on its own: only shutdown can write it
    )
    for round_, count in enumerate((4, 3), start=1):
        gateway = GatewayProcess(config_path=config, workdir=tmp_path).start()
        try:
            for _ in range(count):
                response = httpx.post(
                    f"{gateway.url}/graphql", json=GET_USER, headers={"X-API-Key": key}
                )
                assert response.status_code == 200, response.text
            assert gateway.stop() in (0, -signal.SIGTERM)
        finally:
            gateway.kill()
        assert "Application shutdown complete" in gateway.log_path.read_text()
        expected = 4 if round_ == 1 else 7
        line = _line(_export_json(config), "acme")
        assert line["requests"] == expected, gateway.log_path.read_text()[-2000:]
        assert line["fields"]["User.name"] == expected  # type: ignore[index]


def test_two_processes_sharing_redis_meter_every_request_and_limited_field(
    shop: ShopProcess, tmp_path: Path, redis_url: str
) -> None:
    """The issue's proof: 200 concurrent requests over two processes against a field
    limited to 50 per minute per client; usage counts all 200 and 50 resolutions."""
    key, table = api_key_entry("acme", plan="metered")
    config = metering_config(
        tmp_path,
        shop,
        table,
        usage_db=tmp_path / "unused.db",
        store=redis_url,
        extra='\n[limits.fields."Query.user"]\nlimit = 50\nwindow = "1m"\nper = "CLIENT"\n',
        # A loaded CI machine must not turn a slow Redis answer into fail-open passes.
        limits_options="store_timeout_seconds = 5",
    )
    first = GatewayProcess(config_path=config, workdir=tmp_path)
    second = GatewayProcess(config_path=config, workdir=tmp_path)
    try:
        first.start()
        second.start()
        answers = asyncio.run(_concurrent([first.url, second.url], key, total=200))
        assert first.stop() in (0, -signal.SIGTERM)
        assert second.stop() in (0, -signal.SIGTERM)
    finally:
        first.kill()
        second.kill()
    served = [a["data"]["user"] is not None for a in answers]
    assert served.count(True) == 50
    assert not (tmp_path / "unused.db").exists()  # usage went to Redis, not SQLite
    line = _line(_export_json(config), "acme")
    assert line["requests"] == 200
    assert line["fields"]["Query.user"] == 50  # type: ignore[index]
    assert line["errors_by_code"] == {"RATE_LIMITED": 150}
    assert line["backend_calls"] == 50  # a limited field calls no backend
    assert line["cost_points"] == 200  # every request executed (limited fields resolve null)


async def _concurrent(urls: list[str], key: str, *, total: int) -> list[dict[str, Any]]:
    gate = asyncio.Semaphore(50)  # bounded concurrency
    async with httpx.AsyncClient(headers={"X-API-Key": key}, timeout=30) as client:

        async def one(n: int) -> dict[str, Any]:
            async with gate:
                response = await client.post(f"{urls[n % len(urls)]}/graphql", json=GET_USER)
                assert response.status_code in (200, 429), response.text
                answer: dict[str, Any] = response.json()
                return answer

        return await asyncio.gather(*(one(n) for n in range(total)))


def test_metering_happens_after_the_answer_is_sent(
    shop: ShopProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recording (which walks the whole answer to count fields) must not delay it."""
    key, table = api_key_entry("acme", plan="metered")
    app = create_app(load_settings(metering_config(tmp_path, shop, table), environ={}))
    meter = app.state.metering.meter
    original = meter.record

    def slow_record(**usage: Any) -> None:
        time.sleep(0.8)  # far slower than any real recording
        original(**usage)

    monkeypatch.setattr(meter, "record", slow_record)
    with serve_app(app) as url:
        started = time.monotonic()
        response = httpx.post(f"{url}/graphql", json=GET_USER, headers={"X-API-Key": key})
        answered = time.monotonic() - started
        assert response.json()["data"]["user"]["id"] == "1"
        deadline = time.monotonic() + 5
        while meter.stats.recorded == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert answered < 0.8
    assert meter.stats.recorded == 1


def test_documents_refused_before_execution_are_metered_with_their_codes(
    shop: ShopProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A syntax error or several unnamed operations are refused from inside a parse hook,
    which skips the rest of the operation's hooks; they still count as requests."""
    key, table = api_key_entry("acme", plan="metered")
    app = create_app(load_settings(metering_config(tmp_path, shop, table), environ={}))
    meter = app.state.metering.meter
    recorded: list[dict[str, int]] = []
    original = meter.record

    def capture(**usage: Any) -> None:
        recorded.append(dict(usage["errors"]))
        original(**usage)

    monkeypatch.setattr(meter, "record", capture)
    documents = ["{ user(id: 1) { id }", "query A { __typename } query B { __typename }"]
    with serve_app(app) as url:
        for document in documents:
            response = httpx.post(
                f"{url}/graphql", json={"query": document}, headers={"X-API-Key": key}
            )
            assert "data" not in response.json()
    assert recorded == [{"GRAPHQL_PARSE_FAILED": 1}, {"GRAPHQL_VALIDATION_FAILED": 1}]
    assert shop.total_requests() == 0
