"""Hooks a connector calls around its work, so tracing and metrics can watch it.

An observer is injected into each connector at construction (never a global). Its
hooks default to doing nothing; the gateway's observability room supplies one that
opens client spans, injects ``traceparent`` and records latency. Connectors know
nothing of OpenTelemetry or Prometheus: they only call these hooks.

Usage::

    class Printing(ConnectorObserver):
        @contextmanager
        def backend_call(self, service, method, route):
            call = BackendCallProbe()
            yield call
            print(service, method, route, call.status)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["BackendCallProbe", "ConnectorObserver", "RoutePath"]


class RoutePath(str):
    """A request path that remembers its template (``/users/{}``), so metrics and
    spans label the route, never the raw id."""

    __slots__ = ("template",)

    template: str

    def __new__(cls, value: str, template: str) -> RoutePath:
        path = super().__new__(cls, value)
        path.template = template
        return path


class BackendCallProbe:
    """Passed into one backend call: headers the observer wants sent, the status seen."""

    __slots__ = ("headers", "status")

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.status: int | None = None


class ConnectorObserver:
    """Does nothing; subclasses override the hooks they need."""

    @contextmanager
    def backend_call(self, service: str, method: str, route: str) -> Iterator[BackendCallProbe]:
        """Wraps one HTTP call; an exception from the call propagates through it."""
        yield BackendCallProbe()

    @contextmanager
    def batch(self, service: str, size: int) -> Iterator[None]:
        """Wraps one dataloader batch of ``size`` distinct keys."""
        yield
