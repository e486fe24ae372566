"""``/__stats`` and ``/__reset``: exact counts under concurrency and raw request targets."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.shop import ShopProcess


async def test_counts_are_exact_under_100_concurrent_requests(shop: ShopProcess) -> None:
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=100)) as client:
        targets = [f"{shop.urls['products']}/products/{i}" for i in range(1, 101)]
        responses = await asyncio.gather(*(client.get(target) for target in targets))

    assert all(response.status_code == 200 for response in responses)
    stats = shop.stats("products")
    assert stats["service"] == "products"
    assert stats["requests"] == 100
    assert sorted(stats["recent"]) == sorted(f"/products/{i}" for i in range(1, 101))
    assert shop.total_requests() == 100  # nothing reached the other services


def test_recent_holds_raw_targets_exactly_as_sent(shop: ShopProcess) -> None:
    base = shop.urls["users"]
    httpx.get(f"{base}/users/%2E%2E%2Fadmin")
    httpx.get(f"{base}/users?ids=1%2C2,3&x=%41")
    httpx.get(f"{base}/users/%7e")

    assert shop.stats("users")["recent"] == [
        "/users/%2E%2E%2Fadmin",
        "/users?ids=1%2C2,3&x=%41",
        "/users/%7e",
    ]


def test_errors_count_but_admin_and_openapi_do_not(shop: ShopProcess) -> None:
    base = shop.urls["orders"]
    httpx.get(f"{base}/orders/999999")
    httpx.post(f"{base}/orders", content=b"nope")
    httpx.get(f"{base}/openapi.json")
    httpx.get(f"{base}/__stats")

    stats = shop.stats("orders")
    assert stats["requests"] == 2
    assert stats["recent"] == ["/orders/999999", "/orders"]


def test_recent_keeps_only_the_last_100(shop: ShopProcess) -> None:
    with httpx.Client(base_url=shop.urls["reviews"]) as client:
        for i in range(1, 106):
            client.get(f"/reviews?product_id={i}")

    stats = shop.stats("reviews")
    assert stats["requests"] == 105
    assert len(stats["recent"]) == 100
    assert stats["recent"][0] == "/reviews?product_id=6"
    assert stats["recent"][-1] == "/reviews?product_id=105"


def test_reset_zeroes_counter_and_recent(shop: ShopProcess) -> None:
    httpx.get(f"{shop.urls['users']}/users/1")

    reset = httpx.post(f"{shop.urls['users']}/__reset")

    assert reset.status_code == 200
    assert shop.stats("users") == {"service": "users", "requests": 0, "recent": []}


def test_admin_routes_reject_other_methods(shop: ShopProcess) -> None:
    assert httpx.post(f"{shop.urls['users']}/__stats").status_code == 405
    assert httpx.get(f"{shop.urls['users']}/__reset").status_code == 405


def test_each_request_is_logged_with_its_traceparent(shop: ShopProcess) -> None:
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    httpx.get(f"{shop.urls['reviews']}/reviews?product_id=77", headers={"traceparent": traceparent})
    httpx.get(f"{shop.urls['reviews']}/reviews?product_id=78")

    lines = shop.log_text().splitlines()
    assert any(
        line.endswith(f"GET /reviews?product_id=77 200 traceparent={traceparent}") for line in lines
    )
    assert any(line.endswith("GET /reviews?product_id=78 200") for line in lines)
