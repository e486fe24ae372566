"""``switchyard serve --workers 2``: several worker processes answer on one port."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.support.gateway import GatewayProcess
from tests.support.shop import ShopProcess


def test_two_workers_answer_queries(shop: ShopProcess) -> None:
    with (
        GatewayProcess(shop.urls, args=("--workers", "2")) as gateway,
        ThreadPoolExecutor(max_workers=8) as pool,
    ):
        bodies = list(
            pool.map(lambda i: gateway.query(f"{{ user(id: {i}) {{ id }} }}").json(), range(1, 41))
        )
    assert [b["data"]["user"]["id"] for b in bodies] == [str(i) for i in range(1, 41)]
    assert gateway.log_text().count("Started server process") == 2
