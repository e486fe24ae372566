"""Strict parsing of ids and query parameters, shared by the four services.

Strict on purpose: the gateway is the main client, and a service that quietly accepted
``ids=1,,x`` or a misspelt ``limt=5`` would hide gateway bugs that a 400 makes obvious.
Ids are ASCII digits (an optional minus sign, at most 18 digits so they always fit in the
64-bit integers orjson writes); ``int()`` alone would also take ``" 1"``, ``"+1"``, ``"1_0"``
and non-ASCII digits.

Example::

    args = query_args(request, allowed={"ids"})
    ids = parse_id_list("ids", args["ids"])      # ApiError(400) on "1,x"
"""

from __future__ import annotations

import re
from collections.abc import Collection

from starlette.requests import Request

from examples.shop.responses import ApiError

MAX_BATCH = 1000
"""Most ids one batch request may name; the contract answers 400 above this."""

_ID_PATTERN = re.compile(r"-?[0-9]{1,18}")


def parse_id(raw: str) -> int | None:
    """The integer id in ``raw``, or None when ``raw`` is not a plain decimal integer."""
    return int(raw) if _ID_PATTERN.fullmatch(raw) else None


def query_args(request: Request, allowed: Collection[str]) -> dict[str, str]:
    """The query parameters as a dict, rejecting unknown and repeated names with 400."""
    args: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            raise ApiError(400, "unknown query parameter", param=name)
        if name in args:
            raise ApiError(400, "query parameter given more than once", param=name)
        args[name] = value
    return args


def parse_int_param(name: str, raw: str, *, low: int, high: int) -> int:
    """An integer query parameter within ``low..high`` inclusive, else 400."""
    value = parse_id(raw)
    if value is None or not low <= value <= high:
        raise ApiError(400, f"{name} must be an integer between {low} and {high}", param=name)
    return value


def parse_id_param(name: str, raw: str) -> int:
    """A single id query parameter such as ``user_id``; 400 when it is not an integer."""
    value = parse_id(raw)
    if value is None:
        raise ApiError(400, f"{name} must be an integer", param=name)
    return value


def parse_id_list(name: str, raw: str) -> list[int]:
    """A comma-separated id list, de-duplicated in first-seen order.

    De-duplicating keeps batch answers free of repeats even when a caller forgets to;
    the order is kept so callers can rely on it when debugging.
    """
    parts = raw.split(",")
    if len(parts) > MAX_BATCH:
        raise ApiError(400, f"{name} may name at most {MAX_BATCH} ids", param=name)
    ids: dict[int, None] = {}
    for part in parts:
        value = parse_id(part)
        if value is None:
            raise ApiError(400, f"{name} must be comma-separated integers", param=name)
        ids[value] = None
    return list(ids)
