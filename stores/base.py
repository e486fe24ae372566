"""The counter-store contract: what a store answers for one hit, and the window maths
every backend shares. See :mod:`stores` for the overview."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["CounterStore", "Hit", "RateLimitResult", "StoreUnavailable", "window_bounds"]


class StoreUnavailable(Exception):
    """The counter store did not answer in time or could not be reached."""


@dataclass(frozen=True, slots=True)
class RateLimitResult:
    """The outcome of one :meth:`CounterStore.hit`."""

    allowed: bool
    #: The limit the hit was checked against.
    limit: int
    #: Units left in the current window after this hit (never negative).
    remaining: int
    #: When the current window ends (epoch seconds).
    reset_at: float
    #: Seconds until a refused hit may succeed; 0 when allowed.
    retry_after: float
    #: True when the store was unavailable and the hit was let through (fail-open).
    degraded: bool = False


@dataclass(frozen=True, slots=True)
class Hit:
    """One counter to spend in :meth:`CounterStore.hit_many`."""

    key: str
    cost: int
    limit: int
    window_seconds: int


@runtime_checkable
class CounterStore(Protocol):
    """What rate limits, budgets and quotas need from a store."""

    async def hit(self, key: str, cost: int, limit: int, window_seconds: int) -> RateLimitResult:
        """Atomically add ``cost`` to ``key``'s counter for the current window unless that
        would exceed ``limit``; a refused hit is not counted."""
        ...

    async def hit_many(
        self, required: Sequence[Hit], optional: Sequence[Hit] = ()
    ) -> tuple[list[RateLimitResult], list[RateLimitResult]]:
        """Several counters in one atomic step (one Redis round trip): the ``required`` hits
        are all-or-nothing (one over its limit: none is counted, and no ``optional`` hit
        either); each ``optional`` hit is then counted if it fits on its own."""
        ...

    async def peek(self, key: str, limit: int, window_seconds: int) -> RateLimitResult:
        """The counter's state without changing it (``allowed``: would a hit of 1 pass)."""
        ...

    async def incr(self, key: str, amount: int, ttl_seconds: int) -> int:
        """Atomically add ``amount`` to a plain counter (kept ``ttl_seconds`` after its
        first increment); returns the new value. For quotas and other tallies."""
        ...

    async def ping(self) -> bool:
        """True when the store answers."""
        ...

    async def aclose(self) -> None: ...


def window_bounds(now: float, window_seconds: int) -> tuple[float, float]:
    """The start and end of the fixed window holding ``now``."""
    start = now - (now % window_seconds)
    return start, start + window_seconds
