"""Schema directives that carry rate-limit and cost policy; they show in the SDL.

``@rateLimit`` caps how often a field may be asked for (per client, per IP or globally),
``@cost`` weighs a field in the static operation cost, ``@listSize`` tells the cost
module how many items a list field returns when no ``limit``/``first``/``ids``
argument says so. Kept apart from ``schema/directives.py`` (auth) on purpose: one
concern per module.

Usage::

    @strawberry.type
    class Mutation:
        create_order: Order = strawberry.mutation(
            resolver=...,
            directives=[RateLimit(limit=10, window="1m", per=RateLimitPer.CLIENT)],
        )

    # SDL: createOrder(input: CreateOrderInput!): Order! @rateLimit(limit: 10, window: "1m")
"""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.schema_directive import Location

__all__ = ["Cost", "ListSize", "RateLimit", "RateLimitPer"]


@strawberry.enum(description="Whose counter a @rateLimit counts against.")
class RateLimitPer(Enum):
    CLIENT = "CLIENT"  # the principal's client id (API key / JWT, or ip:<addr> when anonymous)
    IP = "IP"  # the caller's address, whoever they claim to be
    GLOBAL = "GLOBAL"  # one counter shared by everybody


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="rateLimit",
    description="At most `limit` requests for this field per `window` (e.g. 30s, 1m, 1h).",
)
class RateLimit:
    limit: int
    window: str
    per: RateLimitPer = RateLimitPer.CLIENT


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="cost",
    description="Weight of this field in the operation cost (default: 1 objects, 0 scalars).",
)
class Cost:
    weight: int


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="listSize",
    description="Items this list field is assumed to return when no size argument is given.",
)
class ListSize:
    assumed_size: int
