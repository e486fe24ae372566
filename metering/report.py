"""Usage reports for billing: per-client totals over a date range and the amount due.

Shared by ``switchyard usage export`` and ``GET /admin/usage`` so both say the same.
One line per (client, plan): a client that changed plan during the period is billed
for each plan at that plan's price per 1,000 cost points.

Usage::

    period = Period.parse("2026-12-01", "2026-12-31")
    report = await usage_report(store, period, plans, client=None)
    print(report_csv(report))
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from metering.meter import PlanTerms
from stores.usage import UsageStore

__all__ = ["CSV_COLUMNS", "Period", "report_csv", "usage_report"]

CSV_COLUMNS = (
    "client",
    "plan",
    "requests",
    "cost_points",
    "fields_resolved",
    "errors",
    "backend_calls",
    "avg_latency_ms",
    "price_per_1000_points",
    "amount_due",
)


@dataclass(frozen=True, slots=True)
class Period:
    """Whole UTC days, both ends included."""

    first: date
    last: date

    @classmethod
    def parse(cls, first: str, last: str) -> Period:
        """``YYYY-MM-DD`` both; ValueError (with a readable message) otherwise."""
        try:
            period = cls(date.fromisoformat(first), date.fromisoformat(last))
        except ValueError:
            raise ValueError("from and to must be dates written YYYY-MM-DD") from None
        if period.last < period.first:
            raise ValueError("to must not be before from")
        if (period.last - period.first).days > 400:
            raise ValueError("a report covers at most 400 days")
        return period

    @property
    def first_hour(self) -> str:
        return f"{self.first.isoformat()}T00"

    @property
    def last_hour(self) -> str:
        return f"{self.last.isoformat()}T23"


async def usage_report(
    store: UsageStore,
    period: Period,
    plans: Mapping[str, PlanTerms],
    *,
    client: str | None = None,
) -> dict[str, Any]:
    rows = await store.read(period.first_hour, period.last_hour, client)
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    for key, counters in rows:
        line = lines.setdefault(
            (key.client, counters.plan),
            {
                "client": key.client,
                "plan": counters.plan,
                "requests": 0,
                "cost_points": 0,
                "backend_calls": 0,
                "latency_ms": 0.0,
                "fields": Counter(),
                "errors": Counter(),
                "operations": {},
            },
        )
        line["requests"] += counters.requests
        line["cost_points"] += counters.cost
        line["backend_calls"] += counters.backend_calls
        line["latency_ms"] += counters.latency_ms
        line["fields"].update(counters.fields)
        line["errors"].update(counters.errors)
        op = line["operations"].setdefault(key.operation, {"requests": 0, "cost_points": 0})
        op["requests"] += counters.requests
        op["cost_points"] += counters.cost
    clients = []
    total_due = Decimal(0)
    for (_, plan), line in sorted(lines.items()):
        terms = plans.get(plan)
        price = Decimal(str(terms.price_per_1000_points)) if terms is not None else Decimal(0)
        due = (Decimal(line["cost_points"]) * price / 1000).quantize(Decimal("0.01"), ROUND_HALF_UP)
        total_due += due
        requests = line["requests"]
        clients.append(
            {
                "client": line["client"],
                "plan": plan,
                "requests": requests,
                "cost_points": line["cost_points"],
                "fields_resolved": sum(line["fields"].values()),
                "errors": sum(line["errors"].values()),
                "backend_calls": line["backend_calls"],
                "avg_latency_ms": round(line.pop("latency_ms") / requests, 3) if requests else 0,
                "price_per_1000_points": str(price),
                "amount_due": str(due),
                "fields": dict(sorted(line["fields"].items())),
                "errors_by_code": dict(sorted(line["errors"].items())),
                "operations": dict(sorted(line["operations"].items())),
            }
        )
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "client": client,
        "clients": clients,
        "totals": {
            "requests": sum(c["requests"] for c in clients),
            "cost_points": sum(c["cost_points"] for c in clients),
            "amount_due": str(total_due),
        },
    }


def report_csv(report: Mapping[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in report["clients"]:
        writer.writerow([line[column] for column in CSV_COLUMNS])
    return out.getvalue()
