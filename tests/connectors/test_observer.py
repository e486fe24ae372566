"""Connector observer hooks, network-free: traceparent on every call, route templates,
failures recorded, batch sizes."""

from __future__ import annotations

import httpx
import pytest
from opentelemetry.trace import SpanKind, format_span_id, format_trace_id

from connectors import UserRecord, UsersConnector
from connectors.base import RestConnector
from errors import BackendTimeout
from observability.backend import BackendObserver
from observability.metrics import GatewayMetrics
from observability.record import RequestRecord, bind_request
from observability.tracing import Tracing
from settings.observability import TracingSettings

USER = UserRecord(id=1, name="a", email="e")


def _connector(
    handler: httpx.MockTransport, tracing: Tracing, metrics: GatewayMetrics
) -> UsersConnector:
    client = httpx.AsyncClient(base_url="http://users.test", transport=handler)
    return UsersConnector(client, observer=BackendObserver(tracing, metrics))


async def test_every_call_carries_its_client_span_as_traceparent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/users":
            return httpx.Response(200, json=[{"id": 1, "name": "a", "email": "e"}])
        return httpx.Response(404)

    tracing = Tracing.create(TracingSettings(exporter="memory"))
    metrics = GatewayMetrics()
    users = _connector(httpx.MockTransport(handler), tracing, metrics)
    record = RequestRecord(request_id="r", method="POST", path="/graphql")
    with bind_request(record):
        found = await users.users_by_ids([1, 1, "abc"])
    assert found == [USER, USER, None]
    assert tracing.memory is not None
    spans = tracing.memory.get_finished_spans()
    clients = {format_span_id(s.context.span_id): s for s in spans if s.kind == SpanKind.CLIENT}
    assert len(seen) == 2
    for request in seen:
        _, trace, parent, _ = request.headers["traceparent"].split("-")
        assert parent in clients
        assert trace == format_trace_id(clients[parent].context.trace_id)
    assert sorted(s.name for s in clients.values()) == ["GET /users", "GET /users/{}"]
    (batch,) = [s for s in spans if s.name == "dataloader users"]
    assert (batch.attributes or {})["switchyard.batch.keys"] == 2
    assert sorted((c.route, c.status) for c in record.backend_calls) == [
        ("/users", 200),
        ("/users/{}", 404),
    ]
    assert (
        metrics.registry.get_sample_value(
            "switchyard_backend_requests_total",
            {"service": "users", "route": "/users/{}", "status": "404"},
        )
        == 1
    )
    assert (
        metrics.registry.get_sample_value(
            "switchyard_dataloader_batch_size_sum", {"service": "users"}
        )
        == 2
    )
    await users.aclose()


async def test_a_timeout_is_recorded_as_an_error_span_and_status() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    tracing = Tracing.create(TracingSettings(exporter="memory"))
    metrics = GatewayMetrics()
    users = _connector(httpx.MockTransport(handler), tracing, metrics)
    with pytest.raises(BackendTimeout):
        await users.get_user(7)
    assert tracing.memory is not None
    (span,) = tracing.memory.get_finished_spans()
    assert not span.status.is_ok and span.name == "GET /users/{}"
    assert (
        metrics.registry.get_sample_value(
            "switchyard_backend_requests_total",
            {"service": "users", "route": "/users/{}", "status": "error"},
        )
        == 1
    )
    await users.aclose()


async def test_without_an_observer_nothing_is_added() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404)

    client = httpx.AsyncClient(base_url="http://users.test", transport=httpx.MockTransport(handler))
    users = UsersConnector(client)
    assert await users.get_user(1) is None
    assert "traceparent" not in seen[0].headers
    assert RestConnector.path("/users/{}", "a/b").template == "/users/{}"  # type: ignore[attr-defined]
    await client.aclose()
