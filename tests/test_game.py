"""The rules as one pure function: `start` and `step` in process, with no console, no files and no
clock (the fast tier: these are the game's rules, tested where they live)."""

from __future__ import annotations

import re

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core import machine
from engine.core.commands import TABLE, help_rows, resolve
from engine.core.events import (
    ChapterClosed,
    Chosen,
    CommandOutput,
    Ended,
    Left,
    LoadRequested,
    Notice,
    Recorded,
    Revealed,
    SaveRequested,
    SceneShown,
)
from engine.core.game import PLAYER, TEACHER, Game, Mode, Step, configured, loaded, reloaded, start, step
from engine.io.loader import bundled_story_dir, load_story
from tests.conftest import REPO, STORIES, TINY

BUNDLED = load_story(bundled_story_dir())
STORY = load_story(TINY)
CLASSROOM = load_story(STORIES / "classroom")


def kinds(now: Step) -> list[str]:
    return [type(event).__name__ for event in now.events]


def notices(now: Step) -> list[str]:
    return [e.text for e in now.events if isinstance(e, Notice)]


def play(game: Game, *lines: str) -> Step:
    now = Step(game)
    for line in lines:
        now = now.then(step(now.game, line))
    return now


def test_the_bundled_story_plays_to_an_ending_through_step() -> None:
    now = start(BUNDLED)
    assert kinds(now)[-1] == "SceneShown"
    moves = 0
    while not now.game.over:
        now = step(now.game, "1")
        moves += 1
        assert moves < 500
    assert isinstance(now.events[-1], Ended) and now.events[-1].ending == now.game.state.scene
    assert now.game.state.turn == moves  # every "1" was one move: a choice or an Enter at "Press Enter"


def test_step_is_a_pure_function_of_its_arguments() -> None:
    game = start(BUNDLED).game
    for line in ("1", "", "notes", "undo", "2", "history", "nonsense", "redo"):
        first, again = step(game, line), step(game, line)
        assert first == again  # no clock, no randomness, no hidden state
        game = first.game
    assert attrs.has(Game) and attrs.fields(Game).state.name == "state"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        game.state = machine.new_game(BUNDLED)  # type: ignore[misc]


def test_a_choice_is_echoed_saved_revealed_and_the_next_scene_shown() -> None:
    now = step(start(STORY).game, "1")
    assert kinds(now)[:3] == ["Chosen", "SaveRequested", "Revealed"]
    chosen = now.events[0]
    assert isinstance(chosen, Chosen) and chosen.number == 1 and chosen.label == "Take the rifle"
    save = now.events[1]
    assert isinstance(save, SaveRequested) and save.slot == "autosave" and save.state == now.game.state
    assert isinstance(now.events[-1], SceneShown) and now.events[-1].scene == now.game.state.scene


@pytest.mark.parametrize("line, words", [
    ("9", "There is no such choice here."),
    ("1 2", "is more than one answer"),
    ("dance", "'dance' is not a choice or a command."),
    ("x" * 5000, "..."),
], ids=["no-such-choice", "two-numbers", "unknown", "long-line"])
def test_lines_that_are_not_taken_leave_the_game_as_it_was(line: str, words: str) -> None:
    game = start(STORY).game
    now = step(game, line)
    assert now.game == game
    assert any(words in text for text in notices(now)), notices(now)


def test_undo_goes_back_over_press_enter_scenes_and_redo_brings_it_back() -> None:
    first = start(STORY).game
    after = play(first, "1", "").game  # a choice, then Enter at the scene without choices
    back = step(after, "undo")
    assert back.game.state == first.state
    assert any(isinstance(e, Recorded) and e.text.startswith("Undone: Take the rifle") for e in back.events)
    again = step(back.game, "redo")
    assert again.game.state == after.state
    assert step(first, "undo").game == first and "Nothing to undo" in notices(step(first, "undo"))[0]


MOVES = st.lists(st.sampled_from(["1", "2", "3", "", "undo", "redo", "restart", "look", "history"]), max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MOVES)
def test_undo_after_any_move_returns_to_the_state_before_it(lines: list[str]) -> None:
    game = start(BUNDLED).game
    for line in lines:
        game = step(game, line).game
    before = game
    moved = step(game, "1").game
    # a decision (undo goes back over "Press Enter" scenes, to the last real decision)
    if moved.state != before.state and len(moved.past) == len(before.past) + 1 and not before.waiting:
        assert step(moved, "undo").game.state == before.state
        assert step(step(moved, "undo").game, "redo").game.state == moved.state


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=60))
def test_no_line_breaks_the_rules(line: str) -> None:
    game = play(start(STORY).game, "1").game
    now = step(game, line)
    assert isinstance(now.game, Game) and all(not isinstance(e, Exception) for e in now.events)


def test_teacher_mode_waits_for_the_reveal_and_undo_withdraws_the_class_choice() -> None:
    origin = machine.start_chapter(CLASSROOM, CLASSROOM.chapters[1])
    game = start(CLASSROOM, mode=TEACHER, origin=origin).game
    chose = step(game, "1")
    assert chose.game.state == game.state and chose.game.pending is not None
    assert isinstance(chose.events[0], Chosen) and chose.events[0].pending and chose.events[0].by_class
    withdrawn = step(chose.game, "undo")
    assert withdrawn.game.pending is None and withdrawn.game.state == game.state
    assert any(isinstance(e, Recorded) and "Withdrawn before the reveal" in e.text for e in withdrawn.events)
    revealed = step(chose.game, "")
    assert revealed.game.pending is None and len(revealed.game.state.path) == 1
    reveal = next(e for e in revealed.events if isinstance(e, Revealed))
    assert reveal.teacher and reveal.before == game.state and reveal.after == revealed.game.state


