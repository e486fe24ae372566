"""Counting backend calls per request, without the connectors knowing about requests.

Connectors are shared by every request, so the count cannot live on them. The context
builder binds a fresh :class:`CallCounter` to the request's task (a ``ContextVar``;
dataloader batches run in callbacks that inherit the task's context) and puts the same
object on the GraphQL context; :meth:`RestConnector._send` adds one per HTTP call.

Usage::

    counter = CallCounter()
    bind_call_counter(counter)
    await connectors.users.get_user("1")
    counter.total            # 1
"""

from __future__ import annotations

from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["CallCounter", "bind_call_counter", "count_call"]


@dataclass(slots=True)
class CallCounter:
    total: int = 0
    by_service: Counter[str] = field(default_factory=Counter)


_current: ContextVar[CallCounter | None] = ContextVar("switchyard_backend_calls", default=None)


def bind_call_counter(counter: CallCounter) -> None:
    """Make ``counter`` receive the backend calls of the current task (and its children)."""
    _current.set(counter)


def count_call(service: str) -> None:
    counter = _current.get()
    if counter is not None:  # outside a request (CLI, tests) nobody counts
        counter.total += 1
        counter.by_service[service] += 1
