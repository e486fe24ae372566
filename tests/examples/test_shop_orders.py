"""Contract tests for the orders service, including POST validation and atomicity.

Orders are only ever placed for ``BUYER`` so that other tests can rely on every other
user still having exactly the five generated orders.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.shop import ShopProcess

BUYER = 1000


def get(shop: ShopProcess, target: str) -> httpx.Response:
    return httpx.get(shop.urls["orders"] + target)


def post(shop: ShopProcess, **kwargs: Any) -> httpx.Response:
    return httpx.post(shop.urls["orders"] + "/orders", **kwargs)


def test_orders_of_one_user(shop: ShopProcess) -> None:
    orders = get(shop, "/orders?user_id=1").json()

    assert len(orders) == 5
    for order in orders:
        assert set(order) == {"id", "user_id", "total", "items"}
        assert order["user_id"] == 1
        assert len(order["items"]) == 3
        assert all(set(item) == {"product_id", "quantity"} for item in order["items"])


def test_order_total_is_the_sum_of_product_prices(shop: ShopProcess) -> None:
    order = get(shop, "/orders/1").json()
    ids = ",".join(str(item["product_id"]) for item in order["items"])
    prices = {
        p["id"]: p["price"] for p in httpx.get(f"{shop.urls['products']}/products?ids={ids}").json()
    }

    expected = sum(prices[item["product_id"]] * item["quantity"] for item in order["items"])
    assert order["total"] == pytest.approx(expected, abs=0.001)


def test_batch_orders_by_user_ids(shop: ShopProcess) -> None:
    orders = get(shop, "/orders?user_ids=2,1001,1").json()

    assert [order["user_id"] for order in orders] == [2] * 5 + [1] * 5
    assert orders[5:] == get(shop, "/orders?user_id=1").json()


def test_get_order_by_id_and_unknown_order(shop: ShopProcess) -> None:
    assert get(shop, "/orders/5").json()["id"] == 5
    missing = get(shop, "/orders/%2E%2E%2Fadmin")
    assert missing.status_code == 404
    assert missing.json() == {"error": "order not found", "id": "../admin"}


@pytest.mark.parametrize("query", ["", "?user_id=", "?user_ids=1;2", "?user_id=1&user_ids=2"])
def test_bad_order_queries_are_a_json_400(shop: ShopProcess, query: str) -> None:
    response = get(shop, f"/orders{query}")

    assert response.status_code == 400
    assert "error" in response.json()


def test_post_order_computes_total_and_is_readable_afterwards(shop: ShopProcess) -> None:
    before = get(shop, f"/orders?user_id={BUYER}").json()
    prices = {
        p["id"]: p["price"] for p in httpx.get(f"{shop.urls['products']}/products?ids=4,9").json()
    }
    body = {
        "user_id": BUYER,
        "items": [{"product_id": 4, "quantity": 2}, {"product_id": 9, "quantity": 1}],
    }

    response = post(shop, json=body)

    assert response.status_code == 201
    order = response.json()
    assert order["user_id"] == BUYER
    assert order["items"] == body["items"]
    assert order["total"] == pytest.approx(prices[4] * 2 + prices[9], abs=0.001)
    assert order["id"] > 5000
    assert get(shop, f"/orders/{order['id']}").json() == order
    assert get(shop, f"/orders?user_id={BUYER}").json() == [*before, order]


VALID_ITEM = {"product_id": 1, "quantity": 1}


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b'{"user_id": 1000, "items": [{"product_id": 1, "quantity": 1}]} trailing',
        b"[]",
        b'"text"',
        b"{}",
    ],
)
def test_post_rejects_bodies_that_are_not_an_order_object(
    shop: ShopProcess, content: bytes
) -> None:
    before = get(shop, f"/orders?user_ids={BUYER}").json()

    response = post(shop, content=content, headers={"content-type": "application/json"})

    assert response.status_code == 422
    assert isinstance(response.json()["error"], str)
    assert get(shop, f"/orders?user_ids={BUYER}").json() == before


@pytest.mark.parametrize(
    "body",
    [
        {"user_id": BUYER},
        {"items": [VALID_ITEM]},
        {"user_id": str(BUYER), "items": [VALID_ITEM]},
        {"user_id": True, "items": [VALID_ITEM]},
        {"user_id": 1000.0, "items": [VALID_ITEM]},
        {"user_id": BUYER, "items": []},
        {"user_id": BUYER, "items": VALID_ITEM},
        {"user_id": BUYER, "items": [VALID_ITEM] * 101},
        {"user_id": BUYER, "items": [{"product_id": 1, "quantity": 0}]},
        {"user_id": BUYER, "items": [{"product_id": 1, "quantity": -3}]},
        {"user_id": BUYER, "items": [{"product_id": 1, "quantity": 10**30}]},
        {"user_id": BUYER, "items": [{"product_id": 1}]},
        {"user_id": BUYER, "items": [{**VALID_ITEM, "price": 0}]},
        {"user_id": BUYER, "items": [VALID_ITEM], "total": 0.01},
        {"user_id": BUYER, "items": ["1"]},
        {"user_id": 1001, "items": [VALID_ITEM]},
        # Unknown product after a valid one: nothing may be written for the first item.
        {"user_id": BUYER, "items": [VALID_ITEM, {"product_id": 501, "quantity": 1}]},
    ],
)
def test_post_rejects_invalid_orders_and_writes_nothing(shop: ShopProcess, body: object) -> None:
    before = get(shop, f"/orders?user_id={BUYER}").json()

    response = post(shop, json=body)

    assert response.status_code == 422, response.text
    assert isinstance(response.json()["error"], str)
    assert get(shop, f"/orders?user_id={BUYER}").json() == before


def test_post_rejects_an_oversized_body(shop: ShopProcess) -> None:
    response = post(shop, content=b"[" + b"1," * 40_000 + b"1]")

    assert response.status_code == 413
    assert "error" in response.json()
