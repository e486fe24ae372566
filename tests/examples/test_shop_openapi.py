"""Each service's OpenAPI document is valid and describes exactly the routes it serves."""

from __future__ import annotations

import re

import httpx
import pytest
from openapi_spec_validator import validate
from starlette.routing import Route

from examples.shop import SERVICES, create_app
from tests.support.shop import ShopProcess

_CONVERTOR = re.compile(r"\{(\w+):\w+\}")


def served_operations(service: str) -> set[tuple[str, str]]:
    """(path, method) pairs the app routes, minus HEAD (Starlette adds it to every GET)."""
    operations = set()
    for route in create_app(service).routes:
        assert isinstance(route, Route)
        if route.path == "/openapi.json" or route.path.startswith("/__"):
            continue
        path = _CONVERTOR.sub(r"{\1}", route.path)
        operations |= {(path, method.lower()) for method in route.methods or () if method != "HEAD"}
    return operations


def documented_operations(document: dict[str, object]) -> set[tuple[str, str]]:
    paths = document["paths"]
    assert isinstance(paths, dict)
    return {(path, method) for path, item in paths.items() for method in item}


@pytest.mark.parametrize("service", SERVICES)
def test_served_document_is_valid_openapi(shop: ShopProcess, service: str) -> None:
    response = httpx.get(f"{shop.urls[service]}/openapi.json")

    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"].startswith("3.")


@pytest.mark.parametrize("service", SERVICES)
def test_document_describes_exactly_the_served_routes(shop: ShopProcess, service: str) -> None:
    document = httpx.get(f"{shop.urls[service]}/openapi.json").json()

    assert documented_operations(document) == served_operations(service)
    assert shop.stats(service)["requests"] == 0  # the document is not an API request


def test_expected_operations_are_documented() -> None:
    # Guards the comparison above against both sides losing a route together.
    everything = set().union(*(served_operations(service) for service in SERVICES))
    assert everything == {
        ("/users", "get"),
        ("/users/{id}", "get"),
        ("/orders", "get"),
        ("/orders", "post"),
        ("/orders/{id}", "get"),
        ("/products", "get"),
        ("/products/{id}", "get"),
        ("/reviews", "get"),
    }


def test_every_body_has_a_schema(shop: ShopProcess) -> None:
    document = httpx.get(f"{shop.urls['orders']}/openapi.json").json()
    post = document["paths"]["/orders"]["post"]

    assert post["requestBody"]["content"]["application/json"]["schema"]["required"] == [
        "user_id",
        "items",
    ]
    for operation in (post, document["paths"]["/orders"]["get"]):
        for response in operation["responses"].values():
            assert "schema" in response["content"]["application/json"]
