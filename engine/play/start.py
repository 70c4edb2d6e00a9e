"""The start screen (Continue, New game, Chapters, Endings found, Settings, Quit), the record of
endings found across games, and the settings as the player changes them (screen and command)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import attrs

from engine.core import machine, render
from engine.core.errors import SaveError
from engine.core.model import GameState, Story
from engine.core.render import Block, Blocks
from engine.io.atomic import read_regular
from engine.io.lock import short_lock
from engine.io.saves import AUTOSAVE, SaveStore, write_atomically
from engine.play.settings import Settings, save_settings

ENDINGS_FILE = "endings-found.txt"
MAX_ENDINGS_BYTES = 64 * 1024


class EndingsRecord:
    """The endings a player has reached with this story, across games: one scene id a line, kept
    beside the story's saves.

    The file may sit in a folder a story ships (its own `saves/`), so it is read as a file the
    engine did not write: a regular file of at most 64 KiB, not through a symlink out of the
    folder (a FIFO, /dev/zero or a link to a private key is ignored, never read). Only lines that
    are ending scene ids of this story are kept (`scene_ids`), so nothing else is ever written
    back. Adding an ending holds a lock on the folder, so two players reaching endings at the
    same moment both keep theirs."""

    def __init__(self, directory: Path, scene_ids: Collection[str] | None = None) -> None:
        self.directory = Path(directory)
        self.path = self.directory / ENDINGS_FILE
        self.scene_ids = None if scene_ids is None else frozenset(scene_ids)

    def found(self) -> list[str]:
        try:
            text = read_regular(self.path, MAX_ENDINGS_BYTES, within=self.directory).decode("utf-8", "replace")
        except OSError:
            return []
        lines = dict.fromkeys(line.strip() for line in text.splitlines()[:1000] if line.strip())
        return [line for line in lines if self.scene_ids is None or line in self.scene_ids]

    def add(self, scene_id: str) -> None:
        with short_lock(self.directory, ENDINGS_FILE):  # read, add, write: one process at a time
            found = self.found()
            if scene_id in found:
                return
            try:
                write_atomically(self.path, "".join(f"{s}\n" for s in [*found, scene_id]).encode("utf-8"))
            except OSError:
                pass  # a gallery that cannot be written is no reason to stop the story


def endings_blocks(story: Story, found: list[str]) -> Blocks:
    endings = [s for s in story.scenes.values() if s.ending is not None]
    have = [s for s in endings if s.id in found]
    blocks = [Block("heading", f"Endings found: {len(have)} of {len(endings)}")]
    for scene in endings:
        assert scene.ending is not None
        text = scene.ending.title if scene.id in found else "(not found yet)"
        blocks.append(Block("choice" if scene.id in found else "choice-off", f"- {text}", indent=2, tight=True,
                            hang=2))
    return blocks


class SettingsControl:
    """The settings as they stand, saved when changed and applied to the screen at once."""

    def __init__(self, current: Settings, output: Any = None, path: Path | None = None) -> None:
        self.current = current
        self.output = output
        self.path = path

    def blocks(self) -> Blocks:
        blocks = [Block("heading", "Settings")]
        for number, (name, value, what) in enumerate(self.current.describe(), 1):
            blocks.append(Block("choice", f"{number}. {name}: {value}", indent=2, tight=len(blocks) > 1,
                                hang=3))
            blocks.append(Block("note", what, indent=5, tight=True, hang=0))
        return blocks

    def change(self, new: Settings) -> str:
        self.current = new
        output = self.output
        if output is not None:
            if hasattr(output, "set_theme"):
                output.set_theme(new.theme)
            output.fixed_width = new.width or None
        try:
            save_settings(new, self.path)
        except OSError as exc:
            return f"Changed for this game, but could not be saved: {exc.strerror or exc}."
        return "Saved."

    def command(self, arg: str) -> Blocks:
        """`settings` shows them; `settings NAME VALUE` changes one."""
        words = arg.split()
        if not words:
            return self.blocks() + [Block("hint", "Change one with, e.g., 'settings reveal chapter', "
                                                  "'settings theme light' or 'settings width 72'.")]
        if len(words) != 2:
            return [Block("hint", "Type 'settings NAME VALUE', e.g. 'settings theme light'.")]
        try:
            new = self.current.changed(words[0], words[1])
        except ValueError as exc:
            return [Block("error", f"{str(exc)[0].upper()}{str(exc)[1:]}.")]
        note = self.change(new)
        name, value, _ = next(row for row in new.describe() if row[0] == words[0].lower())
        return [Block("hint", f"{name} is now {value}. {note}")]


@attrs.frozen
class Start:
    """What the player picked on the start screen."""

    action: str  # continue | new | chapter | quit
    state: GameState | None = None


def continue_line(story: Story, store: SaveStore) -> tuple[str, GameState | None]:
    """The Continue entry (scene, story date, when saved), and the autosave's state; ('', None) if none."""
    if not store.exists(AUTOSAVE):
        return "", None
    try:
        state = store.load(story, AUTOSAVE)
    except SaveError as exc:
        return f"(the autosave cannot be used: {exc.message})", None
    info = next((i for i in store.list(story) if i.slot == AUTOSAVE), None)
    scene = story.scenes[state.scene]
    saved = f", saved {info.saved_at.replace('T', ' ')}" if info is not None and info.saved_at else ""
    return f"Continue: {scene.title} ({render.format_when(scene)}){saved}", state


