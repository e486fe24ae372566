"""The ``switchyard`` command: schema, config errors, and the demo's clean start and stop."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.processes import REPO_ROOT, free_port, free_ports, project_env, stop_process


def switchyard(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_schema_prints_the_unified_sdl() -> None:
    result = switchyard("schema")
    assert result.returncode == 0
    for line in (
        "type Query {",
        "createOrder(input: CreateOrderInput!): Order!",
        "averageRating: Float",
    ):
        assert line in result.stdout


def test_bad_config_names_key_and_line_and_starts_nothing(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[server]\nport = 8000\nworkerz = 2\n")
    port = free_port()
    started = time.monotonic()
    result = switchyard("serve", "--config", str(config), "--port", str(port))
    assert result.returncode == 2
    assert f"{config}:3: server.workerz: unknown key" in result.stderr
    assert time.monotonic() - started < 20
    with httpx.Client() as client:
        try:
            client.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5)
            raise AssertionError("something is listening although the config was bad")
        except httpx.TransportError:
            pass


def test_demo_starts_shop_and_gateway_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    names = ("gateway", "users", "orders", "products", "reviews")
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    env = {
        **project_env(),
        "SWITCHYARD_SERVER__PORT": str(ports["gateway"]),
        **{
            f"SWITCHYARD_SERVICES__{name.upper()}__BASE_URL": f"http://127.0.0.1:{ports[name]}"
            for name in ("users", "orders", "products", "reviews")
        },
    }
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "gateway", "demo"],
            cwd=tmp_path,  # not the checkout: relative default paths land here
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 40
        while "GraphiQL:" not in log.read_text():
            assert demo.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        text = log.read_text()
        assert f"http://127.0.0.1:{ports['gateway']}/graphql" in text and "users(limit: 3)" in text
        response = httpx.post(
            f"http://127.0.0.1:{ports['gateway']}/graphql",
            json={"query": "{ user(id: 1) { name } }"},
        )
        assert response.json()["data"]["user"]["name"]
        assert stop_process(demo, 20) == 0
    finally:
        stop_process(demo)
    for name in ("gateway", "users"):  # every server is gone with the demo
        try:
            httpx.get(f"http://127.0.0.1:{ports[name]}/", timeout=0.5)
            raise AssertionError(f"{name} still listening after the demo stopped")
        except httpx.TransportError:
            pass
