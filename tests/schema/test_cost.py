"""The static cost rules, on a schema built from SDL and on the gateway's own schema."""

from __future__ import annotations

import pytest
from graphql import build_schema as build_sdl
from graphql import parse

from schema import build_schema
from schema.cost import CostModel, operation_cost

SDL = """
directive @cost(weight: Int!) on FIELD_DEFINITION
directive @listSize(assumedSize: Int!) on FIELD_DEFINITION

type Query {
  users(limit: Int = 20, offset: Int = 0): [User!]!
  user(id: ID!): User
  products(ids: [ID!]!): [Product]
  feed(first: Int): [Product!]!
  search: SearchResult
  ranking: [Product!]! @listSize(assumedSize: 7)
  report: String @cost(weight: 5)
  count: Int
}
type User { id: ID! name: String! orders: [Order!]! @listSize(assumedSize: 3) }
type Order { id: ID! items: [Product!]! }
type Product { id: ID! name: String }
union SearchResult = User | Product
"""


@pytest.fixture(scope="module")
def schema():
    return build_sdl(SDL)


def cost(schema, query: str, variables=None, operation_name=None) -> int:
    return operation_cost(schema, parse(query), operation_name, variables or {})


def test_scalars_are_free_and_objects_weigh_one(schema) -> None:
    assert cost(schema, "{ count }") == 0
    assert cost(schema, "{ user(id: 1) { id name } }") == 1


def test_declared_weight_replaces_the_default(schema) -> None:
    assert cost(schema, "{ report count }") == 5


def test_list_multiplies_by_limit_argument_and_its_default(schema) -> None:
    assert cost(schema, "{ users(limit: 10) { id } }") == 10
    assert cost(schema, "{ users { id } }") == 20  # the schema's default limit


def test_list_multiplies_by_ids_length_and_first(schema) -> None:
    assert cost(schema, '{ products(ids: ["1", "2", "3"]) { id } }') == 3
    assert cost(schema, "{ feed(first: 4) { id } }") == 4


def test_list_size_directive_and_nested_lists(schema) -> None:
    assert cost(schema, "{ ranking { id } }") == 7
    # 10 users * (1 + 3 orders * (1 + 1 item * 1))
    assert cost(schema, "{ users(limit: 10) { orders { items { id } } } }") == 10 * (1 + 3 * 2)


def test_variables_are_resolved_with_defaults(schema) -> None:
    query = (
        "query Q($n: Int = 6, $ids: [ID!]!) { users(limit: $n) { id } products(ids: $ids) { id } }"
    )
    assert cost(schema, query, {"ids": ["1", "2"]}) == 6 + 2
    assert cost(schema, query, {"n": 2, "ids": []}) == 2


def test_aliases_count_each_and_repeated_keys_merge(schema) -> None:
    assert cost(schema, "{ a: user(id: 1) { id } b: user(id: 2) { id } }") == 2
    assert cost(schema, "{ user(id: 1) { id } user(id: 1) { name } }") == 1


def test_fragments_count_as_executed(schema) -> None:
    query = """
    query { ...Top search { ... on User { orders { id } } ... on Product { id } } }
    fragment Top on Query { users(limit: 2) { ...U } }
    fragment U on User { orders { id } }
    """
    # users: 2 * (1 + 3) = 8; search: 1 + orders 3 = 4
    assert cost(schema, query) == 8 + 4


def test_skip_and_include_are_honoured(schema) -> None:
    query = "query($s: Boolean!) { user(id: 1) @skip(if: $s) { id } report @include(if: true) }"
    assert cost(schema, query, {"s": True}) == 5
    assert cost(schema, query, {"s": False}) == 6


def test_operation_name_picks_the_operation(schema) -> None:
    document = "query A { report } query B { users(limit: 3) { id } }"
    assert cost(schema, document, operation_name="B") == 3
    assert cost(schema, document) == 0  # ambiguous without a name: nothing to cost


def test_configured_weights_override_the_schema(schema) -> None:
    model = CostModel(schema, weights={"Query.report": 1, "User.orders": 2})
    assert model.operation_cost(parse("{ report }")) == 1
    assert model.operation_cost(parse("{ user(id: 1) { orders { id } } }")) == 1 + 3 * 2


def test_gateway_schema_reads_strawberry_directives() -> None:
    gateway = build_schema()
    assert cost(gateway, "{ users(limit: 5) { id name } }") == 5
    assert cost(gateway, '{ products(ids: ["1", "2"]) { id } }') == 2
