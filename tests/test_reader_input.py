"""Input as people type it (issue #24, U6 and U7): `2.`, ` 2 ` and the start of a choice's words
choose, through `step`, so the terminal, the browser and the play-tests all take them."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from engine.core import machine
from engine.core.events import Chosen, CommandOutput
from engine.core.game import PLAYER, TEACHER, Game, Mode, Step, refused, start, step
from engine.core.lookup import chapter_intro_blocks, note_blocks, verb_for
from engine.io.loader import bundled_story_dir, load_story
from tests.conftest import TINY

STORY = load_story(TINY)


def chosen(line: str) -> Chosen | None:
    now = step(start(STORY).game, line)
    return next((e for e in now.events if isinstance(e, Chosen)), None)


@pytest.mark.parametrize("line", ["2.", " 2 ", "2)", "help a", "Help a wounded", "HELP A WOUNDED MAN", "hélp a"])
def test_u7_numbers_as_printed_and_the_start_of_a_choices_words_choose(line: str) -> None:
    event = chosen(line)
    assert event is not None and event.label == "Help a wounded man", line
    assert not refused(start(STORY).game, line)


@pytest.mark.parametrize("line", ["dance", "a wounded", "x", "rifle"])
def test_u7_words_that_begin_no_choice_are_not_taken(line: str) -> None:
    game = start(STORY).game
    now = step(game, line)
    assert now.game == game and chosen(line) is None
    assert refused(game, line)


def test_u7_words_in_teacher_mode_are_the_class_choice() -> None:
    now = step(start(STORY, mode=TEACHER).game, "take the rifle")
    assert now.game.pending == 0


BUNDLED = load_story(bundled_story_dir())


def game_at(scene: str, mode: Mode = PLAYER) -> Game:
    state = machine.new_game(BUNDLED)
    return start(BUNDLED, mode=mode, state=attrs.evolve(state, scene=scene)).game


def output(now: Step) -> str:
    return "\n".join(b.text for e in now.events if isinstance(e, CommandOutput) for b in e.blocks)


def test_u6_glossary_radio_lists_the_entries_that_match() -> None:
    text = output(step(start(BUNDLED).game, "glossary radio"))
    assert "Radio Budapest" in text and "Radio Free Europe" in text and "No glossary entry" not in text
    assert "Petőfi Circle" in output(step(start(BUNDLED).game, "glossary petofi"))


@pytest.mark.parametrize("who, verb", [
    ("Historians relying on the Presidium minutes", "say"), ("Some historians who stress the Suez crisis", "say"),
    ("Estimates of the dead, and the Parliament museum's research", "say"), ("Allen Dulles, CIA director", "says"),
    ("The Kádár government's \"white books\" (The Counter-Revolutionary Forces)", "say"),
    ("Pravda's account, published about 36 hours after", "says"), ("Nikita Khrushchev, to the Presidium", "says"),
    ("UN Special Committee on the Problem of Hungary (report, June 1957)", "says"),
])
def test_u5_contested_accounts_say_or_says_as_their_voice_is_plural(who: str, verb: str) -> None:
    assert verb_for(who) == verb


def test_u5_u4_notes_on_the_bundled_story_read_as_english_and_cite_authors_not_keys() -> None:
    for scene in BUNDLED.scenes.values():
        text = "\n".join(b.text for b in note_blocks(BUNDLED, scene))
        assert "Historians relying on the Presidium minutes says" not in text
        for key in scene.sources:
            assert f"[{key}]" not in text
            entry = BUNDLED.sources[key]
            if entry.author:
                assert entry.author in text, (scene.id, key)


def test_a_teachers_chapter_card_lists_its_content_warnings() -> None:
    for chapter in BUNDLED.chapters:
        warned = [s for s in BUNDLED.scenes.values() if s.warning and BUNDLED.scene_chapter(s) == chapter]
        text = "\n".join(b.text for b in chapter_intro_blocks(BUNDLED, chapter))
        for scene in warned:
            assert scene.warning in text
        assert ("Content warnings in this chapter" in text) == bool(warned)


def test_u8_the_resume_command_names_this_program_as_a_shell_finds_it(tmp_path: Path) -> None:
    import sys

    from engine.commands.play import program

    script = tmp_path / "venv" / "bin" / "hungary56"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    assert program(str(script), str(script.parent)) == ["hungary56"]  # on the PATH: the name works
    assert program(str(script), str(tmp_path)) == [str(script.resolve())]  # not on the PATH: the full path
    assert program("/somewhere/engine/__main__.py", "") == [sys.executable, "-m", "engine"]


@pytest.mark.slow
def test_u8_the_goodbye_line_is_a_command_that_works_as_printed(tmp_path: Path) -> None:
    import shlex
    import subprocess

    from tests.conftest import cli_env, run_cli

    first = run_cli("play", str(TINY), "--saves", str(tmp_path / "saves"), stdin="1\nquit\n", cwd=tmp_path)
    said = " ".join(first.stdout.split())
    command = shlex.split(said[said.index("Resume with:") + len("Resume with:"):said.index("--continue") + 10])
    again = subprocess.run(command, input="quit\n", capture_output=True, text=True, cwd="/", env=cli_env(),
                           timeout=60)
    assert again.returncode == 0 and "In the street" in again.stdout, again.stderr


def test_u12_stats_show_only_what_the_choices_changed_never_a_default_that_contradicts_the_scene() -> None:
    game = start(BUNDLED).game
    assert "not yet changed" in output(step(game, "stats"))
    for line in ("1", "1", "1", "1", "1"):
        game = step(game, line).game
    shown = output(step(game, "stats")).splitlines()
    labelled = {v.label: v for v in BUNDLED.variables.values() if v.label}
    for row in shown[1:]:
        label = row.split(":")[0]
        variable = labelled[label]
        assert game.state.variables[variable.name] != variable.initial, row
