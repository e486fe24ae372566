"""GraphQL over HTTP conformance of ``/graphql``: one test per audit of the graphql-http
server audit suite (graphql/graphql-http ``src/audits/server.ts``), named by the audit's
id, its docstring quoting the audit.

Where we deliberately differ from a SHOULD, the test asserts OUR behaviour and says why.
The one deliberate difference: a request that is refused before GraphQL runs (bad JSON,
missing or mistyped parameters) answers **400 for every media type**. The audits
suggest 200 + ``errors`` for legacy ``application/json`` clients; issue 2 requires a 4xx
so that proxies, caches, logs and retry logic see a failed request, and the body still
carries the ``errors`` entry those legacy clients look for. Document parse and
validation errors keep the spec's 200 for ``application/json`` (572B, FDE2) and get 400
for ``application/graphql-response+json``.

The malformed-request cases listed by issue 2 live in ``test_graphql_http_errors.py``.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from tests.support.bodies import without_cost
from tests.support.graphql_http import (
    assert_error_response,
    assert_graphql_error,
    assert_no_stack_trace,
)
from tests.web.conftest import FAILING_USER_ID, Gateway

GQL_JSON = "application/graphql-response+json"
JSON = "application/json"
TYPENAME = "{ __typename }"
TYPE_BY_NAME = "query Type($name: String!) { __type(name: $name) { name } }"
#: The values the audits use for an invalid parameter, by JavaScript ``extendedTypeof``.
INVALID_QUERY = [{"obj": "ect"}, 0, False, ["array"]]  # object, number, boolean, array
INVALID_MAP = ["string", 0, False, ["array"]]  # string, number, boolean, array
#: The audits' "field that does not exist" is ``8f31403dfe404bccbb0e835f2629c6a7``, but a
#: name cannot start with a digit, so graphql-core fails to *parse* it; a leading letter
#: makes it the validation failure the audits mean.
UNKNOWN_FIELD = "{ f8f31403dfe404bccbb0e835f2629c6a7 }"


async def post(
    gateway: Gateway,
    body: object | bytes | None,
    *,
    accept: str | None = None,
    content_type: str | None = JSON,
) -> httpx.Response:
    headers = {}
    if accept is not None:
        headers["accept"] = accept
    if content_type is not None:
        headers["content-type"] = content_type
    content = body if isinstance(body, bytes) or body is None else orjson.dumps(body)
    return await gateway.client.post("/graphql", content=content, headers=headers)


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def body_of(response: httpx.Response) -> dict[str, Any]:
    """The response body without the operation cost every executed operation reports."""
    body: dict[str, Any] = response.json()
    extensions = body.pop("extensions", {})
    assert set(extensions) <= {"cost"}, extensions
    return body


def refused(response: httpx.Response, media: str = JSON) -> dict[str, Any]:
    """Our answer to a request refused before execution: 400 + GraphQL-shaped errors."""
    return assert_error_response(
        response,
        400,
        "BAD_REQUEST",
        media_type=media,
    )


# -- Media types -------------------------------------------------------------------------


async def test_22eb(gateway: Gateway) -> None:
    """SHOULD accept application/graphql-response+json and match the content-type"""
    response = await post(gateway, {"query": TYPENAME}, accept=GQL_JSON)
    assert response.status_code == 200
    assert media_type(response) == GQL_JSON
    assert body_of(response) == {"data": {"__typename": "Query"}}


async def test_4655(gateway: Gateway) -> None:
    """MUST accept application/json and match the content-type"""
    response = await post(gateway, {"query": TYPENAME}, accept=JSON)
    assert response.status_code == 200
    assert media_type(response) == JSON


async def test_47de(gateway: Gateway) -> None:
    """SHOULD accept */* and use application/json for the content-type"""
    response = await post(gateway, {"query": TYPENAME}, accept="*/*")
    assert response.status_code == 200
    assert media_type(response) == JSON


