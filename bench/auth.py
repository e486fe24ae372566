"""What authentication adds per request: anonymous vs API key vs JWT (HS256, RS256/JWKS).

One in-process gateway (httpx ASGITransport, no sockets) answers ``{ __typename }``,
which touches no backend, so the difference between modes is the authentication
itself (header parsing, key lookup and hash, JWT signature and claims checks). The
JWKS is served by an ``httpx.MockTransport`` and fetched once, as in production.
Every mode runs in the same process and the same run, interleaved in rounds.

Run::

    /work/main/.venv/bin/python bench/auth.py [--requests 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auth import generate_key, hash_key
from auth.api_keys import key_id
from bench.common import bench_settings
from gateway import create_app

SECRET = "bench-hs256-secret-of-at-least-32-bytes!"
RSA = RSAKey.generate_key(2048, parameters={"kid": "bench"})
QUERY = {"query": "{ __typename }"}


def _jwks(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"keys": [RSA.as_dict(private=False)]})


async def _measure(client: httpx.AsyncClient, headers: dict[str, str], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = await client.post("/graphql", json=QUERY, headers=headers)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"unexpected {response.status_code}: {response.text}")
    return samples


async def main(requests: int, rounds: int) -> None:
    key = generate_key()
    settings = bench_settings(
        auth={
            "api_keys": [{"id": key_id(key), "hash": hash_key(key), "client": "bench"}],
            "jwt": {
                "hs256_secret": SECRET,
                "jwks_url": "http://jwks.bench/keys",
                "issuer": "bench",
                "audience": "switchyard",
            },
        }
    )
    app = create_app(settings, transport=httpx.MockTransport(_jwks))
    claims = {"sub": "1", "iss": "bench", "aud": "switchyard", "exp": int(time.time()) + 3600}
    modes = {
        "anonymous": {},
        "api key": {"X-API-Key": key},
        "jwt HS256": {
            "Authorization": "Bearer "
            + jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(SECRET), algorithms=["HS256"])
        },
        "jwt RS256 (JWKS)": {
            "Authorization": "Bearer "
            + jwt.encode({"alg": "RS256", "kid": "bench"}, claims, RSA, algorithms=["RS256"])
        },
    }
    samples: dict[str, list[float]] = {mode: [] for mode in modes}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for headers in modes.values():  # warm-up: caches, JWKS fetch
                await _measure(client, headers, 100)
            for _ in range(rounds):
                for mode, headers in modes.items():
                    samples[mode] += await _measure(client, headers, requests // rounds)
    base = statistics.median(samples["anonymous"])
    print(f"{requests} requests per mode, {rounds} interleaved rounds, query {QUERY['query']}")
    print(f"{'mode':<18} {'median us':>10} {'p90 us':>10} {'added us':>10} {'ratio':>7}")
    for mode, values in samples.items():
        median = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1]
        print(
            f"{mode:<18} {median * 1e6:>10.0f} {p90 * 1e6:>10.0f} "
            f"{(median - base) * 1e6:>10.0f} {median / base:>7.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    asyncio.run(main(min(options.requests, 50_000), max(1, min(options.rounds, 50))))
