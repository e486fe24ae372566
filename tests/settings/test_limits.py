"""The [limits] configuration: windows, plans, stores, and the example file."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import ConfigError, LimitsSettings, Settings, load_settings, parse_window

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("window", "seconds"), [("30s", 30), ("1m", 60), ("2h", 7200), ("1d", 86400), (45, 45)]
)
def test_windows(window: str | int, seconds: int) -> None:
    assert parse_window(window) == seconds


@pytest.mark.parametrize("window", ["", "1w", "0s", "-1m", "1.5m", "40d"])
def test_bad_windows(window: str) -> None:
    with pytest.raises(ValueError, match="window"):
        parse_window(window)


def test_example_file_spells_out_the_defaults() -> None:
    settings = load_settings(REPO / "examples" / "switchyard.toml", {})
    assert settings.limits == Settings().limits


def test_environment_switches_the_store() -> None:
    env = {"SWITCHYARD_LIMITS__STORE": "redis://127.0.0.1:6390/2"}
    assert load_settings(None, env).limits.store == "redis://127.0.0.1:6390/2"


def test_errors_name_the_key(tmp_path: Path) -> None:
    config = tmp_path / "switchyard.toml"
    config.write_text('[limits.plans.free]\noperations = { all = { limit = 5, window = "1w" } }\n')
    with pytest.raises(ConfigError, match=r"limits\.plans\.free\.operations\.all\.window"):
        load_settings(config, {})
    config.write_text('[limits]\nstore = "mongodb://x"\n')
    with pytest.raises(ConfigError, match=r"limits\.store"):
        load_settings(config, {})
    config.write_text('[limits]\ndefault_plan = "gold"\n')
    with pytest.raises(ConfigError, match="gold"):
        load_settings(config, {})


def test_unknown_plan_falls_back_to_the_default() -> None:
    limits = LimitsSettings()
    assert limits.plan("platinum") == limits.plans["free"]
    assert limits.plan("pro") == limits.plans["pro"] != limits.plans["free"]
