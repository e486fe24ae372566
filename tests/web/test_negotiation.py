"""Accept negotiation: which media type answers a GraphQL request."""

from __future__ import annotations

import pytest

from web.negotiation import GRAPHQL_RESPONSE_JSON, JSON, negotiate


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("APPLICATION/GRAPHQL-RESPONSE+JSON", GRAPHQL_RESPONSE_JSON),
        # graphql-http's client default: the new type first, legacy JSON as a fallback.
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        (
            "application/graphql-response+json;charset=utf-8, application/json;q=0.9",
            GRAPHQL_RESPONSE_JSON,
        ),
        # Quality decides, whatever the order.
        ("application/json, application/graphql-response+json;q=0.5", JSON),
        ("application/graphql-response+json;q=0.5, application/json", JSON),
        ("application/json;q=0.2, application/graphql-response+json;q=0.3", GRAPHQL_RESPONSE_JSON),
        ("application/json; q=0.8, */*; q=0.1", JSON),
        # At equal quality the new media type wins.
        ("application/json, application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/json;q=0.5, application/graphql-response+json;q=0.5", GRAPHQL_RESPONSE_JSON),
        # A browser's Accept still allows JSON through */*.
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
        ("text/html, application/graphql-response+json;q=0.1", GRAPHQL_RESPONSE_JSON),
        # Parameters other than q do not matter; whitespace is tolerated.
        ("  application/json ; charset=utf-8 ;  q=1 ", JSON),
        ("application/json;Q=0.7", JSON),
    ],
)
def test_negotiates(accept: str | None, expected: str) -> None:
    assert negotiate(accept) == expected


@pytest.mark.parametrize(
    "accept",
    [
        "text/html",
        "text/plain, image/png",
        "application/xml",
        "application/json;q=0",
        "application/json;q=0.000, application/graphql-response+json;q=0",
        "*/*;q=0",
    ],
)
def test_nothing_we_produce_is_none(accept: str) -> None:
    assert negotiate(accept) is None


@pytest.mark.parametrize("q", ["nan", "inf", "-1", "1.5", "1e3", "0.1234", "abc", ""])
def test_malformed_q_value_means_not_acceptable(q: str) -> None:
    assert negotiate(f"application/graphql-response+json;q={q}") is None
    # ... so it neither beats nor blocks a well-formed alternative, whatever the order.
    assert negotiate(f"application/graphql-response+json;q={q}, application/json;q=0.1") == JSON
    assert negotiate(f"application/json;q=0.1, application/graphql-response+json;q={q}") == JSON


@pytest.mark.parametrize("q", ["1", "1.", "1.000", "0.5", "0.001"])
def test_well_formed_q_values(q: str) -> None:
    assert negotiate(f"application/graphql-response+json;q={q}") == GRAPHQL_RESPONSE_JSON
