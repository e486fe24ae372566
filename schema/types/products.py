"""GraphQL types of the products and reviews domains."""

from __future__ import annotations

import strawberry

from resolvers import products
from schema.limit_directives import ListSize


@strawberry.type(description="A product in the catalogue (products service).")
class Product:
    id: strawberry.ID
    name: str
    price: float
    reviews: list[Review] = strawberry.field(
        resolver=products.reviews_of_product,
        description="Reviews of the product (reviews service, batched).",
        directives=[ListSize(assumed_size=10)],
    )
    average_rating: float | None = strawberry.field(
        resolver=products.average_rating,
        description="Mean rating of the reviews; null without reviews.",
    )


@strawberry.type(description="A customer's review of a product (reviews service).")
class Review:
    id: strawberry.ID
    rating: int
    body: str
    product: Product = strawberry.field(resolver=products.product_of_review)