async def test_80d8(gateway: Gateway) -> None:
    """SHOULD assume application/json content-type when accept is missing"""
    request = gateway.client.build_request("GET", "/graphql", params={"query": TYPENAME})
    del request.headers["accept"]  # httpx sends "*/*" by default
    response = await gateway.client.send(request)
    assert response.status_code == 200
    assert media_type(response) == JSON
    assert body_of(response) == {"data": {"__typename": "Query"}}


async def test_82a3(gateway: Gateway) -> None:
    """MUST use utf-8 encoding when responding"""
    response = await post(gateway, {"query": "{ user(id: 3) { name } }"})
    assert response.status_code == 200
    assert "charset=utf-8" in response.headers["content-type"]
    text = response.content.decode("utf-8", errors="strict")  # raises if not UTF-8
    assert without_cost(orjson.loads(text)) == {"data": {"user": {"name": "Émilie du Châtelet 🏃"}}}


async def test_bf61(gateway: Gateway) -> None:
    """MUST accept utf-8 encoded request"""
    query = '{ __type(name: "Run🏃Swim🏊") { name } }'
    response = await post(gateway, {"query": query}, content_type="application/json; charset=utf-8")
    assert response.status_code == 200
    assert body_of(response) == {"data": {"__type": None}}


async def test_78d5(gateway: Gateway) -> None:
    """MUST assume utf-8 in request if encoding is unspecified"""
    body = '{"query": "{ __type(name: \\"Zoë\\") { name } }"}'.encode()
    response = await post(gateway, body, content_type="application/json")
    assert response.status_code == 200
    assert body_of(response) == {"data": {"__type": None}}


# -- Request -----------------------------------------------------------------------------


async def test_2c94(gateway: Gateway) -> None:
    """MUST accept POST requests"""
    response = await post(gateway, {"query": "{ users(limit: 2) { id name } }"})
    assert response.status_code == 200
    assert body_of(response) == {
        "data": {"users": [{"id": "1", "name": "Ada Lovelace"}, {"id": "2", "name": "Alan Turing"}]}
    }


async def test_5a70(gateway: Gateway) -> None:
    """MAY accept application/x-www-form-urlencoded formatted GET requests"""
    response = await gateway.client.get("/graphql", params={"query": "{ user(id: 2) { name } }"})
    assert response.status_code == 200
    assert body_of(response) == {"data": {"user": {"name": "Alan Turing"}}}


async def test_9c48(gateway: Gateway) -> None:
    """MAY NOT allow executing mutations on GET requests

    We never do: 405 with ``Allow: POST`` (the method that would work)."""
    response = await gateway.client.get(
        "/graphql", params={"query": "mutation { __typename }"}, headers={"accept": GQL_JSON}
    )
    assert 400 <= response.status_code <= 499
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "data" not in body_of(response)


async def test_9abe(gateway: Gateway) -> None:
    """SHOULD respond with 4xx status code if content-type is not supplied on POST requests"""
    response = await post(gateway, {"query": TYPENAME}, content_type=None)
    assert 400 <= response.status_code <= 499
    assert response.status_code == 415


async def test_03d4(gateway: Gateway) -> None:
    """MUST accept application/json POST requests"""
    response = await post(gateway, {"query": TYPENAME})
    assert response.status_code == 200
    assert body_of(response) == {"data": {"__typename": "Query"}}


async def test_7267(gateway: Gateway) -> None:
    """MUST require a request body on POST"""
    response = await post(gateway, None)
    # The audit accepts an errors entry in an application/json answer, or a 400.
    refused(response)


# -- Request parameters ------------------------------------------------------------------


async def test_6610(gateway: Gateway) -> None:
    """SHOULD use 400 status code on missing {query} parameter when accepting
    application/graphql-response+json"""
    response = await post(gateway, {"notquery": TYPENAME}, accept=GQL_JSON)
    refused(response, GQL_JSON)


