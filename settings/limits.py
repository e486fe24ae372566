"""Configuration of rate limits, cost budgets and plans (``[limits]`` in the TOML file).

Usage (TOML)::

    [limits]
    store = "redis://127.0.0.1:6379/0"      # default "memory://" (one process)
    store_timeout_seconds = 0.2
    fail_open = true                         # Redis down: allow (log, count) or refuse

    [limits.plans.pro]
    operations = { all = { limit = 600, window = "1m" } }
    cost_budget = 10000
    budget_window = "1m"
    monthly_quota_points = 5000000
    price_per_1000_points = 0.5

    [limits.fields."Query.user"]            # a per-field limit without touching the schema
    limit = 50
    window = "1m"
    per = "CLIENT"
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["FieldLimit", "LimitsSettings", "PlanSettings", "RateRule", "parse_window"]

_WINDOW = re.compile(r"^\s*(\d+)\s*(s|sec|m|min|h|d)?\s*$")
_UNIT_SECONDS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


class StrictModel(BaseModel):
    # Same contract as settings.model.StrictModel, declared here so that settings.model can
    # import this module without an import cycle.
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_window(window: str | int) -> int:
    """A window such as ``"30s"``, ``"1m"``, ``"2h"``, ``"1d"`` (or plain seconds) in seconds.

    >>> parse_window("1m")
    60
    """
    if isinstance(window, int) and not isinstance(window, bool):
        seconds = window
    else:
        match = _WINDOW.match(str(window))
        if match is None:
            raise ValueError(f"window {window!r} must look like 30s, 1m, 2h or 1d")
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if not 1 <= seconds <= 31 * 86400:
        raise ValueError(f"window {window!r} must be between 1 s and 31 d")
    return seconds


class RateRule(StrictModel):
    """``limit`` units per ``window``."""

    limit: int = Field(ge=0)
    #: e.g. "30s", "1m", "1h", "1d".
    window: str = "1m"

    @field_validator("window")
    @classmethod
    def _valid_window(cls, value: str) -> str:
        parse_window(value)
        return value

    @property
    def window_seconds(self) -> int:
        return parse_window(self.window)


class FieldLimit(RateRule):
    """A per-field limit set in configuration; same meaning as ``@rateLimit``."""

    per: Literal["CLIENT", "IP", "GLOBAL"] = "CLIENT"


#: Operation kinds a plan may limit: every operation, queries, or mutations.
OperationKind = Literal["all", "query", "mutation"]


class PlanSettings(StrictModel):
    #: Operations per window for each client, by kind ("all", "query", "mutation").
    operations: dict[OperationKind, RateRule] = Field(default_factory=dict)
    #: Cost points a client may spend per ``budget_window``; none = unlimited.
    cost_budget: int | None = Field(default=None, ge=0)
    budget_window: str = "1m"
    #: Cost points per calendar month (enforced by quotas); none = unlimited.
    monthly_quota_points: int | None = Field(default=None, ge=0)
    #: Price per 1,000 cost points, in the billing currency.
    price_per_1000_points: float = Field(default=0.0, ge=0)

    @field_validator("budget_window")
    @classmethod
    def _valid_window(cls, value: str) -> str:
        parse_window(value)
        return value


def _demo_plans() -> dict[str, PlanSettings]:
    # Sized so a developer exploring the demo anonymously (the free plan) is not stopped:
    # the nested benchmark query costs about 1,900 points.
    return {
        "free": PlanSettings(
            operations={"all": RateRule(limit=600, window="1m")},
            cost_budget=100_000,
            monthly_quota_points=10_000_000,
            price_per_1000_points=0.0,
        ),
        "pro": PlanSettings(
            operations={"all": RateRule(limit=6_000, window="1m")},
            cost_budget=1_000_000,
            monthly_quota_points=200_000_000,
            price_per_1000_points=0.50,
        ),
        "enterprise": PlanSettings(
            operations={"all": RateRule(limit=60_000, window="1m")},
            cost_budget=10_000_000,
            monthly_quota_points=None,
            price_per_1000_points=0.25,
        ),
    }


class LimitsSettings(StrictModel):
    #: Rate limiting and cost budgets on/off (the cost is reported either way).
    enabled: bool = True
    #: Counter store: "memory://" (one process) or "redis://host:port/db" (shared).
    store: str = "memory://"
    #: Upper bound for one store call; a slower store counts as unavailable.
    store_timeout_seconds: float = Field(default=0.2, gt=0, le=10)
    #: After a store failure, skip the store for this long (no timeout per request).
    store_retry_seconds: float = Field(default=1.0, ge=0, le=300)
    #: Store unavailable: true = allow (log, count), false = refuse (RATE_LIMITER_UNAVAILABLE).
    fail_open: bool = True
    #: Prefix of every counter key (several gateways may share one Redis).
    key_prefix: str = "switchyard:"
    #: Plan of principals whose plan is not configured (anonymous callers get "free").
    default_plan: str = "free"
    #: Plans by name; a principal's plan comes from its API key or JWT claim.
    plans: dict[str, PlanSettings] = Field(default_factory=_demo_plans)
    #: Per-field limits by "Type.field", added to (or replacing) the schema's @rateLimit.
    fields: dict[str, FieldLimit] = Field(default_factory=dict)
    #: Cost weights by "Type.field", replacing the schema's @cost.
    cost_weights: dict[str, int] = Field(default_factory=dict)

    @field_validator("store")
    @classmethod
    def _known_store(cls, value: str) -> str:
        if not value.startswith(("memory://", "redis://", "rediss://", "unix://")):
            raise ValueError("must be memory:// or redis://host:port/db")
        return value

    @model_validator(mode="after")
    def _default_plan_exists(self) -> LimitsSettings:
        if self.default_plan not in self.plans:
            raise ValueError(f"default_plan {self.default_plan!r} is not in [limits.plans]")
        return self

    def plan(self, name: str | None) -> PlanSettings:
        """The named plan, or the default plan when the name is unknown."""
        return self.plans.get(name or "", None) or self.plans[self.default_plan]
