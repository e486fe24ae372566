"""The configuration model. Unknown keys are errors; every option has a documented default."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from settings.auth import AuthSettings, ServiceCredentials
from settings.limits import LimitsSettings
from settings.metering import MeteringSettings
from settings.observability import ObservabilitySettings


class StrictModel(BaseModel):
    """Rejects unknown keys (a typo must not silently fall back to a default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(StrictModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    #: Largest request body accepted, in bytes; larger bodies get 413.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    #: Origins allowed by CORS; empty means same-origin only.
    cors_origins: tuple[str, ...] = ()


class GraphQLSettings(StrictModel):
    path: str = "/graphql"
    #: Serve GraphiQL to browsers on GET ``path``.
    graphiql: bool = True
    #: Folder holding GraphiQL's installed npm bundles (default: the checkout's ``assets/``).
    assets_dir: Path | None = None
    #: Upper bound for list arguments such as ``users(limit:)`` and ``products(ids:)``.
    max_page_size: int = Field(default=100, ge=1, le=10_000)
    #: Batch backend calls through dataloaders; off only to measure what batching saves.
    batching: bool = True
    #: Parsed and validated documents kept per process.
    document_cache_size: int = Field(default=1000, ge=0)


class ConnectorDefaults(StrictModel):
    """Defaults every connector starts from; each ``[services.NAME]`` may override them."""

    timeout_seconds: float = Field(default=5.0, gt=0)
    connect_timeout_seconds: float = Field(default=2.0, gt=0)
    #: Connections per service pool; small pools behind a semaphore beat one big pool.
    max_connections: int = Field(default=8, ge=1, le=1000)
    max_batch_size: int = Field(default=200, ge=1, le=10_000)


class ServiceSettings(StrictModel):
    base_url: str
    timeout_seconds: float | None = Field(default=None, gt=0)
    connect_timeout_seconds: float | None = Field(default=None, gt=0)
    max_connections: int | None = Field(default=None, ge=1, le=1000)
    max_batch_size: int | None = Field(default=None, ge=1, le=10_000)
    #: What the gateway tells this service about the caller (settings/auth.py).
    credentials: ServiceCredentials = ServiceCredentials()

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")


DEMO_SERVICES: dict[str, ServiceSettings] = {
    "users": ServiceSettings(base_url="http://127.0.0.1:8101"),
    "orders": ServiceSettings(base_url="http://127.0.0.1:8102"),
    "products": ServiceSettings(base_url="http://127.0.0.1:8103"),
    "reviews": ServiceSettings(base_url="http://127.0.0.1:8104"),
}


@dataclass(frozen=True, slots=True)
class ConnectorConfig:
    """What one connector needs, with per-service values merged over the defaults."""

    service: str
    base_url: str
    timeout_seconds: float
    connect_timeout_seconds: float
    max_connections: int
    max_batch_size: int


class Settings(StrictModel):
    server: ServerSettings = ServerSettings()
    graphql: GraphQLSettings = GraphQLSettings()
    connectors: ConnectorDefaults = ConnectorDefaults()
    services: dict[str, ServiceSettings] = Field(default_factory=lambda: dict(DEMO_SERVICES))
    observability: ObservabilitySettings = ObservabilitySettings()
    auth: AuthSettings = AuthSettings()
    limits: LimitsSettings = LimitsSettings()
    metering: MeteringSettings = MeteringSettings()

    def connector(self, service: str) -> ConnectorConfig:
        """The merged configuration of one service; a missing service is a config error."""
        try:
            own = self.services[service]
        except KeyError:
            raise KeyError(f"no [services.{service}] section in the configuration") from None
        defaults = self.connectors
        return ConnectorConfig(
            service=service,
            base_url=own.base_url,
            timeout_seconds=own.timeout_seconds or defaults.timeout_seconds,
            connect_timeout_seconds=own.connect_timeout_seconds or defaults.connect_timeout_seconds,
            max_connections=own.max_connections or defaults.max_connections,
            max_batch_size=own.max_batch_size or defaults.max_batch_size,
        )
