"""Server-side SVG charts: points where there is data, escaped labels, sane scales."""

from __future__ import annotations

from admin.charts import Series, line_chart, nice_ceiling


def test_points_and_gaps() -> None:
    svg = line_chart(
        "Latency", [Series("p95", "#000", [1.5, None, 30.0])], labels=["a", "b", "c"], unit="ms"
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="point"') == 2
    assert 'data-value="1.5"' in svg and 'data-value="30"' in svg
    assert "<polyline" in svg


def test_labels_are_escaped() -> None:
    svg = line_chart("<x>", [Series("<s>", "#000", [1.0])], labels=["<l>"], unit="&")
    assert "<x>" not in svg and "<s>" not in svg and "&lt;l&gt;" in svg


def test_nice_ceiling() -> None:
    assert [nice_ceiling(v) for v in (0, 0.4, 3, 7, 10, 11, 180, 4000)] == [
        1,
        1,
        5,
        10,
        10,
        20,
        200,
        5000,
    ]
