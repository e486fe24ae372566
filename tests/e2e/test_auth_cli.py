"""``switchyard keys`` and the demo's printed keys, as a user runs them (real processes)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from gateway import create_app
from settings import Settings
from tests.support.live_app import serve_app
from tests.support.processes import REPO_ROOT, free_ports, project_env, stop_process
from tests.support.shop import ShopProcess

KEY = re.compile(r"sy_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def switchyard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_keys_create_list_revoke(shop: ShopProcess, tmp_path: Path) -> None:
    db = tmp_path / "keys.db"
    created = switchyard(
        "keys",
        "--keys-db",
        str(db),
        "create",
        "--client",
        "acme",
        "--roles",
        "reader",
        "--plan",
        "pro",
    )
    assert created.returncode == 0, created.stderr
    [key] = KEY.findall(created.stdout)
    key_id = key[3:15]
    listed = switchyard("keys", "--keys-db", str(db), "list")
    assert key_id in listed.stdout and "acme" in listed.stdout and "pro" in listed.stdout
    assert key not in listed.stdout and key not in db.read_bytes().decode("latin-1")

    settings = Settings.model_validate(
        {
            "services": {name: {"base_url": u} for name, u in shop.urls.items()},
            "auth": {"keys_db": str(db)},
        }
    )
    query = {"query": "{ user(id: 1) { id } }"}
    with serve_app(create_app(settings)) as url:
        assert (
            httpx.post(f"{url}/graphql", json=query, headers={"X-API-Key": key}).status_code == 200
        )
        revoked = switchyard("keys", "--keys-db", str(db), "revoke", key_id)
        assert revoked.returncode == 0, revoked.stderr
        after = httpx.post(f"{url}/graphql", json=query, headers={"X-API-Key": key})
        assert after.status_code == 401
    assert "revoked" in switchyard("keys", "--keys-db", str(db), "list").stdout
    assert switchyard("keys", "--keys-db", str(db), "revoke", "000000000000").returncode == 1


def test_demo_prints_working_admin_and_reader_keys(tmp_path: Path) -> None:
    gateway_port, *ports = free_ports(5)
    config = tmp_path / "demo.toml"
    config.write_text(
        f'[auth]\nkeys_db = "{tmp_path / "keys.db"}"\n'
        + "".join(
            f'[services.{name}]\nbase_url = "http://127.0.0.1:{port}"\n'
            for name, port in zip(("users", "orders", "products", "reviews"), ports, strict=True)
        )
    )
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gateway",
                "demo",
                "--config",
                str(config),
                "--port",
                str(gateway_port),
            ],
            cwd=tmp_path,  # not the checkout: relative default paths land here
            env=project_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while "Reader key:" not in log.read_text() and time.monotonic() < deadline:
            assert demo.poll() is None, log.read_text()
            time.sleep(0.05)
        text = log.read_text()
        admin = re.search(r"Admin key:\s+(\S+)", text)
        reader = re.search(r"Reader key:\s+(\S+)", text)
        assert admin and reader, text
        url = f"http://127.0.0.1:{gateway_port}/graphql"
        query = {"query": "{ user(id: 2) { name email } }"}
        seen = httpx.post(url, json=query, headers={"X-API-Key": admin.group(1)}).json()
        hidden = httpx.post(url, json=query, headers={"X-API-Key": reader.group(1)}).json()
        assert seen["data"]["user"]["email"] and "errors" not in seen
        assert hidden["data"]["user"]["email"] is None
        assert hidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert not (tmp_path / "keys.db").exists()  # demo keys live only in memory
    finally:
        stop_process(demo, 15, sig=signal.SIGINT)
