"""AuthenticationMiddleware in a small app built inside each test (ASGI transport)."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auth import Authenticator, generate_key, hash_key
from auth.api_keys import key_id
from settings import AuthSettings
from web.middleware import AuthenticationMiddleware


async def whoami(request: Request) -> JSONResponse:
    p = request.state.principal
    return JSONResponse(
        {"client": p.client_id, "roles": sorted(p.roles), "plan": p.plan, "auth": p.authenticated}
    )


def _app(settings: AuthSettings) -> Starlette:
    return Starlette(
        routes=[Route("/whoami", whoami), Route("/healthz", whoami)],
        middleware=[
            Middleware(
                AuthenticationMiddleware,
                authenticator=Authenticator(settings),
                public_paths=("/healthz",),
                ide_path="/whoami",
            )
        ],
    )


async def test_key_sets_principal_with_roles_and_plan() -> None:
    key = generate_key()
    settings = AuthSettings.model_validate(
        {
            "api_keys": [
                {
                    "id": key_id(key),
                    "hash": hash_key(key),
                    "client": "ops",
                    "roles": ["admin", "reader"],
                    "plan": "enterprise",
                }
            ]
        }
    )
    transport = httpx.ASGITransport(app=_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        ok = await client.get("/whoami", headers={"X-API-Key": key})
        anon = await client.get("/whoami")
    assert ok.json() == {
        "client": "ops",
        "roles": ["admin", "reader"],
        "plan": "enterprise",
        "auth": True,
    }
    assert anon.json()["auth"] is False and anon.json()["client"].startswith("ip:")


async def test_required_leaves_public_paths_open() -> None:
    transport = httpx.ASGITransport(app=_app(AuthSettings(required=True)))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        refused = await client.get("/whoami")
        public = await client.get("/healthz")
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert public.status_code == 200 and public.json()["auth"] is False


async def test_required_leaves_only_the_ide_page_open() -> None:
    transport = httpx.ASGITransport(app=_app(AuthSettings(required=True)))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        page = await client.get("/whoami", headers={"Accept": "text/html"})
        query = await client.get("/whoami?query={__typename}", headers={"Accept": "text/html"})
        bad = await client.get("/whoami", headers={"Accept": "text/html", "X-API-Key": "nope"})
    assert page.status_code == 200
    assert query.status_code == 401 and bad.status_code == 401
