"""``switchyard usage export``: per-client totals and the amount due, read from the store.

Reads the configured usage store directly (the SQLite file, or Redis when
``[limits] store`` is ``redis://``), so it works beside a running gateway or demo with
no extra set-up. Usage that a running gateway has not flushed yet (at most
``flush_interval_seconds`` old) is not included.

Usage::

    switchyard usage export --from 2026-12-01 --to 2026-12-31 --format csv
    switchyard usage export --from 2026-12-01 --to 2026-12-31 --format json --client acme
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import orjson

from metering import Period, report_csv, usage_report
from metering.runtime import open_configured_store
from settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # One flat parser (not nested subcommands) so --config may come anywhere.
    parser.add_argument("action", choices=("export",), help="export: totals and amount due")
    parser.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--client", default=None, help="only this client id")


def handle(args: argparse.Namespace, settings: Settings) -> int:
    try:
        period = Period.parse(args.first, args.last)
    except ValueError as exc:
        print(f"switchyard usage export: {exc}", file=sys.stderr)
        return 2
    try:
        report = asyncio.run(_report(settings, period, args.client))
    except Exception as exc:  # an unreachable store is an operator error, not a traceback
        print(f"switchyard usage export: cannot read the usage store: {exc!r}", file=sys.stderr)
        return 1
    if args.format == "json":
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(report_csv(report))
    return 0


async def _report(settings: Settings, period: Period, client: str | None) -> dict[str, object]:
    store = open_configured_store(settings)
    try:
        return await asyncio.wait_for(
            usage_report(store, period, settings.limits.plans, client=client),
            settings.metering.store_timeout_seconds * 10,
        )
    finally:
        await store.aclose()
