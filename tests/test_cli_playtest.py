"""The graph, test and record commands, run as a person runs them: `python -m engine ...` in a subprocess."""

from __future__ import annotations

import shutil
import subprocess
import sys
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


@pytest.mark.slow
def test_graph_prints_dot_that_graphviz_renders() -> None:
    done = h56("graph", TINY)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (ROOT / "tests" / "golden" / "tiny.dot").read_text(encoding="utf-8")
    svg = subprocess.run(["dot", "-Tsvg"], input=done.stdout, capture_output=True, text=True, timeout=60)
    assert svg.returncode == 0 and "<svg" in svg.stdout


@pytest.mark.slow
def test_graph_writes_mermaid_for_one_chapter(tmp_path: Path) -> None:
    out = tmp_path / "map.mmd"
    done = h56("graph", TINY, "--format", "mermaid", "--chapter", "one", "-o", out)
    assert done.returncode == 0 and done.stdout == ""
    assert out.read_text(encoding="utf-8") == (ROOT / "tests" / "golden" / "tiny-one.mmd").read_text(encoding="utf-8")


@pytest.mark.slow
def test_graph_unknown_chapter_is_a_usage_error() -> None:
    done = h56("graph", TINY, "--chapter", "nine")
    assert done.returncode == 2
    assert "no chapter 'nine'" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_test_passes_on_the_tiny_story() -> None:
    done = h56("test", TINY, "--runs", "300", "--seed", "5")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "300 random playthroughs" in done.stdout and "Scenes reached: 5/5 (100.0%)" in done.stdout
    assert "No errors." in done.stdout
    assert h56("test", TINY, "--runs", "300", "--seed", "5").stdout == done.stdout  # reproducible


@pytest.mark.slow
def test_a_stuck_path_printed_by_test_replays_in_play(tmp_path: Path) -> None:
    stuck = STORIES / "stuck"
    done = h56("test", stuck, "--runs", "20")
    assert done.returncode == 1
    line = next(li for li in done.stdout.splitlines() if li.strip().startswith("choices:"))
    numbers = line.split(":", 1)[1].split()
    played = h56("play", stuck, stdin="\n".join(numbers) + "\n", cwd=tmp_path)
    assert played.returncode == 0
    assert "Scene dead_end" in played.stdout


@pytest.mark.slow
def test_loop_and_exhaustive_exit_codes() -> None:
    loop = h56("test", STORIES / "loop", "--runs", "2", "--max-steps", "30")
    assert loop.returncode == 1 and "possible loop" in loop.stdout
    full = h56("test", STORIES / "unreachable", "--exhaustive")
    assert full.returncode == 1
    assert "Unreachable:" in full.stdout and "unreachable.yaml:27:5: scene 'orphan'" in full.stdout
    tiny = h56("test", TINY, "--exhaustive")
    assert tiny.returncode == 0 and "end_home (Home, stayed): 1 1 2" in tiny.stdout


@pytest.mark.slow
def test_bad_numbers_are_usage_errors() -> None:
    done = h56("test", TINY, "--runs", "0")
    assert done.returncode == 2 and "--runs must be at least 1" in done.stderr


@pytest.mark.slow
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


