"""Recorded playthroughs: the game's own loop (engine/core/loop.py, over `step`) fed from a script at a fixed width, as the piped player prints it, so a transcript changes only when what a player sees changes."""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import attrs
import yaml

from engine.core import expr, render
from engine.core import game as rules
from engine.core.errors import Hungary56Error, Location, SaveError
from engine.core.events import Ended
from engine.core.game import Game
from engine.core.loop import Loop
from engine.core.model import Choice, GameState, Story
from engine.core.render import Blocks
from engine.io.saves import SaveInfo, SaveStore, decode, encode, saves_blocks
from engine.io.yamlio import parse_yaml

TRANSCRIPT_WIDTH = 80


# --- recorded playthroughs ----------------------------------------------------------------------


class MemoryStore(SaveStore):
    """Save slots kept in memory, at a fixed time: recording never touches the player's saves."""

    def __init__(self) -> None:
        super().__init__(Path("saves"), clock=lambda: datetime(1956, 10, 23, 15, 0))
        self.slots: dict[str, bytes] = {}

    def save(self, story: Story, state: GameState, slot: str) -> Path:
        target = self.path(slot)
        self.slots[slot] = encode(story, state, self.clock())
        return target

    def autosave(self, story: Story, state: GameState) -> Path:
        return self.save(story, state, "autosave")

    def load(self, story: Story, slot: str) -> GameState:
        target = self.path(slot)
        if slot not in self.slots:
            raise SaveError(f"there is no save called {slot!r}", str(target))
        state, _ = decode(story, self.slots[slot])
        return state

    def exists(self, slot: str) -> bool:
        return slot in self.slots

    def list(self, story: Story) -> list[SaveInfo]:
        infos = []
        for slot in sorted(self.slots):
            state, saved_at = decode(story, self.slots[slot])
            infos.append(SaveInfo(slot, state.scene, saved_at, state.turn))
        return infos


@attrs.frozen
class ById:
    """An input that takes the choice with this id in the scene where it is read, whatever its number."""

    id: str


Input = str | ById


class ReplayError(Hungary56Error):
    """A recorded input that this version of the story cannot follow (its choice id is gone)."""


