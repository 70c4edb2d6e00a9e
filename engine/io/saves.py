"""The save-file adapter: named slots, atomic writes, and strict checks when reading back."""

from __future__ import annotations

import errno
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, cast

import attrs

from engine.core import expr, render
from engine.core.controls import strip_controls
from engine.core.errors import EvaluationError, SaveError, SlotNameError
from engine.core.model import GameState, Step, Story
from engine.core.render import Block, Blocks
from engine.io.atomic import (
    NotRegularFile,
    keep_copy,
    move_new,
    read_regular,
    sweep_temporaries,
    write_atomically,
)

if TYPE_CHECKING:
    from datetime import datetime

FORMAT = "hungary56-save"
FORMAT_VERSION = 2  # 2: a step of the path names its choice by id when the choice has one (1: by position)
AUTOSAVE = "autosave"
PREVIOUS_AUTOSAVE = "autosave-previous"
SAVES_ENV = "HUNGARY56_SAVES"
MAX_SAVE_BYTES = 10 * 1024 * 1024
_SAVED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
_SLOT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

Clock = Callable[[], "datetime"]


def now() -> datetime:
    """The local time a save records (datetime is imported at the first save, not on every start)."""
    from datetime import datetime

    return datetime.now()


def check_slot(name: str) -> str:
    if not _SLOT.match(name):
        raise SlotNameError(
            f"{name!r} cannot be a save slot: use up to 64 letters, digits, '-' and '_' (no paths)"
        )
    return name


@attrs.frozen
class SaveInfo:
    slot: str
    scene: str
    saved_at: str
    turn: int
    problem: str = ""


def state_to_json(state: GameState, story: Story | None = None) -> dict[str, Any]:
    return {
        "scene": state.scene,
        "variables": dict(state.variables),
        "visits": dict(state.visits),
        "path": [[step.scene, _step_choice(story, step)] for step in state.path],
        "turn": state.turn,
    }


def _step_choice(story: Story | None, step: Step) -> int | str:
    """A choice taken, as a save keeps it: its id where it has one (so a story that inserts or reorders
    choices still reads the save right), else its 0-based position."""
    scene = story.scenes.get(step.scene) if story is not None else None
    if scene is not None and 0 <= step.choice < len(scene.choices) and scene.choices[step.choice].id:
        return scene.choices[step.choice].id
    return step.choice


def _step_from_json(story: Story, scene_id: str, choice: int | str) -> Step:
    if isinstance(choice, int):
        return Step(scene_id, choice)
    scene = story.scenes.get(scene_id)
    index = next((c.index for c in scene.choices if c.id == choice), None) if scene is not None else None
    if index is None:
        raise _fail(f"the save took the choice {choice!r} in scene {scene_id!r}, which this version of the story "
                    "no longer has")
    return Step(scene_id, index)


def encode(story: Story, state: GameState, saved_at: datetime) -> bytes:
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "story": {"id": story.id, "version": story.version},
        "saved_at": saved_at.isoformat(timespec="seconds"),
        "state": state_to_json(state, story),
    }
    # Compact: a long game's path of choices takes about 20 bytes a step, so whatever the game
    # writes stays far below what it reads back (MAX_SAVE_BYTES).
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _fail(message: str) -> SaveError:
    return SaveError(message)


