"""Contract tests for the reviews service, over real sockets."""

from __future__ import annotations

import httpx
import pytest

from tests.support.shop import ShopProcess


def get(shop: ShopProcess, target: str) -> httpx.Response:
    return httpx.get(shop.urls["reviews"] + target)


def test_reviews_of_one_product(shop: ShopProcess) -> None:
    reviews = get(shop, "/reviews?product_id=3").json()

    assert len(reviews) == 4
    for review in reviews:
        assert set(review) == {"id", "product_id", "rating", "body"}
        assert review["product_id"] == 3
        assert 1 <= review["rating"] <= 5


def test_batch_reviews_carry_their_product_id(shop: ShopProcess) -> None:
    batch = get(shop, "/reviews?product_ids=2,9999,1").json()

    assert [review["product_id"] for review in batch] == [2] * 4 + [1] * 4
    assert batch[4:] == get(shop, "/reviews?product_id=1").json()


def test_unknown_product_has_no_reviews(shop: ShopProcess) -> None:
    assert get(shop, "/reviews?product_id=501").json() == []


@pytest.mark.parametrize(
    "query", ["", "?product_id=x", "?product_id=1&product_ids=2", "?product_ids=1,2,", "?id=1"]
)
def test_bad_review_queries_are_a_json_400(shop: ShopProcess, query: str) -> None:
    response = get(shop, f"/reviews{query}")

    assert response.status_code == 400
    assert "error" in response.json()


def test_there_is_no_review_by_id_route(shop: ShopProcess) -> None:
    assert get(shop, "/reviews/1").status_code == 404
