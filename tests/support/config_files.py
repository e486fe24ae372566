"""TOML configuration files for gateway processes in tests: API key tables and the
metering/limits configuration the metering and quota-webhook tests share.

Every file written here names its own ``keys_db`` and ``usage_db``, so a gateway reading
it never falls back to the relative ``.switchyard/`` defaults.

Example::

    key, table = api_key_entry("acme", plan="metered")
    config = write_config(
        tmp_path / "switchyard.toml", services=shop.urls, key_tables=[table],
        plans={"metered": {"monthly_quota_points": 1000}}, usage_db=tmp_path / "usage.db",
    )
    with GatewayProcess(config_path=config) as gateway:
        httpx.post(gateway.graphql_url, json=query, headers={"X-API-Key": key})
"""

from __future__ import annotations

import json
from pathlib import Path

from auth import generate_key, hash_key
from auth.api_keys import key_id


def api_key_entry(client: str, *, plan: str, roles: tuple[str, ...] = ()) -> tuple[str, str]:
    """A fresh key and its ``[[auth.api_keys]]`` TOML table."""
    key = generate_key()
    table = (
        "[[auth.api_keys]]\n"
        f'id = "{key_id(key)}"\nhash = "{hash_key(key)}"\nclient = "{client}"\n'
        f'plan = "{plan}"\nroles = {json.dumps(list(roles))}\n'
    )
    return key, table


def write_config(
    path: Path,
    *,
    services: dict[str, str],
    key_tables: list[str],
    plans: dict[str, dict[str, object]],
    usage_db: Path,
    store: str = "memory://",
    flush_interval: float = 0.1,
    webhook_url: str | None = None,
    webhook_secret: str = "",
    extra: str = "",
    limits_options: str = "",
) -> Path:
    """Write a gateway configuration with API keys, plans and metering to ``path``; the
    keys database goes beside it. The first plan is the default plan. Returns ``path``."""
    lines = [f'[auth]\nkeys_db = "{path.parent / "keys.db"}"']
    lines += [f'[services.{name}]\nbase_url = "{url}"' for name, url in services.items()]
    lines += key_tables
    lines.append(
        f'[limits]\nstore = "{store}"\ndefault_plan = "{next(iter(plans))}"\n{limits_options}'
    )
    for name, terms in plans.items():
        body = "\n".join(f"{k} = {json.dumps(v)}" for k, v in terms.items())
        lines.append(f"[limits.plans.{name}]\n{body}")
    lines.append(
        f'[metering]\nusage_db = "{usage_db}"\nflush_interval_seconds = {flush_interval}\n'
        f"spend_refresh_seconds = {flush_interval}"
    )
    if webhook_url:
        lines.append(
            f'[metering.webhooks]\nurls = ["{webhook_url}"]\nsecret = "{webhook_secret}"\n'
            "backoff_seconds = 0.05"
        )
    path.write_text("\n\n".join(lines) + "\n" + extra)
    return path
