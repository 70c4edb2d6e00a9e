"""The graph, test and record commands, run as a person runs them: `python -m engine ...` in a subprocess."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO as ROOT
from tests.conftest import TINY, cli_env, run_cli

STORIES = TINY.parent


def h56(*args: str | Path, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # Saves go to the test's folder, never to the repository's.
    return run_cli(*map(str, args), stdin=stdin, cwd=cwd, env=cli_env(HUNGARY56_SAVES=str(cwd / "saves")))


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    copy = tmp_path / "tiny"
    shutil.copytree(TINY, copy)
    return copy


def test_graph_prints_dot_that_graphviz_renders() -> None:
    done = h56("graph", TINY)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (ROOT / "tests" / "golden" / "tiny.dot").read_text(encoding="utf-8")
    svg = subprocess.run(["dot", "-Tsvg"], input=done.stdout, capture_output=True, text=True, timeout=60)
    assert svg.returncode == 0 and "<svg" in svg.stdout


def test_graph_writes_mermaid_for_one_chapter(tmp_path: Path) -> None:
    out = tmp_path / "map.mmd"
    done = h56("graph", TINY, "--format", "mermaid", "--chapter", "one", "-o", out)
    assert done.returncode == 0 and done.stdout == ""
    assert out.read_text(encoding="utf-8") == (ROOT / "tests" / "golden" / "tiny-one.mmd").read_text(encoding="utf-8")


def test_graph_unknown_chapter_is_a_usage_error() -> None:
    done = h56("graph", TINY, "--chapter", "nine")
    assert done.returncode == 2
    assert "no chapter 'nine'" in done.stderr and "Traceback" not in done.stderr


def test_test_passes_on_the_tiny_story() -> None:
    done = h56("test", TINY, "--runs", "300", "--seed", "5")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "300 random playthroughs" in done.stdout and "Scenes reached: 5/5 (100.0%)" in done.stdout
    assert "No errors." in done.stdout
    assert h56("test", TINY, "--runs", "300", "--seed", "5").stdout == done.stdout  # reproducible


def test_a_stuck_path_printed_by_test_replays_in_play(tmp_path: Path) -> None:
    stuck = STORIES / "stuck"
    done = h56("test", stuck, "--runs", "20")
    assert done.returncode == 1
    line = next(li for li in done.stdout.splitlines() if li.strip().startswith("choices:"))
    numbers = line.split(":", 1)[1].split()
    played = h56("play", stuck, stdin="\n".join(numbers) + "\n", cwd=tmp_path)
    assert played.returncode == 0
    assert "Scene dead_end" in played.stdout


def test_loop_and_exhaustive_exit_codes() -> None:
    loop = h56("test", STORIES / "loop", "--runs", "2", "--max-steps", "30")
    assert loop.returncode == 1 and "possible loop" in loop.stdout
    full = h56("test", STORIES / "unreachable", "--exhaustive")
    assert full.returncode == 1
    assert "Unreachable:" in full.stdout and "unreachable.yaml:27:5: scene 'orphan'" in full.stdout
    tiny = h56("test", TINY, "--exhaustive")
    assert tiny.returncode == 0 and "end_home (Home, stayed): 1 1 2" in tiny.stdout


def test_bad_numbers_are_usage_errors() -> None:
    done = h56("test", TINY, "--runs", "0")
    assert done.returncode == 2 and "--runs must be at least 1" in done.stderr


def test_record_replay_diff_and_bless(tiny: Path) -> None:
    recorded = h56("record", tiny, "--name", "home", "--choices", "2 . 2")
    assert recorded.returncode == 0, recorded.stderr
    file = tiny / "tests" / "playthroughs" / "home.yaml"
    assert "Recorded" in recorded.stdout and file.is_file()
    assert "THE END: Home" in file.read_text(encoding="utf-8")

    passed = h56("test", tiny, "--playthroughs")
    assert passed.returncode == 0 and "1 playthrough(s) passed" in passed.stdout

    scenes = tiny / "scenes" / "two.yaml"
    scenes.write_text(scenes.read_text(encoding="utf-8").replace("Tanks at the Parliament.", "Tanks before Parliament."),
                      encoding="utf-8")
    failed = h56("test", tiny, "--playthroughs")
    assert failed.returncode == 1
    assert "FAIL" in failed.stdout and "-Tanks at the Parliament." in failed.stdout
    assert "+Tanks before Parliament." in failed.stdout and "--bless" in failed.stdout

    blessed = h56("test", tiny, "--playthroughs", "--bless")
    assert blessed.returncode == 0 and "blessed" in blessed.stdout
    assert "Tanks before Parliament." in file.read_text(encoding="utf-8")
    assert h56("test", tiny, "--playthroughs").returncode == 0


def test_record_reads_inputs_from_stdin_lines(tiny: Path, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    done = h56("record", tiny, "--name", "notes-walk", "--dir", folder, stdin="1\n\nglossary ÁVH\nnotes\n")
    assert done.returncode == 0, done.stderr
    text = (folder / "notes-walk.yaml").read_text(encoding="utf-8")
    assert "- glossary ÁVH" in text and "The State Protection Authority." in text
    assert h56("test", tiny, "--playthroughs", "--dir", folder).returncode == 0


def test_record_refuses_a_bad_name(tiny: Path) -> None:
    done = h56("record", tiny, "--name", "../evil", "--choices", "1")
    assert done.returncode == 2 and "cannot be a playthrough name" in done.stderr
    assert not (tiny.parent / "evil.yaml").exists()


def test_no_playthroughs_is_said_plainly(tiny: Path) -> None:
    done = h56("test", tiny, "--playthroughs")
    assert done.returncode == 0 and "No recorded playthroughs" in done.stdout


PLAYTHROUGHS = sorted((ROOT / "tests" / "playthroughs").glob("*.yaml"))


@pytest.mark.parametrize("file", PLAYTHROUGHS, ids=[p.name for p in PLAYTHROUGHS])
def test_bundled_story_playthroughs_still_match(file: Path) -> None:
    from engine.author import playthroughs
    from engine.io.loader import bundled_story_dir, load_story

    playthrough = playthroughs.parse_playthrough(file.read_text(encoding="utf-8"), file.name)
    assert playthroughs.replay_diff(load_story(bundled_story_dir()), playthrough, file.name) == ""


def test_every_command_is_in_the_readme() -> None:
    from engine.cli import COMMAND_MODULES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in COMMAND_MODULES:
        assert f"`hungary56 {name}" in readme, name
