"""Configuration of usage metering, quotas' bookkeeping and webhook notifications.

Usage (TOML)::

    [metering]
    usage_db = ".switchyard/usage.db"
    flush_interval_seconds = 2.0

    [metering.webhooks]
    urls = ["https://billing.example.com/hooks/switchyard"]
    secret = "whsec_..."
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["MeteringSettings", "WebhookSettings"]


class StrictModel(BaseModel):
    # settings.model.StrictModel's contract, declared here because settings.model imports us.
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookSettings(StrictModel):
    #: Endpoints that receive every event (JSON POST, signed); empty means no webhooks.
    urls: tuple[str, ...] = ()
    #: HMAC-SHA256 key for ``X-Switchyard-Signature``; required when ``urls`` is set.
    secret: str = ""
    #: Events waiting for delivery; when full, new events are dropped and counted.
    queue_size: int = Field(default=1000, ge=1, le=1_000_000)
    #: Delivery attempts per event and endpoint (the first one included).
    max_attempts: int = Field(default=5, ge=1, le=20)
    #: First retry delay; doubles each attempt, capped by ``backoff_max_seconds``.
    backoff_seconds: float = Field(default=0.5, gt=0)
    backoff_max_seconds: float = Field(default=30.0, gt=0)
    #: Timeout of one delivery attempt.
    timeout_seconds: float = Field(default=5.0, gt=0)
    #: Deliveries kept in memory for ``GET /admin/webhooks/deliveries``.
    delivery_log_size: int = Field(default=200, ge=1, le=100_000)

    @model_validator(mode="after")
    def _secret_with_urls(self) -> WebhookSettings:
        if self.urls and len(self.secret) < 16:
            raise ValueError("webhooks need a secret of at least 16 characters to sign events")
        for url in self.urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"webhook url {url!r} must start with http:// or https://")
        return self


class MeteringSettings(StrictModel):
    #: Record usage per client and operation (requests, cost, fields, errors, calls, latency).
    enabled: bool = True
    #: SQLite file holding usage when the store is in memory (the embedded default).
    usage_db: Path = Path(".switchyard/usage.db")
    #: How often pending usage is written to the store, in seconds.
    flush_interval_seconds: float = Field(default=2.0, gt=0, le=3600)
    #: How often the per-process cache of each client's monthly spend is re-read.
    spend_refresh_seconds: float = Field(default=2.0, gt=0, le=3600)
    #: Usage records waiting in memory; beyond this they are dropped and counted.
    max_pending_buckets: int = Field(default=100_000, ge=100)
    #: RATE_LIMITED errors of one client within one hour that emit ``client.rate_limited``.
    rate_limited_threshold: int = Field(default=20, ge=1)
    #: Quota fractions that emit ``quota.threshold`` events, once per client and month.
    quota_thresholds: tuple[float, ...] = (0.8, 1.0)
    #: Bounded timeout of one store operation (Redis or SQLite), in seconds.
    store_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    webhooks: WebhookSettings = WebhookSettings()
