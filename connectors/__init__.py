"""Connectors: one module per backend service on the shared :mod:`connectors.base`.

Registering a service is one line in :class:`Connectors`; its configuration is the
``[services.NAME]`` section named like the field.

Usage::

    connectors = Connectors.create(settings)      # one pooled client per service
    user = await connectors.users.get_user("1")
    await connectors.aclose()
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, fields, replace
from typing import Self, get_type_hints

import httpx

from connectors.base import RestConnector, canonical_id, encode_segment
from connectors.credentials import Caller, CredentialPolicy
from connectors.observer import BackendCallProbe, ConnectorObserver, RoutePath
from connectors.orders import NewOrder, OrderItemRecord, OrderRecord, OrdersConnector
from connectors.products import ProductRecord, ProductsConnector
from connectors.reviews import ReviewRecord, ReviewsConnector
from connectors.users import UserRecord, UsersConnector
from settings import Settings

__all__ = [
    "BackendCallProbe",
    "Caller",
    "ConnectorObserver",
    "Connectors",
    "CredentialPolicy",
    "NewOrder",
    "OrderItemRecord",
    "OrderRecord",
    "OrdersConnector",
    "ProductRecord",
    "ProductsConnector",
    "RestConnector",
    "ReviewRecord",
    "ReviewsConnector",
    "RoutePath",
    "UserRecord",
    "UsersConnector",
    "canonical_id",
    "encode_segment",
]


@dataclass(frozen=True, slots=True)
class Connectors:
    """The registry: one field per service, typed by its connector class."""

    users: UsersConnector
    orders: OrdersConnector
    products: ProductsConnector
    reviews: ReviewsConnector

    @classmethod
    def create(
        cls,
        settings: Settings,
        transport: httpx.AsyncBaseTransport | None = None,
        observer: ConnectorObserver | None = None,
    ) -> Self:
        """One connector per field, configured from ``[services.<field>]``; ``observer``
        (tracing and metrics hooks) is shared by all of them."""
        classes = get_type_hints(cls)
        built = {
            field.name: classes[field.name].from_config(
                settings.connector(field.name), transport, observer
            )
            for field in fields(cls)
        }
        for name, connector in built.items():
            policy = CredentialPolicy.from_settings(settings.services[name].credentials)
            connector.credentials = policy
            connector.client.headers.update(policy.static_headers)
        return cls(**built)

    def for_caller(self, caller: Caller) -> Self:
        """The registry as one request sees it: connectors that send this caller's
        credential headers (``self`` when no service is configured to receive any)."""
        views = {field.name: getattr(self, field.name).for_caller(caller) for field in fields(self)}
        if all(view is getattr(self, name) for name, view in views.items()):
            return self
        return replace(self, **views)

    def all(self) -> list[RestConnector]:
        return [getattr(self, field.name) for field in fields(self)]

    async def aclose(self) -> None:
        await asyncio.gather(*(connector.aclose() for connector in self.all()))
