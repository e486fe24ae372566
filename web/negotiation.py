"""Which media type answers a GraphQL request (GraphQL over HTTP, "Accept")."""

from __future__ import annotations

import re

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


def negotiate(accept: str | None) -> str | None:
    """The media type to answer with, or None when ``accept`` allows neither.

    No Accept header, ``*/*`` or ``application/*`` mean the legacy ``application/json``;
    a client that lists ``application/graphql-response+json`` at least as highly as
    ``application/json`` gets the new type (and its 4xx status codes).
    """
    if not accept:
        return JSON
    choices = {
        GRAPHQL_RESPONSE_JSON: GRAPHQL_RESPONSE_JSON,
        JSON: JSON,
        "application/*": JSON,
        "*/*": JSON,
    }
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        candidate = choices.get(media.strip().lower())
        quality = _quality(params)
        if candidate is None or quality <= 0:
            continue
        # Higher quality wins; at equal quality the new media type wins, then the earlier entry.
        rank = (quality, 1 if candidate == GRAPHQL_RESPONSE_JSON else 0)
        if best is None or rank > best:
            best, chosen = rank, candidate
    return chosen


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            # RFC 9110 qvalues are 0..1 with up to three decimals; float() would also
            # take "nan", "inf" or "1e3", and a NaN rank never compares, so a malformed
            # q would win or lose at random. Treat it as "not acceptable".
            value = value.strip()
            return float(value) if _QVALUE.fullmatch(value) else 0.0
    return 1.0


_QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")
