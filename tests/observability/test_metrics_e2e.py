"""``GET /metrics`` after real queries through a real gateway and the real shop."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support.live_app import RunGateway


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_after_queries(run_gateway: RunGateway) -> None:
    with run_gateway() as (_app, url):
        for _ in range(3):
            r = httpx.post(
                f"{url}/graphql",
                json={
                    "query": "query Shelf { products(ids: [1, 2, 3]) { name reviews { rating } } }"
                },
            )
            assert r.status_code == 200 and "errors" not in r.json()
        httpx.post(f"{url}/graphql", json={"query": "{ nope }"})
        httpx.post(f"{url}/graphql", json={"query": "query Bad { user(id: 1) { name } "})
        response = httpx.get(f"{url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = _samples(response.text)
    assert (
        _value(
            samples,
            "switchyard_graphql_requests_total",
            operation="Shelf",
            type="query",
            outcome="ok",
        )
        == 3
    )
    assert (
        _value(
            samples,
            "switchyard_graphql_request_duration_seconds_count",
            operation="Shelf",
            type="query",
        )
        == 3
    )
    assert _value(samples, "switchyard_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert _value(samples, "switchyard_graphql_errors_total", code="GRAPHQL_PARSE_FAILED") == 1
    # One batched call per service per query, labelled by route template and status.
    for service, route in (("products", "/products"), ("reviews", "/reviews")):
        labels = {"service": service, "route": route, "status": "200"}
        assert _value(samples, "switchyard_backend_requests_total", **labels) == 3
        assert _value(samples, "switchyard_backend_request_duration_seconds_count", **labels) == 3
        assert _value(samples, "switchyard_dataloader_batch_size_sum", service=service) == 9
    assert _value(samples, "switchyard_in_flight_requests") == 1  # the scrape itself
    assert _value(samples, "switchyard_http_requests_total", route="graphql", status="2xx") == 5


def test_single_lookups_are_labelled_by_template_not_id(run_gateway: RunGateway) -> None:
    with run_gateway() as (_app, url):
        for user_id in (1, 2, 424_242):
            httpx.post(f"{url}/graphql", json={"query": f"{{ user(id: {user_id}) {{ name }} }}"})
        text = httpx.get(f"{url}/metrics").text
    samples = _samples(text)
    assert (
        _value(
            samples,
            "switchyard_backend_requests_total",
            service="users",
            route="/users/{}",
            status="200",
        )
        == 2
    )
    assert (
        _value(
            samples,
            "switchyard_backend_requests_total",
            service="users",
            route="/users/{}",
            status="404",
        )
        == 1
    )
    label_values = {value for (_, labels) in samples for _, value in labels}
    assert not any("424242" in value for value in label_values)
    assert (
        _value(
            samples,
            "switchyard_graphql_requests_total",
            operation="anonymous",
            type="query",
            outcome="ok",
        )
        == 3
    )


def test_operation_name_labels_are_bounded(run_gateway: RunGateway) -> None:
    with run_gateway(metrics={"max_operation_names": 2}) as (_app, url):
        for name in ("A", "B", "C", "D"):
            httpx.post(f"{url}/graphql", json={"query": f"query {name} {{ user(id: 1) {{ id }} }}"})
        text = httpx.get(f"{url}/metrics").text
    samples = _samples(text)
    assert (
        _value(
            samples,
            "switchyard_graphql_requests_total",
            operation="other",
            type="query",
            outcome="ok",
        )
        == 2
    )
    assert 'operation="C"' not in text and 'operation="D"' not in text
    assert "user(id" not in text  # never query text


def test_rate_limit_and_quota_api(run_gateway: RunGateway) -> None:
    with run_gateway() as (app, url):
        metrics = app.state.observability.metrics
        metrics.rate_limited(scope="client")
        metrics.rate_limited(scope="client")
        metrics.quota_used(plan="pro", amount=5)
        metrics.quota_exceeded(plan="free")
        samples = _samples(httpx.get(f"{url}/metrics").text)
    assert _value(samples, "switchyard_rate_limited_total", scope="client") == 2
    assert _value(samples, "switchyard_quota_used_total", plan="pro") == 5
    assert _value(samples, "switchyard_quota_exceeded_total", plan="free") == 1


def test_metrics_can_be_switched_off(run_gateway: RunGateway) -> None:
    with run_gateway(metrics={"enabled": False}) as (_app, url):
        assert httpx.get(f"{url}/metrics").status_code == 404
