"""The GraphQL face of the gateway: one unified schema over every connector.

Usage::

    schema = build_schema(GraphQLSettings())
    print(schema.as_str())
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from schema.error_codes import code_error
from schema.extensions import RequireOperationName, enforce_authorization, hide_suggestions
from schema.policies import PolicyRegistry, default_policies
from schema.root import Mutation, Query
from settings import GraphQLSettings

__all__ = ["GatewaySchema", "build_schema"]


class GatewaySchema(strawberry.Schema):
    """Strawberry's schema with our error handling: every error gets its code (and
    unexpected ones are masked and logged with the request id) instead of Strawberry's
    logging of every client error (bad queries, missing ids, backend failures are normal
    traffic)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        context = execution_context.context if execution_context else None
        request_id = getattr(context, "request_id", "-")
        for error in errors:
            code_error(error, request_id)
            hide_suggestions(error)


def build_schema(
    settings: GraphQLSettings | None = None,
    *,
    policies: PolicyRegistry | None = None,
    leading_extensions: Sequence[Callable[[], Any]] = (),
) -> GatewaySchema:
    """Assemble the schema with its operation-level extensions (as factories) and the
    field checks of its access directives (``policies`` defaults to the demo's rules).

    ``leading_extensions`` go first, so their ``on_operation`` wraps every other
    extension's.
    """
    settings = settings or GraphQLSettings()
    cache_size = settings.document_cache_size
    extensions: list[Any] = [*leading_extensions, RequireOperationName]
    if cache_size:
        extensions += [
            lambda: ParserCache(maxsize=cache_size),
            lambda: ValidationCache(maxsize=cache_size),
        ]
    schema = GatewaySchema(query=Query, mutation=Mutation, extensions=extensions)
    enforce_authorization(schema, policies or default_policies())
    return schema
