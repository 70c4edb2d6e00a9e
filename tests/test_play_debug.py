"""`play --scene ID` (start with the state of the shortest path there) and `play --debug` (`vars`, `goto`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import TINY, cli_env, run_cli

pytestmark = pytest.mark.slow  # every test here drives a real program (or searches at length)

UNREACHABLE = TINY.parent / "unreachable"


def play(*args: str | Path, stdin: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("play", *map(str, args), stdin=stdin, cwd=cwd, env=cli_env(HUNGARY56_SAVES=str(cwd / "saves")))


def test_scene_starts_with_the_state_of_the_shortest_path(tmp_path: Path) -> None:
    done = play(TINY, "--scene", "square", stdin="1\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Starting at 'square' after the shortest path that reaches it: 1 1" in done.stderr
    first = done.stdout.split("> ", 1)[0]
    assert "The square" in first and "At the gate" not in first
    assert "1. Stand your ground" in first  # open: the path took the rifle (armed, courage 2)
    assert "THE END: Fallen" in done.stdout


def test_undo_walks_back_along_that_path(tmp_path: Path) -> None:
    # One undo takes back one choice, over the "Press Enter" step of the street: back at the gate.
    done = play(TINY, "--scene", "square", stdin="undo\nundo\n", cwd=tmp_path)
    assert done.stdout.count("Undone: ") == 1 and "Nothing to undo" in done.stdout
    assert "At the gate" in done.stdout.rsplit("Undone: ", 1)[1]


def test_scene_refuses_unknown_and_unreachable_scenes(tmp_path: Path) -> None:
    unknown = play(TINY, "--scene", "sqare", stdin="", cwd=tmp_path)
    assert unknown.returncode == 2 and "no scene 'sqare' in this story (did you mean 'square'?)" in unknown.stderr
    orphan = play(UNREACHABLE, "--scene", "orphan", stdin="", cwd=tmp_path)
    assert orphan.returncode == 2 and "scene 'orphan' cannot be reached from the start" in orphan.stderr
    both = play(TINY, "--scene", "square", "--chapter", "two", stdin="", cwd=tmp_path)
    assert both.returncode == 2 and "not allowed with" in both.stderr
    for done in (unknown, orphan, both):
        assert "Traceback" not in done.stderr


def test_debug_shows_the_state_and_jumps(tmp_path: Path) -> None:
    done = play(TINY, "--debug", stdin="1\nvars\ngoto end_hom\ngoto end_home\nhelp\nundo\nvars\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "State at 'street', turn 1" in done.stdout
    assert "courage = 2  [int]  (initially 0)" in done.stdout and "armed   = true  [bool]" in done.stdout
    assert "Visits: gate 1, street 1" in done.stdout
    assert "there is no scene 'end_hom' (did you mean 'end_home'?)" in done.stdout
    assert "(debug) Jumped to 'end_home'" in done.stdout and "THE END: Home" in done.stdout
    assert "goto SCENE (--debug) jump to a scene" in " ".join(done.stdout.split())  # help's columns vary
    assert done.stdout.count("State at 'street', turn 1") == 2  # undo came back from the jump


def test_without_debug_there_is_no_vars_or_goto(tmp_path: Path) -> None:
    done = play(TINY, stdin="vars\ngoto square\nhelp\n", cwd=tmp_path)
    assert "'vars' is not a choice or a command." in done.stdout
    assert "'goto square' is not a choice or a command." in done.stdout  # the line as typed (U7)
    assert "(--debug)" not in done.stdout
