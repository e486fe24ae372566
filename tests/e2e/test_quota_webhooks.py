"""Quota webhooks end to end: gateways on uvicorn, the real shop, a local receiver (a
Starlette app on uvicorn on a free port) that verifies every signature."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway import create_app
from notifications import SIGNATURE_HEADER, verify_signature
from settings import load_settings
from tests.support.config_files import api_key_entry, write_config
from tests.support.live_app import serve_app
from tests.support.shop import ShopProcess

SECRET = "test-webhook-secret-0123456789"
GET_USER = {"query": "query GetUser { user(id: 1) { id name } }"}


class Receiver:
    """Keeps every POST it gets: (verified?, JSON body)."""

    def __init__(self) -> None:
        self.received: list[tuple[bool, dict[str, object]]] = []
        self.app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        valid = verify_signature(SECRET, request.headers.get(SIGNATURE_HEADER, ""), body)
        self.received.append((valid, await request.json()))
        return Response(status_code=204)

    def thresholds(self, client: str) -> list[float]:
        return [
            event["data"]["threshold"]  # type: ignore[index]
            for _, event in self.received
            if event["type"] == "quota.threshold" and event["data"]["client"] == client  # type: ignore[index]
        ]


@pytest.mark.parametrize("shared", [False, True], ids=["sqlite-one-process", "redis-two-apps"])
def test_crossing_80_percent_sends_exactly_one_signed_webhook(
    shop: ShopProcess, tmp_path: Path, shared: bool, request: pytest.FixtureRequest
) -> None:
    store = request.getfixturevalue("redis_url") if shared else "memory://"
    receiver = Receiver()
    key, table = api_key_entry("acme", plan="metered")
    admin_key, admin = api_key_entry("ops", plan="metered", roles=("admin",))
    with ExitStack() as stack:
        hook_url = stack.enter_context(serve_app(receiver.app))
        config = write_config(
            tmp_path / "switchyard.toml",
            services=shop.urls,
            key_tables=[table, admin],
            plans={"metered": {"monthly_quota_points": 10, "price_per_1000_points": 1.0}},
            usage_db=tmp_path / "usage.db",
            store=store,
            webhook_url=f"{hook_url}/hook",
            webhook_secret=SECRET,
        )
        settings = load_settings(config, environ={})
        urls = [
            stack.enter_context(serve_app(create_app(settings))) for _ in range(2 if shared else 1)
        ]
        for n in range(9):  # 9 of 10 points: crosses 80 % once, never 100 %
            response = httpx.post(
                f"{urls[n % len(urls)]}/graphql", json=GET_USER, headers={"X-API-Key": key}
            )
            assert response.status_code == 200, response.text
            time.sleep(0.03)  # let flushes and spend refreshes interleave across the apps
        deadline = time.monotonic() + 10
        while not receiver.thresholds("acme") and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # any duplicate would arrive within a few flush intervals
        log = httpx.get(
            f"{urls[0]}/admin/webhooks/deliveries", headers={"X-API-Key": admin_key}
        ).json()
    assert receiver.thresholds("acme") == [0.8]
    assert all(valid for valid, _ in receiver.received)
    event = receiver.received[0][1]
    assert event["data"]["quota_points"] == 10  # type: ignore[index]
    assert event["data"]["spent_points"] >= 8  # type: ignore[index]
    if not shared:
        assert [(d["event_type"], d["ok"]) for d in log["deliveries"]] == [
            ("quota.threshold", True)
        ]


def test_receiver_rejects_a_forged_signature() -> None:
    body = b'{"type": "quota.threshold"}'
    from notifications import sign

    header = sign(SECRET, int(time.time()), body)
    assert verify_signature(SECRET, header, body)
    assert not verify_signature("another-secret-0123456789", header, body)
    assert not verify_signature(SECRET, header, body + b" ")
    old = sign(SECRET, int(time.time()) - 3600, body)
    assert not verify_signature(SECRET, old, body)
