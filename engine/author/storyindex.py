"""What an editor needs to know of a story folder: where each scene, chapter, variable and glossary term is defined, and every reference to a scene, with exact positions.

Read from the located node tree (engine/io/yamlio.py -> engine/core/nodes.py), not a second parser:
the language server (engine/author/lsp.py) and `hungary56 rename` (engine/author/rename.py) use it.
Lines and columns are 1-based, as in every Location; a buffer an editor has open replaces the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs

from engine.core.errors import Location
from engine.core.nodes import YList, YMap
from engine.io.loader import parse_document, read_text, story_files

VISIT_CALL = re.compile(r"\bvisit(?:ed|s)\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SCENE_KEYS = ("goto", "next", "first", "start")


@attrs.frozen
class Span:
    """A name at a place in a file: `path`, 1-based `line` and `column`, and the name itself."""

    path: Path
    line: int
    column: int
    name: str

    def contains(self, path: Path, line: int, column: int) -> bool:
        return path == self.path and line == self.line and self.column <= column <= self.column + len(self.name)


@attrs.frozen
class SceneInfo:
    id: str
    definition: Span
    chapter: str = ""
    title: str = ""
    date: str = ""
    time: str = ""
    where: str = ""
    first_line: str = ""
    choices: tuple[Span, ...] = ()  # each choice's label, at its `label:` value


@attrs.define
class StoryIndex:
    root: Path
    scenes: dict[str, SceneInfo] = attrs.Factory(dict)
    chapters: dict[str, Span] = attrs.Factory(dict)
    chapter_titles: dict[str, str] = attrs.Factory(dict)
    variables: dict[str, Span] = attrs.Factory(dict)
    variable_types: dict[str, str] = attrs.Factory(dict)
    variable_notes: dict[str, str] = attrs.Factory(dict)  # "int, from 0: what it tracks", for hover
    terms: dict[str, Span] = attrs.Factory(dict)
    references: list[Span] = attrs.Factory(list)  # every mention of a scene id outside its definition
    files: list[Path] = attrs.Factory(list)
    texts: dict[Path, str] = attrs.Factory(dict)
    unreadable: list[Path] = attrs.Factory(list)

    def scene_at(self, path: Path, line: int, column: int) -> str | None:
        """The scene id defined or referenced at this place, if any."""
        for span in [*self.references, *(s.definition for s in self.scenes.values())]:
            if span.contains(path, line, column):
                return span.name
        return None

    def mentions(self, scene_id: str) -> list[Span]:
        """The scene's definition and every reference to it."""
        found = [r for r in self.references if r.name == scene_id]
        if scene_id in self.scenes:
            found.insert(0, self.scenes[scene_id].definition)
        return found


def find_root(path: Path) -> Path | None:
    """The story folder a file belongs to (the folder that holds story/ and scenes/)."""
    for folder in [path, *path.parents]:
        if (folder / "story").is_dir() and (folder / "scenes").is_dir():
            return folder
    return None


def read_index(root: Path, open_buffers: Mapping[Path, str] | None = None) -> StoryIndex:
    """Index every YAML file of the story folder; a buffer in `open_buffers` stands for its file."""
    buffers = {p.resolve(): text for p, text in (open_buffers or {}).items()}
    index = StoryIndex(root.resolve())
    story_paths, scene_paths = story_files(index.root)
    for path in story_paths + scene_paths:
        path = path.resolve()
        index.files.append(path)
        text = buffers.get(path)
        if text is None:
            try:
                text = read_text(path, within=index.root)
            except (OSError, UnicodeDecodeError):
                index.unreadable.append(path)
                continue
        index.texts[path] = text
        document, problems = parse_document(text.encode("utf-8"), str(path))
        if problems or not isinstance(document, YMap):
            index.unreadable.append(path)
        elif path.parent.name == "story":
            _index_story_file(index, path, document)
        else:
            _index_scene_file(index, path, document)
        index.references.extend(_visit_calls(path, text))
    return index


def _span(path: Path, loc: Location, name: str) -> Span:
    return Span(path, loc.line, loc.column, name)


def _value(node: YMap, key: str, path: Path) -> Span | None:
    value = node.get(key)
    if isinstance(value, str) and WORD.fullmatch(value):
        return _span(path, node.value_loc(key), value)
    return None