def start_screen(story: Story, console: Any, store: SaveStore, endings: EndingsRecord,
                 settings: SettingsControl, teacher: bool = False) -> Start:
    """Ask what to do, when there is something to choose; Enter takes the first entry: Continue, or
    a new game when the autosave is a finished one (U10). A teacher's Enter takes nothing: on a
    shared machine the autosave may be another class's game, so the screen asks."""
    while True:
        line, saved = continue_line(story, store)
        finished = saved is not None and machine.is_over(story, saved)
        entries: list[tuple[str, str]] = []
        if saved is not None and not finished:
            entries.append(("continue", line))
        entries.append(("new", "New game"))
        if saved is not None and finished:
            entries.append(("continue", line.replace("Continue:", "Back to the finished game:", 1)))
        entries.append(("chapters", "Chapters"))
        found = endings.found()
        total = sum(1 for s in story.scenes.values() if s.ending is not None)
        entries.append(("endings", f"Endings found ({len([f for f in found if f in story.scenes])} of {total})"))
        entries.append(("settings", "Settings"))
        entries.append(("quit", "Quit"))
        blocks = [Block("chapter", story.title)]
        if story.perspective:
            blocks.append(Block("note", story.perspective, tight=True))
        if saved is None and line:
            blocks.append(Block("error", line))
        blocks += [Block("choice", f"{n}. {text}", indent=2, tight=n > 1, hang=3) for n, (_, text) in enumerate(entries, 1)]
        if teacher and saved is not None:
            blocks.append(Block("hint", "Type a number: the saved game may be another class's ('--saves DIR' keeps "
                                        "one folder per class)."))
        else:
            blocks.append(Block("hint", f"Enter: {entries[0][1].split(':')[0]}. Or type a number."))
        console.show(blocks)
        answer = console.ask("Start > ", [])
        if teacher and saved is not None and not answer.strip():
            continue  # a teacher's Enter alone never picks a game
        action = _pick(answer, [key for key, _ in entries])
        if action == "continue":
            return Start("continue", saved)
        if action in ("new", "quit"):
            return Start(action)
        if action == "chapters":
            state = _chapters(story, console)
            if state is not None:
                return Start("chapter", state)
        elif action == "endings":
            console.show(endings_blocks(story, found) + [Block("hint", "Press Enter to go back.")])
            console.ask("> ", [])
        elif action == "settings":
            _settings_screen(console, settings)
        else:
            console.show([Block("hint", "Type one of the numbers shown, or press Enter.")])


def _pick(answer: str, keys: list[str]) -> str:
    answer = answer.strip().lower()
    if not answer:
        return keys[0]
    if answer.isdecimal() and len(answer) <= 3 and 1 <= int(answer) <= len(keys):
        return keys[int(answer) - 1]
    for key in keys:
        if key.startswith(answer) or (answer == "new game" and key == "new"):
            return key
    return ""


def _chapters(story: Story, console: Any) -> GameState | None:
    blocks = [Block("heading", "Chapters")]
    for n, chapter in enumerate(story.chapters, 1):
        blocks.append(Block("choice", f"{n}. {chapter.title} ({render.chapter_dates(chapter)})", indent=2,
                            tight=n > 1, hang=len(f"{n}. ")))
    blocks.append(Block("hint", "Type a chapter's number to start there, or press Enter to go back."))
    console.show(blocks)
    answer = console.ask("Chapter > ", []).strip()
    if answer.isdecimal() and len(answer) <= 4 and 1 <= int(answer) <= len(story.chapters):
        chapter = story.chapters[int(answer) - 1]
        if chapter.first == story.start:
            return machine.new_game(story)
        return machine.start_chapter(story, chapter)
    return None


def _settings_screen(console: Any, settings: SettingsControl) -> None:
    names = [name for name, _, _ in settings.current.describe()]
    while True:
        console.show(settings.blocks() + [Block("hint", "Type a setting's number to change it, or press Enter "
                                                        "to go back.")])
        answer = console.ask("Settings > ", []).strip()
        if not answer:
            return
        if answer.isdecimal() and len(answer) <= 2 and 1 <= int(answer) <= len(names):
            note = settings.change(settings.current.cycled(names[int(answer) - 1]))
            console.show([Block("hint", note)])
        else:
            console.show([Block("hint", "Type 1, 2 or 3, or press Enter.")])
