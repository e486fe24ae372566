"""The whole policy vocabulary is visible: in the SDL and through introspection (GraphiQL)."""

from __future__ import annotations

from schema import build_schema

POLICY = {
    "authenticated": "on FIELD_DEFINITION | OBJECT",
    "requiresRoles": "(roles: [String!]!) on FIELD_DEFINITION | OBJECT",
    "requiresScopes": "(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT",
    "policy": "(name: String!) on FIELD_DEFINITION | OBJECT",
    "rateLimit": "(limit: Int!, window: String!, per: RateLimitPer! = CLIENT) on FIELD_DEFINITION",
    "cost": "(weight: Int!) on FIELD_DEFINITION",
    "listSize": "(assumedSize: Int!) on FIELD_DEFINITION",
}


def test_sdl_declares_every_policy_directive_even_unused_ones() -> None:
    sdl = build_schema().as_str()
    for name, signature in POLICY.items():
        assert f"directive @{name}{'' if signature.startswith('(') else ' '}{signature}" in sdl


async def test_introspection_lists_the_policy_directives() -> None:
    result = await build_schema().execute("{ __schema { directives { name } } }")
    assert result.errors is None and result.data is not None
    names = {d["name"] for d in result.data["__schema"]["directives"]}
    assert set(POLICY) <= names
