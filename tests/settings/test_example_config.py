"""examples/switchyard.toml spells out the defaults: loading it gives the default settings."""

from __future__ import annotations

from pathlib import Path

from settings import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "switchyard.toml"


def test_example_configuration_equals_the_defaults() -> None:
    example = load_settings(EXAMPLE, {})
    defaults = Settings()
    for section in (
        "server",
        "graphql",
        "connectors",
        "auth",
        "limits",
        "metering",
        "observability",
    ):
        assert getattr(example, section) == getattr(defaults, section), section
    # the one documented difference: a per-service override
    assert example.connector("products").max_batch_size == 100
    assert example.connector("users").max_batch_size == defaults.connectors.max_batch_size
