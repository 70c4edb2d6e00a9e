"""The compiler's story-level part: the story files' identity, format, variables, chapters, glossary, sources and places.

engine/core/build.py compiles the scenes and assembles the story around this frame.
"""

from __future__ import annotations

from typing import Any

from engine.core import expr
from engine.core.build_sources import build_card, build_fact
from engine.core.clean import remove_controls
from engine.core.errors import EvaluationError, Location
from engine.core.fields import ID, Fields, Problems, bool_hint, describe, effects
from engine.core.format import (
    CHAPTER_KEYS,
    FORMAT_VERSION,
    PLACE_KEYS,
    SOURCE_KEYS,
    STORY_KEYS,
    VARIABLE_KEYS,
)
from engine.core.model import Chapter, Entry, Place, Story, Variable
from engine.core.nodes import YList, YMap


def build_variable(name: str, node: Any, location: Location, problems: Problems) -> Variable:
    f = Fields(node, f"variable {name!r}", problems, VARIABLE_KEYS, location)
    kind = f.choice_of("type", expr.TYPES)
    description = f.text("description")
    initial: Any = f.node.get("initial")
    python_type = {"int": int, "bool": bool, "str": str}.get(kind)
    if not f.has("initial"):
        if "initial" not in f.misspelt:
                problems.error(f.loc, f"variable {name!r} is missing required key 'initial'", "E103")
        initial = {"int": 0, "bool": False}.get(kind, "")
    elif python_type and (
        not isinstance(initial, python_type) or (python_type is int and isinstance(initial, bool))
    ):
        problems.error(f.at("initial"), f"'initial' of {kind} variable {name!r} cannot be {describe(initial)}"
                       + (bool_hint(initial) if kind == "bool" else ""), "E104")
        initial = {"int": 0, "bool": False}.get(kind, "")
    else:
        try:
            expr.bounded(initial)
        except EvaluationError as exc:
            problems.error(f.at("initial"), f"'initial' of variable {name!r}: {exc.message}", "E104")
            initial = {"int": 0, "bool": False}.get(kind, "")
    if not ID.match(name) or name in expr.KEYWORDS:
        problems.error(location, f"variable name {name!r} must be letters, digits and _ and not a keyword", "E106")
    return Variable(name, kind or "int", initial, description, location, f.text("label", False))

def build_chapter(node: Any, location: Location, index: int, problems: Problems) -> Chapter:
    f = Fields(node, "a chapter", problems, CHAPTER_KEYS, location)
    cards = f.items("cards")
    return Chapter(
        id=f.identifier("id"),
        title=f.text("title"),
        date=f.date("date"),
        until=f.date("until", False),
        first=f.identifier("first"),
        reading_minutes=f.integer("reading_minutes"),
        summary=f.text("summary", False),
        questions=f.strings("questions"),
        cards=tuple(build_card(c, loc, problems) for c, loc in zip(cards, cards.item_locs)),
        setup=effects(f, "setup", problems),
        location=f.loc,
        index=index,
        first_location=f.at("first"),
        objectives=f.strings("objectives"),
    )


def build_place(place_id: str, node: Any, location: Location, problems: Problems) -> Place:
    f = Fields(node, f"place {place_id!r}", problems, PLACE_KEYS, location)
    if not ID.match(place_id):
        problems.error(location, f"place id {place_id!r} must be letters, digits and _ (starting with a letter)", "E106")
    lat, lon = f.number("lat", -90, 90), f.number("lon", -180, 180)
    return Place(place_id, f.text("name"), f.text("hu", False), lat, lon, f.text("about", False), location)


def _merge_named(
    docs: list[tuple[str, YMap]], key: str, problems: Problems
) -> dict[str, tuple[Any, Location]]:
    merged: dict[str, tuple[Any, Location]] = {}
    for _path, doc in docs:
        if key not in doc or doc[key] is None:
            continue
        section = doc[key]
        if not isinstance(section, YMap):
            problems.error(doc.value_loc(key), f"{key!r} must be a mapping of names, not {describe(section)}", "E104")
            continue
        for name, value in section.items():
            loc = section.key_loc(name)
            if name in merged:
                first = merged[name][1]
                singular = {"variables": "variable", "glossary": "glossary term", "sources": "source", "places": "place", "facts": "fact"}.get(key, key)
                problems.error(loc, f"{singular} {name!r} is already defined at {first}", "E111")
                continue
            merged[name] = (value, loc)
    return merged


def _single(docs: list[tuple[str, YMap]], key: str, problems: Problems) -> tuple[Any, Location] | None:
    found = [(doc[key], doc.value_loc(key)) for _p, doc in docs if key in doc]
    for _value, loc in found[1:]:
        problems.error(loc, f"{key!r} is already given at {found[0][1]}", "E111")
    return found[0] if found else None


