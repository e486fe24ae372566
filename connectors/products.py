"""The products service: ``GET /products/{id}``, ``GET /products?ids=``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from connectors.base import Key, RestConnector, join_ids


@dataclass(frozen=True, slots=True)
class ProductRecord:
    id: int
    name: str
    price: float

    @classmethod
    def from_json(cls, data: Any) -> ProductRecord:
        return cls(id=int(data["id"]), name=str(data["name"]), price=float(data["price"]))


class ProductsConnector(RestConnector):
    service = "products"

    async def get_product(self, product_id: Key) -> ProductRecord | None:
        data = await self.get_optional(self.path("/products/{}", product_id))
        return None if data is None else self.parse(ProductRecord.from_json, data)

    async def _products_by_ids(self, ids: Sequence[int]) -> list[ProductRecord]:
        data = await self.get("/products", params={"ids": join_ids(ids)})
        return self.parse_list(ProductRecord.from_json, data)

    async def products_by_ids(self, ids: Sequence[Key]) -> list[ProductRecord | None]:
        return await self.load_entities(
            ids, single=self.get_product, batch=self._products_by_ids, key_of=_id
        )


def _id(record: ProductRecord) -> Key:
    return record.id
