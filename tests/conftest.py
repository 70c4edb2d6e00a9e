"""Shared test helpers: where things are, and how to run the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
TINY = FIXTURES / "stories" / "tiny"


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("HUNGARY56_SAVES", None)
    env.update({"NO_COLOR": "1", "PYTHONPATH": str(REPO), "COLUMNS": "80", "PYTHONIOENCODING": "utf-8",
                # nobody answers prompt-toolkit's cursor-position request inside a test pty
                "PROMPT_TOOLKIT_NO_CPR": "1"})
    env.update(extra)
    return env


def run_cli(*args: str, stdin: str = "", cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m engine ARGS` as a user would, with piped stdin."""
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        input=stdin, capture_output=True, text=True, encoding="utf-8", cwd=cwd or REPO,
        env=env or cli_env(), timeout=timeout,
    )


@pytest.fixture
def tiny_story():
    from engine.io.loader import load_story

    return load_story(TINY)



def pytest_configure(config: pytest.Config) -> None:
    """Stories loaded by the tests (and the CLI they run) are cached in a temporary folder, not
    in the user's ~/.cache, where each temporary story folder would leave an entry behind. Set
    here, before the test modules (some load a story on import) are collected."""
    import tempfile

    os.environ["HUNGARY56_CACHE_DIR"] = tempfile.mkdtemp(prefix="hungary56-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil

    shutil.rmtree(os.environ.pop("HUNGARY56_CACHE_DIR", ""), ignore_errors=True)