def decode(story: Story, data: bytes) -> tuple[GameState, str]:
    """Check a save against the story and return its state and time; raises SaveError."""
    try:
        document = json.loads(data.decode("utf-8-sig"))  # Notepad adds a BOM when it saves
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, or a number of over 4,300 digits
        raise _fail("the save is corrupted or truncated (not valid JSON)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _fail("this is not a hungary56 save file")
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail("the save has no valid format version")
    if version > FORMAT_VERSION:
        raise _fail(f"the save was written by a newer hungary56 (save format {version}); update to load it")
    owner = document.get("story")
    if not isinstance(owner, dict) or owner.get("id") != story.id:
        other = owner.get("id") if isinstance(owner, dict) else None
        raise _fail(f"the save belongs to another story ({other!r}), not {story.id!r}")
    raw = document.get("state")
    if not isinstance(raw, dict):
        raise _fail("the save has no game state")
    state = _state_from_json(story, raw)
    saved_at = document.get("saved_at")
    # Only a time as encode writes it is kept: the listing prints it to the terminal.
    return state, saved_at if isinstance(saved_at, str) and _SAVED_AT.fullmatch(saved_at) else ""


_KIND = {"int": "a whole number", "bool": "true or false", "str": "text"}


def _count(value: object) -> TypeGuard[int]:
    """A visit count, a turn or a choice number: an int from 0 to expr.MAX_INT."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= expr.MAX_INT


def _short(value: object) -> str:
    """A value from a save, as a message may show it: repr'd (no control characters), shortened."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _state_from_json(story: Story, raw: dict[str, Any]) -> GameState:
    scene = raw.get("scene")
    if not isinstance(scene, str):
        raise _fail("the save names no scene")
    if scene not in story.scenes:
        raise _fail(f"the save is at scene {scene!r}, which this version of the story no longer has")
    variables: dict[str, Any] = story.initial_variables()
    saved_vars = raw.get("variables")
    if not isinstance(saved_vars, dict):
        raise _fail("the save's variables are damaged")
    for name, value in saved_vars.items():
        declared = story.variables.get(name)
        if declared is None:
            continue  # a variable the story dropped since: harmless, forget it
        expected = {"int": int, "bool": bool, "str": str}[declared.type]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise _fail(f"the save gives variable {name!r} the value {_short(value)}, but it must be {_KIND[declared.type]}")
        if isinstance(value, str):  # a save passed on by a classmate: no escape sequence reaches any output
            value = strip_controls(value)
        try:
            variables[name] = expr.bounded(cast(expr.Value, value))
        except EvaluationError as exc:
            raise _fail(f"the save gives variable {name!r} a value past the limits: {exc.message}") from None
    visits = raw.get("visits")
    if not isinstance(visits, dict) or not all(
        isinstance(k, str) and _count(v) for k, v in visits.items()
    ):
        raise _fail("the save's visit counts are damaged")
    path = raw.get("path")
    if not isinstance(path, list) or not all(
        isinstance(s, list) and len(s) == 2 and isinstance(s[0], str)
        and (_count(s[1]) or (isinstance(s[1], str) and bool(s[1]))) for s in path
    ):
        raise _fail("the save's path of choices is damaged")
    steps = tuple(_step_from_json(story, s, c) for s, c in path)
    turn = raw.get("turn")
    if not _count(turn):
        raise _fail("the save's turn counter is damaged")
    return GameState(scene, variables, visits, steps, turn)


class SaveStore:
    """Slots in one folder, one JSON file per slot."""

    def __init__(self, directory: Path, clock: Clock = now) -> None:
        self.directory = Path(directory)
        self.clock = clock
        self._rotated = False
        self._swept = False

    def path(self, slot: str) -> Path:
        return self.directory / f"{check_slot(slot)}.json"

    def save(self, story: Story, state: GameState, slot: str) -> Path:
        return self._write(story, state, slot)

    def _write(self, story: Story, state: GameState, slot: str,
               before_replace: Callable[[int], None] | None = None) -> Path:
        target = self.path(slot)
        try:
            data = encode(story, state, self.clock())
        except ValueError as exc:  # a value past what JSON can hold (a state not built by the engine)
            raise SaveError(f"cannot write the save: {exc}", str(target)) from None
        if len(data) > MAX_SAVE_BYTES:  # never write a save that load would refuse
            raise SaveError(f"cannot write the save: the game state is larger than {MAX_SAVE_BYTES // 2**20} MiB",
                            str(target))
        if not self._swept:  # what killed writers left behind, once a session
            self._swept = True
            sweep_temporaries(self.directory)
        try:
            write_atomically(target, data, before_replace)
        except OSError as exc:
            raise SaveError(f"cannot write the save: {exc.strerror or exc}", str(target)) from None
        return target

    def autosave(self, story: Story, state: GameState) -> Path:
        """Save to the autosave slot; the first autosave of a session keeps the one before it as
        autosave-previous. The new autosave is on disk before that copy is made, and the old one
        keeps its name until the new one takes it: a crash, Ctrl-C or full disk at any moment leaves
        a loadable autosave. Raises SaveError when the new one could not be written."""
        keep = None if self._rotated else self._keep_previous
        target = self._write(story, state, AUTOSAVE, keep)
        self._rotated = True
        return target

    @staticmethod
    def _keep_previous(folder: int) -> None:
        try:
            keep_copy(folder, f"{AUTOSAVE}.json", f"{PREVIOUS_AUTOSAVE}.json")
        except OSError:
            pass  # the new autosave matters more than the copy of the old one

    def load(self, story: Story, slot: str) -> GameState:
        target = self.path(slot)
        data = self._read(target, slot)
        try:
            state, _ = decode(story, data)
        except SaveError as exc:
            raise SaveError(exc.message, str(target)) from None
        return state

    @staticmethod
    def _read(target: Path, slot: str) -> bytes:
        """A save's bytes: only from a regular file of at most MAX_SAVE_BYTES (a FIFO, /dev/zero
        or a 4 GB file is refused without reading it), else SaveError."""
        try:
            return read_regular(target, MAX_SAVE_BYTES)
        except FileNotFoundError:
            raise SaveError(f"there is no save called {slot!r}", str(target)) from None
        except NotRegularFile as exc:
            if exc.errno == errno.EFBIG:
                raise SaveError("the save is far too large to be a hungary56 save", str(target)) from None
            raise SaveError("the save is not a regular file (a folder, a device or a pipe)", str(target)) from None
        except OSError as exc:
            raise SaveError(f"cannot read the save: {exc.strerror or exc}", str(target)) from None

    def exists(self, slot: str) -> bool:
        return self.path(slot).exists()

    def list(self, story: Story) -> list[SaveInfo]:
        if not self.directory.is_dir():
            return []
        infos = []
        for file in sorted(self.directory.glob("*.json")):
            slot = file.stem
            if not _SLOT.match(slot):
                continue
            try:
                state, saved_at = decode(story, self._read(file, slot))
                infos.append(SaveInfo(slot, state.scene, saved_at, state.turn))
            except (SaveError, OSError) as exc:
                infos.append(SaveInfo(slot, "", "", 0, problem=getattr(exc, "message", str(exc))))
        return infos


def saves_blocks(story: Story, store: SaveStore) -> Blocks:
    """The `saves` screen: every slot with its scene, date and when it was saved, or why it is unreadable."""
    infos = store.list(story)
    if not infos:
        return [Block("hint", f"No saved games in {store.directory}.")]
    blocks = [Block("heading", f"Saved games in {store.directory}")]
    for info in infos:
        if info.problem:
            blocks.append(Block("error", f"{info.slot}: unreadable: {info.problem}", indent=2, tight=True, hang=2))
            continue
        scene = story.scenes[info.scene]
        when = render.format_when(scene)
        blocks.append(Block("note", f"{info.slot}: {scene.title} ({when}), saved {info.saved_at.replace('T', ' ')}",
                            indent=2, tight=True, hang=2))
    return blocks

def migrate_flat(base: Path, folder: Path, story_id: str) -> int:
    """Move the saves of `story_id` that an older hungary56 left flat in `base` (the folder given by
    --saves or HUNGARY56_SAVES, shared by every story) into `folder`, its subfolder for this story;
    a copy of the record of endings found goes with them (each story keeps only its own endings).
    Saves of other stories, and slots the subfolder already has, are left where they are. Returns
    how many saves moved; never fails (an old save left flat can still be loaded by name from there)."""
    try:
        flat = [entry for entry in os.scandir(base) if entry.name.endswith(".json") and _SLOT.match(entry.name[:-5])
                and entry.is_file(follow_symlinks=False)]
    except OSError:
        return 0
    moved = 0
    for entry in flat:
        try:
            document = json.loads(read_regular(entry.path, MAX_SAVE_BYTES))
        except (OSError, ValueError, RecursionError):
            continue
        owner = document.get("story") if isinstance(document, dict) else None
        if not isinstance(owner, dict) or owner.get("id") != story_id:
            continue
        target = folder / entry.name
        try:
            folder.mkdir(exist_ok=True)
            move_new(entry.path, target)  # a slot the subfolder already has is never replaced
            moved += 1
        except OSError:
            continue
    endings = Path(base) / "endings-found.txt"
    if moved and not (folder / "endings-found.txt").exists():
        try:
            write_atomically(folder / "endings-found.txt", read_regular(endings, 64 * 1024))
        except OSError:
            pass
    return moved