def test_a_vote_with_one_winner_chooses_for_the_class_and_is_kept_for_the_debrief() -> None:
    origin = machine.start_chapter(CLASSROOM, CLASSROOM.chapters[1])
    game = start(CLASSROOM, mode=TEACHER, origin=origin).game
    count = sum(1 for o in machine.offers(CLASSROOM, game.state) if o.available)
    voted = step(game, "vote " + " ".join(["9"] + ["1"] * (count - 1)))
    assert voted.game.pending is not None and voted.game.tally.startswith("The class voted")
    revealed = step(voted.game, "reveal").game
    assert dict(revealed.votes) == {1: voted.game.tally} and revealed.tally == ""
    tie = step(game, "vote " + " ".join(["3"] * count))
    if count > 1:
        assert tie.game.pending is None and "No single choice has the most votes" in notices(tie)[-1]


def test_reveal_timing_chapter_keeps_the_reveals_for_the_chapter_end() -> None:
    game = start(STORY, mode=Mode(reveal="chapter")).game
    now = step(game, "1")
    assert not any(isinstance(e, Revealed) for e in now.events)
    closed = [e for e in play(game, "1", "", "1", "").events if isinstance(e, ChapterClosed)]
    assert closed and closed[0].held and closed[0].held[0][1] == 0
    assert configured(game, reveal="choice").game.mode.reveal == "choice"
    assert configured(start(STORY, mode=TEACHER).game, reveal="debrief").game.mode == TEACHER


def test_requests_are_events_and_their_results_come_back_through_pure_functions() -> None:
    game = play(start(STORY).game, "1").game
    assert step(game, "save mine").events == (SaveRequested(slot="mine", state=game.state),)
    assert step(game, "load").events == (LoadRequested(slot="quicksave"),)
    assert step(game, "quit").events == (Left(),)
    back = loaded(game, machine.new_game(STORY), "mine")
    assert back.game.state == machine.new_game(STORY) and notices(back)[0] == "Loaded 'mine'."
    moved = loaded(start(STORY).game, game.state, "autosave").game
    assert moved.past == (machine.new_game(STORY),)  # undo works after a load: the path is replayed
    assert reloaded(game, STORY).game.state.scene == game.state.scene


def test_the_ending_waits_for_enter_before_the_debrief_on_a_paged_reader() -> None:
    paged = start(STORY, paged=True).game
    while not paged.over:
        paged = step(paged, "1").game
    assert not paged.debriefed
    debrief = step(paged, "")
    assert isinstance(debrief.events[0], CommandOutput) and debrief.events[0].command == "debrief"
    assert debrief.game.debriefed and "The story has ended" in notices(step(debrief.game, ""))[0]


def test_debug_commands_exist_only_in_debug_mode() -> None:
    game = start(STORY).game
    assert resolve("vars", False) is None and resolve("goto", False) is None
    debug = start(STORY, debug=True).game
    jumped = step(debug, f"goto {STORY.start}")
    assert "(debug) Jumped to" in notices(jumped)[0] and jumped.game.past == (debug.state,)
    assert "is not a choice or a command" in notices(step(game, "vars"))[0]
    assert any(name.startswith("vars") for name, _ in help_rows(False, debug=True))


def test_every_command_row_has_a_handler_and_a_help_line() -> None:
    game = play(start(STORY, mode=TEACHER).game, "1").game
    for command in TABLE:
        assert command.help and callable(command.handler)
        assert isinstance(command.handler(game, ""), Step)


def test_the_architecture_example_plays_to_an_ending() -> None:
    """docs/architecture.md shows the public API in a short example: it runs as written."""
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", doc, re.S)
    assert code is not None and "from engine.core.game import start, step" in code.group(1)
    assert len(code.group(1).strip().splitlines()) <= 12
    scope: dict[str, object] = {}
    exec(compile(code.group(1).replace('load_story("story")', f"load_story({str(TINY)!r})"), "example", "exec"), scope)
    assert isinstance(scope["now"], Step) and scope["now"].game.over


def test_mode_is_a_closed_set() -> None:
    with pytest.raises(ValueError):
        Mode(reveal="never")
    assert PLAYER.who == "You" and TEACHER.who == "The class"


def test_every_path_the_exhaustive_search_finds_is_played_the_same_through_step() -> None:
    """The search moves with `machine.choose` for speed: each shortest path it reports, typed as a
    player types it, reaches the same scene through `step`."""
    from engine.author import search
    from engine.author.reports import shown_numbers

    report = search.exhaustive(BUNDLED)
    assert report.complete and len(report.scenes) == len(BUNDLED.scenes)
    for scene_id, path in report.scenes.items():
        game = start(BUNDLED).game
        for number in shown_numbers(BUNDLED, path):
            game = step(game, str(number)).game
        assert game.state.scene == scene_id, (scene_id, path)


def test_documents_all_shows_every_document_found_in_full() -> None:
    """The browser's Documents button sends `documents all`: every card found, in full, no typing hint."""
    game = start(BUNDLED).game
    while not game.over and not step(game, "documents").events[0].blocks[0].text.startswith("Documents you"):  # type: ignore[union-attr]
        game = step(game, "1").game
    listed = step(game, "documents").events[0]
    shown = step(game, "documents all").events[0]
    assert isinstance(listed, CommandOutput) and isinstance(shown, CommandOutput)
    count = sum(1 for b in listed.blocks if b.style == "note")
    assert sum(1 for b in shown.blocks if b.text == "[SOURCE CARD]") == count >= 1
    assert not any(b.style == "hint" for b in shown.blocks)
