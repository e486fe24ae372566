"""The reviews service: reviews of one product, or of several in one batch.

Example::

    app = create_app(generate())
    # GET /reviews?product_id=1, GET /reviews?product_ids=1,2
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from examples.shop.app import build_app
from examples.shop.data import Dataset
from examples.shop.endpoints import by_key, by_keys, collection_endpoint
from examples.shop.openapi import reviews_document


def create_app(data: Dataset, latency_ms: float = 0) -> Starlette:
    """The reviews service over ``data``; read-only, so it shares ``data`` freely."""
    groups = data.reviews_by_product_id
    selectors = [by_key(groups, "product_id"), by_keys(groups, "product_ids")]
    routes = [Route("/reviews", collection_endpoint(selectors), methods=["GET"])]
    return build_app("reviews", routes, document=reviews_document(), latency_ms=latency_ms)
