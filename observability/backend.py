"""The connector observer the gateway installs: client spans, ``traceparent``
propagation, backend latency metrics and the per-request record of backend calls.

Usage::

    observer = BackendObserver(tracing, metrics)
    connectors = Connectors.create(settings, observer=observer)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.trace import SpanKind, Status, StatusCode

from connectors.observer import BackendCallProbe, ConnectorObserver
from observability.metrics import GatewayMetrics
from observability.record import BackendCall, current_request
from observability.tracing import Tracing

__all__ = ["BackendObserver"]


class BackendObserver(ConnectorObserver):
    def __init__(self, tracing: Tracing, metrics: GatewayMetrics) -> None:
        self.tracing = tracing
        self.metrics = metrics

    @contextmanager
    def backend_call(self, service: str, method: str, route: str) -> Iterator[BackendCallProbe]:
        probe = BackendCallProbe()
        started = time.perf_counter()
        try:
            if self.tracing.enabled:
                with self.tracing.tracer.start_as_current_span(
                    f"{method} {route}",
                    kind=SpanKind.CLIENT,
                    attributes={
                        "http.request.method": method,
                        "url.template": route,
                        "peer.service": service,
                    },
                    record_exception=False,
                ) as span:
                    # The client span is the backend's parent: its id goes in traceparent.
                    self.tracing.inject(probe.headers)
                    try:
                        yield probe
                    except BaseException as exc:
                        span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                        raise
                    if probe.status is not None:
                        span.set_attribute("http.response.status_code", probe.status)
                        if probe.status >= 500:
                            span.set_status(Status(StatusCode.ERROR))
            else:
                record = current_request()
                if record is not None and record.trace_headers:
                    probe.headers.update(record.trace_headers)
                yield probe
        finally:
            seconds = time.perf_counter() - started
            self.metrics.backend_call(service, route, probe.status, seconds)
            record = current_request()
            if record is not None:
                record.backend_calls.append(
                    BackendCall(service, route, probe.status, round(seconds * 1000, 3))
                )

    @contextmanager
    def batch(self, service: str, size: int) -> Iterator[None]:
        self.metrics.dataloader_batch(service, size)
        if not self.tracing.enabled:
            yield
            return
        with self.tracing.tracer.start_as_current_span(
            f"dataloader {service}",
            attributes={"switchyard.service": service, "switchyard.batch.keys": size},
        ):
            yield
