"""Shared test helpers: where things are, and how to run the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
STORIES = FIXTURES / "stories"
TINY = STORIES / "tiny"
BROKEN = FIXTURES / "broken"
GOLDEN = REPO / "tests" / "golden"
ARTIFACTS = REPO / "test-artifacts"

# Set by `pytest --update-goldens`: check_golden() then rewrites the golden files instead of comparing.
UPDATE_GOLDENS = {"on": os.environ.get("HUNGARY56_UPDATE_GOLDEN") == "1"}


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("HUNGARY56_SAVES", None)
    env.update({"NO_COLOR": "1", "PYTHONPATH": str(REPO), "COLUMNS": "80", "PYTHONIOENCODING": "utf-8",
                # nobody answers prompt-toolkit's cursor-position request inside a test pty
                "PROMPT_TOOLKIT_NO_CPR": "1",
                # a dark terminal that says so: the theme `auto` asks nothing (engine/play/background.py)
                "COLORFGBG": "15;0"})
    env.update(extra)
    return env


def run_cli(*args: str, stdin: str = "", cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `python -m engine ARGS` as a user would, with piped stdin."""
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        input=stdin, capture_output=True, text=True, encoding="utf-8", cwd=cwd or REPO,
        env=env or cli_env(), timeout=timeout,
    )


def check_golden(path: Path, actual: str) -> None:
    """Compare `actual` with the golden file at `path`; `pytest --update-goldens` rewrites it instead.

    A missing golden file fails (it is never created silently): run with --update-goldens, then
    review the diff before committing it.
    """
    if UPDATE_GOLDENS["on"]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"no golden file {path}: run `python -m pytest --update-goldens` to create it")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.relative_to(REPO)} differs from its golden file (pytest --update-goldens updates it)"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden files instead of comparing with them")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A story cache of this test's own, switched on."""
    from engine.io import cache

    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.DIR_ENV, str(folder))
    monkeypatch.delenv(cache.DISABLE_ENV, raising=False)
    return folder


@pytest.fixture
def tiny_story():
    from engine.io.loader import load_story

    return load_story(TINY)



def pytest_configure(config: pytest.Config) -> None:
    """Stories loaded by the tests (and the CLI they run) are cached in a temporary folder, not
    in the user's ~/.cache, where each temporary story folder would leave an entry behind. Set
    here, before the test modules (some load a story on import) are collected."""
    import tempfile

    if config.getoption("--update-goldens", default=False):
        UPDATE_GOLDENS["on"] = True

    os.environ["HUNGARY56_CACHE_DIR"] = tempfile.mkdtemp(prefix="hungary56-test-cache-")
    # Saves, the endings found and the settings of the games the tests play stay out of the
    # user's own data and config folders (platformdirs follows these on Linux).
    home = tempfile.mkdtemp(prefix="hungary56-test-home-")
    os.environ["XDG_DATA_HOME"] = os.path.join(home, "data")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(home, "config")
    os.environ["HUNGARY56_TEST_HOME"] = home


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil

    shutil.rmtree(os.environ.pop("HUNGARY56_CACHE_DIR", ""), ignore_errors=True)
    shutil.rmtree(os.environ.pop("HUNGARY56_TEST_HOME", ""), ignore_errors=True)


# --- the fast tier ------------------------------------------------------------------------------
# `python -m pytest -m "not slow"` runs the rules in process. A test that starts a real program (a
# subprocess, a pseudo-terminal, tmux, Chromium) is marked slow; one that is not marked and starts
# one fails, so the fast tier stays fast. HUNGARY56_SPAWN_REPORT=FILE lists such tests instead.
SPAWN_REPORT = os.environ.get("HUNGARY56_SPAWN_REPORT", "")


@pytest.fixture(autouse=True)
def _real_programs_are_marked_slow(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    if request.node.get_closest_marker("slow") is not None:
        yield
        return
    import pty

    started: list[str] = []
    popen_init = subprocess.Popen.__init__
    fork = pty.fork

    def watched_popen(self, args, *rest, **kwargs):
        started.append(str(args)[:120])
        popen_init(self, args, *rest, **kwargs)

    def watched_fork():
        started.append("a pseudo-terminal")
        return fork()

    monkeypatch.setattr(subprocess.Popen, "__init__", watched_popen)
    monkeypatch.setattr(pty, "fork", watched_fork)
    yield
    if started and SPAWN_REPORT:
        with open(SPAWN_REPORT, "a", encoding="utf-8") as report:
            report.write(request.node.nodeid + "\n")
    elif started:
        pytest.fail(f"{request.node.nodeid} starts a real program ({started[0]}): mark it @pytest.mark.slow")


@pytest.fixture
def terminal(tmp_path: Path):
    """make(columns, rows): a real terminal in tmux of that size (tests/test_reader_tmux.py's Tmux),
    closed after the test."""
    from tests.test_reader_tmux import Tmux

    made: list[Tmux] = []

    def make(columns: int, rows: int) -> Tmux:
        made.append(Tmux(tmp_path, columns, rows))
        return made[-1]

    yield make
    for term in made:
        term.close()
