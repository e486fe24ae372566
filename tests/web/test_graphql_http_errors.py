"""Issue 2's explicit GraphQL-over-HTTP cases, in process: every malformed request gets a
4xx with ``{"errors": [{"message", "extensions": {"code"}}]}``, never a 500, never a
stack trace, and never reaches a backend. (The audit-by-audit suite is
``test_graphql_over_http_spec.py``; the same requests over a real socket are in
``tests/e2e/test_graphql_http_real_socket.py``.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.bodies import without_cost
from tests.support.graphql_http import assert_error_response
from tests.web.conftest import MAX_BODY_BYTES, Gateway

GQL_JSON = "application/graphql-response+json"
JSON = "application/json"
TYPENAME = b'{"query": "{ __typename }"}'
CREATE_ORDER = (
    "mutation { createOrder(input: {userId: 1, items: [{productId: 1, quantity: 1}]}) { id } }"
)

MALFORMED_BODIES = {
    "truncated JSON": b'{ "not a JSON',
    "unclosed object": b'{"query": "{ __typename }"',
    "single quotes": b"{'query': '{ __typename }'}",
    "trailing garbage": TYPENAME + b" x",
    "JSON array (batch)": b'[{"query": "{ __typename }"}]',
    "JSON string": b'"{ __typename }"',
    "JSON number": b"42",
    "JSON null": b"null",
    "JSON true": b"true",
    "invalid UTF-8 in a string": b'{"query": "{ __typename \xff }"}',
    "invalid UTF-8 sequence": b'{"query": "\xc3\x28"}',
    "UTF-8 encoded surrogate": b'{"query": "\xed\xa0\x80"}',
    "UTF-16 body": TYPENAME.decode().encode("utf-16"),
    "100k nested arrays": b"[" * 100_000 + b"]" * 100_000,
    "40k nested objects": b'{"a":' * 40_000 + b"1" + b"}" * 40_000,
    "deep nesting inside variables": b'{"query": "{ __typename }", "variables": {"v": '
    + b"[" * 50_000
    + b"]" * 50_000
    + b"}}",
    "empty object (missing query)": b"{}",
    "null query": b'{"query": null}',
    "empty query": b'{"query": ""}',
    "misspelt query": b'{"qeury": "{ __typename }"}',
    "number query": b'{"query": 1}',
    "list query": b'{"query": ["{ __typename }"]}',
    "string variables": b'{"query": "{ __typename }", "variables": "{}"}',
    "list variables": b'{"query": "{ __typename }", "variables": []}',
    "number extensions": b'{"query": "{ __typename }", "extensions": 1}',
    "string extensions": b'{"query": "{ __typename }", "extensions": "x"}',
    "number operationName": b'{"query": "{ __typename }", "operationName": 1}',
    "object operationName": b'{"query": "{ __typename }", "operationName": {}}',
    "empty body": b"",
    "whitespace body": b"  \n",
}


@pytest.mark.parametrize("accept", [JSON, GQL_JSON])
@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
async def test_malformed_body_is_400(gateway: Gateway, body: bytes, accept: str) -> None:
    assert len(body) <= MAX_BODY_BYTES  # this is about the content, not the size
    response = await gateway.client.post(
        "/graphql", content=body, headers={"content-type": JSON, "accept": accept}
    )
    assert_error_response(
        response,
        400,
        "BAD_REQUEST",
        media_type=accept,
    )
    assert gateway.backend_calls == []


async def test_batched_request_says_batching_is_unsupported(gateway: Gateway) -> None:
    response = await gateway.client.post(
        "/graphql", content=b'[{"query": "{ __typename }"}]', headers={"content-type": JSON}
    )
    assert response.status_code == 400
    assert "batched requests are not supported" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/graphql",
        "application/jsonx",
        "application/json; charset=latin-1",
        "application/json; charset=utf-16",
    ],
)
async def test_wrong_content_type_or_charset_is_415(
    gateway: Gateway, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    response = await gateway.client.post("/graphql", content=TYPENAME, headers=headers)
    assert_error_response(
        response,
        415,
        "BAD_REQUEST",
    )


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "Application/JSON",
        "application/json; charset=UTF-8",
        "application/json;charset=utf8",
    ],
)
async def test_json_content_type_variants_are_accepted(gateway: Gateway, content_type: str) -> None:
    response = await gateway.client.post(
        "/graphql", content=TYPENAME, headers={"content-type": content_type}
    )
    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("accept", [JSON, GQL_JSON])
@pytest.mark.parametrize(
    "query",
    [CREATE_ORDER, "mutation { __typename }", "query Q { __typename } mutation M { __typename }"],
)
async def test_mutation_over_get_is_405_with_allow(
    gateway: Gateway, query: str, accept: str
) -> None:
    params = {"query": query}
    if query.startswith("query Q"):
        params["operationName"] = "M"
    response = await gateway.client.get("/graphql", params=params, headers={"accept": accept})
    body = assert_error_response(
        response,
        405,
        "BAD_REQUEST",
        media_type=accept,
    )
    assert response.headers["allow"] == "POST"
    assert "only allowed over POST" in body["errors"][0]["message"]
    assert gateway.backend_calls == []  # nothing ran


async def test_query_in_a_document_with_a_mutation_runs_over_get(gateway: Gateway) -> None:
    """Only the selected operation's type matters, not what else the document holds."""
    query = "query Q { user(id: 1) { name } } mutation M { __typename }"
    response = await gateway.client.get("/graphql", params={"query": query, "operationName": "Q"})
    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"user": {"name": "Ada Lovelace"}}}


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO"])
async def test_unknown_method_is_405_with_allow(gateway: Gateway, method: str) -> None:
    response = await gateway.client.request(
        method, "/graphql", content=TYPENAME, headers={"content-type": JSON}
    )
    assert_error_response(
        response,
        405,
        "BAD_REQUEST",
    )
    assert response.headers["allow"] == "GET, POST"