async def test_3715(gateway: Gateway) -> None:
    """SHOULD use 200 status code with errors field on missing {query} parameter when
    accepting application/json

    Deviation: we answer 400 with the errors field (issue 2: a missing query is a 4xx
    for every media type; see the module docstring)."""
    response = await post(gateway, {"notquery": TYPENAME}, accept=JSON)
    body = refused(response)
    assert "errors" in body


@pytest.mark.parametrize(
    "invalid", INVALID_QUERY, ids=["4F50-object", "4F51-number", "4F52-boolean", "4F53-array"]
)
async def test_4f5x(gateway: Gateway, invalid: object) -> None:
    """SHOULD use 400 status code on {object|number|boolean|array} {query} parameter when
    accepting application/graphql-response+json"""
    response = await post(gateway, {"query": invalid}, accept=GQL_JSON)
    refused(response, GQL_JSON)


@pytest.mark.parametrize(
    "invalid", INVALID_QUERY, ids=["9FE0-object", "9FE1-number", "9FE2-boolean", "9FE3-array"]
)
async def test_9fex(gateway: Gateway, invalid: object) -> None:
    """SHOULD use 200 status code with errors field on {object|number|boolean|array}
    {query} parameter when accepting application/json

    Deviation: 400 with the errors field (a malformed request is a 4xx for every media
    type, issue 2; see the module docstring)."""
    response = await post(gateway, {"query": invalid}, accept=JSON)
    assert refused(response)["errors"][0]["message"] == "query must be a string"


async def test_34a2(gateway: Gateway) -> None:
    """SHOULD allow string {query} parameter when accepting application/graphql-response+json"""
    response = await post(gateway, {"query": TYPENAME}, accept=GQL_JSON)
    assert response.status_code == 200
    assert body_of(response) == {"data": {"__typename": "Query"}}


async def test_13ee(gateway: Gateway) -> None:
    """MUST allow string {query} parameter when accepting application/json"""
    response = await post(gateway, {"query": TYPENAME}, accept=JSON)
    assert response.status_code == 200
    assert "errors" not in body_of(response)


@pytest.mark.parametrize(
    "invalid", INVALID_QUERY, ids=["E3E0-object", "E3E1-number", "E3E2-boolean", "E3E3-array"]
)
async def test_e3ex(gateway: Gateway, invalid: object) -> None:
    """SHOULD use 400 status code on {object|number|boolean|array} {operationName}
    parameter when accepting application/graphql-response+json"""
    response = await post(gateway, {"operationName": invalid, "query": TYPENAME}, accept=GQL_JSON)
    refused(response, GQL_JSON)


@pytest.mark.parametrize(
    "invalid", INVALID_QUERY, ids=["FB90-object", "FB91-number", "FB92-boolean", "FB93-array"]
)
async def test_fb9x(gateway: Gateway, invalid: object) -> None:
    """SHOULD use 200 status code with errors field on {object|number|boolean|array}
    {operationName} parameter when accepting application/json

    Deviation: 400 with the errors field (issue 2; see the module docstring)."""
    response = await post(gateway, {"operationName": invalid, "query": TYPENAME}, accept=JSON)
    message = refused(response)["errors"][0]["message"]
    assert message == "operationName must be a string or null"


async def test_8161(gateway: Gateway) -> None:
    """SHOULD allow string {operationName} parameter when accepting
    application/graphql-response+json"""
    body = {"operationName": "Query", "query": "query Query { __typename }"}
    response = await post(gateway, body, accept=GQL_JSON)
    assert response.status_code == 200
    assert body_of(response) == {"data": {"__typename": "Query"}}


async def test_b8b3(gateway: Gateway) -> None:
    """MUST allow string {operationName} parameter when accepting application/json"""
    query = "query Other { __typename } query Query { user(id: 1) { name } }"
    response = await post(gateway, {"operationName": "Query", "query": query}, accept=JSON)
    assert response.status_code == 200
    # The named operation, not the first one, ran.
    assert body_of(response) == {"data": {"user": {"name": "Ada Lovelace"}}}


