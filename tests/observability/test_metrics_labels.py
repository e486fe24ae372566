"""Label normalisation and the dashboard's ring buffer, without a server."""

from __future__ import annotations

from observability.metrics import GatewayMetrics
from observability.record import RequestRecord
from observability.stats import WINDOW_MINUTES, LiveStats, percentile


def test_operation_labels_are_bounded_and_sanitised() -> None:
    metrics = GatewayMetrics(max_operation_names=2)
    assert metrics.operation_label(None) == "anonymous"
    assert metrics.operation_label("") == "anonymous"
    assert metrics.operation_label("x" * 65) == "invalid"
    assert metrics.operation_label("a b") == "invalid"
    assert [metrics.operation_label(n) for n in ("One", "Two", "Three", "One")] == [
        "One",
        "Two",
        "other",
        "One",
    ]


def test_two_apps_do_not_share_counts() -> None:
    first, second = GatewayMetrics(), GatewayMetrics()
    first.rate_limited("client")
    assert (
        first.registry.get_sample_value("switchyard_rate_limited_total", {"scope": "client"}) == 1
    )
    assert (
        second.registry.get_sample_value("switchyard_rate_limited_total", {"scope": "client"})
        is None
    )


def test_percentile_nearest_rank() -> None:
    assert percentile([], 50) is None
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50 and percentile(values, 95) == 95
    assert percentile([7.0], 95) == 7


def test_live_stats_keep_one_hour_per_minute() -> None:
    stats = LiveStats()
    now = 1_800_000_000.0
    record = RequestRecord(request_id="r", method="POST", path="/graphql", client_id="acme")
    record.error_codes, record.error_services = ["BACKEND_ERROR"], ["users"]
    stats.observe(record, "Op", now=now - 2 * 3600)  # too old to show
    stats.observe(record, "Op", now=now - 60)
    stats.observe(record, "Op", now=now)
    minutes = stats.minutes(now=now)
    assert len(minutes) == WINDOW_MINUTES
    assert [m.requests for m in minutes[-2:]] == [1, 1]
    assert sum(m.requests for m in minutes) == 2
    assert stats.clients["acme"] == 3 and stats.operations["Op"] == 3
    assert stats.errors[0].service == "users" and stats.errors[0].code == "BACKEND_ERROR"