def story_frame(story_docs: list[tuple[str, Any]], problems: Problems, unreadable: bool) -> tuple[Story, Location] | None:
    for _path, document in story_docs:
        remove_controls(document, problems)
    maps: list[tuple[str, YMap]] = []
    readers: list[Fields] = []
    for path, doc in story_docs:
        if doc is not None:
            readers.append(Fields(doc, f"{path}", problems, STORY_KEYS, Location(path, 1, 1)))
            maps.append((path, readers[-1].node))
    if not maps:
        where = Location(story_docs[0][0], 1, 1) if story_docs else Location("story/story.yaml")
        problems.error(where, "no story definition found (story/story.yaml)", "E100")
        return None
    for path, doc in story_docs:
        if doc is None:  # (when every story file is empty, E100 says so once)
            problems.warning(Location(path, 1, 1), "the file is empty", "W101")
    # the file that defines the story: the one with its id, else story.yaml, not the first in order
    named = [f for f in readers if f.node.loc.path.replace("\\", "/").rsplit("/", 1)[-1] in ("story.yaml", "story.yml")]
    root = (top := next((f for f in readers if "id" in f.node), None) or next(iter(named), readers[0])).node
    # no file holds the id and story.yaml is absent: the missing keys belong in it (review 2026-12-06 NL10)
    home = root.loc if "id" in root or named else Location(root.loc.path[:-len(root.loc.path.replace("\\", "/").rsplit("/", 1)[-1])] + "story.yaml")

    def missing(key: str) -> None:
        if not unreadable:
            problems.error(home, f"the story is missing required key {key!r}", "E103")

    def required(key: str) -> str:
        found = _single(maps, key, problems)
        if found is None:
            missing(key)
            return ""
        value, loc = found
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            problems.error(loc, f"{key!r} must be a string, not {describe(value)}", "E104")
            return ""
        text = str(value)  # `version: 1.0` means the text the author typed, as in every other text
        if not text.strip():
            problems.error(loc, f"{key!r} of the story is empty", "E105")
        elif key == "id" and not ID.match(text):
            problems.error(loc, f"'id' must be letters, digits and _ (starting with a letter): {text!r}", "E106")
        return text

    story_id, title, version, start = (required(k) for k in ("id", "title", "version", "start"))
    perspective = top.text("perspective", False)
    story_format = top.integer("format", default=1)
    if not 1 <= story_format <= FORMAT_VERSION:
        problems.error(top.at("format"), f"the story is written in format {story_format}, but this version of hungary56 "
                       f"reads formats 1 to {FORMAT_VERSION}: upgrade hungary56, or write 'format: {FORMAT_VERSION}'", "E114")
        story_format = FORMAT_VERSION

    variables = {
        name: build_variable(name, node, loc, problems)
        for name, (node, loc) in _merge_named(maps, "variables", problems).items()
    }
    glossary = {k: _entry(k, v, loc, "glossary term", problems) for k, (v, loc) in _merge_named(maps, "glossary", problems).items()}
    sources = {k: _entry(k, v, loc, "source", problems) for k, (v, loc) in _merge_named(maps, "sources", problems).items()}
    places = {k: build_place(k, v, loc, problems) for k, (v, loc) in _merge_named(maps, "places", problems).items()}
    facts = {str(k): build_fact(k, v, loc, problems) for k, (v, loc) in _merge_named(maps, "facts", problems).items()}

    chapters: list[Chapter] = []
    found_chapters = _single(maps, "chapters", problems)
    if found_chapters is None:
        missing("chapters")
    elif not isinstance(found_chapters[0], YList):
        problems.error(found_chapters[1], f"'chapters' must be a list, not {describe(found_chapters[0])}", "E104")
    else:
        nodes = found_chapters[0]
        chapters = [build_chapter(n, loc, i, problems) for i, (n, loc) in enumerate(zip(nodes, nodes.item_locs))]
    seen_chapters: dict[str, Location] = {}
    for chapter in chapters:
        if chapter.id in seen_chapters:
            problems.error(chapter.location, f"chapter {chapter.id!r} is already defined at {seen_chapters[chapter.id]}", "E111")
        seen_chapters.setdefault(chapter.id, chapter.location)

    story = Story(
        id=story_id, title=title, version=version, start=start, perspective=perspective,
        variables=variables, chapters=tuple(chapters), glossary=glossary, sources=sources,
        scenes={}, location=root.loc, places=places, facts=facts, format=story_format, fiction=top.boolean("fiction"),
    )
    return story, top.at("start") if top.has("start") else root.loc


def _entry(key: str, value: Any, loc: Location, what: str, problems: Problems) -> Entry:
    if what == "source" and isinstance(value, YMap):
        return _source(key, value, loc, problems)
    if not isinstance(value, str) or not value.strip():
        problems.error(loc, f"{what} {key!r} needs a text, not {describe(value)}", "E104")
        return Entry(key, "", loc)
    return Entry(key, value.strip(), loc)


def _source(key: str, node: YMap, loc: Location, problems: Problems) -> Entry:
    """A source given as a record: its parts, and the reference written out in one line."""
    f = Fields(node, f"source {key!r}", problems, SOURCE_KEYS, loc)
    parts = {k: " ".join(f.text(k, k == "title").split()) for k in SOURCE_KEYS}
    published = ", ".join(p for p in (parts["publisher"], parts["year"]) if p)
    text = f"{parts['author']}, {parts['title']}" if parts["author"] else parts["title"]
    text += f" ({published})." if published else "."
    text += "".join(f" {parts[k]}" + ("" if parts[k].endswith(".") else ".") for k in ("licence", "url", "note") if parts[k])
    return Entry(key, text, loc, parts["author"], parts["title"], parts["year"], parts["publisher"],
                 parts["licence"], parts["url"])