class ScriptedConsole:
    """A `Host` (engine/core/loop.py) that answers prompts from a list of inputs and writes a plain
    transcript, as a pipe would, with its saves in memory.

    It reads a `ById` input as the number the choice with that id has now, and it keeps each input
    as it should be recorded: a number that takes a choice with an id becomes that id, so
    inserting or reordering choices later changes no replay.
    """

    def __init__(self, inputs: Sequence[Input], width: int = TRANSCRIPT_WIDTH) -> None:
        self.inputs = list(inputs)
        self.buffer = io.StringIO()
        self.width = width
        self.store = MemoryStore()
        self.loop: Loop | None = None
        self.recorded: list[Input] = []
        self.rejected: list[str] = []  # inputs the game refused: not an open choice nor a command
        self.asked = 0

    @property
    def game(self) -> Game | None:
        return None if self.loop is None else self.loop.game

    # -- the Host ---------------------------------------------------------------------------

    def show(self, blocks: Blocks, record: bool = True, screen: bool = True) -> None:
        if screen:
            self.buffer.write(render.plain_text(blocks, self.width))

    def pause(self, prompt: str) -> None:
        """A pipe goes straight on."""

    def ask_why(self) -> None:
        """Recordings keep no reasons."""

    def ask(self, prompt: str, words: list[str]) -> str:
        self.buffer.write(prompt)
        if not self.inputs:
            self.buffer.write("\n")
            raise EOFError
        item = self.inputs.pop(0)
        self.asked += 1
        line = self._number_of(item) if isinstance(item, ById) else item
        self.recorded.append(self._as_recorded(line))
        if self.game is not None and rules.refused(self.game, line):
            self.rejected.append(line)
        self.buffer.write(line + "\n")
        return line

    def save(self, state: GameState, slot: str) -> str:
        return str(self.store.save(self.store_story(), state, slot))

    def load(self, slot: str) -> GameState:
        return self.store.load(self.store_story(), slot)

    def saves(self) -> Blocks:
        return saves_blocks(self.store_story(), self.store)

    def reload(self) -> Story | None:
        return None

    def settings(self, arg: str) -> tuple[Blocks, str] | None:
        return None

    def ended(self, ending: Ended) -> None:
        """Endings found are the terminal's record, not a recording's."""

    def leaving(self, game: Game) -> None:
        """No transcript file to close."""

    def resume_hint(self) -> str:
        return "hungary56 play --continue"

    def store_story(self) -> Story:
        assert self.game is not None
        return self.game.story

    # -- recording --------------------------------------------------------------------------

    def _open_choices(self) -> list[Choice]:
        game = self.game
        if game is None or game.over:
            return []
        return [o.choice for o in rules.menu(game) if not o.choice.auto]

    def _number_of(self, item: ById) -> str:
        game = self.game
        if game is None:
            raise ReplayError(f"input {self.asked} chooses {item.id!r}, but no game is running")
        scene = game.scene
        shown = self._open_choices()  # the menu numbers only the open choices, 1, 2, 3 without gaps
        for number, choice in enumerate(shown, 1):
            if choice.id == item.id:
                return str(number)
        for choice in scene.choices:
            if choice.id == item.id:  # there, but not open now: a number the game refuses
                return str(len(shown) + 1)
        ids = [c.id for c in scene.choices if c.id]
        raise ReplayError(
            f"input {self.asked} chooses {item.id!r}, but scene {scene.id!r} has no choice with that id now"
            f"{expr.suggest(item.id, ids)} (its choice ids: {', '.join(ids) or 'none'}); if the story changed "
            "on purpose, record this playthrough again with 'hungary56 record'"
        )

    def _as_recorded(self, line: str) -> Input:
        word = line.strip()
        if word.isdecimal() and len(word) <= 9:
            number = int(word)
            for shown, choice in enumerate(self._open_choices(), 1):
                if shown == number and choice.id:
                    return ById(choice.id)
        return line

    def transcript(self) -> str:
        return normalize(self.buffer.getvalue())


