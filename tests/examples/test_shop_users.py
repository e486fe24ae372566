"""Contract tests for the users service, over real sockets against ``python -m examples.shop``."""

from __future__ import annotations

import httpx
import pytest

from tests.support.shop import ShopProcess


def get(shop: ShopProcess, target: str) -> httpx.Response:
    return httpx.get(shop.urls["users"] + target)


def test_get_user_by_id(shop: ShopProcess) -> None:
    response = get(shop, "/users/7")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    user = response.json()
    assert set(user) == {"id", "name", "email"}
    assert user["id"] == 7
    assert user["email"].endswith("7@example.com")


def test_page_through_users_with_limit_and_offset(shop: ShopProcess) -> None:
    page = get(shop, "/users?limit=3&offset=10").json()
    last = get(shop, "/users?limit=1000&offset=990").json()
    beyond = get(shop, "/users?offset=1000").json()

    assert [user["id"] for user in page] == [11, 12, 13]
    assert [user["id"] for user in last] == list(range(991, 1001))
    assert beyond == []
    assert len(get(shop, "/users").json()) == 100  # default page size


def test_batch_fetch_keeps_request_order_and_omits_unknown_ids(shop: ShopProcess) -> None:
    response = get(shop, "/users?ids=3,1,5000,2,3")

    assert response.status_code == 200
    assert [user["id"] for user in response.json()] == [3, 1, 2]
    assert response.json()[1] == get(shop, "/users/1").json()


def test_all_one_thousand_users_exist(shop: ShopProcess) -> None:
    ids = ",".join(str(i) for i in range(1, 1001))
    users = get(shop, f"/users?ids={ids}").json()

    assert [user["id"] for user in users] == list(range(1, 1001))
    assert len({user["email"] for user in users}) == 1000


@pytest.mark.parametrize(
    "target", ["/users/0", "/users/1001", "/users/abc", "/users/%2E%2E%2Fadmin", "/users/1.0"]
)
def test_unknown_or_non_integer_id_is_a_json_404(shop: ShopProcess, target: str) -> None:
    response = get(shop, target)

    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "user not found"
    assert body["id"] == httpx.URL(shop.urls["users"] + target).path.removeprefix("/users/")


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=1001",
        "limit=x",
        "offset=-1",
        "ids=1,x",
        "ids=",
        "ids=1,,2",
        "ids=%201",
        "ids=" + ",".join(["1"] * 1001),
        "ids=1&limit=5",
        "limt=5",
        "limit=5&limit=6",
    ],
)
def test_bad_query_parameters_are_a_json_400(shop: ShopProcess, query: str) -> None:
    response = get(shop, f"/users?{query}")

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert isinstance(response.json()["error"], str)


def test_unrouted_paths_and_methods_answer_json(shop: ShopProcess) -> None:
    missing = get(shop, "/nothing-here")
    wrong_method = httpx.delete(shop.urls["users"] + "/users/1")

    assert missing.status_code == 404
    assert missing.json() == {"error": "not found"}
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"error": "method not allowed"}