def _index_story_file(index: StoryIndex, path: Path, document: YMap) -> None:
    start = _value(document, "start", path)
    if start:
        index.references.append(start)
    chapters = document.get("chapters")
    for chapter in chapters if isinstance(chapters, YList) else ():
        if not isinstance(chapter, YMap):
            continue
        span = _value(chapter, "id", path)
        if span:
            index.chapters[span.name] = span
            index.chapter_titles[span.name] = str(chapter.get("title") or "")
        first = _value(chapter, "first", path)
        if first:
            index.references.append(first)
    for section, target in (("variables", index.variables), ("glossary", index.terms)):
        found = document.get(section)
        if isinstance(found, YMap):
            for name in found:
                target[str(name)] = _span(path, found.key_loc(name), str(name))
                if section == "variables" and isinstance(found[name], YMap):
                    variable = found[name]
                    index.variable_types[str(name)] = str(variable.get("type") or "")
                    initial = variable.get("initial")
                    shown = str(initial).lower() if isinstance(initial, bool) else repr(initial) \
                        if isinstance(initial, str) else str(initial)
                    index.variable_notes[str(name)] = (f"{variable.get('type') or '?'}, from {shown}: "
                                                       f"{variable.get('description') or ''}").rstrip(": ")


def _index_scene_file(index: StoryIndex, path: Path, document: YMap) -> None:
    scenes = document.get("scenes")
    for scene in scenes if isinstance(scenes, YList) else ():
        if not isinstance(scene, YMap):
            continue
        definition = _value(scene, "id", path)
        labels: list[Span] = []
        for choice in _items(scene.get("choices")):
            target = _value(choice, "goto", path)
            if target:
                index.references.append(target)
            if isinstance(choice.get("label"), str):
                labels.append(_span(path, choice.value_loc("label"), choice["label"]))
        following = _value(scene, "next", path)
        if following:
            index.references.append(following)
        for route in _items(scene.get("next")):  # `next:` as a list of {if, goto} routes
            target = _value(route, "goto", path)
            if target:
                index.references.append(target)
        if definition is None:
            continue
        text = scene.get("text")
        first_line = next((line.strip() for line in str(text or "").splitlines() if line.strip()), "")
        index.scenes.setdefault(definition.name, SceneInfo(
            definition.name, definition, str(scene.get("chapter") or ""), str(scene.get("title") or ""),
            str(scene.get("date") or ""), str(scene.get("time") or ""), str(scene.get("where") or ""),
            first_line, tuple(labels),
        ))


def _items(node: object) -> Iterator[YMap]:
    if isinstance(node, YList):
        yield from (item for item in node if isinstance(item, YMap))


def _visit_calls(path: Path, text: str) -> Iterator[Span]:
    """`visited(id)` and `visits(id)` wherever they are written: conditions, effects and inline text."""
    for number, line in enumerate(text.splitlines(), 1):
        if "visit" in line:
            for match in VISIT_CALL.finditer(line):
                yield Span(path, number, match.start(1) + 1, match.group(1))


def word_at(line: str, column: int) -> tuple[str, int]:
    """The identifier around a 1-based column of a line, and the column it starts at ("" if none)."""
    for match in WORD.finditer(line):
        if match.start() + 1 <= column <= match.end() + 1:
            return match.group(), match.start() + 1
    return "", column


def hover_text(index: StoryIndex, scene_id: str) -> str:
    """A scene as a hover shows it: its title, chapter, date, place and first line, in Markdown."""
    scene = index.scenes[scene_id]
    when = " ".join(part for part in (scene.date, scene.time) if part)
    chapter = index.chapter_titles.get(scene.chapter, scene.chapter)
    lines = [f"**{scene.title or scene.id}** (`{scene.id}`)"]
    lines.append(" · ".join(part for part in (chapter, when, scene.where) if part))
    if scene.first_line:
        lines.append(f"> {scene.first_line}")
    return "\n\n".join(line for line in lines if line)


def variable_hover(index: StoryIndex, name: str) -> str:
    """A variable as a hover shows it: its type, initial value and description."""
    return f"**{name}** ({index.variable_notes.get(name, '')})"
