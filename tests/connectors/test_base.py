"""The shared REST connector, network-free with httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from connectors import ProductsConnector, UsersConnector, encode_segment
from errors import BackendError, BackendRejected, BackendTimeout, BackendUnavailable


def users(handler: Callable[[httpx.Request], httpx.Response], **kw: Any) -> UsersConnector:
    client = httpx.AsyncClient(base_url="http://users.test", transport=httpx.MockTransport(handler))
    return UsersConnector(client, **kw)


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("../admin", "%2E%2E%2Fadmin"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("%2e%2e", "%252e%252e"),
        ("1?x=y", "1%3Fx%3Dy"),
        ("1#", "1%23"),
        ("a b/c", "a%20b%2Fc"),
        (42, "42"),
    ],
)
def test_encode_segment_keeps_every_value_one_literal_segment(value: object, segment: str) -> None:
    assert encode_segment(value) == segment


async def test_path_parameter_is_sent_encoded_not_normalised() -> None:
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        return httpx.Response(404, json={"error": "nope"})

    assert await users(handler).get_user("../../admin?x=1") is None
    assert seen == [b"/users/%2E%2E%2F%2E%2E%2Fadmin%3Fx%3D1"]


@pytest.mark.parametrize(
    ("response", "error", "code"),
    [
        (httpx.Response(500, text="Traceback: secret"), BackendError, "BACKEND_ERROR"),
        (httpx.Response(400, json={"error": "x"}), BackendError, "BACKEND_ERROR"),
        (httpx.Response(200, text="not json"), BackendError, "BACKEND_ERROR"),
        (httpx.Response(200, json={"id": 1}), BackendError, "BACKEND_ERROR"),  # missing fields
    ],
)
async def test_bad_answers_become_backend_errors_without_internals(
    response: httpx.Response, error: type[BackendError], code: str
) -> None:
    with pytest.raises(error) as raised:
        await users(lambda _: response).get_user("1")
    assert raised.value.extensions() == {"code": code, "service": "users"}
    assert "secret" not in raised.value.message and "Traceback" not in raised.value.message


async def test_timeouts_and_connection_failures_are_named() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(BackendTimeout):
        await users(timeout).get_user("1")
    with pytest.raises(BackendUnavailable) as raised:
        await users(refused).get_user("1")
    assert raised.value.extensions() == {"code": "BACKEND_UNAVAILABLE", "service": "users"}


async def test_batches_are_split_deduplicated_and_returned_in_key_order() -> None:
    batches: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["ids"]
        batches.append(ids)
        return httpx.Response(
            200,
            json=[
                {"id": int(i), "name": f"n{i}", "email": "e"} for i in ids.split(",") if i != "4"
            ],
        )

    found = await users(handler, max_batch_size=2).users_by_ids([3, 1, 3, 4, 2, 5])
    assert [u.id if u else None for u in found] == [3, 1, 3, None, 2, 5]
    # distinct keys in first-seen order, in chunks of two: each key asked exactly once
    assert sorted(batches) == ["3,1", "4,2", "5"]


async def test_a_single_key_uses_the_path_lookup() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/products/7"
        return httpx.Response(200, json={"id": 7, "name": "p", "price": 1.5})

    client = httpx.AsyncClient(base_url="http://p.test", transport=httpx.MockTransport(handler))
    [product] = await ProductsConnector(client).products_by_ids([7])
    assert product is not None and product.price == 1.5


async def test_rejection_carries_the_services_reason() -> None:
    from connectors import NewOrder, OrderItemRecord, OrdersConnector

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json={"error": "unknown user", "user_id": 9, "nested": {"x": 1}})

    client = httpx.AsyncClient(base_url="http://o.test", transport=httpx.MockTransport(handler))
    with pytest.raises(BackendRejected) as raised:
        await OrdersConnector(client).create_order(NewOrder(9, (OrderItemRecord(1, 1),)))
    assert raised.value.message == "unknown user (user_id: 9)"
    assert raised.value.extensions() == {"code": "BAD_USER_INPUT", "service": "orders"}
