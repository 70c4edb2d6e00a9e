"""Recorded playthroughs: the real player (engine/play/session.py) over a scripted console at a fixed width, so a transcript changes only when what a player sees changes."""

from __future__ import annotations

import difflib
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import attrs
import yaml

from engine.core.errors import Hungary56Error, Location, SaveError
from engine.core.model import GameState, Story
from engine.io.saves import SaveInfo, SaveStore, decode, encode
from engine.io.yamlio import parse_yaml
from engine.play.render import Blocks
from engine.play.session import Session
from engine.play.terminal import TextOutput

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


class ScriptedConsole:
    """A console that answers prompts from a list of lines and writes a plain transcript, as a pipe would."""

    def __init__(self, inputs: Sequence[str], width: int = TRANSCRIPT_WIDTH) -> None:
        self.inputs = list(inputs)
        self.buffer = io.StringIO()
        self.output = TextOutput(self.buffer, colour=False, width=width)

    def show(self, blocks: Blocks) -> None:
        self.output.show(blocks)

    def ask(self, prompt: str, words: list[str]) -> str:
        self.output.write(prompt)
        if not self.inputs:
            self.output.write("\n")
            raise EOFError
        line = self.inputs.pop(0)
        self.output.write(line + "\n")
        return line

    def transcript(self) -> str:
        return normalize(self.buffer.getvalue())


def normalize(text: str) -> str:
    """Trailing spaces and trailing blank lines are not part of what a transcript records."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def play_transcript(story: Story, inputs: Sequence[str], width: int = TRANSCRIPT_WIDTH) -> str:
    """What the player prints for these input lines, from a new game, without colour."""
    console = ScriptedConsole(inputs, width)
    Session(story, console, MemoryStore()).run()
    return console.transcript()


def split_choices(text: str) -> list[str]:
    """`"1 2 1"` as input lines; a `.` stands for an empty line (Enter)."""
    return ["" if word == "." else word for word in text.split()]


@attrs.frozen
class Playthrough:
    name: str
    inputs: tuple[str, ...]
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
    document = {
        "name": playthrough.name,
        "story": playthrough.story,
        "width": playthrough.width,
        "inputs": list(playthrough.inputs),
        "transcript": playthrough.transcript,
    }
    header = ("# A recorded playthrough: `hungary56 test --playthroughs` replays the inputs and compares\n"
              "# the transcript; `hungary56 test --playthroughs --bless` records it again.\n")
    return header + yaml.dump(document, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False, width=1000)


class PlaythroughError(Hungary56Error):
    """A playthrough file that cannot be read."""


def parse_playthrough(text: str, path: str) -> Playthrough:
    document, problems = parse_yaml(text, path)
    if problems:
        raise PlaythroughError(problems[0].message, problems[0].location)
    if not isinstance(document, dict):
        raise PlaythroughError("a playthrough must be a mapping with 'inputs' and 'transcript'", Location(path, 1, 1))
    inputs, transcript = document.get("inputs"), document.get("transcript")
    if not isinstance(inputs, list) or not all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in inputs):
        raise PlaythroughError("'inputs' must be a list of input lines", Location(path, 1, 1))
    if not isinstance(transcript, str):
        raise PlaythroughError("'transcript' must be a text", Location(path, 1, 1))
    width = document.get("width", TRANSCRIPT_WIDTH)
    if not isinstance(width, int) or isinstance(width, bool) or width < 20:
        raise PlaythroughError("'width' must be a number of columns, at least 20", Location(path, 1, 1))
    return Playthrough(str(document.get("name") or Path(path).stem), tuple(str(i) for i in inputs),
                       transcript, width, str(document.get("story") or ""))


def record(story: Story, name: str, inputs: Sequence[str]) -> Playthrough:
    return Playthrough(name, tuple(inputs), play_transcript(story, inputs), TRANSCRIPT_WIDTH, story.id)


def replay_diff(story: Story, playthrough: Playthrough, path: str) -> str:
    """A unified diff from the recorded transcript to what the player prints now; empty when equal."""
    now = play_transcript(story, playthrough.inputs, playthrough.width)
    expected = normalize(playthrough.transcript)
    if now == expected:
        return ""
    return "".join(difflib.unified_diff(
        expected.splitlines(keepends=True), now.splitlines(keepends=True),
        fromfile=f"{path} (recorded)", tofile=f"{path} (now)",
    ))
