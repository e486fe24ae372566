"""The authorization checks on a small schema built in each test (no network)."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import strawberry

from auth import Principal, anonymous
from schema import GatewaySchema, build_schema
from schema.directives import Authenticated, Policy, RequiresRoles, RequiresScopes
from schema.extensions import enforce_authorization
from schema.policies import default_policies


@dataclass
class Context:
    principal: Principal
    calls: list[str] = field(default_factory=list)


@strawberry.type(directives=[RequiresRoles(roles=["auditor"])])
class Audit:
    entry: str


def _audit(info: strawberry.Info) -> Audit:
    info.context.calls.append("audit")
    return Audit(entry="x")


async def _secret(info: strawberry.Info) -> str:
    info.context.calls.append("secret")
    return "s3cret"


def _scoped(info: strawberry.Info) -> str:
    info.context.calls.append("scoped")
    return "ok"


@strawberry.type
class Query:
    open: str = "open"
    secret: str | None = strawberry.field(resolver=_secret, directives=[Authenticated()])
    scoped: str | None = strawberry.field(
        resolver=_scoped, directives=[RequiresScopes(scopes=[["a", "b"], ["c"]])]
    )
    audit: Audit | None = strawberry.field(resolver=_audit)
    unknown_policy: str | None = strawberry.field(
        resolver=lambda: "never", directives=[Policy(name="nope")]
    )


def _schema() -> GatewaySchema:
    schema = GatewaySchema(query=Query)
    enforce_authorization(schema, default_policies())
    return schema


def who(*, roles: tuple[str, ...] = (), scopes: tuple[str, ...] = ()) -> Principal:
    return Principal(client_id="c", subject="1", roles=frozenset(roles), scopes=frozenset(scopes))


async def run(query: str, principal: Principal) -> tuple[Any, Context]:
    context = Context(principal)
    return await _schema().execute(query, root_value=Query(), context_value=context), context


async def test_anonymous_denied_without_calling_the_resolver() -> None:
    result, context = await run("{ open secret }", anonymous("1.2.3.4"))
    assert result.data == {"open": "open", "secret": None}
    assert result.errors[0].original_error.code == "UNAUTHENTICATED"
    assert context.calls == []


async def test_authenticated_caller_gets_the_async_field() -> None:
    result, context = await run("{ secret }", who())
    assert result.data == {"secret": "s3cret"} and context.calls == ["secret"]


async def test_scopes_are_an_or_of_ands() -> None:
    for scopes, allowed in ((("a",), False), (("a", "b"), True), (("c",), True), ((), False)):
        result, context = await run("{ scoped }", who(scopes=scopes))
        assert (result.data["scoped"] == "ok") is allowed, scopes
        assert (context.calls == ["scoped"]) is allowed
        if not allowed:
            assert result.errors[0].original_error.code == "FORBIDDEN"


async def test_type_directive_guards_fields_returning_the_type() -> None:
    denied, calls = await run("{ audit { entry } }", who(roles=("reader",)))
    assert denied.data == {"audit": None} and calls.calls == []
    allowed, _ = await run("{ audit { entry } }", who(roles=("auditor",)))
    assert allowed.data == {"audit": {"entry": "x"}}


async def test_unregistered_policy_fails_closed() -> None:
    result, _ = await run("{ unknownPolicy }", who(roles=("admin",)))
    assert result.data == {"unknownPolicy": None}
    assert result.errors[0].original_error.code == "FORBIDDEN"


async def test_suggestions_are_hidden() -> None:
    result, _ = await run("{ secrt }", who())
    assert "Did you mean" not in result.errors[0].message


def test_guards_are_plain_functions_only_on_guarded_fields() -> None:
    schema = _schema()
    query_type = schema._schema.query_type
    assert query_type is not None
    fields = query_type.fields
    assert not inspect.iscoroutinefunction(fields["secret"].resolve)
    assert fields["secret"].resolve.__name__ == "guarded"
    assert getattr(fields["open"].resolve, "__name__", None) != "guarded"


def test_gateway_sdl_shows_the_directives() -> None:
    sdl = build_schema().as_str()
    assert 'email: String @policy(name: "owner")' in sdl
    assert "createOrder(input: CreateOrderInput!): Order! @authenticated" in sdl
    assert "directive @policy(name: String!) on FIELD_DEFINITION | OBJECT" in sdl