async def test_get_without_query_is_400(gateway: Gateway) -> None:
    response = await gateway.client.get("/graphql", headers={"accept": JSON})
    body = assert_error_response(
        response,
        400,
        "BAD_REQUEST",
    )
    assert body["errors"][0]["message"] == "No GraphQL query found in the request"


@pytest.mark.parametrize(
    ("name", "value"),
    [("variables", "{not json"), ("variables", "[1]"), ("extensions", "nope"), ("extensions", "3")],
)
async def test_get_with_bad_json_parameter_names_it(
    gateway: Gateway, name: str, value: str
) -> None:
    response = await gateway.client.get("/graphql", params={"query": "{ __typename }", name: value})
    body = assert_error_response(
        response,
        400,
        "BAD_REQUEST",
    )
    assert body["errors"][0]["message"].startswith(name)


async def test_get_with_invalid_utf8_query_is_a_parse_error(gateway: Gateway) -> None:
    # %FF decodes to U+FFFD, which no GraphQL document may contain outside a string.
    response = await gateway.client.get("/graphql?query=%7B%FF%7D", headers={"accept": GQL_JSON})
    assert_error_response(
        response,
        400,
        "GRAPHQL_PARSE_FAILED",
        media_type=GQL_JSON,
    )


async def test_accept_without_a_json_type_is_406(gateway: Gateway) -> None:
    response = await gateway.client.post(
        "/graphql", content=TYPENAME, headers={"content-type": JSON, "accept": "text/html"}
    )
    assert_error_response(
        response,
        406,
        "BAD_REQUEST",
    )


U = "query U($id: ID!) { user(id: $id) { name } }"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ user(id: 1) { name }"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ user(id: 1) { nickname } }"}, "GRAPHQL_VALIDATION_FAILED"),
        ({"query": "{ user { name } }"}, "GRAPHQL_VALIDATION_FAILED"),
        ({"query": U}, "BAD_USER_INPUT"),
        ({"query": U, "variables": {"id": None}}, "BAD_USER_INPUT"),
        ({"query": U, "variables": {"id": {"nested": 1}}}, "BAD_USER_INPUT"),
        ({"query": U, "variables": {"id": [1, 2]}}, "BAD_USER_INPUT"),
        ({"query": "query A { __typename }", "operationName": "B"}, "BAD_REQUEST"),
    ],
    ids=[
        "parse",
        "unknown field",
        "missing argument",
        "missing variable",
        "null variable",
        "object variable",
        "list variable",
        "unknown operationName",
    ],
)
async def test_request_errors_with_graphql_response_json_are_400_without_data(
    gateway: Gateway, body: dict[str, object], code: str
) -> None:
    response = await gateway.client.post("/graphql", json=body, headers={"accept": GQL_JSON})
    decoded = assert_error_response(
        response,
        400,
        code,
        media_type=GQL_JSON,
    )
    assert "Internal server error" not in decoded["errors"][0]["message"]
    assert gateway.backend_calls == []


async def test_request_errors_with_application_json_are_200_without_data(gateway: Gateway) -> None:
    response = await gateway.client.post("/graphql", json={"query": "{ user(id: 1) { nickname } }"})
    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_body_over_the_limit_with_content_length_is_413(gateway: Gateway) -> None:
    body = b'{"query": "{ __typename }", "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = await gateway.client.post("/graphql", content=body, headers={"content-type": JSON})
    assert_error_response(
        response,
        413,
        "BAD_REQUEST",
    )


async def test_chunked_body_over_the_limit_is_413(gateway: Gateway) -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "pad": "'
        for _ in range(2 * MAX_BODY_BYTES // 16384):  # bounded: twice the limit at most
            sent.append(16384)
            yield b"x" * 16384
        yield b'"}'

    response = await gateway.client.post(
        "/graphql", content=chunks(), headers={"content-type": JSON, "accept": GQL_JSON}
    )
    assert "content-length" not in response.request.headers  # really chunked
    assert sum(sent) < 2 * MAX_BODY_BYTES  # refused while reading, not after the whole body
    assert_error_response(
        response,
        413,
        "BAD_REQUEST",
        media_type=GQL_JSON,
    )


async def test_body_just_under_the_limit_is_served(gateway: Gateway) -> None:
    head, tail = b'{"query": "{ __typename }", "pad": "', b'"}'
    body = head + b"x" * (MAX_BODY_BYTES - len(head) - len(tail)) + tail
    assert len(body) == MAX_BODY_BYTES
    response = await gateway.client.post("/graphql", content=body, headers={"content-type": JSON})
    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("accept", ["application/json", "application/graphql-response+json"])
async def test_several_operations_without_operation_name_is_a_request_error(
    gateway: Gateway, accept: str
) -> None:
    """Strawberry alone would silently run the first operation; the spec says refuse."""
    document = "query A { user(id: 1) { name } } query B { user(id: 2) { name } }"
    response = await gateway.client.post(
        "/graphql", json={"query": document}, headers={"accept": accept}
    )
    assert response.status_code == (400 if accept.startswith("application/graphql") else 200)
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "operationName" in body["errors"][0]["message"]
    assert gateway.backend_calls == []
    named = await gateway.client.post("/graphql", json={"query": document, "operationName": "B"})
    assert without_cost(named.json()) == {"data": {"user": {"name": "Alan Turing"}}}
