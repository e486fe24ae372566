"""Traces end to end: real gateway, real shop, the SDK's in-memory exporter.

The shop's services log the ``traceparent`` they receive, so the test reads the
shop's log to check that every backend call carried the gateway's trace.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping

import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, format_span_id, format_trace_id

from tests.support.live_app import RunGateway
from tests.support.shop import ShopProcess

NESTED = """query Nested {
  users(limit: 2) { name orders { items { product { name reviews { rating } } } } }
}"""
TRACEPARENT = re.compile(r"(\S+) (\S+) \d+ traceparent=00-([0-9a-f]{32})-([0-9a-f]{16})-")


def _spans(app: object, timeout: float = 5.0) -> list[ReadableSpan]:
    """The finished spans, once the request's server span has finished too: it ends after
    the last response byte is sent, so it can lag the client's view of the response."""
    memory = app.state.observability.tracing.memory  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    while True:
        spans = list(memory.get_finished_spans())
        if any(s.kind == SpanKind.SERVER for s in spans) or time.monotonic() > deadline:
            return spans
        time.sleep(0.01)


def _attrs(span: ReadableSpan) -> Mapping[str, object]:
    return span.attributes or {}


def _backend_lines(shop: ShopProcess, start: int) -> list[tuple[str, str, str]]:
    """(path, trace id, parent span id) of every request the shop logged since ``start``."""
    found = []
    for line in shop.log_text()[start:].splitlines():
        match = TRACEPARENT.search(line)
        if match:
            found.append((match[2].split("?")[0], match[3], match[4]))
    return found


def test_nested_query_span_tree_and_backends_share_the_trace(
    run_gateway: RunGateway, shop: ShopProcess
) -> None:
    with run_gateway(tracing={"exporter": "memory"}) as (app, url):
        log_start = len(shop.log_text())
        response = httpx.post(f"{url}/graphql", json={"query": NESTED})
        assert response.status_code == 200
        body = response.json()
        assert "errors" not in body
        spans = _spans(app)

    by_id = {span.context.span_id: span for span in spans}
    roots = [s for s in spans if s.parent is None]
    assert [r.name for r in roots] == ["POST /graphql"]
    server = roots[0]
    assert server.kind == SpanKind.SERVER
    trace_id = server.context.trace_id
    assert {s.context.trace_id for s in spans} == {trace_id}
    assert body["extensions"]["traceId"] == format_trace_id(trace_id)

    def children(parent: ReadableSpan) -> list[ReadableSpan]:
        return [s for s in spans if s.parent and s.parent.span_id == parent.context.span_id]

    (operation,) = children(server)
    assert operation.name == "query Nested"
    assert _attrs(operation)["graphql.operation.name"] == "Nested"
    assert _attrs(operation)["graphql.operation.type"] == "query"
    assert len(str(_attrs(operation)["graphql.document.hash"])) == 64
    under_operation = sorted(s.name for s in children(operation))
    assert under_operation == [
        "GET /users",
        "dataloader orders",
        "dataloader products",
        "dataloader reviews",
        "graphql.parse",
        "graphql.validate",
    ]
    client_spans = [s for s in spans if s.kind == SpanKind.CLIENT]
    for loader in (s for s in children(operation) if s.name.startswith("dataloader")):
        service = loader.name.split()[1]
        assert _attrs(loader)["switchyard.service"] == service
        assert int(str(_attrs(loader)["switchyard.batch.keys"])) > 0
        (call,) = children(loader)
        assert call.kind == SpanKind.CLIENT
        assert _attrs(call)["peer.service"] == service
        assert _attrs(call)["http.response.status_code"] == 200
        assert "{" not in call.name and "?" not in call.name  # a route, not a raw target

    # Every backend request carried this trace, with its own client span as the parent.
    backend = _backend_lines(shop, log_start)
    assert sorted(path for path, _, _ in backend) == ["/orders", "/products", "/reviews", "/users"]
    client_ids = {format_span_id(s.context.span_id) for s in client_spans}
    for _path, trace, parent in backend:
        assert trace == format_trace_id(trace_id)
        assert parent in client_ids
    assert all(by_id[s.parent.span_id] for s in spans if s.parent)


