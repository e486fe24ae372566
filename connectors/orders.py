"""The orders service: ``GET /orders/{id}``, ``GET /orders?user_ids=``, ``POST /orders``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from connectors.base import Key, RestConnector, join_ids


@dataclass(frozen=True, slots=True)
class OrderItemRecord:
    product_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class OrderRecord:
    id: int
    user_id: int
    total: float
    items: tuple[OrderItemRecord, ...]

    @classmethod
    def from_json(cls, data: Any) -> OrderRecord:
        return cls(
            id=int(data["id"]),
            user_id=int(data["user_id"]),
            total=float(data["total"]),
            items=tuple(
                OrderItemRecord(product_id=int(item["product_id"]), quantity=int(item["quantity"]))
                for item in data["items"]
            ),
        )


@dataclass(frozen=True, slots=True)
class NewOrder:
    """What ``POST /orders`` takes."""

    user_id: int
    items: tuple[OrderItemRecord, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "user_id": self.user_id,
            "items": [{"product_id": i.product_id, "quantity": i.quantity} for i in self.items],
        }


class OrdersConnector(RestConnector):
    service = "orders"

    async def get_order(self, order_id: Key) -> OrderRecord | None:
        data = await self.get_optional(self.path("/orders/{}", order_id))
        return None if data is None else self.parse(OrderRecord.from_json, data)

    async def orders_by_ids(self, ids: Sequence[Key]) -> list[OrderRecord | None]:
        # The service has no batch endpoint for orders by id: concurrent lookups.
        return await self.load_entities(ids, single=self.get_order, batch=None, key_of=_id)

    async def _orders_of_users(self, user_ids: Sequence[int]) -> list[OrderRecord]:
        data = await self.get("/orders", params={"user_ids": join_ids(user_ids)})
        return self.parse_list(OrderRecord.from_json, data)

    async def orders_by_user_ids(self, user_ids: Sequence[int]) -> list[list[OrderRecord]]:
        return await self.load_grouped(user_ids, self._orders_of_users, _user_id)

    async def create_order(self, order: NewOrder) -> OrderRecord:
        data = await self.post("/orders", order.to_json())
        return self.parse(OrderRecord.from_json, data)


def _id(record: OrderRecord) -> Key:
    return record.id


def _user_id(record: OrderRecord) -> int:
    return record.user_id
