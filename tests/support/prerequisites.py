"""What to do when a system prerequisite (Chromium, redis-server, GraphiQL's assets) is
missing: in CI (``CI=true``) the test fails, so a missing install can never pass as green;
on a developer's machine it is skipped with the command that installs it.

Usage::

    if shutil.which("redis-server") is None:
        missing("redis-server is not installed: apt-get install -y redis-server")
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing(message: str) -> NoReturn:
    """Fail the calling test in CI, skip it elsewhere."""
    if in_ci():
        pytest.fail(message)
    pytest.skip(f"{message} (skipped outside CI; CI fails)")
