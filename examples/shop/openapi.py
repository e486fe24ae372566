"""The OpenAPI 3.1 documents of the four services, built from shared pieces.

Each document describes exactly the operations its service routes (a test compares the
two), with schemas for every body, so tools such as ``datamodel-code-generator`` can
generate gateway connectors from them. Admin routes (``/__stats``, ``/__reset``) and
``/openapi.json`` itself are deliberately left out: they are test plumbing, not API.

Example::

    document = users_document()
    document["paths"]["/users/{id}"]["get"]["operationId"]   # "getUser"
"""

from __future__ import annotations

from typing import Any

from examples.shop.params import MAX_BATCH

JSON = dict[str, Any]

_ID = {"type": "integer", "format": "int64"}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_ERROR_SCHEMA: JSON = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}},
    "additionalProperties": True,
    "description": "Every 4xx body; extra keys (id, param, ...) name what was wrong.",
}
_SCHEMAS: dict[str, JSON] = {
    "User": {
        "type": "object",
        "required": ["id", "name", "email"],
        "properties": {"id": _ID, "name": {"type": "string"}, "email": {"type": "string"}},
    },
    "OrderItem": {
        "type": "object",
        "required": ["product_id", "quantity"],
        "properties": {"product_id": _ID, "quantity": {"type": "integer", "minimum": 1}},
        "additionalProperties": False,
    },
    "Order": {
        "type": "object",
        "required": ["id", "user_id", "total", "items"],
        "properties": {
            "id": _ID,
            "user_id": _ID,
            "total": {"type": "number"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/OrderItem"}},
        },
    },
    "Product": {
        "type": "object",
        "required": ["id", "name", "price"],
        "properties": {"id": _ID, "name": {"type": "string"}, "price": {"type": "number"}},
    },
    "Review": {
        "type": "object",
        "required": ["id", "product_id", "rating", "body"],
        "properties": {
            "id": _ID,
            "product_id": _ID,
            "rating": {"type": "integer", "minimum": 1, "maximum": 5},
            "body": {"type": "string"},
        },
    },
}


def _document(service: str, paths: JSON, schema_names: list[str]) -> JSON:
    schemas = {name: _SCHEMAS[name] for name in schema_names}
    return {
        "openapi": "3.1.0",
        "info": {"title": f"Switchyard demo shop: {service}", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": {**schemas, "Error": _ERROR_SCHEMA}},
    }


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: JSON, description: str) -> JSON:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: JSON, description: str) -> JSON:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _ids_param(name: str, what: str) -> JSON:
    # Comma-separated ("1,2,3"): form style with explode=false is OpenAPI's spelling of that.
    return {
        **_query(name, {"type": "array", "items": _ID, "maxItems": MAX_BATCH}, what),
        "style": "form",
        "explode": False,
    }


def _list_operation(operation_id: str, summary: str, schema: str, params: list[JSON]) -> JSON:
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": params,
        "responses": {
            "200": _json({"type": "array", "items": _ref(schema)}, f"A list of {schema}."),
            "400": _json(_ERROR_REF, "Bad or conflicting query parameters."),
        },
    }


def _item_path(operation_id: str, kind: str, schema: str) -> JSON:
    return {
        "get": {
            "operationId": operation_id,
            "summary": f"One {kind} by id.",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": _ID}],
            "responses": {
                "200": _json(_ref(schema), f"The {kind}."),
                "404": _json(_ERROR_REF, f"No such {kind} (also for non-integer ids)."),
            },
        }
    }


def users_document() -> JSON:
    params = [
        _ids_param("ids", "Batch fetch; unknown ids are omitted. Excludes limit/offset."),
        _query(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_BATCH, "default": 100},
            "Page size.",
        ),
        _query("offset", {"type": "integer", "minimum": 0, "default": 0}, "Users to skip."),
    ]
    paths = {
        "/users": {
            "get": _list_operation(
                "listUsers", "Page through or batch-fetch users.", "User", params
            )
        },
        "/users/{id}": _item_path("getUser", "user", "User"),
    }
    return _document("users", paths, ["User"])


def orders_document() -> JSON:
    params = [
        _query("user_id", _ID, "Orders of one user (exactly one of user_id, user_ids)."),
        _ids_param("user_ids", "Orders of several users; each order carries its user_id."),
    ]
    new_order = {
        "type": "object",
        "required": ["user_id", "items"],
        "additionalProperties": False,
        "properties": {
            "user_id": _ID,
            "items": {"type": "array", "minItems": 1, "maxItems": 100, "items": _ref("OrderItem")},
        },
    }
    create = {
        "operationId": "createOrder",
        "summary": "Place an order; the total is computed from product prices.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": new_order}}},
        "responses": {
            "201": _json(_ref("Order"), "The new order."),
            "413": _json(_ERROR_REF, "Body larger than 64 KiB."),
            "422": _json(_ERROR_REF, "Malformed body, unknown user or unknown product."),
        },
    }
    paths = {
        "/orders": {
            "get": _list_operation(
                "listOrders", "Orders of one or several users.", "Order", params
            ),
            "post": create,
        },
        "/orders/{id}": _item_path("getOrder", "order", "Order"),
    }
    return _document("orders", paths, ["Order", "OrderItem"])


def products_document() -> JSON:
    params = [_ids_param("ids", "Batch fetch (required); unknown ids are omitted.")]
    paths = {
        "/products": {
            "get": _list_operation("listProducts", "Batch-fetch products.", "Product", params)
        },
        "/products/{id}": _item_path("getProduct", "product", "Product"),
    }
    return _document("products", paths, ["Product"])


def reviews_document() -> JSON:
    params = [
        _query(
            "product_id", _ID, "Reviews of one product (exactly one of product_id, product_ids)."
        ),
        _ids_param("product_ids", "Reviews of several products; each carries its product_id."),
    ]
    paths = {
        "/reviews": {
            "get": _list_operation("listReviews", "Reviews of products.", "Review", params)
        },
    }
    return _document("reviews", paths, ["Review"])