@pytest.mark.parametrize(
    "parameter",
    ["variables", "operationName", "extensions"],
    ids=["94B0-variables", "94B1-operationName", "94B2-extensions"],
)
async def test_94bx(gateway: Gateway, parameter: str) -> None:
    """SHOULD allow null {variables|operationName|extensions} parameter when accepting
    application/graphql-response+json"""
    response = await post(gateway, {"query": TYPENAME, parameter: None}, accept=GQL_JSON)
    assert response.status_code == 200
    assert "errors" not in body_of(response)


@pytest.mark.parametrize(
    "parameter",
    ["variables", "operationName", "extensions"],
    ids=["0220-variables", "0221-operationName", "0222-extensions"],
)
async def test_022x(gateway: Gateway, parameter: str) -> None:
    """MUST allow null {variables|operationName|extensions} parameter when accepting
    application/json"""
    response = await post(gateway, {"query": TYPENAME, parameter: None}, accept=JSON)
    assert response.status_code == 200
    assert body_of(response) == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "invalid", INVALID_MAP, ids=["69B0-string", "69B1-number", "69B2-boolean", "69B3-array"]
)
async def test_69bx(gateway: Gateway, invalid: object) -> None:
    """SHOULD use 400 status code on {string|number|boolean|array} {variables} parameter
    when accepting application/graphql-response+json"""
    response = await post(gateway, {"query": TYPENAME, "variables": invalid}, accept=GQL_JSON)
    refused(response, GQL_JSON)


@pytest.mark.parametrize(
    "invalid", INVALID_MAP, ids=["F050-string", "F051-number", "F052-boolean", "F053-array"]
)
async def test_f05x(gateway: Gateway, invalid: object) -> None:
    """SHOULD use 200 status code with errors field on {string|number|boolean|array}
    {variables} parameter when accepting application/json

    Deviation: 400 with the errors field (issue 2; see the module docstring)."""
    response = await post(gateway, {"query": TYPENAME, "variables": invalid}, accept=JSON)
    assert refused(response)["errors"][0]["message"] == "variables must be an object or null"


async def test_2ea1(gateway: Gateway) -> None:
    """SHOULD allow map {variables} parameter when accepting application/graphql-response+json"""
    body = {"query": TYPE_BY_NAME, "variables": {"name": "User"}}
    response = await post(gateway, body, accept=GQL_JSON)
    assert response.status_code == 200
    assert body_of(response) == {"data": {"__type": {"name": "User"}}}


async def test_28b9(gateway: Gateway) -> None:
    """MUST allow map {variables} parameter when accepting application/json"""
    body = {"query": "query U($id: ID!) { user(id: $id) { name } }", "variables": {"id": "2"}}
    response = await post(gateway, body, accept=JSON)
    assert response.status_code == 200
    assert body_of(response) == {"data": {"user": {"name": "Alan Turing"}}}


async def test_d6d5(gateway: Gateway) -> None:
    """MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting
    application/graphql-response+json"""
    params = {"query": TYPE_BY_NAME, "variables": '{"name": "Query"}'}
    response = await gateway.client.get("/graphql", params=params, headers={"accept": GQL_JSON})
    assert response.status_code == 200
    assert media_type(response) == GQL_JSON
    assert body_of(response) == {"data": {"__type": {"name": "Query"}}}


async def test_6a70(gateway: Gateway) -> None:
    """MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting
    application/json"""
    params = {"query": "query U($id: ID!) { user(id: $id) { name } }", "variables": '{"id": 1}'}
    response = await gateway.client.get("/graphql", params=params, headers={"accept": JSON})
    assert response.status_code == 200
    assert body_of(response) == {"data": {"user": {"name": "Ada Lovelace"}}}


