"""The list of shop services, their default ports, and the one factory that builds any of them.

Kept apart from ``__init__`` so that ``server`` can use it without importing the package
facade (which re-exports ``server`` itself).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette

from examples.shop import orders, products, reviews, users
from examples.shop.data import Dataset, shared_dataset

SERVICES = ("users", "orders", "products", "reviews")
DEFAULT_PORTS = {"users": 8101, "orders": 8102, "products": 8103, "reviews": 8104}

_FACTORIES: dict[str, Callable[..., Starlette]] = {
    "users": users.create_app,
    "orders": orders.create_app,
    "products": products.create_app,
    "reviews": reviews.create_app,
}


def create_app(service: str, *, latency_ms: float = 0, data: Dataset | None = None) -> Starlette:
    """A new app for ``service`` over ``data`` (default: the process's shared dataset).

    Each call gets its own request counters and, for orders, its own order book.

    Example::

        app = create_app("reviews", latency_ms=10)
    """
    try:
        factory = _FACTORIES[service]
    except KeyError:
        raise ValueError(f"unknown service {service!r}; expected one of {SERVICES}") from None
    return factory(data if data is not None else shared_dataset(), latency_ms=latency_ms)
