"""The GraphQL-over-HTTP refusals over real HTTP: the real app served by uvicorn on a
free 127.0.0.1 port, the real shop behind it, requests written byte by byte on a socket
(so nothing in a client library tidies them up first).

Proves what the in-process tests cannot: uvicorn's HTTP parser, a chunked body that
really arrives in pieces, an oversize upload refused while it is still being sent, and
a connection that is closed (not reused) after a body was left unread.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from gateway import create_app
from settings import load_settings
from tests.support.bodies import without_cost
from tests.support.graphql_http import (
    assert_error_response,
    assert_graphql_error,
    assert_no_stack_trace,
)
from tests.support.shop import SERVICES, ShopProcess

MAX_BODY_BYTES = 256 * 1024
GQL_JSON = "application/graphql-response+json"
CREATE_ORDER = (
    "mutation { createOrder(input: {userId: 1, items: [{productId: 1, quantity: 1}]}) { id } }"
)


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def graphql_error(
        self, status: int, code: str, media_type: str = "application/json"
    ) -> dict[str, Any]:
        return assert_graphql_error(
            self.status,
            self.headers.get("content-type"),
            self.body,
            status,
            code,
            media_type=media_type,
        )


@pytest.fixture(scope="module")
def gateway_port(_shop_session: ShopProcess) -> Iterator[int]:
    """The gateway in a uvicorn server thread, on a socket bound to a free port."""
    environ = {
        f"SWITCHYARD_SERVICES__{s.upper()}__BASE_URL": _shop_session.urls[s] for s in SERVICES
    }
    environ |= {
        "SWITCHYARD_GRAPHQL__GRAPHIQL": "false",  # the endpoint, not the IDE, is under test
        "SWITCHYARD_SERVER__MAX_BODY_BYTES": str(MAX_BODY_BYTES),
    }
    app = create_app(load_settings(None, environ))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail("uvicorn did not start within 15 s")
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def exchange(port: int, head: bytes, body_parts: Iterable[bytes] = ()) -> RawResponse:
    """Send ``head`` then each body part (stopping if the server hangs up), read one response."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        return _send_and_read(conn, head, body_parts)


def exchange_then_close(port: int, head: bytes, body_parts: Iterable[bytes] = ()) -> RawResponse:
    """Like :func:`exchange`, and assert the server closed the connection afterwards."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        response = _send_and_read(conn, head, body_parts)
        # A reset means it closed with unread data in its buffer: closed all the same.
        with contextlib.suppress(ConnectionResetError):
            assert conn.recv(1) == b"", "connection left open after an unread body"
        return response


def exchange_twice(port: int, first: bytes, second: bytes) -> tuple[RawResponse, RawResponse]:
    """Two requests on one keep-alive connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        return _send_and_read(conn, first, ()), _send_and_read(conn, second, ())


def _send_and_read(conn: socket.socket, head: bytes, body_parts: Iterable[bytes]) -> RawResponse:
    conn.sendall(head)
    for part in body_parts:
        try:
            conn.sendall(part)
        except (BrokenPipeError, ConnectionResetError):
            break  # refused mid-upload; its answer is already on the way
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head_bytes.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers["content-length"])  # Starlette sets it on every response here
    while len(body) < length:
        chunk = conn.recv(65536)
        assert chunk, "connection closed mid-body"
        body += chunk
    return RawResponse(int(status_line.split()[1]), headers, body[:length])


def post_head(length: int | None, *, accept: str = "application/json", extra: str = "") -> bytes:
    framing = (
        f"Content-Length: {length}\r\n" if length is not None else "Transfer-Encoding: chunked\r\n"
    )
    return (
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Accept: {accept}\r\n{framing}{extra}\r\n"
    ).encode("latin-1")


def post_raw(port: int, body: bytes, *, accept: str = "application/json") -> RawResponse:
    return exchange(port, post_head(len(body), accept=accept) + body)


