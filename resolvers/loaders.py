"""The per-request loader set: one aiodataloader per (service, key).

Built in the context getter for every request, so two requests never share cached
objects. aiodataloader forgets failed keys, so a retry asks the backend again.

Usage::

    loaders = build_loaders(connectors)
    user = await loaders.user.load(5)
"""

from __future__ import annotations

from dataclasses import dataclass

from aiodataloader import DataLoader

from connectors import Connectors, OrderRecord, ProductRecord, ReviewRecord, UserRecord
from connectors.base import Key

__all__ = ["Loaders", "build_loaders"]


@dataclass(frozen=True, slots=True)
class Loaders:
    user: DataLoader[Key, UserRecord | None]
    order: DataLoader[Key, OrderRecord | None]
    product: DataLoader[Key, ProductRecord | None]
    orders_of_user: DataLoader[int, list[OrderRecord]]
    reviews_of_product: DataLoader[int, list[ReviewRecord]]


def build_loaders(connectors: Connectors, *, batching: bool = True) -> Loaders:
    """One loader per lookup; ``batching=False`` sends one backend call per key
    (kept only so the benchmark can show what batching saves)."""
    return Loaders(
        user=DataLoader(connectors.users.users_by_ids, batch=batching),
        order=DataLoader(connectors.orders.orders_by_ids, batch=batching),
        product=DataLoader(connectors.products.products_by_ids, batch=batching),
        orders_of_user=DataLoader(connectors.orders.orders_by_user_ids, batch=batching),
        reviews_of_product=DataLoader(connectors.reviews.reviews_by_product_ids, batch=batching),
    )
