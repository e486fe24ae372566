"""Deterministic demo data for the shop services, with the indexes the services look up by.

Every process that calls :func:`generate` with the same seed gets byte-for-byte the same
data: the gateway's tests, the benchmarks and several service processes must all agree on
what user 17 ordered without talking to each other. Only a private ``random.Random(seed)``
is used (never the global one, never the clock or hash order), so nothing else can perturb
the sequence.

Example::

    data = generate()
    data.users_by_id[1].name          # same string on every start
    data.orders_by_user_id[1]         # that user's five orders
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

DEFAULT_SEED = 20240611
USER_COUNT = 1000
ORDERS_PER_USER = 5
ITEMS_PER_ORDER = 3
PRODUCT_COUNT = 500
REVIEWS_PER_PRODUCT = 4

_R = TypeVar("_R")

_FIRST_NAMES = (
    "Ada", "Alan", "Barbara", "Claude", "Dennis", "Edsger", "Frances", "Grace", "Hedy",
    "Ivan", "Joan", "Ken", "Linus", "Margaret", "Niklaus", "Radia", "Shafi", "Tim",
)  # fmt: skip
_LAST_NAMES = (
    "Allen", "Backus", "Cerf", "Dijkstra", "Engelbart", "Floyd", "Goldberg", "Hopper",
    "Iverson", "Knuth", "Lamport", "Liskov", "McCarthy", "Perlman", "Ritchie", "Wirth",
)  # fmt: skip
_ADJECTIVES = (
    "Sturdy", "Compact", "Vintage", "Electric", "Quiet", "Folding", "Heated", "Modular",
    "Wooden", "Polished", "Portable", "Organic",
)  # fmt: skip
_NOUNS = (
    "Lamp", "Kettle", "Backpack", "Chair", "Notebook", "Headphones", "Teapot", "Blanket",
    "Bicycle Bell", "Desk Mat", "Umbrella", "Plant Pot", "Toolbox", "Cutting Board",
)  # fmt: skip
_REVIEW_OPENERS = (
    "Does what it says.", "Better than expected.", "Arrived late but works.",
    "Would buy again.", "Not quite as pictured.", "Solid value for the price.",
)  # fmt: skip
_REVIEW_CLOSERS = (
    "Recommended.", "Three stars from my cat.", "Packaging could be smaller.",
    "Gift for a friend, they liked it.", "Returned the first one, this one is fine.",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    name: str
    price: float


@dataclass(frozen=True, slots=True)
class OrderItem:
    product_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    user_id: int
    total: float
    items: tuple[OrderItem, ...]


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    product_id: int
    rating: int
    body: str


@dataclass(frozen=True, slots=True)
class Dataset:
    """All generated records plus read-only indexes; services never scan a list.

    The record classes carry exactly the JSON fields of the REST contract, so orjson
    serialises them directly and no per-request conversion layer is needed.
    """

    users: tuple[User, ...]
    products: tuple[Product, ...]
    orders: tuple[Order, ...]
    reviews: tuple[Review, ...]
    users_by_id: Mapping[int, User]
    products_by_id: Mapping[int, Product]
    orders_by_id: Mapping[int, Order]
    orders_by_user_id: Mapping[int, tuple[Order, ...]]
    reviews_by_product_id: Mapping[int, tuple[Review, ...]]


def order_total(items: tuple[OrderItem, ...], products: Mapping[int, Product]) -> float:
    """Price an order; shared by generation and ``POST /orders`` so both agree.

    Sums integer cents and divides once: adding floats would give totals like 59.970000001.
    """
    cents = sum(round(products[item.product_id].price * 100) * item.quantity for item in items)
    return cents / 100


def generate(seed: int = DEFAULT_SEED) -> Dataset:
    """Build the whole shop from ``seed``; well under 100 ms, so every process can afford it."""
    rng = random.Random(seed)
    users = tuple(_make_user(rng, user_id) for user_id in range(1, USER_COUNT + 1))
    products = tuple(
        Product(
            id=product_id,
            name=f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}",
            price=rng.randrange(199, 25000) / 100,
        )
        for product_id in range(1, PRODUCT_COUNT + 1)
    )
    products_by_id = {product.id: product for product in products}
    orders = tuple(_make_orders(rng, products_by_id))
    reviews = tuple(
        Review(
            id=(product.id - 1) * REVIEWS_PER_PRODUCT + index + 1,
            product_id=product.id,
            rating=rng.randint(1, 5),
            body=f"{rng.choice(_REVIEW_OPENERS)} {rng.choice(_REVIEW_CLOSERS)}",
        )
        for product in products
        for index in range(REVIEWS_PER_PRODUCT)
    )
    return Dataset(
        users=users,
        products=products,
        orders=orders,
        reviews=reviews,
        users_by_id={user.id: user for user in users},
        products_by_id=products_by_id,
        orders_by_id={order.id: order for order in orders},
        orders_by_user_id=_group(orders, lambda order: order.user_id),
        reviews_by_product_id=_group(reviews, lambda review: review.product_id),
    )


@functools.cache
def shared_dataset() -> Dataset:
    """The default dataset, generated once per process however many services it runs."""
    return generate()


def _make_user(rng: random.Random, user_id: int) -> User:
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    # The id in the address keeps emails unique although names repeat.
    return User(
        id=user_id, name=f"{first} {last}", email=f"{first}.{last}{user_id}@example.com".lower()
    )


def _make_orders(rng: random.Random, products_by_id: Mapping[int, Product]) -> list[Order]:
    orders: list[Order] = []
    for user_id in range(1, USER_COUNT + 1):
        for _ in range(ORDERS_PER_USER):
            # Distinct products per order: a repeated line would look like a data bug.
            product_ids = rng.sample(range(1, PRODUCT_COUNT + 1), ITEMS_PER_ORDER)
            items = tuple(
                OrderItem(product_id=pid, quantity=rng.randint(1, 4)) for pid in product_ids
            )
            orders.append(
                Order(
                    id=len(orders) + 1,
                    user_id=user_id,
                    total=order_total(items, products_by_id),
                    items=items,
                )
            )
    return orders


def _group(records: tuple[_R, ...], key: Callable[[_R], int]) -> dict[int, tuple[_R, ...]]:
    groups: dict[int, list[_R]] = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    return {group_key: tuple(members) for group_key, members in groups.items()}
