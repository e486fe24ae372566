"""Configuration: TOML plus SWITCHYARD_* overrides; bad keys are named with their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import ConfigError, load_settings


def test_defaults_point_at_the_demo_shop() -> None:
    settings = load_settings(None, {})
    assert settings.server.port == 8000
    assert settings.connector("orders").base_url == "http://127.0.0.1:8102"
    assert settings.connector("orders").max_batch_size == 200


def test_service_values_merge_over_connector_defaults(tmp_path: Path) -> None:
    config = tmp_path / "switchyard.toml"
    config.write_text(
        "[connectors]\ntimeout_seconds = 3.0\nmax_batch_size = 50\n\n"
        '[services.users]\nbase_url = "http://users.internal:8080/"\nmax_batch_size = 10\n'
    )
    settings = load_settings(config, {})
    users = settings.connector("users")
    assert (users.base_url, users.timeout_seconds, users.max_batch_size) == (
        "http://users.internal:8080",
        3.0,
        10,
    )
    with pytest.raises(KeyError, match=r"\[services.orders\]"):
        settings.connector("orders")


def test_environment_overrides_apply_once_with_toml_values(tmp_path: Path) -> None:
    config = tmp_path / "switchyard.toml"
    config.write_text("[server]\nport = 9000\n")
    settings = load_settings(
        config,
        {
            "SWITCHYARD_SERVER__PORT": "9100",
            "SWITCHYARD_SERVER__CORS_ORIGINS": '["http://localhost:3000"]',
            "SWITCHYARD_SERVICES__USERS__BASE_URL": "http://u:1",
            "SWITCHYARD_GRAPHQL__BATCHING": "false",
            "OTHER": "ignored",
        },
    )
    assert settings.server.port == 9100
    assert settings.server.cors_origins == ("http://localhost:3000",)
    assert settings.connector("users").base_url == "http://u:1"
    assert settings.graphql.batching is False


def test_unknown_key_is_named_with_its_line(tmp_path: Path) -> None:
    config = tmp_path / "switchyard.toml"
    config.write_text(
        '[server]\nport = 8000\n\n[services.users]\nbase_url = "http://u"\ntimeout = 3\n'
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(config, {})
    assert str(raised.value) == f"{config}:6: services.users.timeout: unknown key"


def test_bad_value_and_bad_toml_are_explained(tmp_path: Path) -> None:
    config = tmp_path / "switchyard.toml"
    config.write_text("[server]\nport = 70000\n")
    with pytest.raises(ConfigError, match=r":2: server.port: Input should be less than or equal"):
        load_settings(config, {})
    config.write_text("[server\nport = 1\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(config, {})
    with pytest.raises(ConfigError, match="must start with http"):
        load_settings(None, {"SWITCHYARD_SERVICES__USERS__BASE_URL": "ftp://x"})


def test_an_override_inside_a_default_mapping_keeps_its_other_entries() -> None:
    settings = load_settings(
        None,
        {
            "SWITCHYARD_LIMITS__PLANS__FREE__COST_BUDGET": "5",
            "SWITCHYARD_LIMITS__PLANS__GOLD__MONTHLY_QUOTA_POINTS": "7",
        },
    )
    plans = settings.limits.plans
    assert set(plans) == {"free", "pro", "enterprise", "gold"}
    assert plans["free"].cost_budget == 5
    assert plans["free"].monthly_quota_points == 10_000_000  # the rest of `free` kept
    assert plans["pro"] == load_settings(None, {}).limits.plans["pro"]
    assert plans["gold"].monthly_quota_points == 7
