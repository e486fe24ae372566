"""The webhook sink: signatures, retries with backoff, bounded queue, delivery log."""

from __future__ import annotations

import asyncio

import httpx

from notifications import SIGNATURE_HEADER, Event, EventType, WebhookSink, verify_signature
from settings import WebhookSettings

SECRET = "unit-test-secret-0123456789"


def _settings(**overrides: object) -> WebhookSettings:
    base = {
        "urls": ("http://hooks.test/in",),
        "secret": SECRET,
        "backoff_seconds": 0.01,
        "max_attempts": 3,
    }
    return WebhookSettings.model_validate({**base, **overrides})


async def test_retries_with_backoff_until_delivered_and_signs_every_attempt() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503 if len(seen) < 3 else 200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        sink = WebhookSink(_settings(), client=client)
        await sink.start()
        sink.publish(Event.create(EventType.QUOTA_THRESHOLD, client="acme", threshold=0.8))
        await sink.stop()
    assert len(seen) == 3
    assert all(verify_signature(SECRET, r.headers[SIGNATURE_HEADER], r.content) for r in seen)
    assert [(d["attempt"], d["status"], d["ok"]) for d in sink.deliveries()] == [
        (3, 200, True),
        (2, 503, False),
        (1, 503, False),
    ]
    assert (sink.delivered, sink.failed) == (1, 0)


async def test_gives_up_after_max_attempts() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        sink = WebhookSink(_settings(max_attempts=2), client=client)
        await sink.start()
        sink.publish(Event.create(EventType.CLIENT_RATE_LIMITED, client="acme"))
        await sink.stop()
    assert (sink.delivered, sink.failed) == (0, 1)
    assert [d["error"] for d in sink.deliveries()] == ["ConnectError", "ConnectError"]


async def test_a_full_queue_drops_and_counts_without_blocking() -> None:
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(slow)) as client:
        sink = WebhookSink(_settings(queue_size=2), client=client)
        await sink.start()
        for _ in range(6):
            sink.publish(Event.create(EventType.CLIENT_RATE_LIMITED, client="acme"))
        await asyncio.sleep(0)  # the worker takes one event off the queue
        assert sink.dropped >= 3
        release.set()
        await sink.stop()
    assert sink.delivered + sink.dropped == 6


def test_webhooks_need_a_secret() -> None:
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError, match="secret"):
        WebhookSettings(urls=("http://hooks.test/in",), secret="")