def normalize(text: str) -> str:
    """Trailing spaces and trailing blank lines are not part of what a transcript records."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def play(story: Story, inputs: Sequence[Input], width: int = TRANSCRIPT_WIDTH) -> ScriptedConsole:
    """Play these inputs from a new game; raises ReplayError for a choice id the story no longer has."""
    console = ScriptedConsole(inputs, width)
    console.loop = Loop(console, rules.start(story))
    console.loop.run()
    return console


def play_transcript(story: Story, inputs: Sequence[Input], width: int = TRANSCRIPT_WIDTH) -> str:
    """What the player prints for these inputs, from a new game, without colour."""
    return play(story, inputs, width).transcript()


def split_choices(text: str) -> list[str]:
    """`"1 2 1"` as input lines; a `.` stands for an empty line (Enter)."""
    return ["" if word == "." else word for word in text.split()]


@attrs.frozen
class Playthrough:
    name: str
    inputs: tuple[Input, ...]
    transcript: str
    width: int = TRANSCRIPT_WIDTH
    story: str = ""


class _LiteralDumper(yaml.SafeDumper):
    pass


def _text_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _text_representer)


def dump_playthrough(playthrough: Playthrough) -> str:
    from engine.core.format import FORMAT_VERSION

    document = {
        "format": FORMAT_VERSION,  # the format it is recorded in (engine/author/migrate.py reads older ones)
        "name": playthrough.name,
        "story": playthrough.story,
        "width": playthrough.width,
        "inputs": [{"choice": i.id} if isinstance(i, ById) else i for i in playthrough.inputs],
        "transcript": playthrough.transcript,
    }
    header = ("# A recorded playthrough: `hungary56 test --playthroughs` replays the inputs and compares\n"
              "# the transcript; `hungary56 test --bless NAME` records it again. An input `{choice: ID}`\n"
              "# takes the choice with that id wherever it stands in the list; a number takes the choice\n"
              "# at that position (a choice without an id).\n")
    return header + yaml.dump(document, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False, width=1000)


class PlaythroughError(Hungary56Error):
    """A playthrough file that cannot be read."""


def parse_playthrough(text: str, path: str) -> Playthrough:
    document, problems = parse_yaml(text, path)
    if problems:
        raise PlaythroughError(problems[0].message, problems[0].location)
    if not isinstance(document, dict):
        raise PlaythroughError("a playthrough must be a mapping with 'inputs' and 'transcript'", Location(path, 1, 1))
    raw, transcript = document.get("inputs"), document.get("transcript")
    if not isinstance(raw, list):
        raise PlaythroughError("'inputs' must be a list of input lines", Location(path, 1, 1))
    inputs = [_parse_input(item, path) for item in raw]
    if not isinstance(transcript, str):
        raise PlaythroughError("'transcript' must be a text", Location(path, 1, 1))
    width = document.get("width", TRANSCRIPT_WIDTH)
    if not isinstance(width, int) or isinstance(width, bool) or width < 20:
        raise PlaythroughError("'width' must be a number of columns, at least 20", Location(path, 1, 1))
    return Playthrough(str(document.get("name") or Path(path).stem), tuple(inputs),
                       transcript, width, str(document.get("story") or ""))


def _parse_input(item: object, path: str) -> Input:
    if isinstance(item, (str, int)) and not isinstance(item, bool):
        return str(item)
    if isinstance(item, dict) and list(item) == ["choice"] and isinstance(item["choice"], str) \
            and item["choice"]:
        return ById(item["choice"])
    raise PlaythroughError(f"each input must be a line of text or {{choice: ID}}, not {item!r}", Location(path, 1, 1))


def record(story: Story, name: str, inputs: Sequence[Input]) -> Playthrough:
    """Play the inputs and keep them, a number that took a choice with an id kept as that id."""
    return recording(story, name, inputs)[0]


def recording(story: Story, name: str, inputs: Sequence[Input]) -> tuple[Playthrough, list[str]]:
    """The playthrough, and the inputs the game refused (a number no open choice has, an unknown word)."""
    console = play(story, inputs)
    playthrough = Playthrough(name, tuple(console.recorded), console.transcript(), TRANSCRIPT_WIDTH, story.id)
    return playthrough, console.rejected


def by_position(playthrough: Playthrough) -> int:
    """How many of the inputs are bare numbers: choices kept by position (they have no id)."""
    return sum(1 for i in playthrough.inputs if isinstance(i, str) and i.strip().isdecimal())


def replay_diff(story: Story, playthrough: Playthrough, path: str) -> str:
    """A unified diff from the recorded transcript to what the player prints now; empty when equal."""
    now = play_transcript(story, playthrough.inputs, playthrough.width)  # ReplayError: an id is gone
    expected = normalize(playthrough.transcript)
    if now == expected:
        return ""
    return "".join(difflib.unified_diff(
        expected.splitlines(keepends=True), now.splitlines(keepends=True),
        fromfile=f"{path} (recorded)", tofile=f"{path} (now)",
    ))


def ending_of(transcript: str) -> str:
    """The title of the ending a transcript reaches ("" if it stops before one)."""
    found = re.findall(r"(?m)^THE END: (.+?)\s*$", transcript)
    return found[-1] if found else ""


def blessing(story: Story, playthrough: Playthrough) -> tuple[Playthrough, str]:
    """The playthrough recorded again, and why it should not replace the old one ("" if it may):
    the game refused an input, or the replay no longer reaches the ending the old one recorded."""
    console = play(story, playthrough.inputs, playthrough.width)
    again = Playthrough(playthrough.name, tuple(console.recorded), console.transcript(), playthrough.width, story.id)
    reasons = []
    if console.rejected:
        reasons.append(f"the game refused {len(console.rejected)} input(s) ({', '.join(map(repr, console.rejected))}: "
                       "no open choice has that number, or no command that name)")
    recorded, now = ending_of(playthrough.transcript), ending_of(again.transcript)
    if recorded and now != recorded:
        reasons.append(f"it no longer reaches its recorded ending, {recorded!r}: "
                       + (f"it ends at {now!r}" if now else "it stops before any ending"))
    return again, "; ".join(reasons)
