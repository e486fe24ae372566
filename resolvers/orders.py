"""Resolvers of the orders domain."""

from __future__ import annotations

import strawberry

from connectors import (
    NewOrder,
    OrderItemRecord,
    OrderRecord,
    ProductRecord,
    UserRecord,
    canonical_id,
)
from errors import BackendError, BadUserInput
from resolvers.context import GatewayContext

Info = strawberry.Info[GatewayContext, None]


async def order(info: Info, id: strawberry.ID) -> OrderRecord | None:
    return await info.context.loaders.order.load(canonical_id(id))


async def user_of_order(root: OrderRecord, info: Info) -> UserRecord:
    found = await info.context.loaders.user.load(root.user_id)
    if found is None:
        raise BackendError(
            "users", f"The users service does not know user {root.user_id} of order {root.id}"
        )
    return found


async def product_of_item(root: OrderItemRecord, info: Info) -> ProductRecord | None:
    return await info.context.loaders.product.load(root.product_id)


def new_order(user_id: str, items: list[tuple[str, int]]) -> NewOrder:
    """Validate mutation input into what the orders service takes."""
    owner = canonical_id(user_id)
    if not isinstance(owner, int):
        raise BadUserInput(f"userId must be a numeric id (got {user_id!r})")
    if not items:
        raise BadUserInput("an order needs at least one item")
    parsed = []
    for product_id, quantity in items:
        product = canonical_id(product_id)
        if not isinstance(product, int):
            raise BadUserInput(f"productId must be a numeric id (got {product_id!r})")
        if quantity < 1:
            raise BadUserInput(f"quantity must be at least 1 (got {quantity})")
        parsed.append(OrderItemRecord(product_id=product, quantity=quantity))
    return NewOrder(user_id=owner, items=tuple(parsed))


async def create_order(info: Info, order: NewOrder) -> OrderRecord:
    created = await info.context.connectors.orders.create_order(order)
    info.context.loaders.order.prime(created.id, created)
    return created
