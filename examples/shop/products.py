"""The products service: fetch one product or batch-fetch by ids.

There is deliberately no unfiltered listing: the contract has none, and the gateway
only ever reaches products through orders.

Example::

    app = create_app(generate())
    # GET /products/3, GET /products?ids=1,2
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from examples.shop.app import build_app
from examples.shop.data import Dataset
from examples.shop.endpoints import by_ids, collection_endpoint, item_endpoint
from examples.shop.openapi import products_document


def create_app(data: Dataset, latency_ms: float = 0) -> Starlette:
    """The products service over ``data``; read-only, so it shares ``data`` freely."""
    routes = [
        Route("/products", collection_endpoint([by_ids(data.products_by_id)]), methods=["GET"]),
        Route(
            "/products/{id:path}", item_endpoint("product", data.products_by_id), methods=["GET"]
        ),
    ]
    return build_app("products", routes, document=products_document(), latency_ms=latency_ms)
