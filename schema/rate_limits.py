"""The rate-limit policy of one schema: field rules, plan limits and cost budgets.

Built once per app (in ``build_schema``) from the schema's ``@rateLimit`` directives, the
``[limits]`` configuration and the counter store. The operation is walked once (cost and
limited-field occurrences together: :meth:`RateLimiter.analyze`, or the request's
:class:`schema.extensions.cost.OperationCost`); :meth:`RateLimiter.decide` is then called
once per operation, before execution, by :class:`schema.extensions.RateLimits`, and
spends every counter in one atomic store step (one Redis round trip):

1. the plan's operation limits ("all" and the operation's kind) and its cost budget are
   all-or-nothing -- one over its limit refuses the whole operation (``RATE_LIMITED``,
   429) and nothing is counted;
2. each occurrence of a rate-limited field (aliases count separately) -- a refusal turns
   that field into null with ``RATE_LIMITED`` while the rest resolves; the field's
   resolver is never called (:func:`install_field_guards` wraps only limited fields).

Usage::

    limiter = RateLimiter(graphql_schema, LimitsSettings(), MemoryCounterStore())
    decision = await limiter.check(document, None, {}, "query", principal, "127.0.0.1")
    decision.cost, decision.refused, decision.limited_fields, decision.headers
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from graphql import default_field_resolver as graphql_default_resolver

from auth import Principal
from errors import RateLimited, RateLimiterUnavailable, SwitchyardError
from schema.cost import Analysis, CostModel
from schema.limit_directives import RateLimit
from settings import LimitsSettings, parse_window
from stores import CounterStore, Hit, RateLimitResult, StoreUnavailable

__all__ = ["Decision", "FieldRule", "RateLimiter", "field_rules", "install_field_guards"]


@dataclass(frozen=True, slots=True)
class FieldRule:
    coordinate: str  # "Type.field"
    limit: int
    window: str
    window_seconds: int
    per: str  # CLIENT | IP | GLOBAL


@dataclass(slots=True)
class Decision:
    """What the limiter decided for one operation."""

    cost: int
    #: Set when the whole operation is refused before execution.
    refused: SwitchyardError | None = None
    #: Response path (no list indices) -> the error its field resolves to.
    limited_fields: dict[tuple[str, ...], Exception] = field(default_factory=dict)
    #: True when every root field is limited (the response is a 429).
    all_roots_limited: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None


class RateLimiter:
    def __init__(
        self, schema: GraphQLSchema, settings: LimitsSettings, store: CounterStore
    ) -> None:
        self.settings = settings
        self.store = store
        self.cost_model = CostModel(schema, weights=settings.cost_weights)
        self.rules = field_rules(schema, settings)
        install_field_guards(schema, self.rules)
        self._prefix = settings.key_prefix

    async def check(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        operation_kind: str,
        principal: Principal,
        client_ip: str,
    ) -> Decision:
        """Cost the operation and spend its limits (see the module docstring)."""
        analysis = self.analyze(document, operation_name, variables)
        return await self.decide(analysis, operation_kind, principal, client_ip)

    @property
    def watch(self) -> Collection[str]:
        """The fields a cost walk must report for :meth:`decide` (none when disabled)."""
        return self.rules if self.settings.enabled else ()

    def analyze(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> Analysis:
        """The one walk :meth:`decide` needs: cost, root keys, limited-field occurrences."""
        return self.cost_model.analyze(document, operation_name, variables, self.watch)

    async def decide(
        self, analysis: Analysis, operation_kind: str, principal: Principal, client_ip: str
    ) -> Decision:
        """Spend the limits of an operation already walked by :meth:`analyze` (or by
        :class:`schema.extensions.cost.OperationCost` with :attr:`watch`)."""
        decision = Decision(cost=analysis.cost)
        if not self.settings.enabled:
            return decision
        required, labels = self._operation_hits(decision.cost, operation_kind, principal)
        scopes = {"CLIENT": principal.client_id, "IP": f"ip:{client_ip}", "GLOBAL": "global"}
        rules = [self.rules[coordinate] for _, coordinate in analysis.found]
        optional = [
            Hit(f"{self._prefix}field:{r.coordinate}:{scopes[r.per]}", 1, r.limit, r.window_seconds)
            for r in rules
        ]
        if not required and not optional:
            return decision
        try:
            # One atomic step (one Redis round trip): a refused operation spends nothing.
            spent, fields = await self.store.hit_many(required, optional)
        except StoreUnavailable:  # only raised when failing closed
            decision.refused = RateLimiterUnavailable()
            decision.status = RateLimiterUnavailable.status_code
            return decision
        results = [*spent, *fields]
        for (label, window), hit, result in zip(labels, required, spent, strict=True):
            if not result.allowed and result.remaining < hit.cost:
                detail = f" (this operation costs {hit.cost})" if label == "cost budget" else ""
                decision.refused = RateLimited(
                    f"Rate limit exceeded: {label} of plan {principal.plan!r} "
                    f"allow {hit.limit} per {window}{detail}",
                    retry_after=result.retry_after,
                    limit=hit.limit,
                    window=window,
                    reset_at=result.reset_at,
                )
                decision.status = 429
                _headers(decision, results)
                return decision
        for (path, _), rule, result in zip(analysis.found, rules, fields, strict=True):
            if not result.allowed:
                decision.limited_fields[path] = RateLimited(
                    f"Rate limit exceeded: {rule.coordinate} allows {rule.limit} per "
                    f"{rule.window} per {rule.per.lower()}",
                    retry_after=result.retry_after,
                    limit=rule.limit,
                    window=rule.window,
                    reset_at=result.reset_at,
                )
        _headers(decision, results)
        roots = set(analysis.root_keys)
        limited_roots = {path[0] for path in decision.limited_fields if len(path) == 1}
        if roots and roots <= limited_roots:
            decision.all_roots_limited = True
            decision.status = 429
        return decision

    def _operation_hits(
        self, cost: int, operation_kind: str, principal: Principal
    ) -> tuple[list[Hit], list[tuple[str, str]]]:
        """The plan's all-or-nothing counters for this operation, with (label, window)."""
        plan = self.settings.plan(principal.plan)
        client = principal.client_id
        hits: list[Hit] = []
        labels: list[tuple[str, str]] = []
        for kind in ("all", operation_kind):
            rule = plan.operations.get(kind)  # type: ignore[call-overload]
            if rule is not None:
                key = f"{self._prefix}op:{kind}:{client}"
                hits.append(Hit(key, 1, rule.limit, rule.window_seconds))
                labels.append((f"{kind} operations", rule.window))
        if plan.cost_budget is not None and cost > 0:
            key = f"{self._prefix}budget:{client}"
            hits.append(Hit(key, cost, plan.cost_budget, parse_window(plan.budget_window)))
            labels.append(("cost budget", plan.budget_window))
        return hits, labels


