"""The proof that limits hold across processes: two gateway processes (real uvicorn
subprocesses) share one real redis-server; 200 concurrent requests against a field
limited to 50 per minute per client let exactly 50 through, whichever process served
them. All requests come from 127.0.0.1, so the (anonymous) client is "ip:127.0.0.1".
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from tests.support.gateway import GatewayProcess
from tests.support.rate_windows import wait_for_fresh_window
from tests.support.shop import ShopProcess

REQUESTS = 200
LIMIT = 50


def config(shop: ShopProcess, redis_url: str) -> str:
    services = "\n".join(
        f'[services.{name}]\nbase_url = "{url}"' for name, url in shop.urls.items()
    )
    return f"""
[graphql]
graphiql = false

[limits]
store = "{redis_url}"
store_timeout_seconds = 2.0

[limits.plans.free]
operations = {{ all = {{ limit = 100000, window = "1h" }} }}

[limits.fields."Query.user"]
limit = {LIMIT}
window = "1m"
per = "CLIENT"

{services}
"""


async def test_two_processes_one_redis_exactly_the_limit(shop: ShopProcess, redis_url: str) -> None:
    toml = config(shop, redis_url)
    with (
        GatewayProcess(config_toml=toml) as first,
        GatewayProcess(config_toml=toml) as second,
    ):
        urls = [first.url, second.url]
        wait_for_fresh_window(margin=10)
        limits = httpx.Limits(max_connections=REQUESTS)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            for url in urls:  # warm both up (imports, Redis connection) on an unlimited field
                warm = await client.post(f"{url}/graphql", json={"query": "{ __typename }"})
                assert warm.status_code == 200

            async def one(index: int) -> tuple[int, httpx.Response]:
                gateway = index % 2
                body = {"query": f"{{ user(id: {index % 50 + 1}) {{ name }} }}"}
                return gateway, await client.post(f"{urls[gateway]}/graphql", json=body)

            results = await asyncio.gather(*(one(i) for i in range(REQUESTS)))

    served: Counter[int] = Counter()
    codes: Counter[str] = Counter()
    for gateway, response in results:
        assert response.status_code in (200, 429), response.text
        body = response.json()
        if body["data"]["user"] is not None:
            served[gateway] += 1
        else:
            assert response.status_code == 429
            codes[body["errors"][0]["extensions"]["code"]] += 1
    assert sum(served.values()) == LIMIT
    assert codes == {"RATE_LIMITED": REQUESTS - LIMIT}
    assert served[0] > 0 and served[1] > 0  # both processes served successes
    # every success asked the users service once; the refused ones never did
    assert shop.stats("users")["requests"] == LIMIT
