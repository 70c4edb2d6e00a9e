"""The projector never surprises the teacher (issue #24, teacher §2.2): a content warning on a screen
of its own, a marker on a choice that ends the story, the choices again after `notes` and the like,
new parts on cleared screens, and the vote log as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from engine.core import present, render
from engine.core.events import CommandOutput, SceneShown
from engine.core.game import TEACHER, Step, start, step
from engine.core.model import Story
from engine.core.transcript import Transcript
from engine.io.loader import load_story
from engine.io.saves import SaveStore
from engine.play.session import Session
from engine.play.terminal import PlainConsole, TextOutput
from engine.play.votelog import log_path
from tests.conftest import STORIES

CLASSROOM = load_story(STORIES / "classroom")


def at_radio(story: Story = CLASSROOM) -> Step:
    game = start(story, mode=TEACHER).game
    for line in ("1", "", ""):  # the class's choice, the reveal, Enter at "Before the march"
        now = step(game, line)
        game = now.game
    return now


def test_a_content_warning_stands_alone_before_the_scene_in_teacher_mode() -> None:
    now = at_radio()
    shown = next(e for e in now.events if isinstance(e, SceneShown) and e.scene == "radio_gate")
    screens = present.screens(now.game, shown)
    assert [b.text for b in screens[0].blocks] == ["Content warning: Gunfire."]
    assert screens[0].pause == present.WARNED and screens[0].clear and not screens[0].record
    assert screens[1].clear and any("The crowd presses" in b.text for b in screens[1].blocks)
    player = start(CLASSROOM).game
    assert len(present.screens(player, shown)) == 1  # a player reads the warning at the top of the scene


def test_a_choice_that_ends_the_story_is_marked_for_the_teacher_only() -> None:
    game = at_radio().game
    from engine.core import machine

    offers = machine.offers(CLASSROOM, game.state)
    teacher = [b.text for b in render.choice_blocks(offers, True, CLASSROOM)]
    assert all(text.endswith("[ends the story]") for text in teacher if text[0].isdigit())
    assert not any("ends the story" in b.text for b in render.choice_blocks(offers, False, CLASSROOM))
    first = machine.offers(CLASSROOM, start(CLASSROOM).game.state)
    assert not any("ends the story" in b.text for b in render.choice_blocks(first, True, CLASSROOM))


def test_notes_card_help_and_debrief_end_with_the_choices_again() -> None:
    game = start(CLASSROOM, mode=TEACHER).game
    for command in ("notes", "card", "help", "debrief"):
        now = step(game, command)
        output = next(e for e in now.events if isinstance(e, CommandOutput))
        screens = present.screens(now.game, output)
        assert "1. Stay and vote for the points" in [b.text for b in screens[-1].blocks], command


def test_parts_start_on_a_cleared_screen_in_teacher_mode() -> None:
    game = step(start(CLASSROOM, mode=TEACHER).game, "1").game
    cleared = []
    for line in ("", ""):  # the reveal and the next scene; the chapter's end, the next chapter's card, its scene
        now = step(game, line)
        game = now.game
        cleared += [s.clear for e in now.events for s in present.screens(now.game, e) if s.blocks]
    assert cleared == [True] * 6  # reveal, scene, end of chapter, chapter card, content warning, scene


def test_the_vote_log_is_written_as_csv_beside_the_transcript(tmp_path: Path) -> None:
    transcript = tmp_path / "lesson1.md"
    out = io.StringIO()
    console = PlainConsole(TextOutput(out, colour=False, width=80),
                           io.StringIO("vote 12 12\n2\nThey were afraid\n\n\nvote 20 7\nno reason\n\nquit\n"))
    with transcript.open("w", encoding="utf-8") as stream:
        Session(CLASSROOM, console, SaveStore(tmp_path / "saves"), transcript=Transcript(stream), mode=TEACHER,
                ask_why=True, vote_log=log_path(transcript)).run()
    rows = list(csv.reader((tmp_path / "lesson1.votes.csv").open(encoding="utf-8")))
    assert rows[0] == ["decision", "scene", "votes", "class choice", "kind", "reason", "tie-break"]
    assert rows[1] == ["1", "The meeting in the hall", "1: 12; 2: 12", "Go home early", "plausible",
                       "They were afraid", "yes: the class settled a tied vote"]
    assert rows[2][2:7] == ["1: 20; 2: 7", "Help carry the wounded", "historical", "no reason", ""]


def test_a_teachers_first_screen_welcomes_then_the_chapter_card_starts_a_cleared_screen() -> None:
    now = start(CLASSROOM, mode=TEACHER, welcome=True)
    screens = [s for e in now.events for s in present.screens(now.game, e) if s.blocks]
    assert screens[0].blocks[0].text == CLASSROOM.title and screens[0].pause == ""
    assert screens[1].clear and screens[1].blocks[0].style == "chapter"
    player = start(CLASSROOM, welcome=True)
    first = [s for e in player.events for s in present.screens(player.game, e) if s.blocks][0]
    assert first.pause is None  # a player's welcome opens the first scene's screen, no extra Enter
