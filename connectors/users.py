"""The users service: ``GET /users/{id}``, ``GET /users?ids=``, ``GET /users?limit=&offset=``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from connectors.base import Key, RestConnector, join_ids


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    name: str
    email: str

    @classmethod
    def from_json(cls, data: Any) -> UserRecord:
        return cls(id=int(data["id"]), name=str(data["name"]), email=str(data["email"]))


class UsersConnector(RestConnector):
    service = "users"

    async def get_user(self, user_id: Key) -> UserRecord | None:
        data = await self.get_optional(self.path("/users/{}", user_id))
        return None if data is None else self.parse(UserRecord.from_json, data)

    async def list_users(self, *, limit: int, offset: int) -> list[UserRecord]:
        data = await self.get("/users", params={"limit": str(limit), "offset": str(offset)})
        return self.parse_list(UserRecord.from_json, data)

    async def _users_by_ids(self, ids: Sequence[int]) -> list[UserRecord]:
        data = await self.get("/users", params={"ids": join_ids(ids)})
        return self.parse_list(UserRecord.from_json, data)

    async def users_by_ids(self, ids: Sequence[Key]) -> list[UserRecord | None]:
        return await self.load_entities(
            ids, single=self.get_user, batch=self._users_by_ids, key_of=_id
        )


def _id(record: UserRecord) -> Key:
    return record.id
