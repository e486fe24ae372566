"""OpenTelemetry tracing: one :class:`TracerProvider` per app, built from configuration.

The provider is an instance hung off ``app.state`` and shut down with the app; the
process-global provider is never set, so two apps in one test run never share spans.
W3C ``traceparent`` is read from incoming requests and written into backend calls
with an explicit propagator, also without touching global state.

Usage::

    tracing = Tracing.create(settings.observability.tracing)
    with tracing.tracer.start_as_current_span("work"):
        headers = tracing.inject({})          # {"traceparent": "00-..."}
    tracing.shutdown()
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from settings.observability import TracingSettings

__all__ = ["Tracing", "format_trace_id"]

_PROPAGATOR = TraceContextTextMapPropagator()  # stateless: safe to share


@dataclass(slots=True)
class Tracing:
    """The app's tracer and its provider; ``enabled`` is False when the exporter is ``none``."""

    settings: TracingSettings
    provider: TracerProvider | None
    tracer: trace.Tracer
    #: Set when ``exporter = "memory"``: every finished span, for tests and debugging.
    memory: InMemorySpanExporter | None = None

    @property
    def enabled(self) -> bool:
        return self.provider is not None

    @classmethod
    def create(cls, settings: TracingSettings) -> Tracing:
        if settings.exporter == "none":
            return cls(settings, None, trace.NoOpTracer())
        resource = Resource.create(
            {**settings.resource_attributes, "service.name": settings.service_name}
        )
        provider = TracerProvider(
            resource=resource, sampler=ParentBased(TraceIdRatioBased(settings.sampling_ratio))
        )
        memory = InMemorySpanExporter() if settings.exporter == "memory" else None
        provider.add_span_processor(_processor(settings, memory))
        return cls(settings, provider, provider.get_tracer("switchyard"), memory)

    def extract(self, headers: Mapping[str, str]) -> otel_context.Context:
        """The parent context an incoming ``traceparent`` names (empty context if none)."""
        return _PROPAGATOR.extract(headers)

    def inject(self, headers: dict[str, str]) -> dict[str, str]:
        """Write the current span's ``traceparent`` (and ``tracestate``) into ``headers``."""
        _PROPAGATOR.inject(headers)
        return headers

    def shutdown(self) -> None:
        if self.provider is not None:
            self.provider.shutdown()


def format_trace_id(span: trace.Span) -> str | None:
    """The 32-hex trace id of ``span``, or None when it is not recording a valid trace."""
    ctx = span.get_span_context()
    return trace.format_trace_id(ctx.trace_id) if ctx.is_valid else None


def _processor(settings: TracingSettings, memory: InMemorySpanExporter | None) -> SpanProcessor:
    if memory is not None:
        return SimpleSpanProcessor(memory)
    exporter: SpanExporter
    endpoint = settings.endpoint or None
    if settings.exporter == "console":
        exporter = ConsoleSpanExporter(service_name=settings.service_name)
        return SimpleSpanProcessor(exporter)
    if settings.exporter == "otlp-http":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=endpoint)
    else:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
            OTLPSpanExporter as GrpcSpanExporter,
        )

        exporter = GrpcSpanExporter(endpoint=endpoint)
    # Batched export keeps the collector's latency off the request path.
    return BatchSpanProcessor(exporter)
