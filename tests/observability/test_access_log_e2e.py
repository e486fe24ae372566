"""One structured access-log line per request, with no secrets in any log line."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from observability.logging import JsonFormatter
from tests.support.live_app import RunGateway

TWO = 'query Two { users(limit: 2) { orders { id } } x: user(id: "x/..") { id } }'
SECRETS = ("Bearer tok-SECRET-1", "key-SECRET-2", "session=SECRET-3")


def _access_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "switchyard.access"]


def test_json_access_line_fields(run_gateway: RunGateway, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="switchyard")
    with run_gateway(tracing={"exporter": "memory"}) as (_app, url):
        response = httpx.post(
            f"{url}/graphql",
            json={"query": TWO},
            headers={"X-Request-ID": "req-123"},
        )
    assert response.status_code == 200
    records = [r for r in _access_lines(caplog) if r.getMessage().startswith("POST /graphql")]
    (record,) = records
    # The JSON formatter is what the handler on stderr uses.
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-123"
    assert line["client_id"] == "ip:127.0.0.1"
    assert line["operation_name"] == "Two" and line["operation_type"] == "query"
    assert line["status"] == 200
    assert line["duration_ms"] > 0
    assert line["backend_calls"] == 3  # users list, orders batch, users/{id}
    assert line["services"] == ["orders", "users"]
    assert line["error_codes"] == []
    assert len(line["trace_id"]) == 32
    assert line["time"].endswith("Z") and line["level"] == "INFO"


def test_secrets_never_reach_the_logs(
    run_gateway: RunGateway, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    with run_gateway(logging={"level": "DEBUG"}) as (_app, url):
        headers = {"Authorization": SECRETS[0], "X-API-Key": SECRETS[1], "Cookie": SECRETS[2]}
        httpx.post(f"{url}/graphql", json={"query": "{ user(id: 1) { name } }"}, headers=headers)
        httpx.post(f"{url}/graphql", json={"query": "{ broken"}, headers=headers)
        httpx.get(f"{url}/admin", headers=headers)
        httpx.post(f"{url}/admin/login", data={"key": "key-SECRET-2"}, headers=headers)
    out, err = capfd.readouterr()
    captured = caplog.text + out + err
    assert len(_access_lines(caplog)) == 4
    assert '"event":"request"' in err  # the JSON lines went to stderr
    for secret in ("SECRET-1", "SECRET-2", "SECRET-3"):
        assert secret not in captured


def test_text_format(run_gateway: RunGateway, capfd: pytest.CaptureFixture[str]) -> None:
    with run_gateway(logging={"format": "text"}) as (_app, url):
        httpx.post(f"{url}/graphql", json={"query": "query Hi { user(id: 1) { name } }"})
    err = capfd.readouterr().err
    line = next(ln for ln in err.splitlines() if "switchyard.access" in ln)
    assert "POST /graphql 200" in line and "operation_name=Hi" in line
    assert not line.startswith("{")