def _headers(decision: Decision, results: list[RateLimitResult]) -> None:
    """IETF RateLimit headers of the tightest counter, plus Retry-After when limited."""
    now = time.time()
    counted = [r for r in results if not r.degraded]
    if not counted:
        return
    tightest = min(counted, key=lambda r: (r.remaining, -r.reset_at))
    decision.headers["RateLimit-Limit"] = str(tightest.limit)
    decision.headers["RateLimit-Remaining"] = str(tightest.remaining)
    decision.headers["RateLimit-Reset"] = str(max(0, math.ceil(tightest.reset_at - now)))
    errors = [decision.refused, *decision.limited_fields.values()]
    retry = [e.retry_after for e in errors if isinstance(e, RateLimited)]
    if retry:
        decision.headers["Retry-After"] = str(max(retry))


def field_rules(schema: GraphQLSchema, settings: LimitsSettings) -> dict[str, FieldRule]:
    """Every limited field: ``@rateLimit`` in the schema, then ``[limits.fields]`` over it.

    A configured coordinate that names no field is a start-up error."""
    rules: dict[str, FieldRule] = {}
    for type_name, graphql_type in schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, definition in graphql_type.fields.items():
            strawberry_field = (definition.extensions or {}).get("strawberry-definition")
            for directive in getattr(strawberry_field, "directives", None) or ():
                if isinstance(directive, RateLimit):
                    coordinate = f"{type_name}.{field_name}"
                    rules[coordinate] = FieldRule(
                        coordinate,
                        directive.limit,
                        directive.window,
                        parse_window(directive.window),
                        directive.per.value,
                    )
    for coordinate, configured in settings.fields.items():
        type_name, _, field_name = coordinate.partition(".")
        target = schema.type_map.get(type_name)
        if not isinstance(target, GraphQLObjectType) or field_name not in target.fields:
            raise ValueError(f"[limits.fields.{coordinate!r}] names no field of the schema")
        rules[coordinate] = FieldRule(
            coordinate,
            configured.limit,
            configured.window,
            configured.window_seconds,
            configured.per,
        )
    return rules


def install_field_guards(schema: GraphQLSchema, rules: Mapping[str, FieldRule]) -> None:
    """Wrap the resolvers of limited fields (only those) so that a field the limiter refused
    raises its error instead of resolving. The wrapper is synchronous and returns the
    original resolver's result untouched, so sync and async resolvers keep their speed."""
    for coordinate in rules:
        type_name, _, field_name = coordinate.partition(".")
        graphql_type = schema.type_map[type_name]
        assert isinstance(graphql_type, GraphQLObjectType)
        definition = graphql_type.fields[field_name]
        original = definition.resolve or graphql_default_resolver
        if getattr(original, "__switchyard_guarded__", False):
            continue
        definition.resolve = _guarded(original)


def _guarded(original: Any) -> Any:
    def resolve(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        limited = getattr(info.context, "limited_fields", None)
        if limited:
            key = tuple(part for part in info.path.as_list() if isinstance(part, str))
            error = limited.get(key)
            if error is not None:
                raise error
        return original(source, info, **arguments)

    resolve.__switchyard_guarded__ = True  # type: ignore[attr-defined]
    return resolve
