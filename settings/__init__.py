"""Typed configuration, read in one place: a TOML file plus ``SWITCHYARD_*`` overrides.

Usage::

    settings = load_settings(Path("switchyard.toml"))   # or load_settings(None) for defaults
    settings.server.port
    settings.connector("users").base_url                 # per-service values merged over defaults
"""

from settings.auth import ApiKeyEntry, AuthSettings, JwtSettings, ServiceCredentials
from settings.limits import LimitsSettings, PlanSettings, parse_window
from settings.loader import ConfigError, load_settings
from settings.metering import MeteringSettings, WebhookSettings
from settings.model import (
    ConnectorConfig,
    ConnectorDefaults,
    GraphQLSettings,
    ServerSettings,
    ServiceSettings,
    Settings,
)
from settings.observability import ObservabilitySettings

__all__ = [
    "ApiKeyEntry",
    "AuthSettings",
    "ConfigError",
    "ConnectorConfig",
    "ConnectorDefaults",
    "GraphQLSettings",
    "JwtSettings",
    "LimitsSettings",
    "MeteringSettings",
    "ObservabilitySettings",
    "PlanSettings",
    "ServerSettings",
    "ServiceCredentials",
    "ServiceSettings",
    "Settings",
    "WebhookSettings",
    "load_settings",
    "parse_window",
]
