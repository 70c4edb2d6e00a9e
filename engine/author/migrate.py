"""`hungary56 migrate`: a story's files moved to the newest format as small text edits that keep every comment.

What it changes (docs/authoring.md, "Upgrading"): `format:` in story.yaml; deprecated fields
removed (a chapter's `reading_minutes`); an `id` for every choice that has none, made from its
label; and a recorded playthrough kept by position, replayed with the numbering of the format it
was recorded in (format 1 numbered every choice of a menu, hidden ones too), its numbers turned
into `{choice: ID}` inputs. Pure text in, text out: engine/commands/migrate.py reads, diffs and writes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import attrs

from engine.core import machine
from engine.core.errors import EvaluationError, RuleError
from engine.core.format import FORMAT_VERSION
from engine.core.model import GameState, Story
from engine.core.nodes import YList, YMap

DEPRECATED_CHAPTER_KEYS = ("reading_minutes",)
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_MARKUP = re.compile(r"\{[^{}]*\}")


@attrs.frozen
class Edit:
    """Delete line `line` (1-based), or insert `text` at `line`:`column` (1-based), or replace the line."""

    line: int
    column: int = 0
    text: str = ""
    delete: bool = False
    replace: bool = False


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """The text with every edit made (later positions first, so earlier ones stay valid)."""
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        index = edit.line - 1
        if not 0 <= index < len(lines):
            if edit.line == len(lines) + 1 and not edit.delete:
                lines.append(edit.text)
            continue
        if edit.delete:
            del lines[index]
        elif edit.replace:
            ending = "\n" if lines[index].endswith("\n") else ""
            lines[index] = edit.text + ending
        else:
            line = lines[index]
            lines[index] = line[: edit.column - 1] + edit.text + line[edit.column - 1:]
    return "".join(lines)


def story_file_edits(text: str, document: object, notes: list[str]) -> list[Edit]:
    """A story file's edits: the format stamped on the file that defines the story, and every
    deprecated chapter key removed."""
    if not isinstance(document, YMap):
        return []
    lines = text.splitlines()
    edits: list[Edit] = []
    chapters = document.get("chapters")
    if isinstance(chapters, YList):
        for chapter in chapters:
            if not isinstance(chapter, YMap):
                continue
            for key in DEPRECATED_CHAPTER_KEYS:
                if key not in chapter:
                    continue
                loc = chapter.key_loc(key)
                line = lines[loc.line - 1] if 0 < loc.line <= len(lines) else ""
                if line.lstrip().startswith(f"{key}:"):  # block style: the line holds the key alone
                    edits.append(Edit(loc.line, delete=True))
                    notes.append(f"removed the deprecated '{key}' of chapter {chapter.get('id')!r}")
                else:
                    notes.append(f"chapter {chapter.get('id')!r} at line {loc.line}: remove '{key}' by hand")
            cards = chapter.get("cards")
            for card in cards if isinstance(cards, YList) else ():
                if isinstance(card, YMap) and "slogan" in card:
                    edits.extend(_slogan_edits(card, lines, notes))
    if "id" in document:
        found = document.get("format")
        if found is None:
            after = document.key_loc("version").line if "version" in document else document.key_loc("id").line
            edits.append(Edit(after + 1, 1, f"format: {FORMAT_VERSION}\n"))
            notes.append(f"the story says which format it is written in (format: {FORMAT_VERSION})")
        elif found != FORMAT_VERSION and isinstance(found, int) and found < FORMAT_VERSION:
            edits.append(Edit(document.key_loc("format").line, text=f"format: {FORMAT_VERSION}", replace=True))
            notes.append(f"format {found} -> {FORMAT_VERSION}")
    return edits


def _slogan_edits(card: YMap, lines: list[str], notes: list[str]) -> list[Edit]:
    """A source card's deprecated `slogan:` (W116) as `form:`: `slogan: true` becomes `form: slogan`;
    `slogan: false` (a quotation, the default) and a `slogan` beside a `form` (which wins) go."""
    loc = card.key_loc("slogan")
    line = lines[loc.line - 1] if 0 < loc.line <= len(lines) else ""
    if not line.lstrip().startswith("slogan:"):
        notes.append(f"a source card at line {loc.line}: replace 'slogan' with 'form' by hand")
        return []
    if card.get("slogan") is True and "form" not in card:
        notes.append(f"a source card's deprecated 'slogan: true' is now 'form: slogan' (line {loc.line})")
        return [Edit(loc.line, text=line[: len(line) - len(line.lstrip())] + "form: slogan", replace=True)]
    notes.append(f"removed a source card's deprecated 'slogan' (line {loc.line})")
    return [Edit(loc.line, delete=True)]


def choice_id(label: str, goto: str, taken: set[str]) -> str:
    """An id for a choice: the first words of its label (inline markup left out), else its target."""
    plain = unicodedata.normalize("NFKD", _MARKUP.sub(" ", label)).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    base = "_".join(words[:4]) or (f"to_{goto}" if goto else "choice")
    if not _ID.match(base):
        base = f"c_{base}"
    found, number = base, 2
    while found in taken:
        found, number = f"{base}_{number}", number + 1
    taken.add(found)
    return found


def scene_file_edits(text: str, document: object, notes: list[str]) -> list[Edit]:
    """A scene file's edits: an `id` for every choice that has none, unique in its scene."""
    if not isinstance(document, YMap) or not isinstance(document.get("scenes"), YList):
        return []
    lines = text.splitlines()
    edits: list[Edit] = []
    added = 0
    for scene in document["scenes"]:
        if not isinstance(scene, YMap) or not isinstance(scene.get("choices"), YList):
            continue
        choices = [c for c in scene["choices"] if isinstance(c, YMap)]
        taken = {str(c["id"]) for c in choices if c.get("id")}
        for choice in choices:
            if choice.get("id") or not choice:
                continue
            label, goto = choice.get("label"), choice.get("goto")
            new_id = choice_id(label if isinstance(label, str) else "", goto if isinstance(goto, str) else "", taken)
            line = lines[choice.loc.line - 1] if 0 < choice.loc.line <= len(lines) else ""
            at = choice.loc.column - 1
            if line[at:at + 1] == "{":  # a flow mapping, `- {label: ..., goto: ...}`
                edits.append(Edit(choice.loc.line, choice.loc.column + 1, f"id: {new_id}, "))
            else:  # a block mapping: the id becomes its first key, at the column of the others
                edits.append(Edit(choice.loc.line, choice.loc.column, f"id: {new_id}\n" + " " * at))
            added += 1
    if added:
        notes.append(f"gave {added} choice(s) an id")
    return edits


