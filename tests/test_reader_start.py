"""A first run that welcomes and a start screen that never surprises (issue #24, U10, U11, U13 and
teacher §2.2.10): the rules through `start`, the start screen with a scripted console."""

from __future__ import annotations

from pathlib import Path

from engine.core.events import CommandOutput
from engine.core.game import start, step
from engine.core.render import Blocks
from engine.io.loader import bundled_story_dir, load_story
from engine.io.saves import SaveStore
from engine.play.settings import Settings
from engine.play.start import EndingsRecord, SettingsControl, start_screen
from tests.conftest import TINY

STORY = load_story(TINY)
BUNDLED = load_story(bundled_story_dir())


def outputs(now: object, command: str) -> str:
    return "\n".join(b.text for e in now.events if isinstance(e, CommandOutput) and e.command == command  # type: ignore[attr-defined]
                     for b in e.blocks)


def test_u11_a_first_game_opens_with_the_title_perspective_content_note_and_help() -> None:
    text = outputs(start(BUNDLED, welcome=True), "welcome")
    assert BUNDLED.title in text and BUNDLED.perspective.split()[0] in text
    assert "Content note:" in text and "'help'" in text
    assert outputs(start(BUNDLED), "welcome") == ""


def test_u13_a_continued_game_opens_with_its_last_three_choices() -> None:
    game = start(STORY).game
    for line in ("1", "", "1"):
        game = step(game, line).game
    text = outputs(start(STORY, state=game.state, recap=True), "recap")
    assert "Where you left off" in text and "At the gate: Take the rifle" in text
    assert outputs(start(STORY, state=game.state), "recap") == ""


class Scripted:
    """A console whose answers are given in advance; what it showed, as text."""

    paged = True

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.shown: list[str] = []

    def show(self, blocks: Blocks) -> None:
        self.shown.extend(b.text for b in blocks)

    def ask(self, prompt: str, words: list[str]) -> str:
        return self.answers.pop(0)


def saved(tmp_path: Path, lines: tuple[str, ...]) -> SaveStore:
    store = SaveStore(tmp_path / "saves")
    game = start(STORY).game
    for line in lines:
        game = step(game, line).game
    store.autosave(STORY, game.state)
    return store


def screen(store: SaveStore, console: Scripted, teacher: bool = False) -> str:
    endings = EndingsRecord(store.directory)
    return start_screen(STORY, console, store, endings, SettingsControl(Settings()), teacher=teacher).action


def test_u10_enter_on_the_start_screen_starts_a_new_game_when_the_autosave_is_finished(tmp_path: Path) -> None:
    finished = saved(tmp_path / "a", ("2", "", "2"))  # Home: an ending
    assert screen(finished, Scripted("")) == "new"
    assert screen(saved(tmp_path / "b", ("1",)), Scripted("")) == "continue"


def test_a_teachers_enter_on_the_start_screen_asks_rather_than_continuing(tmp_path: Path) -> None:
    console = Scripted("", "2")
    assert screen(saved(tmp_path, ("1",)), console, teacher=True) == "new"
    assert sum("another class's" in text for text in console.shown) == 2  # asked twice: Enter picked nothing
