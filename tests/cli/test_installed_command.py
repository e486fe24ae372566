"""The ``switchyard`` command works as installed (``make run``), not only from the checkout.

Tests import the rooms straight from the repository (pytest's ``pythonpath``), so a room
missing from pyproject's package list would pass every other test and still break
``make run``. These two tests close that gap.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from tests.support.prerequisites import missing
from tests.support.processes import REPO_ROOT

NOT_SHIPPED = {"tests", "bench", "assets"}


def test_every_room_is_in_the_package_list() -> None:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["packages"]["find"]["include"]
    rooms = {
        path.parent.name
        for path in REPO_ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_SHIPPED
    }
    unlisted = {room for room in rooms if not any(fnmatch(room, p) for p in patterns)}
    assert not unlisted, f"add these packages to [tool.setuptools.packages.find]: {unlisted}"


def test_installed_command_runs_outside_the_checkout(tmp_path: Path) -> None:
    command = shutil.which("switchyard", path=str(Path(sys.executable).parent))
    if command is None:
        missing("the project is not installed in this environment: run `make install`")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    result = subprocess.run(
        [command, "schema"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "type Query {" in result.stdout
