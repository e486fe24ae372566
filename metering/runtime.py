"""Metering's moving parts for one gateway process, built in ``create_app``.

The usage store (SQLite by default, Redis when ``[limits] store`` is ``redis://``), the
:class:`Meter` and the webhook sink, started and stopped by the app's lifespan. Stopping
flushes pending usage first (uvicorn runs the lifespan shutdown on SIGTERM), then
delivers queued webhooks (bounded), then closes the store.

Usage::

    runtime = MeteringRuntime.create(settings)
    await runtime.start()
    ...
    await runtime.stop()
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from metering.meter import Meter
from notifications import WebhookSink
from settings import Settings
from stores.usage import UsageStore, open_usage_store

__all__ = ["MeteringRuntime", "open_configured_store"]

logger = logging.getLogger("switchyard.metering")


def open_configured_store(settings: Settings) -> UsageStore:
    """The usage store the configuration names (also used by ``switchyard usage export``)."""
    return open_usage_store(
        settings.metering.usage_db,
        redis_url=settings.limits.store,
        timeout=settings.metering.store_timeout_seconds,
        prefix=settings.limits.key_prefix,
    )


@dataclass(slots=True)
class MeteringRuntime:
    store: UsageStore
    meter: Meter
    sink: WebhookSink

    @classmethod
    def create(cls, settings: Settings) -> MeteringRuntime:
        store = open_configured_store(settings)
        webhooks = settings.metering.webhooks
        sink = WebhookSink(
            webhooks,
            client=httpx.AsyncClient(timeout=webhooks.timeout_seconds, follow_redirects=False),
        )
        meter = Meter(store, settings.metering, settings.limits.plans, notify=sink.publish)
        return cls(store=store, meter=meter, sink=sink)

    async def start(self) -> None:
        await self.sink.start()
        await self.meter.start()

    async def stop(self) -> None:
        try:
            await self.meter.stop()
            if self.meter.stats.flush_errors and self.meter._pending:
                logger.error("usage could not be flushed at shutdown; pending usage lost")
            await self.sink.stop()
        finally:
            await self.sink.client.aclose()
            await self.store.aclose()
