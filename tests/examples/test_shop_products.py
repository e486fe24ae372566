"""Contract tests for the products service, over real sockets."""

from __future__ import annotations

import httpx
import pytest

from tests.support.shop import ShopProcess


def get(shop: ShopProcess, target: str) -> httpx.Response:
    return httpx.get(shop.urls["products"] + target)


def test_get_product_by_id(shop: ShopProcess) -> None:
    product = get(shop, "/products/500").json()

    assert set(product) == {"id", "name", "price"}
    assert product["id"] == 500
    assert isinstance(product["price"], float)
    assert product["price"] == round(product["price"], 2) > 0


def test_batch_fetch_products(shop: ShopProcess) -> None:
    products = get(shop, "/products?ids=2,501,1").json()

    assert [product["id"] for product in products] == [2, 1]
    assert products[1] == get(shop, "/products/1").json()


@pytest.mark.parametrize("target", ["/products/501", "/products/-1", "/products/x%2Fy"])
def test_unknown_product_is_a_json_404(shop: ShopProcess, target: str) -> None:
    response = get(shop, target)

    assert response.status_code == 404
    assert response.json()["error"] == "product not found"


@pytest.mark.parametrize("query", ["", "?ids=a", "?limit=10", "?ids=1&ids=2"])
def test_listing_needs_a_valid_ids_parameter(shop: ShopProcess, query: str) -> None:
    response = get(shop, f"/products{query}")

    assert response.status_code == 400
    assert "error" in response.json()
