"""The field walk counts successful resolutions from the operation and its result."""

from __future__ import annotations

from graphql import GraphQLError, parse

from metering import error_codes, resolved_fields
from schema import build_schema

SCHEMA = build_schema()._schema


def test_counts_fields_per_item_aliases_and_fragments() -> None:
    document = parse(
        """
        query Q {
          users(limit: 2) { id ...F orders { id } }
          one: user(id: 1) { id }
          two: user(id: 2) { id }
        }
        fragment F on User { name }
        """
    )
    data = {
        "users": [
            {"id": "1", "name": "a", "orders": [{"id": "10"}, {"id": "11"}]},
            {"id": "2", "name": "b", "orders": []},
        ],
        "one": {"id": "1"},
        "two": None,
    }
    counts = resolved_fields(SCHEMA, document, "Q", data, [])
    assert counts == {
        "Query.users": 1,
        "User.id": 3,
        "User.name": 2,
        "User.orders": 2,
        "Order.id": 2,
        "Query.user": 2,
    }


def test_a_field_with_an_error_at_its_path_is_not_counted() -> None:
    document = parse("{ a: user(id: 1) { id } b: user(id: 2) { id } }")
    data = {"a": {"id": "1"}, "b": None}
    errors = [GraphQLError("limited", path=["b"], extensions={"code": "RATE_LIMITED"})]
    assert resolved_fields(SCHEMA, document, None, data, errors) == {"Query.user": 1, "User.id": 1}
    assert error_codes(errors) == {"RATE_LIMITED": 1}


def test_nothing_is_counted_without_data_or_document() -> None:
    assert resolved_fields(SCHEMA, None, None, {"x": 1}, []) == {}
    assert resolved_fields(SCHEMA, parse("{ user(id: 1) { id } }"), None, None, []) == {}