@pytest.mark.parametrize(
    "invalid", INVALID_MAP, ids=["9040-string", "9041-number", "9042-boolean", "9043-array"]
)
async def test_904x(gateway: Gateway, invalid: object) -> None:
    """SHOULD use 400 status code on {string|number|boolean|array} {extensions} parameter
    when accepting application/graphql-response+json"""
    response = await post(gateway, {"query": TYPENAME, "extensions": invalid}, accept=GQL_JSON)
    refused(response, GQL_JSON)


@pytest.mark.parametrize(
    "invalid", INVALID_MAP, ids=["3680-string", "3681-number", "3682-boolean", "3683-array"]
)
async def test_368x(gateway: Gateway, invalid: object) -> None:
    """SHOULD use 200 status code with errors field on {string|number|boolean|array}
    {extensions} parameter when accepting application/json

    Deviation: 400 with the errors field (issue 2; see the module docstring)."""
    response = await post(gateway, {"query": TYPENAME, "extensions": invalid}, accept=JSON)
    assert refused(response)["errors"][0]["message"] == "extensions must be an object or null"


async def test_428f(gateway: Gateway) -> None:
    """SHOULD allow map {extensions} parameter when accepting application/graphql-response+json"""
    body = {"query": TYPENAME, "extensions": {"some": "value"}}
    response = await post(gateway, body, accept=GQL_JSON)
    assert response.status_code == 200
    assert "errors" not in body_of(response)


async def test_1b7a(gateway: Gateway) -> None:
    """MUST allow map {extensions} parameter when accepting application/json"""
    body = {"query": TYPENAME, "extensions": {"some": "value"}}
    response = await post(gateway, body, accept=JSON)
    assert response.status_code == 200
    assert body_of(response) == {"data": {"__typename": "Query"}}


# -- Response: application/json ----------------------------------------------------------


async def test_d477(gateway: Gateway) -> None:
    """SHOULD use 200 status code on JSON parsing failure when accepting application/json

    Deviation: 400 with a GraphQL-shaped error (issue 2: malformed JSON answers 4xx; the
    body still carries the errors entry a legacy client reads)."""
    response = await post(gateway, b'{ "not a JSON', accept=JSON)
    assert "JSON" in refused(response)["errors"][0]["message"]


async def test_f5af(gateway: Gateway) -> None:
    """SHOULD use 200 status code if parameters are invalid when accepting application/json

    Deviation: 400 with the errors field (issue 2; see the module docstring)."""
    response = await post(gateway, {"qeury": TYPENAME}, accept=JSON)
    refused(response)


async def test_572b(gateway: Gateway) -> None:
    """SHOULD use 200 status code on document parsing failure when accepting application/json"""
    response = await post(gateway, {"query": "{"}, accept=JSON)
    assert response.status_code == 200
    body = body_of(response)
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["GRAPHQL_PARSE_FAILED"]


async def test_fde2(gateway: Gateway) -> None:
    """SHOULD use 200 status code on document validation failure when accepting
    application/json"""
    response = await post(gateway, {"query": UNKNOWN_FIELD}, accept=JSON)
    assert response.status_code == 200
    body = body_of(response)
    assert "data" not in body
    assert {e["extensions"]["code"] for e in body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}


# -- Response: application/graphql-response+json -----------------------------------------


async def test_60aa(gateway: Gateway) -> None:
    """SHOULD use 4xx or 5xx status codes on JSON parsing failure when accepting
    application/graphql-response+json"""
    response = await post(gateway, b'{ "not a JSON', accept=GQL_JSON)
    assert 400 <= response.status_code <= 499


async def test_2163(gateway: Gateway) -> None:
    """SHOULD use 400 status code on JSON parsing failure when accepting
    application/graphql-response+json"""
    response = await post(gateway, b'{ "not a JSON', accept=GQL_JSON)
    refused(response, GQL_JSON)


