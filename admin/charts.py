"""Server-side SVG line charts: no script, no external fonts, nothing to load.

Usage::

    svg = line_chart(
        "Requests per minute",
        [Series("requests", "#2563eb", [3, None, 5])],
        labels=["16:01", "16:02", "16:03"],
        unit="req",
    )
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Series", "line_chart", "nice_ceiling"]

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 28


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    color: str  # a fixed palette colour from this module's callers, never user input
    values: Sequence[float | None]


def nice_ceiling(value: float) -> float:
    """The smallest 1/2/5 x 10^n at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * exponent:
            return float(step * exponent)
    return float(10 * exponent)


def line_chart(title: str, series: Sequence[Series], *, labels: Sequence[str], unit: str) -> str:
    """An ``<svg>`` with one polyline and one ``circle.point`` per value present."""
    count = max((len(s.values) for s in series), default=0)
    peak = max((v for s in series for v in s.values if v is not None), default=0.0)
    top = nice_ceiling(peak)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f'<text class="chart-title" x="{LEFT}" y="16">{escape(title)}</text>',
    ]
    for fraction in (0, 0.5, 1):
        gy = y(top * fraction)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{gy:.1f}" x2="{WIDTH - RIGHT}" y2="{gy:.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end">'
            f"{_fmt(top * fraction)}</text>"
        )
    for i in sorted({0, count // 2, count - 1}) if count else ():
        anchor = "start" if i == 0 else "end" if i == count - 1 else "middle"
        parts.append(
            f'<text class="axis" x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}">'
            f"{escape(labels[i])}</text>"
        )
    for legend_index, s in enumerate(series):
        lx = WIDTH - RIGHT - 110 * (len(series) - legend_index)
        parts.append(
            f'<rect x="{lx}" y="7" width="10" height="10" fill="{s.color}"/>'
            f'<text class="legend" x="{lx + 14}" y="16">{escape(s.name)}</text>'
        )
        points = [(i, v) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in points)
            parts.append(
                f'<polyline class="line" fill="none" stroke="{s.color}" '
                f'stroke-width="2" points="{coords}"/>'
            )
        for i, v in points:
            label = escape(labels[i]) if i < len(labels) else ""
            parts.append(
                f'<circle class="point" data-series="{escape(s.name)}" data-value="{v:g}" '
                f'cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{s.color}">'
                f"<title>{escape(s.name)} {label}: {_fmt(v)} {escape(unit)}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
