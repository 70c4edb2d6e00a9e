"""The story compiler: located YAML nodes (engine/core/nodes.py) in, a frozen Story (engine/core/model.py) out.

Every problem is collected with its path:line:col and reported at once (StoryError).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from engine.core import expr
from engine.core.build_sources import build_card, build_fact
from engine.core.clean import remove_controls
from engine.core.errors import EvaluationError, ExpressionError, Location, Problem, StoryError
from engine.core.fields import ID, Fields, Problems, describe
from engine.core.format import (
    ACCOUNT_KEYS,
    ANNOTATION_KINDS,
    CHAPTER_KEYS,
    CHOICE_KEYS,
    ENDING_KEYS,
    ENDING_KINDS,
    PLACE_KEYS,
    SCENE_KEYS,
    SOURCE_KEYS,
    STORY_KEYS,
    VARIABLE_KEYS,
    VARIANT_KEYS,
)
from engine.core.model import (
    Account,
    Chapter,
    Choice,
    Condition,
    Effect,
    Ending,
    Entry,
    Place,
    Scene,
    Story,
    Variable,
    Variant,
)
from engine.core.nodes import YList, YMap
from engine.core.references import check_references, texts

__all__ = ["texts"]  # every compiled text of a scene (engine/core/references.py), for the author tools

_Parsed = TypeVar("_Parsed")


def _parse(
    value: Any, location: Location, problems: Problems, parse: Callable[[str], _Parsed], what: str, example: str
) -> _Parsed | None:
    """Parse one condition or effect, reporting a wrong type or a syntax error at its column."""
    if not isinstance(value, str):
        problems.error(location, f"{what} must be a string such as \"{example}\", not {describe(value)}", "E104")
        return None
    try:
        return parse(value)
    except ExpressionError as exc:
        problems.error(location.shifted(exc.column), exc.message, "E200")
        return None


# The same source always parses to the same immutable tree: stories repeat their conditions and
# effects a lot, and sharing the trees saves both the parsing and the memory.
_parse_condition = functools.lru_cache(maxsize=1 << 15)(expr.parse_condition)
_parse_effect = functools.lru_cache(maxsize=1 << 15)(expr.parse_effect)


def build_condition(value: Any, location: Location, problems: Problems) -> Condition | None:
    if isinstance(value, bool):
        value = "true" if value else "false"
    node = _parse(value, location, problems, _parse_condition, "a condition", "courage >= 2")
    return None if node is None else Condition(value, node, location)

def build_effect(value: Any, location: Location, problems: Problems) -> Effect | None:
    assignment = _parse(value, location, problems, _parse_effect, "an effect", "courage += 1")
    return None if assignment is None else Effect(value, assignment, location)

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
        problems.error(f.at("initial"), f"'initial' of {kind} variable {name!r} cannot be {describe(initial)}", "E104")
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
        setup=_effects(f, "setup", problems),
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

def build_account(node: Any, location: Location, problems: Problems) -> Account:
    f = Fields(node, "a contested account", problems, ACCOUNT_KEYS, location)
    return Account(f.text("who"), f.text("account"), f.text("source"), f.loc, f.at("source"))

def build_variant(node: Any, location: Location, problems: Problems) -> Variant:
    f = Fields(node, "a text variant", problems, VARIANT_KEYS, location)
    condition = build_condition(f.node["if"], f.at("if"), problems) if f.has("if") else None
    if not f.has("if") and "if" not in f.misspelt:
        problems.error(f.loc, "a text variant is missing required key 'if'", "E103")
    text = f.text("text")
    return Variant(condition, text, f.loc, f.compiled("text", text))

def build_choice(node: Any, location: Location, index: int, problems: Problems, scene_id: str = "") -> Choice:
    f = Fields(node, "a choice", problems, CHOICE_KEYS, location)
    if scene_id:
        f.what = f"choice {index + 1} of {scene_id!r}"
    condition = build_condition(f.node["if"], f.at("if"), problems) if f.has("if") else None
    label, history = f.text("label"), f.text("history", False)
    return Choice(
        index=index,
        label=label,
        goto=f.identifier("goto"),
        condition=condition,
        effects=_effects(f, "do", problems),
        kind=f.choice_of("kind", ANNOTATION_KINDS, required=False),
        history=history,
        location=f.loc,
        goto_location=f.at("goto"),
        label_template=f.compiled("label", label),
        history_template=f.compiled("history", history),
        id=f.identifier("id", False),
    )

def build_ending(node: Any, location: Location, problems: Problems) -> Ending:
    f = Fields(node, "an ending", problems, ENDING_KEYS, location)
    epilogue = f.text("epilogue")
    return Ending(f.text("title"), f.choice_of("kind", ENDING_KINDS), epilogue, f.loc, f.compiled("epilogue", epilogue))

def _check_choice_ids(choices: tuple[Choice, ...], what: str, problems: Problems) -> None:
    seen: dict[str, Choice] = {}
    for choice in choices:
        if choice.id and choice.id in seen:
            problems.error(choice.location, f"choice {choice.index + 1} of {what} has the id {choice.id!r} of "
                           f"choice {seen[choice.id].index + 1}: a choice id must be unique in its scene", "E113")
        seen.setdefault(choice.id, choice)

def build_scene(node: Any, location: Location, problems: Problems) -> Scene:
    f = Fields(node, "a scene", problems, SCENE_KEYS, location)
    scene_id = f.identifier("id")
    what = f.what
    choices_node = f.items("choices")
    choices = tuple(
        build_choice(c, loc, i, problems, scene_id)
        for i, (c, loc) in enumerate(zip(choices_node, choices_node.item_locs))
    )
    _check_choice_ids(choices, what, problems)
    nxt = f.identifier("next", False)
    ending = build_ending(f.node["ending"], f.at("ending"), problems) if f.has("ending") else None
    exits = [k for k in ("choices", "next", "ending") if f.has(k)]
    if len(exits) != 1:
        message = (
            f"{what} needs exactly one of 'choices', 'next' or 'ending'"
            + (f" (it has {', '.join(exits)})" if exits else "")
        )
        problems.error(f.loc, message, "E110")
    elif f.has("choices") and isinstance(f.node["choices"], YList) and not choices:
        problems.error(f.at("choices"), f"{what} has an empty 'choices' list", "E110")
    if nxt and not choices:
        choices = (Choice.automatic(nxt, f.at("next")),)
    variants = f.items("variants")
    contested = f.items("contested")
    sources, source_locations = f.located_strings("sources")
    terms, term_locations = f.located_strings("terms")
    text = f.text("text")
    return Scene(
        id=scene_id,
        chapter=f.identifier("chapter"),
        title=f.text("title"),
        date=f.date("date"),
        time=f.time("time"),
        where=f.text("where"),
        warning=f.text("warning", False),
        flashback=f.boolean("flashback"),
        text=text,
        variants=tuple(build_variant(v, loc, problems) for v, loc in zip(variants, variants.item_locs)),
        note=f.text("note", False),
        sources=sources,
        contested=tuple(build_account(a, loc, problems) for a, loc in zip(contested, contested.item_locs)),
        terms=terms,
        questions=f.strings("questions"),
        choices=choices,
        next=nxt,
        ending=ending,
        location=f.loc,
        term_locations=term_locations,
        source_locations=source_locations,
        place=f.identifier("place", False),
        place_location=f.at("place") if f.has("place") else None,
        text_template=f.compiled("text", text),
    )


def _effects(fields: Fields, key: str, problems: Problems) -> tuple[Effect, ...]:
    if fields.has(key) and isinstance(fields.node[key], str):
        values = YList(fields.at(key))
        values.append(fields.node[key])
        values.item_locs.append(fields.at(key))
    else:
        values = fields.items(key)
    found = (build_effect(v, loc, problems) for v, loc in zip(values, values.item_locs))
    return tuple(e for e in found if e is not None)


def build_scene_file(path: str, doc: Any) -> tuple[list[Scene], list[Problem]]:
    """One scene file's scenes and the problems found in it alone: what the per-file cache keeps
    (engine/io/cache.py). Links between files are checked when the story is assembled."""
    problems = Problems()
    scenes: list[Scene] = []
    if doc is None:
        problems.warning(Location(path, 1, 1), "the file is empty", "W101")
        return scenes, problems.items
    remove_controls(doc, problems)
    f = Fields(doc, path, problems, ("scenes",), Location(path, 1, 1))
    nodes = f.items("scenes", required=True)
    for node, loc in zip(nodes, nodes.item_locs):
        scene = build_scene(node, loc, problems)
        if scene.id:
            scenes.append(scene)
    return scenes, problems.items


def build_story(
    story_docs: Iterable[tuple[str, Any]], scene_docs: Iterable[tuple[str, Any]]
) -> Story:
    """Build a story from parsed (path, document) pairs; raise StoryError with every problem."""
    return assemble_story(story_docs, (build_scene_file(path, doc) for path, doc in scene_docs))


def assemble_story(
    story_docs: Iterable[tuple[str, Any]], scene_files: Iterable[tuple[list[Scene], list[Problem]]],
    unreadable: bool = False,
) -> Story:
    """Build a story from its parsed story files and its scene files' scenes (built by
    `build_scene_file`, maybe long ago); raise StoryError with every problem. `unreadable`: a
    story file could not be read (its own error says why), so a key missing from the others is
    not reported: it may well be in that file."""
    problems = Problems()
    story = _build(list(story_docs), scene_files, problems, unreadable)
    if problems.errors or story is None:
        # the warnings too: an empty file (W101) often explains the errors
        raise StoryError(problems.items if problems.errors else [Problem(Location("story"), "the story is empty", "E100")])
    return attrs.evolve(story, warnings=tuple(p for p in problems.items if p.severity == "warning"))


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


def _build(
    story_docs: list[tuple[str, Any]], scene_files: Iterable[tuple[list[Scene], list[Problem]]], problems: Problems,
    unreadable: bool = False,
) -> Story | None:
    framed = _frame(story_docs, problems, unreadable)
    if framed is None:
        return None
    frame, start_loc = framed
    scenes: dict[str, Scene] = {}
    for built, found in scene_files:
        problems.items.extend(found)
        for scene in built:
            if scene.id in scenes:
                problems.error(scene.location, f"scene {scene.id!r} is already defined at {scenes[scene.id].location}", "E112")
                continue
            scenes[scene.id] = scene
    story = attrs.evolve(frame, scenes=scenes)
    check_references(story, problems, start_loc)
    return story


def build_frame(story_docs: Iterable[tuple[str, Any]]) -> tuple[Story | None, list[Problem], Location]:
    """The story without its scenes, from its parsed story files, the problems found in them, and
    where `start` is given: what the linter needs to re-check one scene file (engine/author/relint.py)."""
    problems = Problems()
    framed = _frame(list(story_docs), problems, False)
    return (framed[0], problems.items, framed[1]) if framed else (None, problems.items, Location("story"))


def _frame(story_docs: list[tuple[str, Any]], problems: Problems, unreadable: bool) -> tuple[Story, Location] | None:
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
        scenes={}, location=root.loc, places=places, facts=facts,
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
