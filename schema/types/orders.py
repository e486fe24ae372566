"""GraphQL types of the orders domain, including the createOrder input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers import orders
from schema.limit_directives import ListSize

if TYPE_CHECKING:
    from schema.types.products import Product
    from schema.types.users import User


@strawberry.type(description="One line of an order.")
class OrderItem:
    quantity: int
    product: Annotated[Product, strawberry.lazy("schema.types.products")] | None = strawberry.field(
        resolver=orders.product_of_item, description="Null when the product no longer exists."
    )


@strawberry.type(description="An order placed by a user (orders service).")
class Order:
    id: strawberry.ID
    total: float
    user: Annotated[User, strawberry.lazy("schema.types.users")] = strawberry.field(
        resolver=orders.user_of_order
    )
    items: list[OrderItem] = strawberry.field(directives=[ListSize(assumed_size=3)])


@strawberry.input(description="One line of a new order.")
class OrderItemInput:
    product_id: strawberry.ID
    quantity: int


@strawberry.input(description="What createOrder needs.")
class CreateOrderInput:
    user_id: strawberry.ID
    items: list[OrderItemInput]
