"""Skeletons for authors: the text of a new scene, appended to a scene file without re-writing it.

Pure: it works on strings; engine/commands/new.py reads and writes the files. Appending text
(rather than loading and dumping YAML) keeps the author's comments and layout as they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from engine.core import format as spec
from engine.core.errors import Hungary56Error, Location
from engine.io.yamlio import YList, YMap, parse_yaml

SCENE_MODELINE = "# yaml-language-server: $schema={schema}"
_ITEM = re.compile(r"^( *)- ", re.MULTILINE)

# What the skeleton writes for a key, where the format's example will not do: "{id}", "{chapter}" and
# "{date}" are filled in; "|..." is a block text. Every other key of engine/core/format.py is written
# from its description there: a required key as a TODO to fill in, an optional one commented out.
_VALUES: dict[tuple[str, str], str] = {
    ("scene", "id"): "{id}",
    ("scene", "chapter"): "{chapter}",
    ("scene", "title"): "TODO a short title",
    ("scene", "date"): "{date}",
    ("scene", "time"): '"15:00"',
    ("scene", "where"): "TODO the place",
    ("scene", "warning"): "Gunfire and death.",
    ("scene", "flashback"): "false",
    ("scene", "text"): "|TODO What the player reads.",
    ("scene", "variants"): "[]",
    ("scene", "note"): "|TODO The historical note.",
    ("scene", "sources"): "[]",
    ("scene", "contested"): "[]",
    ("scene", "terms"): "[]",
    ("choice", "label"): "TODO what the player chooses",
    ("choice", "id"): "TODO",
    ("choice", "goto"): "TODO",
    ("choice", "if"): '"courage >= 1"',
    ("choice", "do"): '["courage += 1"]',
    ("choice", "kind"): "historical",
    ("choice", "history"): "|TODO What really happened.",
}
# written (not commented out) although optional: an author should see and decide them
_SHOWN = {("scene", "flashback"), ("scene", "variants"), ("scene", "note"), ("scene", "sources"),
          ("scene", "contested"), ("scene", "terms"), ("scene", "choices"), ("choice", "id"), ("choice", "kind"),
          ("choice", "history")}


def _record_lines(record: spec.Record, indent: str) -> list[str]:
    """One record of the skeleton, a line per key of the format, each with its description."""
    lines: list[str] = []
    for field in record.fields:
        if record.one_of and field.key in record.one_of[1:]:
            continue  # the alternatives are named in the comment on the first one
        value = _VALUES.get((record.name, field.key), "")
        comment = field.doc
        if record.one_of and field.key == record.one_of[0]:
            comment = f"{field.doc}; or " + " or ".join(f"`{k}:`" for k in record.one_of[1:]) + " instead"
        kind, _, inner = field.type.partition(":")
        written = field.required or field.lint_required or field.history or (record.name, field.key) in _SHOWN
        if kind == "list" and written and not value:
            lines.append(f"{indent}{field.key}:  # {comment}")
            nested = _record_lines(spec.RECORDS[inner], indent + "    ")
            nested[0] = f"{indent}  - " + nested[0][len(indent) + 4:]
            lines.extend(nested)
            continue
        if not value:
            value = "TODO" if field.required else (f'"{field.example}"' if field.example else "...")
        if not written:
            lines.append(f"{indent}# {field.key}: {value.lstrip('|')}  # optional: {comment}")
        elif value.startswith("|"):
            lines.append(f"{indent}{field.key}: |  # {comment}")
            lines.append(f"{indent}  {value[1:]}")
        else:
            lines.append(f"{indent}{field.key}: {value}  # {comment}")
    return lines


def skeleton_template() -> str:
    """The skeleton of a scene, as one `- ` item, with {id}, {chapter} and {date} to fill in."""
    lines = _record_lines(spec.SCENE, "  ")
    lines[0] = "- " + lines[0][2:]
    head = "# --- {id}: added by `hungary56 new scene`; fill in every TODO, then run `hungary56 lint` ---"
    escaped = [line.replace("{", "{{").replace("}", "}}") for line in lines]
    for name in ("id", "chapter", "date"):
        escaped = [line.replace("{{" + name + "}}", "{" + name + "}") for line in escaped]
    return "\n".join([head, *escaped]) + "\n"


def scene_skeleton(scene_id: str, chapter: str, date: str, indent: str = "  ") -> str:
    """A scene with every field present and a comment on each, as one item of a `scenes:` list."""
    shown_date = f'"{date}"' if re.fullmatch(r"\d{4}", date) else date
    text = skeleton_template().format(id=scene_id, chapter=chapter, date=shown_date)
    return "".join(indent + line if line.strip() else line for line in text.splitlines(keepends=True))


def new_scene_file(scene_id: str, chapter: str, date: str, schema: str = "../schema/scene.schema.json") -> str:
    """A whole scene file: the editor's schema modeline (`schema` relative to the file) and one scene."""
    return f"{SCENE_MODELINE.format(schema=schema)}\nscenes:\n{scene_skeleton(scene_id, chapter, date)}"


def append_scene(existing: str, scene_id: str, chapter: str, date: str, path: str) -> str:
    """The file's text with a skeleton scene added at the end of its `scenes:` list.

    Raises Hungary56Error if the result would not put the scene in that list (a flow-style list,
    or a file whose last top-level key is not `scenes`), so the file is never left broken.
    """
    match = _ITEM.search(existing)
    indent = match.group(1) if match else "  "
    body = existing if existing.endswith("\n") or not existing else existing + "\n"
    if not existing.strip():
        body = new_scene_file(scene_id, chapter, date)
    elif "scenes" not in body and not match:
        body += "scenes:\n" + scene_skeleton(scene_id, chapter, date, indent)
    else:
        body += "\n" + scene_skeleton(scene_id, chapter, date, indent)
    value, problems = parse_yaml(body, path)
    scenes = value.get("scenes") if isinstance(value, YMap) else None
    last = scenes[-1] if isinstance(scenes, YList) and scenes else None
    if problems or not isinstance(last, YMap) or last.get("id") != scene_id:
        raise Hungary56Error(
            f"cannot append a scene to {path}: its 'scenes' list must be the last thing in the file, "
            "written one '- id: ...' item per scene; add the scene by hand, or use --file with another file"
        )
    return body


@attrs.frozen
class Outline:
    """Just enough of a story to add to it, read leniently so that a story still full of TODOs
    (which does not load) can grow: chapter dates by id, and each scene's chapter and place."""

    chapters: dict[str, str]
    scenes: dict[str, tuple[str, Location]]


def _maps(node: Any, key: str) -> Iterable[tuple[YMap, Location]]:
    items = node.get(key) if isinstance(node, YMap) else None
    if isinstance(items, YList):
        yield from ((item, loc) for item, loc in zip(items, items.item_locs) if isinstance(item, YMap))


def outline(story_docs: Iterable[Any], scene_docs: Iterable[Any]) -> Outline:
    chapters: dict[str, str] = {}
    for doc in story_docs:
        for chapter, _loc in _maps(doc, "chapters"):
            chapters.setdefault(str(chapter.get("id")), str(chapter.get("date") or ""))
    scenes: dict[str, tuple[str, Location]] = {}
    for doc in scene_docs:
        for scene, loc in _maps(doc, "scenes"):
            scenes.setdefault(str(scene.get("id")), (str(scene.get("chapter")), loc))
    return Outline(chapters, scenes)
