"""The gateway over the real shop: fewest backend calls, correct answers, safe paths,
clear errors. Everything here crosses real sockets: client -> gateway process -> shop."""

from __future__ import annotations

import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from auth import generate_key, hash_key
from auth.api_keys import key_id
from tests.support.bodies import without_cost
from tests.support.gateway import GatewayProcess, free_port
from tests.support.shop import ShopProcess

#: createOrder is @authenticated: the mutation tests send this key.
MEMBER_KEY = generate_key()

BENCH_QUERY = (
    "{ users(limit: 10) { id name orders { id total items { quantity "
    "product { id name price reviews { rating } } } } } }"
)


def rest(shop: ShopProcess, service: str, path: str, **params: str | int) -> Any:
    response = httpx.get(f"{shop.urls[service]}{path}", params=params, timeout=10)
    response.raise_for_status()
    return response.json()


def expected_bench_answer(shop: ShopProcess, limit: int) -> dict[str, object]:
    """The benchmark query's answer, assembled straight from the REST services."""
    users = rest(shop, "users", "/users", limit=limit, offset=0)
    assert isinstance(users, list)
    orders = rest(shop, "orders", "/orders", user_ids=",".join(str(u["id"]) for u in users))
    assert isinstance(orders, list)
    product_ids = sorted({i["product_id"] for o in orders for i in o["items"]})
    products = rest(shop, "products", "/products", ids=",".join(map(str, product_ids)))
    reviews = rest(shop, "reviews", "/reviews", product_ids=",".join(map(str, product_ids)))
    assert isinstance(products, list) and isinstance(reviews, list)
    by_id = {p["id"]: p for p in products}

    def product(pid: int) -> dict[str, object]:
        p = by_id[pid]
        ratings = [{"rating": r["rating"]} for r in reviews if r["product_id"] == pid]
        return {"id": str(pid), "name": p["name"], "price": p["price"], "reviews": ratings}

    return {
        "users": [
            {
                "id": str(u["id"]),
                "name": u["name"],
                "orders": [
                    {
                        "id": str(o["id"]),
                        "total": o["total"],
                        "items": [
                            {"quantity": i["quantity"], "product": product(i["product_id"])}
                            for i in o["items"]
                        ],
                    }
                    for o in orders
                    if o["user_id"] == u["id"]
                ],
            }
            for u in users
        ]
    }


def calls(shop: ShopProcess) -> dict[str, int]:
    return {s: int(str(shop.stats(s)["requests"])) for s in shop.urls}


def test_benchmark_query_costs_exactly_four_backend_calls(
    gateway: GatewayProcess, shop: ShopProcess
) -> None:
    response = gateway.query(BENCH_QUERY)
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert calls(shop) == {"users": 1, "orders": 1, "products": 1, "reviews": 1}
    assert body["data"] == expected_bench_answer(shop, 10)


def test_batches_split_at_max_batch_size(shop: ShopProcess) -> None:
    """ceil(distinct keys / max_batch_size) calls per service and level, no more."""
    with GatewayProcess(shop.urls, env={"SWITCHYARD_CONNECTORS__MAX_BATCH_SIZE": "4"}) as gw:
        shop.reset()
        body = gw.query(BENCH_QUERY).json()
        assert "errors" not in body
        distinct_products = {
            item["product"]["id"]
            for user in body["data"]["users"]
            for order in user["orders"]
            for item in order["items"]
        }
        assert calls(shop) == {
            "users": 1,  # one page
            "orders": math.ceil(10 / 4),
            "products": math.ceil(len(distinct_products) / 4),
            "reviews": math.ceil(len(distinct_products) / 4),
        }
        shop.reset()
        body = gw.query("{ products(ids: [1, 2, 2, 3, 1, 4, 5, 999999]) { id } }").json()
        assert [p and p["id"] for p in body["data"]["products"]] == [
            "1", "2", "2", "3", "1", "4", "5", None
        ]  # fmt: skip
        assert calls(shop)["products"] == math.ceil(6 / 4)  # 6 distinct ids


def test_loaders_are_per_request(gateway: GatewayProcess, shop: ShopProcess) -> None:
    """Concurrent identical requests each pay their own calls: no cross-request cache."""
    query = "{ user(id: 7) { name orders { id } } }"
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: gateway.query(query).json(), range(4)))
    assert all(a == answers[0] and "errors" not in a for a in answers)
    assert calls(shop)["users"] == 4 and calls(shop)["orders"] == 4


def test_same_id_twice_in_one_request_is_fetched_once(
    gateway: GatewayProcess, shop: ShopProcess
) -> None:
    body = gateway.query('{ a: user(id: 3) { name } b: user(id: "3") { id } }').json()
    assert body["data"]["a"]["name"] and body["data"]["b"]["id"] == "3"
    assert calls(shop)["users"] == 1


