"""Endpoint factories shared by the services: fetch one by id, and list by a selector.

Each service is only a declaration of which indexes answer which URLs; the reading of
parameters, the 404 body and the batch semantics live here once, so the four services
cannot drift apart.

Example::

    routes = [
        Route("/users", collection_endpoint([by_ids(users_by_id)], default=paged(users))),
        Route("/users/{id:path}", item_endpoint("user", users_by_id)),
    ]
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from examples.shop.params import (
    MAX_BATCH,
    parse_id,
    parse_id_list,
    parse_id_param,
    parse_int_param,
    query_args,
)
from examples.shop.responses import ApiError, ORJSONResponse, error_response

Endpoint = Callable[[Request], Coroutine[Any, Any, Response]]

DEFAULT_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Selector:
    """One way of choosing records from query parameters, e.g. ``ids`` or ``user_id``.

    ``params`` are the parameter names this selector understands; ``required`` those that
    must be present for it to apply. ``select`` gets the parsed-as-strings arguments.
    """

    params: frozenset[str]
    required: frozenset[str]
    select: Callable[[Mapping[str, str]], Sequence[object]]


def item_endpoint(kind: str, index: Mapping[int, object]) -> Endpoint:
    """``GET /<things>/{id:path}``: the record, or 404 ``{"error": "<kind> not found"}``.

    The route uses the ``path`` convertor so that ids containing a slash (``../admin``
    sent as ``%2E%2E%2Fadmin``) still reach this endpoint and get the contract's JSON
    404 instead of a router miss.
    """
    message = f"{kind} not found"

    async def endpoint(request: Request) -> Response:
        raw = request.path_params["id"]
        record_id = parse_id(raw)
        record = index.get(record_id) if record_id is not None else None
        if record is None:
            return error_response(404, message, id=raw)
        return ORJSONResponse(record)

    return endpoint


def collection_endpoint(selectors: Sequence[Selector], default: Selector | None = None) -> Endpoint:
    """``GET /<things>?...``: a JSON list chosen by the one selector the query matches.

    Exactly one selector must apply (its required parameters present, nothing foreign);
    with no parameters at all ``default`` applies, or the request is a 400 naming what
    would have been accepted.
    """
    everything = [selector for selector in (*selectors, default) if selector is not None]
    allowed = frozenset().union(*(selector.params for selector in everything))
    forms = " | ".join(", ".join(sorted(selector.params)) for selector in everything)

    async def endpoint(request: Request) -> Response:
        args = query_args(request, allowed)
        return ORJSONResponse(_choose(args).select(args))

    def _choose(args: Mapping[str, str]) -> Selector:
        if not args and default is not None:
            return default
        names = args.keys()
        matching = [s for s in everything if s.required <= names and names <= s.params]
        if len(matching) != 1:
            raise ApiError(400, f"expected query parameters: {forms}", params=sorted(names))
        return matching[0]

    return endpoint


def by_ids(index: Mapping[int, object], param: str = "ids") -> Selector:
    """Batch fetch: records for the listed ids in request order; unknown ids are omitted."""

    def select(args: Mapping[str, str]) -> list[object]:
        found = (index.get(record_id) for record_id in parse_id_list(param, args[param]))
        return [record for record in found if record is not None]

    return Selector(frozenset({param}), frozenset({param}), select)


def by_key(groups: Mapping[int, Sequence[object]], param: str) -> Selector:
    """Filter by one foreign key (``user_id=1``); an unknown key is an empty list."""

    def select(args: Mapping[str, str]) -> Sequence[object]:
        return groups.get(parse_id_param(param, args[param]), ())

    return Selector(frozenset({param}), frozenset({param}), select)


def by_keys(groups: Mapping[int, Sequence[object]], param: str) -> Selector:
    """Batch filter (``user_ids=1,2``): each record carries its key, so one flat list."""

    def select(args: Mapping[str, str]) -> list[object]:
        return [
            record for key in parse_id_list(param, args[param]) for record in groups.get(key, ())
        ]

    return Selector(frozenset({param}), frozenset({param}), select)


def paged(records: Sequence[object]) -> Selector:
    """``limit``/``offset`` paging over ``records``; limit 1..1000, default 100."""

    def select(args: Mapping[str, str]) -> Sequence[object]:
        limit = DEFAULT_PAGE_SIZE
        if "limit" in args:
            limit = parse_int_param("limit", args["limit"], low=1, high=MAX_BATCH)
        offset = 0
        if "offset" in args:
            offset = parse_int_param("offset", args["offset"], low=0, high=10**9)
        return records[offset : offset + limit]

    return Selector(frozenset({"limit", "offset"}), frozenset(), select)
