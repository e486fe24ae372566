"""The GraphQL types, one module per domain."""

from schema.types.orders import CreateOrderInput, Order, OrderItem, OrderItemInput
from schema.types.products import Product, Review
from schema.types.users import User

__all__ = ["CreateOrderInput", "Order", "OrderItem", "OrderItemInput", "Product", "Review", "User"]
