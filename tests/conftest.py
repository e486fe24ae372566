"""Fixtures shared by the whole suite; everything under tests/e2e/ is marked ``e2e``.

``shop`` gives a test the demo shop running in a real subprocess, with every service's
request counters zeroed: the process is started once per session (``_shop_session``,
about a second) and ``shop`` resets its counters before each test, so a test may assert
exact request counts. Data persists across tests, including orders created with POST;
tests that place orders should use a user no other test counts orders for.

Example::

    def test_user(shop: ShopProcess) -> None:
        response = httpx.get(f"{shop.urls['users']}/users/1")
        assert shop.stats("users")["requests"] == 1
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.gateway import GatewayProcess
from tests.support.shop import ShopProcess


@pytest.fixture(scope="session", autouse=True)
def _session_cwd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Session and module fixtures run in a temporary directory too (see below)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("cwd"))
        yield


@pytest.fixture(autouse=True)
def _cwd_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test in its own temporary directory: apps built from default settings
    open relative paths (``.switchyard/usage.db``, ``.switchyard/keys.db``), which must
    not land in the checkout. Tests find project files through ``REPO_ROOT``."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def _shop_session() -> Iterator[ShopProcess]:
    shop = ShopProcess().start()
    try:
        yield shop
    finally:
        shop.stop()


@pytest.fixture
def shop(_shop_session: ShopProcess) -> ShopProcess:
    """The session's shop process, with all request counters zeroed for this test."""
    _shop_session.reset()
    return _shop_session


@pytest.fixture(scope="session")
def gateway(_shop_session: ShopProcess) -> Iterator[GatewayProcess]:
    """A real ``switchyard serve`` process pointed at the session's shop (default settings)."""
    with GatewayProcess(_shop_session.urls) as process:
        yield process


E2E_DIR = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


from tests.support.redis_server import redis_server, redis_url  # noqa: E402

__all__ = ["redis_server", "redis_url"]
