"""A real JWKS endpoint for tests: a Starlette app on uvicorn that counts its fetches.

Example::

    jwks = JwksServer([rsa_key])
    with serve_app(jwks.app()) as url:
        jwks_url = f"{url}/jwks.json"      # "/slow.json" answers after ``slow_seconds``
        jwks.fetches                       # requests served so far
"""

from __future__ import annotations

import asyncio

from joserfc.jwk import Key
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


class JwksServer:
    def __init__(self, keys: list[Key], *, slow_seconds: float = 5.0) -> None:
        self.keys = list(keys)
        self.slow_seconds = slow_seconds
        self.fetches = 0

    def document(self) -> dict[str, object]:
        return {"keys": [key.as_dict(private=False) for key in self.keys]}

    def app(self) -> Starlette:
        async def jwks(request: Request) -> JSONResponse:
            self.fetches += 1
            return JSONResponse(self.document())

        async def slow(request: Request) -> JSONResponse:
            self.fetches += 1
            await asyncio.sleep(self.slow_seconds)
            return JSONResponse(self.document())

        return Starlette(routes=[Route("/jwks.json", jwks), Route("/slow.json", slow)])