@pytest.mark.parametrize(
    ("raw_id", "wire_segment"),
    [
        ("../admin", "%2E%2E%2Fadmin"),
        ("1?x=y", "1%3Fx%3Dy"),
        ("1#", "1%23"),
        ("%2e%2e", "%252e%252e"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("1/../../x", "1%2F%2E%2E%2F%2E%2E%2Fx"),
    ],
)
def test_path_parameters_reach_the_backend_as_one_literal_segment(
    gateway: GatewayProcess, shop: ShopProcess, raw_id: str, wire_segment: str
) -> None:
    response = gateway.query("query($id: ID!) { user(id: $id) { id } }", {"id": raw_id})
    assert without_cost(response.json()) == {"data": {"user": None}}
    assert shop.stats("users")["recent"] == [f"/users/{wire_segment}"]


def test_unknown_id_is_null_without_error(gateway: GatewayProcess) -> None:
    assert without_cost(
        gateway.query("{ user(id: 424242) { id } order(id: 0) { id } }").json()
    ) == {"data": {"user": None, "order": None}}


def test_out_of_range_limit_is_refused_before_any_backend_call(
    gateway: GatewayProcess, shop: ShopProcess
) -> None:
    """Written in the query: a validation error (400 with the new media type, no data).
    Passed as a variable (known only at execution): the field's error. Neither calls a service."""
    new_media = {"accept": "application/graphql-response+json"}
    for query in ("{ users(limit: 1000) { id } }", "{ users(limit: 0) { id } }"):
        response = httpx.post(gateway.graphql_url, json={"query": query}, headers=new_media)
        body = response.json()
        assert response.status_code == 400 and "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "limit must be between 1 and 100" in body["errors"][0]["message"]
    body = gateway.query("{ users(offset: -1) { id } }").json()
    assert body["errors"][0]["message"] == "offset must not be negative (got -1)"
    ids = ", ".join(str(i) for i in range(1, 102))
    body = gateway.query(f"{{ products(ids: [{ids}]) {{ id }} }}").json()
    assert body["errors"][0]["message"] == "ids may name at most 100 products (got 101)"

    by_variable = gateway.query("query($n: Int) { users(limit: $n) { id } }", {"n": 1000}).json()
    assert by_variable["data"] is None
    [error] = by_variable["errors"]
    assert error["path"] == ["users"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "limit must be between 1 and 100 (got 1000)"
    assert shop.total_requests() == 0


def test_failing_backend_gives_partial_data_and_names_the_service(shop: ShopProcess) -> None:
    urls = {**shop.urls, "reviews": f"http://127.0.0.1:{free_port()}"}  # nobody listens
    with GatewayProcess(urls) as gw:
        body = gw.query("{ user(id: 1) { name } product(id: 2) { name averageRating } }").json()
    assert body["data"]["user"]["name"]
    assert body["data"]["product"]["name"]
    assert body["data"]["product"]["averageRating"] is None
    [error] = body["errors"]
    assert error["path"] == ["product", "averageRating"]
    assert error["extensions"] == {"code": "BACKEND_UNAVAILABLE", "service": "reviews"}
    assert "Traceback" not in str(body) and "127.0.0.1" not in error["message"]


def test_slow_backend_times_out_with_its_name() -> None:
    with ShopProcess().start(latency_ms=800) as slow:
        env = {"SWITCHYARD_CONNECTORS__TIMEOUT_SECONDS": "0.2"}
        with GatewayProcess(slow.urls, env=env) as gw:
            body = gw.query("{ product(id: 1) { name } }").json()
    assert body["data"] == {"product": None}
    assert body["errors"][0]["extensions"] == {"code": "BACKEND_TIMEOUT", "service": "products"}


@pytest.fixture(scope="module")
def member_gateway(_shop_session: ShopProcess) -> Iterator[GatewayProcess]:
    entry = f'[{{id = "{key_id(MEMBER_KEY)}", hash = "{hash_key(MEMBER_KEY)}", client = "tests"}}]'
    with GatewayProcess(_shop_session.urls, env={"SWITCHYARD_AUTH__API_KEYS": entry}) as process:
        yield process


def test_create_order_round_trip(member_gateway: GatewayProcess, shop: ShopProcess) -> None:
    mutation = """mutation($input: CreateOrderInput!) {
      createOrder(input: $input) { id total user { id } items { quantity product { id price } } }
    }"""
    items = [{"productId": "5", "quantity": 2}, {"productId": "9", "quantity": 1}]
    response = httpx.post(
        member_gateway.graphql_url,
        json={"query": mutation, "variables": {"input": {"userId": "1000", "items": items}}},
        headers={"X-API-Key": MEMBER_KEY},
    )
    order = response.json()["data"]["createOrder"]
    prices = {p["id"]: p["price"] for p in rest(shop, "products", "/products", ids="5,9")}
    assert order["user"] == {"id": "1000"}
    assert order["total"] == pytest.approx(2 * prices[5] + prices[9])
    assert rest(shop, "orders", f"/orders/{order['id']}")["user_id"] == 1000


def test_create_order_refused_by_the_service_is_a_clear_client_error(
    member_gateway: GatewayProcess, shop: ShopProcess
) -> None:
    before = rest(shop, "orders", "/orders", user_id=1000)
    mutation = """mutation {
      createOrder(input: {userId: "1000", items: [{productId: "987654", quantity: 1}]}) { id }
    }"""
    body = httpx.post(
        member_gateway.graphql_url, json={"query": mutation}, headers={"X-API-Key": MEMBER_KEY}
    ).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "service": "orders"}
    assert body["errors"][0]["message"] == "unknown product (product_id: 987654)"
    assert rest(shop, "orders", "/orders", user_id=1000) == before


def test_mutation_over_get_is_refused(gateway: GatewayProcess) -> None:
    response = httpx.get(
        gateway.graphql_url,
        params={"query": 'mutation { createOrder(input: {userId: "1", items: []}) { id } }'},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
