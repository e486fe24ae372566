"""Cheap, cached backend health probes for the dashboard.

A probe is one ``GET /`` on the service's own pooled client with a short timeout:
any HTTP answer means the service is reachable (a 404 included), a transport
error or timeout means it is down. Results are reused for ``cache_seconds`` so a
dashboard refresh never hammers the services.

Usage::

    health = HealthCache(cache_seconds=10)
    statuses = await health.check(connectors.all())
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from connectors import RestConnector

__all__ = ["HealthCache", "ServiceHealth"]

PROBE_TIMEOUT = 1.0


@dataclass(frozen=True, slots=True)
class ServiceHealth:
    service: str
    base_url: str
    up: bool
    detail: str
    latency_ms: float
    checked_at: float


class HealthCache:
    def __init__(self, cache_seconds: float) -> None:
        self.cache_seconds = cache_seconds
        self._cached: list[ServiceHealth] = []
        self._checked_at = -1e18
        self._lock = asyncio.Lock()

    async def check(self, connectors: Sequence[RestConnector]) -> list[ServiceHealth]:
        async with self._lock:  # one probe round at a time, however many dashboards refresh
            if time.monotonic() - self._checked_at >= self.cache_seconds:
                self._cached = list(await asyncio.gather(*(_probe(c) for c in connectors)))
                self._checked_at = time.monotonic()
            return self._cached


async def _probe(connector: RestConnector) -> ServiceHealth:
    started = time.perf_counter()
    try:
        response = await connector.client.get("/", timeout=PROBE_TIMEOUT)
        up, detail = response.status_code < 500, f"HTTP {response.status_code}"
    except httpx.TimeoutException:
        up, detail = False, "timed out"
    except httpx.TransportError as exc:
        up, detail = False, type(exc).__name__
    return ServiceHealth(
        service=connector.service,
        base_url=str(connector.client.base_url).rstrip("/"),
        up=up,
        detail=detail,
        latency_ms=(time.perf_counter() - started) * 1000,
        checked_at=time.time(),
    )