def test_incoming_traceparent_is_honoured(run_gateway: RunGateway, shop: ShopProcess) -> None:
    incoming_trace, incoming_parent = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    with run_gateway(tracing={"exporter": "memory"}) as (app, url):
        log_start = len(shop.log_text())
        response = httpx.post(
            f"{url}/graphql",
            json={"query": "{ user(id: 3) { name orders { id } } }"},
            headers={"traceparent": f"00-{incoming_trace}-{incoming_parent}-01"},
        )
    spans = _spans(app)
    assert response.json()["extensions"]["traceId"] == incoming_trace
    (server,) = [s for s in spans if s.kind == SpanKind.SERVER]
    assert server.parent is not None and server.parent.is_remote
    assert format_span_id(server.parent.span_id) == incoming_parent
    assert {format_trace_id(s.context.trace_id) for s in spans} == {incoming_trace}
    backend = _backend_lines(shop, log_start)
    assert len(backend) >= 2
    assert {trace for _, trace, _ in backend} == {incoming_trace}


def test_resolver_spans_all_and_root(run_gateway: RunGateway) -> None:
    query = "{ users(limit: 2) { name orders { id } } }"
    with run_gateway(tracing={"exporter": "memory", "resolvers": "all"}) as (app, url):
        httpx.post(f"{url}/graphql", json={"query": query}).raise_for_status()
    every = _spans(app)
    names = [s.name for s in every]
    assert names.count("resolve Query.users") == 1
    assert names.count("resolve User.orders") == 2
    assert names.count("resolve User.name") == 2
    # The orders batch runs under the resolver that first asked for it.
    (loader,) = [s for s in every if s.name == "dataloader orders"]
    parents = {s.context.span_id: s.name for s in every}
    assert loader.parent is not None
    assert parents[loader.parent.span_id] == "resolve User.orders"

    with run_gateway(tracing={"exporter": "memory", "resolvers": "root"}) as (app, url):
        httpx.post(f"{url}/graphql", json={"query": query}).raise_for_status()
    root_only = [s.name for s in _spans(app) if s.name.startswith("resolve ")]
    assert root_only == ["resolve Query.users"]


def test_tracing_off_adds_no_trace_id_and_still_answers(run_gateway: RunGateway) -> None:
    with run_gateway() as (app, url):
        response = httpx.post(f"{url}/graphql", json={"query": "{ user(id: 1) { name } }"})
    assert response.status_code == 200
    assert "traceId" not in (response.json().get("extensions") or {})
    assert app.state.observability.tracing.enabled is False


def test_sampling_ratio_zero_records_nothing(run_gateway: RunGateway) -> None:
    with run_gateway(tracing={"exporter": "memory", "sampling_ratio": 0.0}) as (app, url):
        httpx.post(f"{url}/graphql", json={"query": "{ user(id: 1) { name } }"}).raise_for_status()
    assert _spans(app, timeout=0.5) == []  # nothing is sampled: no server span to wait for


def test_with_tracing_off_a_valid_incoming_trace_reaches_the_services_unchanged(
    run_gateway: RunGateway, shop: ShopProcess
) -> None:
    """A gateway that does not trace must not break the caller's trace (W3C: forward it)."""
    trace, parent = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
    query = {"query": "{ user(id: 4) { name orders { id } } }"}
    with run_gateway() as (app, url):  # tracing off: the default
        log_start = len(shop.log_text())
        response = httpx.post(
            f"{url}/graphql", json=query, headers={"traceparent": f"00-{trace}-{parent}-01"}
        )
        assert response.status_code == 200 and "errors" not in response.json()
        forwarded = _backend_lines(shop, log_start)
        log_start = len(shop.log_text())
        garbage = "00-zzzz-not-a-trace"
        httpx.post(f"{url}/graphql", json=query, headers={"traceparent": garbage})
        dropped = shop.log_text()[log_start:]
    assert not app.state.observability.tracing.enabled
    assert sorted(path for path, _, _ in forwarded) == ["/orders", "/users/4"]
    assert {(t, p) for _, t, p in forwarded} == {(trace, parent)}
    assert "traceparent=" not in dropped and "zzzz" not in dropped
