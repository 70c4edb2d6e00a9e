"""Messages from the author review (issue #25, §2 and §6): plain words, the fix, and the key at fault."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import TINY, run_cli

ONE, TWO, STORY = "scenes/one.yaml", "scenes/two.yaml", "story/story.yaml"


def lint_with(tmp_path: Path, *edits: tuple[str, str, str]) -> str:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    for name, old, new in edits:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    result = run_cli("lint", str(folder))
    return result.stdout.replace(str(folder) + "/", "")


@pytest.mark.slow
@pytest.mark.parametrize(("edit", "expected"), [
    ((ONE, "    text: The night goes on.", "    text: {if armed}Armed.{end} The night goes on."),
     "scenes/one.yaml:31:21: error E001 invalid YAML: a value that starts with '{' is read as a mapping, but this one "
     "is text (inline {if ...} or {name}): put the whole text in quotes, or write it as a block on the next lines after '>'"),
    ((ONE, "    title: In the street\n    date:", "    title: \"In the street\"\n      date:"),
     "error E001 invalid YAML: 'date:' is indented more than 'title:' above it, whose value is already given: "
     "line 'date:' up with 'title:'"),
    ((TWO, 'if: "armed and courage >= 2"', 'if: "armed && courage >= 2"'),
     "error E200 unexpected character '&': write 'and' (as in 'armed and courage >= 2')"),
    ((ONE, 'do: ["armed = true", "courage += 2"]', 'do: "armed = true, courage += 2"'),
     "error E200 unexpected character ',': several effects are a list, one effect per item: "
     'do: ["courage += 1", "suspicion += 1"]'),
    ((STORY, "armed: {type: bool, initial: false,", "armed: {type: bool, initial: no,"),
     "error E104 'initial' of bool variable 'armed' cannot be a string: 'no' is text here; write false (without quotes)"),
    ((ONE, "    chapter: one\n    title: In the street", "    chapter: onee\n    title: In the street"),
     "scenes/one.yaml:26:14: error E121 scene 'street' names unknown chapter 'onee' (did you mean 'one'?)"),
    ((ONE, "    date: 1956-10-23\n    time: \"23:00\"", "    date: 1956-10-22\n    time: \"23:00\""),
     "scenes/one.yaml:28:11: error E363 scene 'street' (1956-10-22) is dated before its chapter 'one' begins"),
])
def test_the_review_s_vague_messages_now_say_what_to_do(tmp_path: Path, edit: tuple[str, str, str], expected: str) -> None:
    out = lint_with(tmp_path, edit)
    assert expected in out, out


@pytest.mark.slow
def test_no_false_e211_after_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    """#66: inline text that asks about a scene of the unreadable file is a cascade, not reported."""
    out = lint_with(
        tmp_path,
        (ONE, "    text: The night goes on.", '    text: "{if visited(square)}Again.{end} The night goes on."'),
        (TWO, "    title: The square\n", "    title: The square\n   bad: indentation\n"),
    )
    assert "E001" in out and "E211" not in out, out


@pytest.mark.slow
def test_an_autosave_that_cannot_be_used_is_not_offered_back(tmp_path: Path) -> None:
    """#71: no doubled parentheses, and no advice to load a save that cannot be used."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    saves = tmp_path / "saves"
    assert run_cli("play", str(folder), "--saves", str(saves), stdin="1\nquit\n").returncode == 0
    [autosave] = saves.rglob("autosave.json")
    autosave.write_text("garbage", encoding="utf-8")
    again = run_cli("play", str(folder), "--saves", str(saves), stdin="quit\n")
    assert ("hungary56: the autosave in this saves folder cannot be used (the save is corrupted or truncated "
            "(not valid JSON)); this is a new game.") in again.stderr, again.stderr
    assert "((" not in again.stderr and "load autosave" not in again.stderr


@pytest.mark.slow
def test_record_counts_only_inputs_that_took_a_choice_without_an_id(tmp_path: Path) -> None:
    """#61: a refused number and a `1` where the story moves on by itself are not "kept by position"."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    result = run_cli("record", str(folder), "--name", "walk", "--choices", "3 1 1 1")
    assert "the game refused 1 input(s): '3'" in result.stderr
    assert "Note: 2 input(s) take a choice by its number" in result.stderr, result.stderr


@pytest.mark.slow
def test_bless_does_not_advise_bless_when_it_cannot_help(tmp_path: Path) -> None:
    """#62: a recorded choice id that is gone cannot be blessed: say to record again."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    (folder / "tests" / "playthroughs").mkdir(parents=True)
    (folder / "tests" / "playthroughs" / "gone.yaml").write_text(
        "name: gone\nstory: tiny\nwidth: 80\ninputs:\n- choice: nowhere\ntranscript: |\n  x\n", encoding="utf-8")
    result = run_cli("test", str(folder), "--bless")
    assert result.returncode == 1
    assert "could not be blessed; record them again with 'hungary56 record'" in result.stdout
    assert "run again with --bless" not in result.stdout


def test_the_exhaustive_search_counts_states_not_runs() -> None:
    """#25 review §6.8: "(60 runs)" where the search meant states."""
    from engine.author import reports
    from engine.author.playtest import Failure

    failure = Failure("stuck", "dead_end", "scene 'dead_end' has no available choice", None, (2,), 60)
    assert "(60 states)" in reports._failure_lines([failure], "", None, "states")[1]
    assert "(60 runs)" in reports._failure_lines([failure], "", None)[1]


@pytest.mark.slow
def test_a_scene_file_without_the_scenes_key_says_where_the_list_goes(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    two = folder / TWO
    lines = two.read_text(encoding="utf-8").splitlines(keepends=True)
    two.write_text("".join(line[2:] for line in lines[1:]), encoding="utf-8")  # the list alone, at column 1
    out = run_cli("lint", str(folder)).stdout
    assert "must be a mapping of keys, not a list: put the list of scenes under 'scenes:'" in out, out


def test_a_player_at_a_stuck_scene_is_told_so_not_given_empty_numbers() -> None:
    """#70: "Type a choice number ()" at a scene whose every guard is closed."""
    from engine.core.events import Notice
    from engine.core.game import start, step
    from engine.io.loader import load_story
    from tests.conftest import STORIES

    now = start(load_story(STORIES / "stuck"))
    now = step(now.game, "2")
    assert now.game.state.scene == "dead_end"
    said = [e.text for e in step(now.game, "1").events if isinstance(e, Notice)]
    assert any("No choice is open here: the story cannot go on from this scene" in t for t in said), said
    assert not any("()" in t for t in said)