def chunked(total: int, size: int = 16384) -> Iterator[bytes]:
    yield b'%x\r\n{"query": "{ __typename }", "pad": "\r\n' % len(
        b'{"query": "{ __typename }", "pad": "'
    )
    for start in range(0, total, size):
        n = min(size, total - start)
        yield b"%x\r\n" % n + b"x" * n + b"\r\n"
    yield b'2\r\n"}\r\n0\r\n\r\n'


def test_a_real_query_reaches_the_shop(gateway_port: int, shop: ShopProcess) -> None:
    response = httpx.get(
        f"http://127.0.0.1:{gateway_port}/graphql",
        params={"query": "{ users(limit: 2) { id name } }"},
    )
    assert response.status_code == 200
    users = response.json()["data"]["users"]
    assert [u["id"] for u in users] == ["1", "2"]
    assert all(u["name"] for u in users)
    assert shop.stats("users")["requests"] == 1


@pytest.mark.parametrize("accept", ["application/json", GQL_JSON])
def test_malformed_json_is_400(gateway_port: int, accept: str) -> None:
    bad, good = b'{ "not a JSON', b'{"query": "{ __typename }"}'
    first, second = exchange_twice(
        gateway_port,
        post_head(len(bad), accept=accept) + bad,
        post_head(len(good), accept=accept) + good,
    )
    first.graphql_error(400, "BAD_REQUEST", media_type=accept)
    # A refused request does not poison the connection: the next one is served on it.
    assert second.status == 200
    assert without_cost(json.loads(second.body)) == {"data": {"__typename": "Query"}}


def test_invalid_utf8_is_400(gateway_port: int) -> None:
    post_raw(gateway_port, b'{"query": "{ __typename \xff\xfe }"}').graphql_error(
        400, "BAD_REQUEST"
    )


def test_deeply_nested_json_is_400(gateway_port: int) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    assert len(body) < MAX_BODY_BYTES
    post_raw(gateway_port, body).graphql_error(400, "BAD_REQUEST")


def test_parse_error_with_graphql_response_json_is_400(gateway_port: int) -> None:
    response = post_raw(gateway_port, b'{"query": "{"}', accept=GQL_JSON)
    response.graphql_error(400, "GRAPHQL_PARSE_FAILED", media_type=GQL_JSON)


def test_oversize_body_with_content_length_is_refused_before_upload(gateway_port: int) -> None:
    """Only the head is sent: the 413 must come without the server waiting for the body."""
    response = exchange_then_close(gateway_port, post_head(MAX_BODY_BYTES + 1))
    response.graphql_error(413, "BAD_REQUEST")


def test_oversize_chunked_body_is_413(gateway_port: int) -> None:
    # The connection must close: the unread rest must not be parsed as a next request.
    response = exchange_then_close(
        gateway_port, post_head(None), chunked(MAX_BODY_BYTES + 64 * 1024)
    )
    response.graphql_error(413, "BAD_REQUEST")
    assert response.headers["connection"] == "close"


def test_chunked_body_under_the_limit_is_served(gateway_port: int) -> None:
    response = exchange(gateway_port, post_head(None), chunked(64 * 1024))
    assert response.status == 200, response.body[:300]
    assert without_cost(json.loads(response.body)) == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("accept", ["application/json", GQL_JSON])
def test_mutation_over_get_is_405_and_never_runs(
    gateway_port: int, shop: ShopProcess, accept: str
) -> None:
    response = httpx.get(
        f"http://127.0.0.1:{gateway_port}/graphql",
        params={"query": CREATE_ORDER},
        headers={"accept": accept},
    )
    assert_error_response(
        response,
        405,
        "BAD_REQUEST",
        media_type=accept,
    )
    assert response.headers["allow"] == "POST"
    assert shop.total_requests() == 0


def test_unknown_method_is_405_with_allow(gateway_port: int) -> None:
    head = b"BREW /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
    response = exchange(gateway_port, head)
    response.graphql_error(405, "BAD_REQUEST")
    assert response.headers["allow"] == "GET, POST"


def test_missing_content_type_is_415(gateway_port: int) -> None:
    body = b'{"query": "{ __typename }"}'
    head = f"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    response = exchange(gateway_port, head + body)
    response.graphql_error(415, "BAD_REQUEST")
    assert_no_stack_trace(response.body)
