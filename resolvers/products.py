"""Resolvers of the products and reviews domains."""

from __future__ import annotations

import strawberry

from connectors import ProductRecord, ReviewRecord, canonical_id
from errors import BackendError
from resolvers.arguments import at_most
from resolvers.context import GatewayContext

Info = strawberry.Info[GatewayContext, None]


async def product(info: Info, id: strawberry.ID) -> ProductRecord | None:
    return await info.context.loaders.product.load(canonical_id(id))


async def products(info: Info, ids: list[strawberry.ID]) -> list[ProductRecord | None]:
    at_most("ids", len(ids), info.context.max_page_size, "products")
    return await info.context.loaders.product.load_many([canonical_id(i) for i in ids])


async def reviews_of_product(root: ProductRecord, info: Info) -> list[ReviewRecord]:
    return await info.context.loaders.reviews_of_product.load(root.id)


async def average_rating(root: ProductRecord, info: Info) -> float | None:
    reviews = await info.context.loaders.reviews_of_product.load(root.id)
    if not reviews:
        return None
    return round(sum(r.rating for r in reviews) / len(reviews), 2)


async def product_of_review(root: ReviewRecord, info: Info) -> ProductRecord:
    found = await info.context.loaders.product.load(root.product_id)
    if found is None:
        raise BackendError(
            "products",
            f"The products service does not know product {root.product_id} of review {root.id}",
        )
    return found
