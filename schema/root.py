"""The root types: every entry point of the unified schema."""

from __future__ import annotations

import strawberry

from connectors import OrderRecord
from resolvers import orders, products, users
from resolvers.context import GatewayContext
from schema.directives import Authenticated
from schema.limit_directives import Cost, RateLimit, RateLimitPer
from schema.types import CreateOrderInput, Order, Product, User


@strawberry.type
class Query:
    user: User | None = strawberry.field(
        resolver=users.user, description="A user by id; null if unknown."
    )
    users: list[User] = strawberry.field(
        resolver=users.users,
        description="A page of users; limit between 1 and the configured maximum.",
    )
    order: Order | None = strawberry.field(
        resolver=orders.order, description="An order by id; null if unknown."
    )
    product: Product | None = strawberry.field(
        resolver=products.product, description="A product by id; null if unknown."
    )
    products: list[Product | None] = strawberry.field(
        resolver=products.products,
        description="Products by id, in the order asked; null for unknown ids.",
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Place an order; the orders service checks the user and products.",
        directives=[
            Authenticated(),
            RateLimit(limit=10, window="1m", per=RateLimitPer.CLIENT),
            Cost(weight=10),
        ],
    )
    async def create_order(
        self, info: strawberry.Info[GatewayContext, None], input: CreateOrderInput
    ) -> Order:
        order = orders.new_order(
            input.user_id, [(item.product_id, item.quantity) for item in input.items]
        )
        created: OrderRecord = await orders.create_order(info, order)
        return created  # type: ignore[return-value]  # a record; Strawberry reads its attributes
