"""Playing from a pipe starts fast: it must not import the terminal UI or the authoring tools."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO as ROOT
from tests.conftest import TINY

HEAVY = ("prompt_toolkit", "jinja2", "jsonschema")


def imported_modules(args: list[str], tmp_path: Path) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "engine", *args], input="quit\n", cwd=tmp_path,
        capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert "Goodbye." in result.stdout
    lines = [line.split("|")[-1] for line in result.stderr.splitlines() if line.startswith("import time:")]
    return {line.strip().split(".")[0] for line in lines}


@pytest.mark.parametrize("args", [["play", str(TINY)], [str(TINY)]], ids=["play", "default-command"])
def test_piped_play_imports_no_heavy_module(args: list[str], tmp_path: Path) -> None:
    modules = imported_modules(args, tmp_path)
    assert "engine" in modules
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
