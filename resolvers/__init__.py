"""Resolvers: thin functions that read arguments, ask a loader and return connector records.

They never import :mod:`schema`; Strawberry resolves fields from the records' attributes.
"""

from resolvers import orders, products, users
from resolvers.context import GatewayContext
from resolvers.loaders import Loaders, build_loaders

__all__ = ["GatewayContext", "Loaders", "build_loaders", "orders", "products", "users"]
