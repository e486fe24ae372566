"""Resolvers of the users domain: thin, through loaders, returning connector records."""

from __future__ import annotations

import strawberry

from connectors import OrderRecord, UserRecord, canonical_id
from resolvers.arguments import non_negative, page_size
from resolvers.context import GatewayContext

Info = strawberry.Info[GatewayContext, None]


async def user(info: Info, id: strawberry.ID) -> UserRecord | None:
    return await info.context.loaders.user.load(canonical_id(id))


async def users(info: Info, limit: int | None = 20, offset: int | None = 0) -> list[UserRecord]:
    context = info.context
    size = page_size("limit", limit, default=20, maximum=context.max_page_size)
    start = non_negative("offset", offset)
    records = await context.connectors.users.list_users(limit=size, offset=start)
    for record in records:  # later lookups of these users in this request cost nothing
        context.loaders.user.prime(record.id, record)
    return records


async def orders_of_user(root: UserRecord, info: Info) -> list[OrderRecord]:
    return await info.context.loaders.orders_of_user.load(root.id)
