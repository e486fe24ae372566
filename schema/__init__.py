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
from strawberry.extensions import AddValidationRules, ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from schema.argument_bounds import argument_bounds_rule
from schema.directives import Authenticated, Policy, RequiresRoles, RequiresScopes
from schema.error_codes import code_error
from schema.extensions import (
    OperationCost,
    RateLimits,
    RequireOperationName,
    enforce_authorization,
    hide_suggestions,
)
from schema.limit_directives import Cost, ListSize, RateLimit
from schema.policies import PolicyRegistry, default_policies
from schema.rate_limits import RateLimiter
from schema.root import Mutation, Query
from settings import GraphQLSettings, LimitsSettings
from stores import CounterStore
from stores.memory import MemoryCounterStore

__all__ = ["POLICY_DIRECTIVES", "GatewaySchema", "build_schema"]

POLICY_DIRECTIVES: list[type] = [
    Authenticated,
    RequiresRoles,
    RequiresScopes,
    Policy,
    RateLimit,
    Cost,
    ListSize,
]


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
    limits: LimitsSettings | None = None,
    store: CounterStore | None = None,
    leading_extensions: Sequence[Callable[[], Any]] = (),
    extensions: Sequence[Any] = (),
) -> GatewaySchema:
    """Assemble the schema with its operation-level extensions (as factories).

    ``policies`` backs the access directives (default: the demo's rules); ``limits`` and
    ``store`` drive rate limiting and cost budgets (defaults: the demo plans on a fresh
    in-memory store). ``leading_extensions`` go first, so their ``on_operation`` wraps
    every other extension's; ``extensions`` (classes or factories, such as quotas and
    metering) follow the built-in ones and :class:`OperationCost`, so ``context.cost`` is
    set when their ``on_execute`` runs; the rate limiter comes last.
    """
    settings = settings or GraphQLSettings()
    cache_size = settings.document_cache_size
    # Built once: a new rule class per request would defeat the validation cache.
    bounds = argument_bounds_rule(settings.max_page_size)
    built_in: list[Any] = [
        *leading_extensions,
        RequireOperationName,
        lambda: AddValidationRules([bounds]),
    ]
    if cache_size:
        built_in += [
            lambda: ParserCache(maxsize=cache_size),
            lambda: ValidationCache(maxsize=cache_size),
        ]
    schema = GatewaySchema(
        query=Query,
        mutation=Mutation,
        # Registered explicitly so the SDL (and introspection) lists the whole policy
        # vocabulary, including directives no field of the demo uses yet.
        types=POLICY_DIRECTIVES,
        extensions=[*built_in, *extensions],
    )
    enforce_authorization(schema, policies or default_policies())
    # The limiter needs the built schema (its directives) and wraps the limited fields'
    # resolvers in it, so it is attached after construction; extensions are read per request.
    limiter = RateLimiter(schema._schema, limits or LimitsSettings(), store or MemoryCounterStore())
    # One cost walk per operation, with the limiter's model (built once, here), before the
    # quota guard, metering and the rate limiter, which all read it from the context.
    costing = OperationCost.factory(limiter.cost_model, limiter.watch)
    schema.extensions = (*built_in, costing, *extensions, RateLimits.factory(limiter))
    return schema
