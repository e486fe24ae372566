"""The reviews service: ``GET /reviews?product_id=``, ``GET /reviews?product_ids=``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from connectors.base import RestConnector, join_ids


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    id: int
    product_id: int
    rating: int
    body: str

    @classmethod
    def from_json(cls, data: Any) -> ReviewRecord:
        return cls(
            id=int(data["id"]),
            product_id=int(data["product_id"]),
            rating=int(data["rating"]),
            body=str(data["body"]),
        )


class ReviewsConnector(RestConnector):
    service = "reviews"

    async def _reviews_of_products(self, product_ids: Sequence[int]) -> list[ReviewRecord]:
        data = await self.get("/reviews", params={"product_ids": join_ids(product_ids)})
        return self.parse_list(ReviewRecord.from_json, data)

    async def reviews_by_product_ids(self, product_ids: Sequence[int]) -> list[list[ReviewRecord]]:
        return await self.load_grouped(product_ids, self._reviews_of_products, _product_id)


def _product_id(record: ReviewRecord) -> int:
    return record.product_id
