"""Helpers for the classroom tests: fixture stories, the real CLI in a subprocess, golden files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STORIES = REPO / "tests" / "fixtures" / "stories"
GOLDEN = REPO / "tests" / "golden" / "classroom"
ARTIFACTS = REPO / "test-artifacts"
UPDATE = os.environ.get("HUNGARY56_UPDATE_GOLDEN") == "1"


def env(**extra: str) -> dict[str, str]:
    result = dict(os.environ)
    result.pop("HUNGARY56_SAVES", None)
    result.update({"NO_COLOR": "1", "PYTHONPATH": str(REPO), "COLUMNS": "80", "PYTHONIOENCODING": "utf-8"})
    result.update(extra)
    return result


def cli(*args: str, stdin: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m engine ARGS` as a user runs it, with piped standard input."""
    return subprocess.run(
        [sys.executable, "-m", "engine", *args], input=stdin, capture_output=True, text=True,
        encoding="utf-8", cwd=cwd or REPO, env=env(), timeout=120,
    )


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/classroom/NAME; HUNGARY56_UPDATE_GOLDEN=1 rewrites it instead."""
    path = GOLDEN / name
    if UPDATE or not path.exists():
        if not UPDATE:
            raise AssertionError(f"no golden file {path}: run with HUNGARY56_UPDATE_GOLDEN=1 to create it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file (HUNGARY56_UPDATE_GOLDEN=1 updates it)"
