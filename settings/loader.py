"""Reads the TOML file, applies ``SWITCHYARD_*`` overrides once, validates, and explains errors.

Environment overrides use ``__`` between levels and TOML syntax for values::

    SWITCHYARD_SERVER__PORT=9000
    SWITCHYARD_SERVICES__USERS__BASE_URL=http://users.internal:8080
    SWITCHYARD_SERVER__CORS_ORIGINS='["http://localhost:3000"]'
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from settings.model import DEMO_SERVICES, Settings

ENV_PREFIX = "SWITCHYARD_"


class ConfigError(Exception):
    """The configuration is invalid; the message names the key (and the line when known)."""


def load_settings(path: Path | None, environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from ``path`` (or the defaults) and the environment."""
    environ = os.environ if environ is None else environ
    text = ""
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"{path}: cannot read the configuration file ({exc.strerror})"
            ) from exc
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    if "services" not in raw:
        raw["services"] = {
            name: svc.model_dump(exclude_none=True) for name, svc in DEMO_SERVICES.items()
        }
    _apply_environment(raw, environ)
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, path, text)) from None


def _apply_environment(raw: dict[str, Any], environ: Mapping[str, str]) -> None:
    defaults = Settings()
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name == f"{ENV_PREFIX}CONFIG":
            continue
        keys = [part.lower() for part in name[len(ENV_PREFIX) :].split("__")]
        target = raw
        for depth, key in enumerate(keys[:-1]):
            if key not in target:
                target[key] = _seed(defaults, keys[: depth + 1])
            nested = target[key]
            if not isinstance(nested, dict):
                raise ConfigError(f"{name}: {key} is not a section")
            target = nested
        target[keys[-1]] = _parse_env_value(value)


def _seed(defaults: Settings, path: list[str]) -> dict[str, Any]:
    """What an override starts from where the file is silent: a mapping's default entries
    (``SWITCHYARD_LIMITS__PLANS__FREE__COST_BUDGET`` changes one value of the ``free``
    plan and keeps the other plans), or an empty section that the model fills in."""
    value: Any = defaults
    for key in path:
        if isinstance(value, BaseModel):
            value = getattr(value, key, None)
        elif isinstance(value, dict):
            value = value.get(key)
        else:
            return {}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_unset=True)
    if isinstance(value, dict) and path[-1] != "services":
        return {
            k: v.model_dump(mode="json") if isinstance(v, BaseModel) else v
            for k, v in value.items()
        }
    return {}


def _parse_env_value(value: str) -> Any:
    """TOML literal when it parses (numbers, booleans, arrays), else the plain string."""
    try:
        return tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return value


def _explain(exc: ValidationError, path: Path | None, text: str) -> str:
    lines = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        key = ".".join(loc)
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        where = str(path) if path else "configuration"
        line = _line_of(text, loc)
        if line:
            where = f"{where}:{line}"
        lines.append(f"{where}: {key}: {message}")
    return "\n".join(lines)


_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"']+)\s*=")


def _line_of(text: str, loc: list[str]) -> int | None:
    """Best-effort line number of a dotted key in TOML text (tables and plain keys)."""
    if not text or not loc:
        return None
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _TABLE.match(line):
            table = [part.strip().strip("\"'") for part in match.group(1).split(".")]
            if table == loc:
                return number
            continue
        if (match := _KEY.match(line)) and [*table, match.group(1).strip("\"'")] == loc:
            return number
    return None
