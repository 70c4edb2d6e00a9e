"""`hungary56 rename scene OLD NEW`: a scene id changed everywhere it is written, from the story index's exact positions.

Its `id`, every `goto`, `next` (and route), a chapter's `first`, the story's `start`, and every
`visited()`/`visits()` in conditions, effects and inline text. Recorded playthroughs keep choices by
id and show titles, so they name no scene; an input that does (`goto OLD` in a debug recording)
is renamed too. Refused when NEW is taken, is not an id, or a file cannot be read.
"""

from __future__ import annotations

import re
from pathlib import Path

from engine.author.storyindex import StoryIndex, read_index
from engine.core.errors import Hungary56Error
from engine.core.expr import KEYWORDS, suggest
from engine.core.fields import ID
from engine.io.loader import read_text


class RenameError(Hungary56Error):
    """A rename that cannot be made: the old id is unknown, the new one taken or not an id."""


def rename_problem(index: StoryIndex, old: str, new: str) -> str:
    """Why scene `old` cannot be renamed to `new`, or "" if it can."""
    if old not in index.scenes:
        return f"there is no scene {old!r}{suggest(old, index.scenes)}"
    if not ID.match(new) or new in KEYWORDS:
        return f"{new!r} cannot be a scene id: use letters, digits and _ (starting with a letter)"
    if new in index.scenes and new != old:
        where = index.scenes[new].definition
        return f"there is already a scene {new!r} (at {where.path}:{where.line}): choose another id"
    return ""


def plan_rename(root: Path, old: str, new: str) -> dict[Path, tuple[str, str, int]]:
    """Each file that changes: (its text now, its text renamed, how many mentions)."""
    index = read_index(root)
    if index.unreadable:
        raise RenameError(f"{index.unreadable[0]} cannot be read: fix it first ('hungary56 lint'), so no reference is missed")
    problem = rename_problem(index, old, new)
    if problem:
        raise RenameError(f"cannot rename: {problem}")
    by_file: dict[Path, list[tuple[int, int]]] = {}
    for span in index.mentions(old):
        by_file.setdefault(span.path, []).append((span.line, span.column))
    changes: dict[Path, tuple[str, str, int]] = {}
    for path, places in by_file.items():
        text = index.texts[path]
        lines = text.splitlines(keepends=True)
        for line, column in sorted(set(places), reverse=True):
            current = lines[line - 1]
            assert current[column - 1: column - 1 + len(old)] == old, (path, line, column)
            lines[line - 1] = current[: column - 1] + new + current[column - 1 + len(old):]
        changes[path] = (text, "".join(lines), len(set(places)))
    recordings = root / "tests" / "playthroughs"
    pattern = re.compile(rf"(?m)^(- ['\"]?goto\s+){re.escape(old)}\b")
    for path in sorted(recordings.glob("*.yaml")) if recordings.is_dir() else []:
        text = read_text(path, within=root)
        renamed, count = pattern.subn(lambda m: m.group(1) + new, text)
        if count:
            changes[path.resolve()] = (text, renamed, count)
    return changes
