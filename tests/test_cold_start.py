"""Playing from a pipe starts fast: a warm start (story cache hit) imports only what the first scene needs.

Each test runs the real CLI in a subprocess and looks at `sys.modules` when it exits. A module
listed here that creeps back onto the start path (an import at the top of a module the player
loads) fails the test; its speed is measured by `bench/run.py --only start`, never here.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO as ROOT
from tests.conftest import TINY

# The terminal UI (imported at the first prompt of a real terminal), the authoring and classroom
# tools, and the YAML parser (only when the cache misses).
HEAVY = ("prompt_toolkit", "jinja2", "jsonschema", "yaml")

# What a warm piped start must not import, module or package (a package forbids its submodules).
# Each was on the start path once (issue #16, item 2) and cost from 0.5 to 8 ms:
OFF_THE_START_PATH = (
    *HEAVY,
    # secrets -> hmac -> _hashlib (a temporary file name: os.urandom does it)
    "secrets", "hmac", "hashlib",
    # shutil -> bz2, lzma (argparse's help width and the terminal size: engine.cli.terminal_size)
    "shutil", "bz2", "lzma",
    "difflib",  # "did you mean" hints, only when a name is wrong
    "calendar",  # the days of a month
    "datetime",  # the first screen's date (time.strftime) and a save's time (imported at the first save)
    "shlex",  # the resume hint quotes a folder only when one was named
    "subprocess",
    # the player's parts that a start without --debug, --transcript or --teacher never uses
    "engine.play.debug", "engine.core.transcript", "engine.core.why",
    "engine.classroom", "engine.author", "engine.io.yamlio",
    # the compiler: a warm start reads the whole built story from one cache entry
    "engine.core.build", "engine.core.clean", "engine.core.fields", "engine.core.references", "engine.core.format",
    *(f"engine.commands.{name}" for name in ("saves", "lint", "new", "graph", "test", "record", "walkthrough",
                                              "handout", "stats")),
)
if sys.platform == "linux":  # elsewhere the settings folder comes from platformdirs
    # platformdirs -> tempfile -> shutil, random (the settings folder on Linux: engine.io.paths)
    OFF_THE_START_PATH += ("platformdirs", "tempfile", "random")

# Runs the CLI as `python -m engine` does, and lists every module loaded when the process ends.
PROBE = """
import atexit, runpy, sys
atexit.register(lambda: sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n"))
sys.argv = ["hungary56", *sys.argv[1:]]
runpy.run_module("engine", run_name="__main__", alter_sys=True)
"""


def loaded_modules(args: list[str], cwd: Path, env: dict[str, str]) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], input="quit\n", cwd=cwd, capture_output=True,
                            text=True, encoding="utf-8", timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert "Goodbye." in result.stdout
    line = next(line for line in result.stderr.splitlines() if line.startswith("MODULES "))
    return set(line.split()[1:])


def forbidden(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(name + ".") for name in OFF_THE_START_PATH))


@pytest.fixture
def warm_env(tmp_path: Path) -> dict[str, str]:
    """A story cache of the test's own (filled by a first run), saves and settings in the test's folders."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HUNGARY56_CACHE_DIR": str(tmp_path / "cache"),
           "HUNGARY56_SAVES": str(tmp_path / "saves"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("HUNGARY56_NO_CACHE", None)
    return env


@pytest.mark.slow
@pytest.mark.parametrize("args", [["play", str(TINY)], [str(TINY)], ["play"], []],
                         ids=["play-tiny", "default-command-tiny", "play-bundled", "no-arguments-bundled"])
def test_a_warm_piped_start_imports_only_what_the_first_scene_needs(args: list[str], tmp_path: Path,
                                                                     warm_env: dict[str, str]) -> None:
    first = loaded_modules(args, tmp_path, warm_env)  # fills the story cache (PyYAML is needed here)
    assert "yaml" in first, "the first run should have parsed the story: is the cache switched off?"
    modules = loaded_modules(args, tmp_path, warm_env)
    assert "engine.play.session" in modules and "engine.core.model" in modules
    assert forbidden(modules) == [], f"a warm piped start imports {forbidden(modules)}: import them where they are used"
    if args in ([], ["play"]):  # nothing to parse: no parser is built (argparse brings gettext and locale)
        assert not modules & {"argparse", "gettext", "locale"}, sorted(modules & {"argparse", "gettext", "locale"})


@pytest.mark.slow
def test_the_check_sees_a_module_that_creeps_back(tmp_path: Path, warm_env: dict[str, str]) -> None:
    """The same run with --transcript loads the transcript writer: the probe must see it."""
    loaded_modules(["play", str(TINY)], tmp_path, warm_env)
    modules = loaded_modules(["play", str(TINY), "--transcript", str(tmp_path / "t.md")], tmp_path, warm_env)
    assert "engine.core.transcript" in forbidden(modules)


@pytest.mark.slow
def test_a_cold_piped_start_still_keeps_the_ui_and_the_tools_out(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HUNGARY56_NO_CACHE": "1", "HUNGARY56_SAVES": str(tmp_path / "s")}
    modules = loaded_modules(["play", str(TINY)], tmp_path, env)
    assert not modules & {"prompt_toolkit", "jinja2", "jsonschema"}
    assert not [m for m in modules if m.startswith(("engine.author", "engine.classroom"))]


COLLECTOR = """
import gc, sys
from engine import cli
from engine.play import session

def run(self):
    print("while playing:", gc.isenabled(), gc.get_freeze_count() > 0)
    return 0

session.Session.run = run
print("before:", gc.isenabled())
cli.main(["play", sys.argv[1]])
print("after:", gc.isenabled())
cli.main(["play", sys.argv[1] + "/missing"])
print("after a story that fails:", gc.isenabled())
"""


@pytest.mark.slow
def test_the_collector_paused_for_the_start_runs_again_once_the_story_is_loaded(tmp_path: Path,
                                                                                 warm_env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-c", COLLECTOR, str(TINY)], capture_output=True, text=True,
                            cwd=tmp_path, env=warm_env, timeout=60)
    assert result.stdout.splitlines() == ["before: True", "while playing: True True", "after: True",
                                          "after a story that fails: True"], result.stderr


@pytest.mark.parametrize("argv", [[], ["play"]], ids=["no-arguments", "play-alone"])
def test_play_alone_skips_the_parser_with_the_very_values_it_would_give(argv: list[str],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from engine import cli
    from engine.commands import play

    parsed = cli.build_parser(only="play").parse_args(["play"])
    assert vars(play.bare_arguments()) == vars(parsed)
    seen: list[object] = []

    def run(args: object) -> int:
        seen.append(args)
        return 0

    monkeypatch.setattr(play, "run", run)
    monkeypatch.setattr(cli, "build_parser", lambda only=None: pytest.fail("the parser was built"))
    assert cli.main(argv) == 0
    assert len(seen) == 1 and vars(seen[0]) == {**vars(parsed), "run": play.run}


def test_anything_more_than_play_alone_is_parsed(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from engine import cli

    with pytest.raises(SystemExit):
        cli.main(["play", "--no-such-option"])
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err
