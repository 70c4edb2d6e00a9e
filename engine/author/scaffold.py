"""Skeletons for authors: the text of a new scene, appended to a scene file without re-writing it.

Pure: it works on strings; engine/commands/new.py reads and writes the files. Appending text
(rather than loading and dumping YAML) keeps the author's comments and layout as they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from engine.core.errors import Hungary56Error, Location
from engine.io.yamlio import YList, YMap, parse_yaml

SCENE_MODELINE = "# yaml-language-server: $schema={schema}"
_ITEM = re.compile(r"^( *)- ", re.MULTILINE)

_SKELETON = """\
# --- {id}: added by `hungary56 new scene`; fill in every TODO, then run `hungary56 lint` ---
- id: {id}  # unique across the story: letters, digits and _
  chapter: {chapter}  # the chapter it belongs to: a chapter id from story/story.yaml
  title: TODO a short title  # shown above the text
  date: {date}  # the date in the story; a choice may not lead back in time (see flashback)
  # time: "15:00"  # optional: HH:MM, 24-hour Budapest time
  where: TODO the place  # where the scene happens
  # place: radio  # optional: the id of a place in story/places.yaml, for the map
  # warning: Gunfire and death.  # optional: a content warning shown before the text
  flashback: false  # true lets a choice lead back in story time to this scene
  text: |  # what the player reads; a blank line separates paragraphs
    TODO What the player reads.
  variants: []  # optional: extra paragraphs shown when a condition holds, for example:
  #   - if: "visited(some_scene)"
  #     text: You remember the smell of tear gas.
  note: |  # the historical note: what really happened at that moment, in our own words
    TODO The historical note.
  sources: []  # keys of `sources` (story/*.yaml) the note relies on, e.g. [article]
  contested: []  # optional: accounts that disagree, each {{who: ..., account: ..., source: ...}}
  terms: []  # optional: glossary terms this scene introduces, e.g. [ÁVH]
  choices:  # or `next: scene_id` to move on by itself, or `ending:` to end the story here
    - label: TODO what the player chooses  # the text of the choice
      goto: TODO  # the id of the scene this choice leads to
      # if: "courage >= 1"  # optional guard: the choice is offered only when it holds
      # do: ["courage += 1"]  # optional effects, run in order when the choice is made
      kind: historical  # historical | plausible | counterfactual
      history: |  # what really happened, shown after the choice is made
        TODO What really happened.
"""


def scene_skeleton(scene_id: str, chapter: str, date: str, indent: str = "  ") -> str:
    """A scene with every field present and a comment on each, as one item of a `scenes:` list."""
    shown_date = f'"{date}"' if re.fullmatch(r"\d{4}", date) else date
    text = _SKELETON.format(id=scene_id, chapter=chapter, date=shown_date)
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