async def test_3e36(gateway: Gateway) -> None:
    """SHOULD use 4xx or 5xx status codes if parameters are invalid when accepting
    application/graphql-response+json"""
    response = await post(gateway, {"qeury": TYPENAME}, accept=GQL_JSON)
    assert 400 <= response.status_code <= 599


async def test_17c5(gateway: Gateway) -> None:
    """SHOULD use 400 status code if parameters are invalid when accepting
    application/graphql-response+json"""
    response = await post(gateway, {"qeury": TYPENAME}, accept=GQL_JSON)
    assert response.status_code == 400


async def test_34d6(gateway: Gateway) -> None:
    """SHOULD not contain the data entry if parameters are invalid when accepting
    application/graphql-response+json"""
    response = await post(gateway, {"qeury": TYPENAME}, accept=GQL_JSON)
    assert "data" not in refused(response, GQL_JSON)


async def test_865d(gateway: Gateway) -> None:
    """SHOULD use 4xx or 5xx status codes on document parsing failure when accepting
    application/graphql-response+json"""
    response = await post(gateway, {"query": "{"}, accept=GQL_JSON)
    assert 400 <= response.status_code <= 599


async def test_556a(gateway: Gateway) -> None:
    """SHOULD use 400 status code on document parsing failure when accepting
    application/graphql-response+json"""
    response = await post(gateway, {"query": "{"}, accept=GQL_JSON)
    assert response.status_code == 400
    assert media_type(response) == GQL_JSON


async def test_d586(gateway: Gateway) -> None:
    """SHOULD not contain the data entry on document parsing failure when accepting
    application/graphql-response+json"""
    response = await post(gateway, {"query": "{"}, accept=GQL_JSON)
    assert_graphql_error(
        response.status_code,
        response.headers["content-type"],
        response.content,
        400,
        "GRAPHQL_PARSE_FAILED",
        media_type=GQL_JSON,
    )


async def test_51fe(gateway: Gateway) -> None:
    """SHOULD use 4xx or 5xx status codes on document validation failure when accepting
    application/graphql-response+json"""
    body = {"query": UNKNOWN_FIELD}
    response = await post(gateway, body, accept=GQL_JSON)
    assert 400 <= response.status_code <= 599


async def test_74ff(gateway: Gateway) -> None:
    """SHOULD use 400 status code on document validation failure when accepting
    application/graphql-response+json"""
    body = {"query": UNKNOWN_FIELD}
    response = await post(gateway, body, accept=GQL_JSON)
    assert response.status_code == 400
    assert media_type(response) == GQL_JSON


async def test_5e5b(gateway: Gateway) -> None:
    """SHOULD not contain the data entry on document validation failure when accepting
    application/graphql-response+json"""
    body = {"query": UNKNOWN_FIELD}
    response = await post(gateway, body, accept=GQL_JSON)
    assert_graphql_error(
        response.status_code,
        response.headers["content-type"],
        response.content,
        400,
        "GRAPHQL_VALIDATION_FAILED",
        media_type=GQL_JSON,
    )


async def test_ee52(gateway: Gateway) -> None:
    """MUST use 2xx status code if response contains the data entry and it is not null
    when accepting application/graphql-response+json

    (Commented out in graphql-http for want of a partly failing server; our users
    service answers 500 for one id, so a field error sits beside non-null data.)"""
    query = f"{{ users(limit: 1) {{ name }} broken: user(id: {FAILING_USER_ID}) {{ name }} }}"
    response = await post(gateway, {"query": query}, accept=GQL_JSON)
    assert response.status_code == 200
    assert media_type(response) == GQL_JSON
    body = body_of(response)
    assert body["data"] == {"users": [{"name": "Ada Lovelace"}], "broken": None}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["broken"], "BACKEND_ERROR")
    ]
    assert_no_stack_trace(response.content)  # the backend's body is not passed on
