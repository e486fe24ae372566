"""The webhook sink: signed JSON events, delivered in the background with retries.

``publish`` never blocks and never raises: it puts the event on a bounded queue (a full
queue drops the event and counts it). One background task delivers each event to each
URL, retrying failures (network errors, non-2xx) with exponential backoff, and records
every attempt in a bounded delivery log that admins read at ``/admin/webhooks/deliveries``.

Each request carries ``X-Switchyard-Signature: t=<unix seconds>,v1=<hex>``, where ``hex``
is HMAC-SHA256 of ``"<t>.<raw body>"`` with the shared secret. Receivers recompute it and
reject old timestamps (replays). :func:`verify_signature` does exactly that.

Usage::

    sink = WebhookSink(settings.metering.webhooks, client=httpx.AsyncClient())
    await sink.start()
    sink.publish(Event.create(EventType.QUOTA_THRESHOLD, client="acme", threshold=0.8))
    await sink.stop()        # delivers what is queued, bounded by the timeout
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

import httpx
import orjson

from notifications.events import Event
from settings.metering import WebhookSettings

__all__ = ["SIGNATURE_HEADER", "Delivery", "WebhookSink", "sign", "verify_signature"]

logger = logging.getLogger("switchyard.webhooks")

SIGNATURE_HEADER = "X-Switchyard-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str, header: str, body: bytes, *, tolerance_seconds: int = 300, now: float | None = None
) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and is at most 5 minutes old."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance_seconds:
        return False
    expected = sign(secret, timestamp, body).rsplit("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


@dataclass(frozen=True, slots=True)
class Delivery:
    """One attempt, as shown to admins (no secrets, no response bodies)."""

    event_id: str
    event_type: str
    url: str
    attempt: int
    status: int | None
    ok: bool
    error: str | None
    at: float

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class WebhookSink:
    def __init__(self, settings: WebhookSettings, *, client: httpx.AsyncClient) -> None:
        self.settings = settings
        self.client = client
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=settings.queue_size)
        self.log: deque[Delivery] = deque(maxlen=settings.delivery_log_size)
        self.dropped = 0
        self.delivered = 0
        self.failed = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.settings.urls)

    def publish(self, event: Event) -> None:
        if not self.enabled:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped += 1
            logger.warning("webhook queue full: dropped %s %s", event.type, event.id)

    async def start(self) -> None:
        if self.enabled and self._task is None:
            self._task = asyncio.create_task(self._run(), name="switchyard-webhooks")

    async def stop(self, drain_seconds: float = 5.0) -> None:
        """Deliver what is queued (bounded by ``drain_seconds``), then stop."""
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.queue.join(), drain_seconds)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    def deliveries(self) -> list[dict[str, Any]]:
        return [delivery.as_json() for delivery in reversed(self.log)]

    async def _run(self) -> None:
        while True:
            event = await self.queue.get()
            try:
                await asyncio.gather(*(self._deliver(event, url) for url in self.settings.urls))
            except Exception:  # a bug here must not stop later deliveries
                logger.exception("webhook delivery of %s failed unexpectedly", event.id)
            finally:
                self.queue.task_done()

    async def _deliver(self, event: Event, url: str) -> None:
        body = orjson.dumps(event.as_json())
        delay = self.settings.backoff_seconds
        for attempt in range(1, self.settings.max_attempts + 1):
            status: int | None = None
            error: str | None = None
            headers = {
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign(self.settings.secret, int(time.time()), body),
                "X-Switchyard-Event": str(event.type),
                "X-Switchyard-Delivery": event.id,
            }
            try:
                response = await self.client.post(
                    url, content=body, headers=headers, timeout=self.settings.timeout_seconds
                )
                status = response.status_code
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            ok = status is not None and 200 <= status < 300
            self.log.append(
                Delivery(event.id, str(event.type), url, attempt, status, ok, error, time.time())
            )
            if ok:
                self.delivered += 1
                return
            if attempt < self.settings.max_attempts:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.settings.backoff_max_seconds)
        self.failed += 1
        logger.warning("webhook %s to %s failed after %d attempts", event.id, url, attempt)
