"""The orders service: orders by user (one or a batch), one order by id, and placing one.

``POST /orders`` is all-or-nothing: the whole body is validated against the data first,
and only then is the order written, in a block with no ``await`` in it. asyncio cannot
switch tasks inside that block, so no reader ever sees half an order and a rejected body
changes nothing.

Example::

    app = create_app(generate())
    # POST /orders {"user_id": 1, "items": [{"product_id": 2, "quantity": 1}]} -> 201
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from examples.shop.app import build_app
from examples.shop.data import Dataset, Order, OrderItem, order_total
from examples.shop.endpoints import by_key, by_keys, collection_endpoint, item_endpoint
from examples.shop.openapi import orders_document
from examples.shop.responses import ApiError, ORJSONResponse

MAX_BODY_BYTES = 64 * 1024
MAX_ITEMS = 100
MAX_QUANTITY = 10_000
_ORDER_FIELDS = frozenset({"user_id", "items"})
_ITEM_FIELDS = frozenset({"product_id", "quantity"})


class OrderBook:
    """The service's mutable copy of the orders and its two indexes.

    Copied from the frozen dataset so that placing orders in one app never changes
    another app (or another test) built from the same dataset.
    """

    def __init__(self, data: Dataset) -> None:
        self.data = data
        self.by_id: dict[int, Order] = dict(data.orders_by_id)
        self.by_user_id: dict[int, list[Order]] = {
            user_id: list(orders) for user_id, orders in data.orders_by_user_id.items()
        }
        self._next_id = max(self.by_id, default=0) + 1

    def place(self, body: object) -> Order:
        """Validate ``body`` completely, then record the order; ApiError(422) on any flaw."""
        user_id, items = _parse_new_order(body)
        if user_id not in self.data.users_by_id:
            raise ApiError(422, "unknown user", user_id=user_id)
        for item in items:
            if item.product_id not in self.data.products_by_id:
                raise ApiError(422, "unknown product", product_id=item.product_id)
        # From here to the end there is no await: the write is atomic for every reader.
        order = Order(
            id=self._next_id,
            user_id=user_id,
            total=order_total(items, self.data.products_by_id),
            items=items,
        )
        self._next_id += 1
        self.by_id[order.id] = order
        self.by_user_id.setdefault(user_id, []).append(order)
        return order


def create_app(data: Dataset, latency_ms: float = 0) -> Starlette:
    """The orders service over its own :class:`OrderBook` built from ``data``."""
    book = OrderBook(data)

    async def create_order(request: Request) -> Response:
        body = await _read_json(request)
        return ORJSONResponse(book.place(body), status_code=201)

    selectors = [by_key(book.by_user_id, "user_id"), by_keys(book.by_user_id, "user_ids")]
    routes = [
        Route("/orders", collection_endpoint(selectors), methods=["GET"]),
        Route("/orders", create_order, methods=["POST"]),
        Route("/orders/{id:path}", item_endpoint("order", book.by_id), methods=["GET"]),
    ]
    app = build_app("orders", routes, document=orders_document(), latency_ms=latency_ms)
    app.state.order_book = book
    return app


async def _read_json(request: Request) -> object:
    # Streamed with a cap so that a huge body is refused without being held in memory.
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ApiError(413, f"body larger than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    try:
        return orjson.loads(b"".join(chunks))
    except orjson.JSONDecodeError as exc:
        raise ApiError(422, "body is not valid JSON", detail=str(exc)) from None


def _parse_new_order(body: object) -> tuple[int, tuple[OrderItem, ...]]:
    fields = _exact_object(body, _ORDER_FIELDS, "body")
    user_id = _integer(fields["user_id"], "user_id")
    raw_items = fields["items"]
    if not isinstance(raw_items, list) or not 1 <= len(raw_items) <= MAX_ITEMS:
        raise ApiError(422, f"items must be a list of 1 to {MAX_ITEMS} items", field="items")
    items = []
    for index, raw_item in enumerate(raw_items):
        where = f"items[{index}]"
        item = _exact_object(raw_item, _ITEM_FIELDS, where)
        quantity = _integer(item["quantity"], f"{where}.quantity")
        if not 1 <= quantity <= MAX_QUANTITY:
            raise ApiError(
                422, f"quantity must be between 1 and {MAX_QUANTITY}", field=f"{where}.quantity"
            )
        product_id = _integer(item["product_id"], f"{where}.product_id")
        items.append(OrderItem(product_id=product_id, quantity=quantity))
    return user_id, tuple(items)


def _exact_object(value: object, fields: frozenset[str], where: str) -> Mapping[str, Any]:
    """``value`` as a dict with exactly ``fields``: missing and unexpected keys are 422."""
    if not isinstance(value, dict):
        raise ApiError(422, f"{where} must be a JSON object", field=where)
    missing = fields - value.keys()
    if missing:
        raise ApiError(422, "missing field", field=where, missing=sorted(missing))
    extra = value.keys() - fields
    if extra:
        raise ApiError(422, "unexpected field", field=where, unexpected=sorted(extra))
    return value


def _integer(value: object, where: str) -> int:
    # bool is an int subclass in Python; JSON true is not an id or a quantity.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(422, f"{where} must be an integer", field=where)
    return value
