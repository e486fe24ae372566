"""Assertions shared by the in-process and real-socket GraphQL-over-HTTP tests.

Example::

    body = assert_graphql_error(status, content_type, raw_body, 400, "BAD_REQUEST")
    assert "JSON" in body["errors"][0]["message"]
"""

from __future__ import annotations

import json
from typing import Any

import httpx

#: What a leaked Python stack trace looks like in a response body.
TRACE_MARKERS = ("Traceback (most recent call last)", 'File "', '.py", line ')


def assert_no_stack_trace(body: bytes | str) -> None:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    for marker in TRACE_MARKERS:
        assert marker not in text, f"stack trace in response: {text[:500]}"


def assert_graphql_error(
    status: int,
    content_type: str | None,
    body: bytes,
    expected_status: int,
    expected_code: str,
    *,
    media_type: str = "application/json",
) -> dict[str, Any]:
    """A refused request: the status, a JSON body ``{"errors": [{"message", "extensions":
    {"code"}}]}`` without ``data``, no stack trace. Returns the decoded body."""
    assert status == expected_status, (status, body[:300])
    assert content_type is not None
    assert content_type.split(";")[0].strip() == media_type, content_type
    assert "charset=utf-8" in content_type.replace(" ", "").lower(), content_type
    assert_no_stack_trace(body)
    decoded: dict[str, Any] = json.loads(body.decode("utf-8"))
    assert set(decoded) == {"errors"}, decoded
    errors = decoded["errors"]
    assert isinstance(errors, list) and len(errors) >= 1, decoded
    for error in errors:
        assert isinstance(error["message"], str) and error["message"], error
        assert error["extensions"]["code"] == expected_code, error
    return decoded


def assert_error_response(
    response: httpx.Response,
    expected_status: int,
    expected_code: str,
    *,
    media_type: str = "application/json",
) -> dict[str, Any]:
    """:func:`assert_graphql_error` for an httpx response."""
    return assert_graphql_error(
        response.status_code,
        response.headers.get("content-type"),
        response.content,
        expected_status,
        expected_code,
        media_type=media_type,
    )
