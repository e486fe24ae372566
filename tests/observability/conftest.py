"""A real gateway (uvicorn on a free port) over the real shop, with observability options."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from starlette.applications import Starlette

from gateway import create_app
from settings import Settings
from tests.support.live_app import RunGateway, serve_app, shop_settings
from tests.support.shop import ShopProcess


@pytest.fixture
def run_gateway(shop: ShopProcess) -> RunGateway:
    """``with run_gateway(tracing={...}) as (app, base_url):`` — sections go under
    ``[observability]``; the shop's services are wired in."""

    @contextmanager
    def run(**observability: Any) -> Iterator[tuple[Starlette, str]]:
        settings = Settings.model_validate(
            shop_settings(shop.urls, observability=observability, graphql={"graphiql": False})
        )
        app = create_app(settings)
        with serve_app(app) as base_url:
            yield app, base_url

    return run
