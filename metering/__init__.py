"""Usage metering for billing: the meter, the field walk, and the reports.

Usage::

    meter = Meter(store, settings.metering, plans, notify=sink.publish)
    report = await usage_report(store, Period.parse("2026-12-01", "2026-12-31"), plans)
"""

from metering.fields import error_codes, resolved_fields
from metering.meter import Meter, MeterStats, PlanTerms
from metering.report import CSV_COLUMNS, Period, report_csv, usage_report

__all__ = [
    "CSV_COLUMNS",
    "Meter",
    "MeterStats",
    "Period",
    "PlanTerms",
    "error_codes",
    "report_csv",
    "resolved_fields",
    "usage_report",
]
