"""Regression tests for the attack review's hostile-story findings (reviews/2026-11-29/reliability.md),
each run the way the review ran it: `hungary56 lint` (or `test`, `play`) on a copy of
examples/starter holding the hostile file, under an address-space limit."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env

STARTER = REPO / "examples" / "starter"
LIMIT = 1_500_000 * 1024  # the review's `ulimit -v 1500000`


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def limited_cli(*args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args], input=stdin, capture_output=True, text=True, cwd=REPO,
        env=cli_env(HUNGARY56_NO_CACHE="1"), timeout=timeout, preexec_fn=_limit_memory,
    )


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "S"
    shutil.copytree(STARTER, folder)
    return folder


@pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x {b: *x}\n"], ids=["sequence", "mapping"])
def test_h1_a_recursive_alias_is_a_located_error_not_endless_memory(story: Path, text: str) -> None:
    (story / "scenes" / "x.yaml").write_text(text, encoding="utf-8")
    for command in ("lint", "graph", "walkthrough", "test"):
        result = limited_cli(command, str(story))
        assert result.returncode == 1, (command, result.stderr[-2000:])
        assert "Traceback" not in result.stderr + result.stdout
        shown = result.stdout + result.stderr
        assert "scenes/x.yaml:1:4: error" in shown and "an alias refers to its own anchor" in shown, shown
