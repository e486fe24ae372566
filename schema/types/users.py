"""GraphQL types of the users domain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers import users
from schema.directives import Policy
from schema.limit_directives import ListSize

if TYPE_CHECKING:
    from schema.types.orders import Order


@strawberry.type(description="A customer of the shop (users service).")
class User:
    id: strawberry.ID
    name: str
    email: str | None = strawberry.field(
        directives=[Policy(name="owner")],
        description="Only the user themself and admins may read it; null (FORBIDDEN) otherwise.",
    )
    orders: list[Annotated[Order, strawberry.lazy("schema.types.orders")]] = strawberry.field(
        resolver=users.orders_of_user,
        description="The user's orders (orders service, batched).",
        directives=[ListSize(assumed_size=5)],
    )
