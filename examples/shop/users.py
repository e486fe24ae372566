"""The users service: page through users, fetch one, or batch-fetch by ids.

Example::

    app = create_app(generate())
    # GET /users?limit=2&offset=10, GET /users/7, GET /users?ids=1,2,3
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from examples.shop.app import build_app
from examples.shop.data import Dataset
from examples.shop.endpoints import by_ids, collection_endpoint, item_endpoint, paged
from examples.shop.openapi import users_document


def create_app(data: Dataset, latency_ms: float = 0) -> Starlette:
    """The users service over ``data``; read-only, so it shares ``data`` freely."""
    routes = [
        Route(
            "/users",
            collection_endpoint([by_ids(data.users_by_id)], default=paged(data.users)),
            methods=["GET"],
        ),
        Route("/users/{id:path}", item_endpoint("user", data.users_by_id), methods=["GET"]),
    ]
    return build_app("users", routes, document=users_document(), latency_ms=latency_ms)