@pytest.mark.slow
def test_record_reads_inputs_from_stdin_lines(tiny: Path, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    done = h56("record", tiny, "--name", "notes-walk", "--dir", folder, stdin="1\n\nglossary ÁVH\nnotes\n")
    assert done.returncode == 0, done.stderr
    text = (folder / "notes-walk.yaml").read_text(encoding="utf-8")
    assert "- glossary ÁVH" in text and "The State Protection Authority." in text
    assert h56("test", tiny, "--playthroughs", "--dir", folder).returncode == 0


@pytest.mark.slow
def test_record_refuses_a_bad_name(tiny: Path) -> None:
    done = h56("record", tiny, "--name", "../evil", "--choices", "1")
    assert done.returncode == 2 and "cannot be a playthrough name" in done.stderr
    assert not (tiny.parent / "evil.yaml").exists()


@pytest.mark.slow
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


# --- which story: the current folder, never the installed package for writing (F1) -----------------

def _site_packages_copy(tmp_path: Path) -> Path:
    """A story where pip puts the bundled one: inside site-packages."""
    folder = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "engine" / "bundled"
    shutil.copytree(TINY, folder)
    return folder


@pytest.mark.slow
def test_commands_without_a_folder_use_the_current_story_folder(tiny: Path) -> None:
    graph = h56("graph", cwd=tiny)
    assert graph.returncode == 0 and "Thirteen Days" not in graph.stdout
    assert graph.stdout == (ROOT / "tests" / "golden" / "tiny.dot").read_text(encoding="utf-8")
    test = h56("test", "--runs", "5", cwd=tiny)
    assert test.stdout.splitlines()[0] == "Testing . (the current folder)"
    inside = h56("lint", cwd=tiny / "scenes")  # an author editing scenes/ means this story too
    assert inside.stdout.splitlines()[0].endswith("tiny (the story folder around the current one)")


@pytest.mark.slow
def test_reading_commands_elsewhere_name_the_bundled_story(tmp_path: Path) -> None:
    done = h56("lint", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("Linting the bundled story, ")
    assert "the current folder has no story/ and scenes/" in done.stdout.splitlines()[0]


@pytest.mark.slow
def test_new_scene_without_a_story_folder_writes_nothing(tmp_path: Path) -> None:
    from engine.io.loader import bundled_story_dir

    scenes = sorted((bundled_story_dir() / "scenes").glob("*.yaml"))
    before = [p.read_bytes() for p in scenes]
    done = h56("new", "scene", "forgot_dir", "--chapter", "ch05_radio", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "is not a story folder" in done.stderr and "hungary56 new story" in done.stderr
    assert [p.read_bytes() for p in scenes] == before


@pytest.mark.slow
def test_record_and_bless_without_a_story_folder_write_nothing(tmp_path: Path) -> None:
    from engine.io.loader import bundled_story_dir

    recorded = h56("record", "--name", "forgot", "--choices", "1", cwd=tmp_path)
    assert recorded.returncode == 2 and "is not a story folder" in recorded.stderr
    assert not (bundled_story_dir() / "tests" / "playthroughs" / "forgot.yaml").exists()
    blessed = h56("test", "--bless", cwd=tmp_path)
    assert blessed.returncode == 2 and "is not a story folder" in blessed.stderr


@pytest.mark.slow
def test_nothing_writes_into_an_installed_package(tmp_path: Path) -> None:
    installed = _site_packages_copy(tmp_path)
    before = {p: p.read_bytes() for p in installed.rglob("*") if p.is_file()}
    for args in (("new", "scene", "cellar", "--chapter", "one", installed),
                 ("record", installed, "--name", "r", "--choices", "1"),
                 ("test", installed, "--bless")):
        done = h56(*args, cwd=tmp_path)
        assert done.returncode == 2, args
        assert "inside the installed package" in done.stderr and "Traceback" not in done.stderr
    inside = h56("new", "scene", "cellar", "--chapter", "one", cwd=installed)  # standing in it is no better
    assert inside.returncode == 2 and "inside the installed package" in inside.stderr
    assert {p: p.read_bytes() for p in installed.rglob("*") if p.is_file()} == before
    assert h56("lint", installed).returncode == 0  # reading it is fine


@pytest.mark.slow
def test_record_into_another_folder_may_use_the_bundled_story(tmp_path: Path) -> None:
    done = h56("record", "--name", "look", "--choices", "quit", "--dir", tmp_path / "mine", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mine" / "look.yaml").is_file()


# --- CI and editor integration (item 7) --------------------------------------------------------------

@pytest.mark.slow
def test_lint_keeps_its_exit_status_when_the_pipe_closes(tmp_path: Path) -> None:
    broken = ROOT / "tests" / "fixtures" / "broken" / "several_problems"
    for reader in ("head -1", "head -c1", "true"):
        script = f'"$PY" -m engine lint "$STORY" | {reader} >/dev/null; echo "status=${{PIPESTATUS[0]}}"'
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                              env=cli_env(PY=sys.executable, STORY=str(broken)))
        assert done.stdout.strip() == "status=1", (reader, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


@pytest.mark.slow
def test_lint_github_format_annotates_each_problem() -> None:
    broken = ROOT / "tests" / "fixtures" / "broken" / "broken_goto"
    done = h56("lint", "--format", "github", cwd=broken)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == "Linting . (the current folder)" and lines[-1] == "1 error, 0 warnings"
    assert lines[1] == ("::error file=scenes/one.yaml,line=17,col=15,title=E120::choice 1 of 'gate' goes to "
                        "unknown scene 'stret' (did you mean 'street'?)")


def test_github_annotations_escape_what_would_end_them() -> None:
    from engine.commands.lint import _annotation
    from engine.core.errors import Location, Problem

    problem = Problem(Location("scenes/a,b:c.yaml", 3, 4), "50% of\nit", "W101", "warning")
    assert _annotation(problem) == "::warning file=scenes/a%2Cb%3Ac.yaml,line=3,col=4,title=W101::50%25 of%0Ait"
