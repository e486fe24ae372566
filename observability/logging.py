"""Structured logs: one JSON object per line (or readable text in development), and
the one access-log line per request.

The access line is built from an allow-list of fields (:func:`access_fields`), never
from request headers, so ``Authorization``, ``X-API-Key`` and cookies cannot leak.

Usage::

    configure_logging(settings.observability.logging)
    log_access(record)        # {"time": ..., "event": "request", "request_id": ..., ...}
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

import orjson

from observability.record import RequestRecord
from settings.observability import LoggingSettings

__all__ = ["JsonFormatter", "TextFormatter", "access_fields", "configure_logging", "log_access"]

ROOT_LOGGER = "switchyard"
access_logger = logging.getLogger("switchyard.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per record; ``extra={"fields": {...}}`` adds structured fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """``time LEVEL logger message key=value ...`` for people reading a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_iso(record.created)} {record.levelname:<7} {record.name} {record.getMessage()}"
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items() if v not in (None, []))
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class _OurHandler(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
    """Marks the handler this module installed, so reconfiguring replaces it."""


def configure_logging(settings: LoggingSettings) -> None:
    """Route the ``switchyard.*`` loggers to stderr in the configured format and level.

    Logging is process-wide by nature; calling this again (a second app in the same
    process) replaces the handler rather than adding one.
    """
    logger = logging.getLogger(ROOT_LOGGER)
    logger.setLevel(settings.level)
    for handler in [h for h in logger.handlers if isinstance(h, _OurHandler)]:
        logger.removeHandler(handler)
    handler = _OurHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.format == "json" else TextFormatter())
    logger.addHandler(handler)


def access_fields(record: RequestRecord) -> dict[str, Any]:
    """The access-log fields of one finished request (an allow-list: no headers, no query)."""
    fields: dict[str, Any] = {
        "event": "request",
        "request_id": record.request_id,
        "client_id": record.client_id,
        "method": record.method,
        "path": record.path,
        "status": record.status,
        "duration_ms": round(record.elapsed_ms(), 3),
    }
    if record.is_graphql:
        fields["operation_name"] = record.operation_name
        fields["operation_type"] = record.operation_type
        fields["error_codes"] = record.error_codes
        fields["backend_calls"] = len(record.backend_calls)
        fields["backend_ms"] = round(sum(c.duration_ms for c in record.backend_calls), 3)
        fields["services"] = sorted({c.service for c in record.backend_calls})
    if record.cost is not None:
        fields["cost"] = record.cost
    if record.trace_id is not None:
        fields["trace_id"] = record.trace_id
    return fields


def log_access(record: RequestRecord) -> None:
    if access_logger.isEnabledFor(logging.INFO):
        access_logger.info(
            "%s %s %d",
            record.method,
            record.path,
            record.status,
            extra={"fields": access_fields(record)},
        )


def _iso(created: float) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
    return f"{seconds}.{int(created % 1 * 1000):03d}Z"