# --- recorded playthroughs ----------------------------------------------------------------------


def _auto_index(story: Story, state: GameState) -> int | None:
    """The choice a scene that moves on by itself takes (the first open one of a `next` route)."""
    scene = machine.current_scene(story, state)
    if not scene.choices or not scene.choices[0].auto:
        return None
    open_ones = machine.open_choices(story, state)
    return open_ones[0] if open_ones else None


def menu_numbers(story: Story, state: GameState, recorded_format: int) -> dict[int, int]:
    """The number each choice had on the screen (number -> index over all the scene's choices):
    format 1 numbered every choice, hidden ones too; format 2 numbers only the open ones."""
    scene = machine.current_scene(story, state)
    if recorded_format <= 1:
        return {choice.index + 1: choice.index for choice in scene.choices}
    return {number: index for number, index in enumerate(machine.open_choices(story, state), 1)}


@attrs.frozen
class Converted:
    inputs: tuple[str | dict[str, str], ...]  # as a playthrough file writes them
    scene: str  # where the replay ended
    kept: int  # numbers kept as numbers: their choice has no id


def convert_inputs(story: Story, inputs: Sequence[object], recorded_format: int) -> Converted:
    """Replay the inputs on the state machine with the numbering of `recorded_format`, and give each
    number that took a choice as that choice's id. Commands are kept as typed; `undo`, `redo` and
    `restart` move the replay as they moved the game."""
    state = machine.new_game(story)
    past: list[GameState] = []
    future: list[GameState] = []
    result: list[str | dict[str, str]] = []
    kept = 0
    for item in inputs:
        if isinstance(item, dict):  # already by id
            result.append(item)
            choice_id_ = item.get("choice")
            scene = machine.current_scene(story, state)
            index = next((c.index for c in scene.choices if c.id == choice_id_), None)
            state = _take(story, state, index, past, future)
            continue
        line = str(item)
        word = line.strip().split()[0].lower() if line.strip() else ""
        over = machine.is_over(story, state)
        if word.isdecimal() and not over:
            auto = _auto_index(story, state)
            scene = machine.current_scene(story, state)
            if scene.choices and scene.choices[0].auto:
                result.append(line)
                if word == "1":
                    state = _take(story, state, auto, past, future)
                continue
            index = menu_numbers(story, state, recorded_format).get(int(word) if len(word) < 9 else 0)
            choice = scene.choices[index] if index is not None else None
            if choice is not None and choice.id and index in machine.open_choices(story, state):
                result.append({"choice": choice.id})
            else:
                result.append(line)
                kept += 1 if choice is not None and not choice.id else 0
            if choice is not None and index in machine.open_choices(story, state):
                state = _take(story, state, index, past, future)
            continue
        result.append(line)
        if not word and not over:
            state = _take(story, state, _auto_index(story, state), past, future)
        elif word == "undo" and past:
            future.append(state)
            state = past.pop()
        elif word == "redo" and future:
            past.append(state)
            state = future.pop()
        elif word == "restart":
            past, future, state = [], [], machine.new_game(story)
    return Converted(tuple(result), state.scene, kept)


def _take(story: Story, state: GameState, index: int | None, past: list[GameState], future: list[GameState]) -> GameState:
    if index is None:
        return state
    try:
        after = machine.choose(story, state, index)
    except (RuleError, EvaluationError):
        return state
    past.append(state)
    future.clear()
    return after


def playthrough_format(document: object) -> int:
    """The format a playthrough file was recorded in (absent means 1)."""
    found = document.get("format") if isinstance(document, dict) else None
    return found if isinstance(found, int) and not isinstance(found, bool) and found >= 1 else 1


def stamp_playthrough(text: str) -> str:
    """A playthrough file's text with `format:` (the newest) before its `name:`, if it says none."""
    if re.search(r"(?m)^format:", text):
        return re.sub(r"(?m)^format:.*$", f"format: {FORMAT_VERSION}", text, count=1)
    match = re.search(r"(?m)^name:", text)
    at = match.start() if match else 0
    return text[:at] + f"format: {FORMAT_VERSION}\n" + text[at:]
