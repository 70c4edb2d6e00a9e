"""The story compiler: located YAML nodes (engine/core/nodes.py) in, a frozen Story (engine/core/model.py) out.

Every problem is collected with its path:line:col and reported at once (StoryError).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from engine.core import expr, template
from engine.core.dates import TIME, valid_date
from engine.core.errors import ExpressionError, Location, Problem, StoryError
from engine.core.format import (
    ACCOUNT_KEYS,
    ANNOTATION_KINDS,
    CARD_KEYS,
    CHAPTER_KEYS,
    CHOICE_KEYS,
    ENDING_KEYS,
    ENDING_KINDS,
    SCENE_KEYS,
    SOURCE_KEYS,
    STORY_KEYS,
    VARIABLE_KEYS,
    VARIANT_KEYS,
)
from engine.core.model import (
    Account,
    Card,
    Chapter,
    Choice,
    Condition,
    Effect,
    Ending,
    Entry,
    Scene,
    Story,
    Variable,
    Variant,
)
from engine.core.nodes import YList, YMap

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Problems:
    """Collects problems while a story is built, so that every one is reported at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, location: Location, message: str, code: str = "E100") -> None:
        self.items.append(Problem(location, message, code))

    def warning(self, location: Location, message: str, code: str = "W100") -> None:
        self.items.append(Problem(location, message, code, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]


_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (YMap, dict)):
        return "a mapping"
    if isinstance(value, (YList, list)):
        return "a list"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    return "a string"


class Fields:
    """Typed access to one YAML mapping: reports unknown keys (with a did-you-mean) and bad types."""

    def __init__(self, node: Any, what: str, problems: Problems, allowed: Iterable[str], where: Location) -> None:
        self.problems = problems
        self.what = what
        if not isinstance(node, YMap):
            problems.error(getattr(node, "loc", where), f"{what} must be a mapping of keys, not {_describe(node)}", "E101")
            node = YMap(getattr(node, "loc", where))
        self.node: YMap = node
        if what == "a scene" and isinstance(node.get("id"), str):
            self.what = what = f"scene {node['id']!r}"
        allowed = tuple(allowed)
        # keys an unknown key probably meant: not also reported as missing (one mistake, one problem)
        self.misspelt: set[str] = set()
        for key in node:
            if key not in allowed:
                hint = expr.suggest(key, list(allowed))
                if hint:
                    self.misspelt.update(k for k in allowed if hint == f" (did you mean {k!r}?)")
                problems.error(node.key_loc(key), f"unknown key {key!r} in {what}{hint}", "E102")

    @property
    def loc(self) -> Location:
        return self.node.loc

    def has(self, key: str) -> bool:
        return key in self.node and self.node[key] is not None

    def at(self, key: str) -> Location:
        return self.node.value_loc(key)

    def get(self, key: str, kind: type, required: bool, default: Any) -> Any:
        if not self.has(key):
            if required and key not in self.misspelt:
                self.problems.error(self.node.loc, f"{self.what} is missing required key {key!r}", "E103")
            return default
        value = self.node[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # `version: 1` or `title: 1956` mean the text the author typed
        if not ok:
            self.problems.error(
                self.at(key), f"{key!r} in {self.what} must be {_TYPE_NAMES[kind]}, not {_describe(value)}", "E104"
            )
            return default
        return value

    def text(self, key: str, required: bool = True) -> str:
        value: str = self.get(key, str, required, "")
        if required and self.has(key) and isinstance(self.node[key], str) and not value.strip():
            self.problems.error(self.at(key), f"{key!r} in {self.what} is empty", "E105")
        return value.strip("\n") if key in ("text", "note", "epilogue", "history", "summary") else value

    def compiled(self, key: str, text: str) -> template.Template | None:
        """`text` (the value of `key`) compiled, when it has inline markup such as {name} or {if ...}."""
        if not template.has_markup(text):
            return None
        try:
            return template.parse(text, self.at(key), self.node.text_anchors.get(key, ()))
        except ExpressionError as exc:
            self.problems.error(exc.location or self.at(key), exc.message, "E210")
            return None

    def integer(self, key: str, required: bool = False, default: int = 0) -> int:
        result: int = self.get(key, int, required, default)
        return result

    def boolean(self, key: str, default: bool = False) -> bool:
        result: bool = self.get(key, bool, False, default)
        return result

    def items(self, key: str, required: bool = False) -> YList:
        value = self.get(key, list, required, None)
        return value if value is not None else YList(self.at(key))

    def mapping(self, key: str, required: bool = False) -> YMap:
        value = self.get(key, dict, required, None)
        return value if value is not None else YMap(self.at(key))

    def strings(self, key: str) -> tuple[str, ...]:
        return self.located_strings(key)[0]

    def located_strings(self, key: str) -> tuple[tuple[str, ...], tuple[Location, ...]]:
        """The items of a list of strings, and where each one stands (for the linter's messages)."""
        values = self.items(key)
        out, locs = [], []
        for value, loc in zip(values, values.item_locs):
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                out.append(str(value))
                locs.append(loc)
            else:
                self.problems.error(loc, f"items of {key!r} in {self.what} must be strings", "E104")
        return tuple(out), tuple(locs)

    def identifier(self, key: str, required: bool = True) -> str:
        value = self.text(key, required)
        if value and not _ID.match(value):
            self.problems.error(
                self.at(key), f"{key!r} must be letters, digits and _ (starting with a letter): {value!r}", "E106"
            )
        return value

    def date(self, key: str, required: bool = True) -> str:
        value = self.text(key, required)
        if value and not valid_date(value):
            self.problems.error(self.at(key), f"{key!r} must be a date such as 1956-10-23, not {value!r}", "E107")
            return ""
        return value

    def time(self, key: str) -> str:
        value = self.text(key, False)
        if value and not TIME.match(value):
            self.problems.error(self.at(key), f"'time' must be HH:MM on a 24-hour clock, not {value!r}", "E107")
            return ""
        return value

    def choice_of(self, key: str, options: tuple[str, ...], required: bool = True) -> str:
        value = self.text(key, required)
        if value and value not in options:
            self.problems.error(
                self.at(key),
                f"{key!r} must be one of {', '.join(options)}, not {value!r}{expr.suggest(value, list(options))}",
                "E108",
            )
            return ""
        return value


_Parsed = TypeVar("_Parsed")


def _parse(
    value: Any, location: Location, problems: Problems, parse: Callable[[str], _Parsed], what: str, example: str
) -> _Parsed | None:
    """Parse one condition or effect, reporting a wrong type or a syntax error at its column."""
    if not isinstance(value, str):
        problems.error(location, f"{what} must be a string such as \"{example}\", not {_describe(value)}", "E104")
        return None
    try:
        return parse(value)
    except ExpressionError as exc:
        problems.error(location.shifted(exc.column), exc.message, "E200")
        return None


def build_condition(value: Any, location: Location, problems: Problems) -> Condition | None:
    if isinstance(value, bool):
        value = "true" if value else "false"
    node = _parse(value, location, problems, expr.parse_condition, "a condition", "courage >= 2")
    return None if node is None else Condition(value, node, location, expr.compile_node(node))

def build_effect(value: Any, location: Location, problems: Problems) -> Effect | None:
    assignment = _parse(value, location, problems, expr.parse_effect, "an effect", "courage += 1")
    return None if assignment is None else Effect(value, assignment, location, expr.compile_node(assignment.value))

def build_variable(name: str, node: Any, location: Location, problems: Problems) -> Variable:
    f = Fields(node, f"variable {name!r}", problems, VARIABLE_KEYS, location)
    kind = f.choice_of("type", expr.TYPES)
    description = f.text("description")
    initial: Any = f.node.get("initial")
    python_type = {"int": int, "bool": bool, "str": str}.get(kind)
    if not f.has("initial"):
        problems.error(f.loc, f"variable {name!r} is missing required key 'initial'", "E103")
        initial = {"int": 0, "bool": False}.get(kind, "")
    elif python_type and (
        not isinstance(initial, python_type) or (python_type is int and isinstance(initial, bool))
    ):
        problems.error(f.at("initial"), f"'initial' of {kind} variable {name!r} cannot be {_describe(initial)}", "E104")
        initial = {"int": 0, "bool": False}.get(kind, "")
    if not _ID.match(name) or name in expr.KEYWORDS:
        problems.error(location, f"variable name {name!r} must be letters, digits and _ and not a keyword", "E106")
    return Variable(name, kind or "int", initial, description, location)

def build_card(node: Any, location: Location, problems: Problems) -> Card:
    f = Fields(node, "a source card", problems, CARD_KEYS, location)
    return Card(f.text("quote"), f.text("who"), f.date("when", False), f.text("source"), f.loc,
                f.text("provenance", False), f.boolean("slogan"))

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
    )

def build_account(node: Any, location: Location, problems: Problems) -> Account:
    f = Fields(node, "a contested account", problems, ACCOUNT_KEYS, location)
    return Account(f.text("who"), f.text("account"), f.text("source"), f.loc, f.at("source"))

def build_variant(node: Any, location: Location, problems: Problems) -> Variant:
    f = Fields(node, "a text variant", problems, VARIANT_KEYS, location)
    condition = build_condition(f.node["if"], f.at("if"), problems) if f.has("if") else None
    if not f.has("if"):
        problems.error(f.loc, "a text variant is missing required key 'if'", "E103")
    text = f.text("text")
    return Variant(condition, text, f.loc, f.compiled("text", text))

def build_choice(node: Any, location: Location, index: int, problems: Problems) -> Choice:
    f = Fields(node, "a choice", problems, CHOICE_KEYS, location)
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
    )

def build_ending(node: Any, location: Location, problems: Problems) -> Ending:
    f = Fields(node, "an ending", problems, ENDING_KEYS, location)
    epilogue = f.text("epilogue")
    return Ending(f.text("title"), f.choice_of("kind", ENDING_KINDS), epilogue, f.loc, f.compiled("epilogue", epilogue))

def build_scene(node: Any, location: Location, problems: Problems) -> Scene:
    f = Fields(node, "a scene", problems, SCENE_KEYS, location)
    scene_id = f.identifier("id")
    what = f.what
    choices_node = f.items("choices")
    choices = tuple(
        build_choice(c, loc, i, problems)
        for i, (c, loc) in enumerate(zip(choices_node, choices_node.item_locs))
    )
    nxt = f.identifier("next", False)
    ending = build_ending(f.node["ending"], f.at("ending"), problems) if f.has("ending") else None
    exits = [k for k in ("choices", "next", "ending") if f.has(k)]
    if len(exits) != 1:
        message = (
            f"{what} needs exactly one of 'choices', 'next' or 'ending'"
            + (f" (it has {', '.join(exits)})" if exits else "")
        )
        problems.error(f.loc, message, "E110")
    elif f.has("choices") and not choices:
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
        choices=choices,
        next=nxt,
        ending=ending,
        location=f.loc,
        term_locations=term_locations,
        source_locations=source_locations,
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


def build_story(
    story_docs: Iterable[tuple[str, Any]], scene_docs: Iterable[tuple[str, Any]]
) -> Story:
    """Build a story from parsed (path, document) pairs; raise StoryError with every problem."""
    problems = Problems()
    story = _build(list(story_docs), list(scene_docs), problems)
    if problems.errors or story is None:
        raise StoryError(problems.errors or [Problem(Location("story"), "the story is empty", "E100")])
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
            problems.error(doc.value_loc(key), f"{key!r} must be a mapping of names, not {_describe(section)}", "E104")
            continue
        for name, value in section.items():
            loc = section.key_loc(name)
            if name in merged:
                first = merged[name][1]
                singular = {"variables": "variable", "glossary": "glossary term", "sources": "source"}.get(key, key)
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
    story_docs: list[tuple[str, Any]], scene_docs: list[tuple[str, Any]], problems: Problems
) -> Story | None:
    maps: list[tuple[str, YMap]] = []
    for path, doc in story_docs:
        if doc is None:
            continue
        fields = Fields(doc, f"{path}", problems, STORY_KEYS, Location(path, 1, 1))
        maps.append((path, fields.node))
    if not maps:
        where = Location(story_docs[0][0], 1, 1) if story_docs else Location("story/story.yaml")
        problems.error(where, "no story definition found (story/story.yaml)", "E100")
        return None
    root_path, root = next(((p, d) for p, d in maps if "id" in d), maps[0])
    top = Fields(root, root_path, problems, STORY_KEYS, root.loc)

    def required(key: str) -> str:
        found = _single(maps, key, problems)
        if found is None:
            problems.error(root.loc, f"the story is missing required key {key!r}", "E103")
            return ""
        value, loc = found
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            problems.error(loc, f"{key!r} must be a string, not {_describe(value)}", "E104")
            return ""
        return str(value)

    story_id, title, version, start = (required(k) for k in ("id", "title", "version", "start"))
    perspective = top.text("perspective", False)

    variables = {
        name: build_variable(name, node, loc, problems)
        for name, (node, loc) in _merge_named(maps, "variables", problems).items()
    }
    glossary = {k: _entry(k, v, loc, "glossary term", problems) for k, (v, loc) in _merge_named(maps, "glossary", problems).items()}
    sources = {k: _entry(k, v, loc, "source", problems) for k, (v, loc) in _merge_named(maps, "sources", problems).items()}

    chapters: list[Chapter] = []
    found_chapters = _single(maps, "chapters", problems)
    if found_chapters is None:
        problems.error(root.loc, "the story is missing required key 'chapters'", "E103")
    elif not isinstance(found_chapters[0], YList):
        problems.error(found_chapters[1], f"'chapters' must be a list, not {_describe(found_chapters[0])}", "E104")
    else:
        nodes = found_chapters[0]
        chapters = [build_chapter(n, loc, i, problems) for i, (n, loc) in enumerate(zip(nodes, nodes.item_locs))]
    seen_chapters: dict[str, Location] = {}
    for chapter in chapters:
        if chapter.id in seen_chapters:
            problems.error(chapter.location, f"chapter {chapter.id!r} is already defined at {seen_chapters[chapter.id]}", "E111")
        seen_chapters.setdefault(chapter.id, chapter.location)

    scenes: dict[str, Scene] = {}
    for path, doc in scene_docs:
        if doc is None:
            problems.warning(Location(path, 1, 1), "the file is empty", "W101")
            continue
        f = Fields(doc, path, problems, ("scenes",), Location(path, 1, 1))
        nodes = f.items("scenes", required=True)
        for node, loc in zip(nodes, nodes.item_locs):
            scene = build_scene(node, loc, problems)
            if not scene.id:
                continue
            if scene.id in scenes:
                problems.error(scene.location, f"scene {scene.id!r} is already defined at {scenes[scene.id].location}", "E112")
                continue
            scenes[scene.id] = scene

    story = Story(
        id=story_id, title=title, version=version, start=start, perspective=perspective,
        variables=variables, chapters=tuple(chapters), glossary=glossary, sources=sources,
        scenes=scenes, location=root.loc,
    )
    _check_references(story, problems, top.at("start") if top.has("start") else root.loc)
    return story


def _entry(key: str, value: Any, loc: Location, what: str, problems: Problems) -> Entry:
    if what == "source" and isinstance(value, YMap):
        return _source(key, value, loc, problems)
    if not isinstance(value, str) or not value.strip():
        problems.error(loc, f"{what} {key!r} needs a text, not {_describe(value)}", "E104")
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


def _check_references(story: Story, problems: Problems, start_loc: Location) -> None:
    """Links between parts: targets, chapters, variables, types. The loader's own checks;
    the linter (engine/author/lint.py) adds the graph-wide ones."""
    scenes = story.scenes
    types = {name: var.type for name, var in story.variables.items()}

    def known_scene(target: str, loc: Location, what: str) -> None:
        if target and target not in scenes:
            problems.error(loc, f"{what} goes to unknown scene {target!r}{expr.suggest(target, scenes)}", "E120")

    if story.start:
        known_scene(story.start, start_loc, "'start'")
    for chapter in story.chapters:
        known_scene(chapter.first, chapter.first_location or chapter.location, f"chapter {chapter.id!r}")
        for effect in chapter.setup:
            _check_effect(effect, types, scenes, problems)
        for card in chapter.cards:
            if card.source and card.source not in story.sources:
                problems.error(card.location, f"unknown source {card.source!r}{expr.suggest(card.source, story.sources)}", "E121")
    chapter_ids = {c.id for c in story.chapters}
    for scene in scenes.values():
        if scene.chapter and scene.chapter not in chapter_ids:
            problems.error(
                scene.location, f"scene {scene.id!r} names unknown chapter {scene.chapter!r}{expr.suggest(scene.chapter, chapter_ids)}", "E121"
            )
        for choice in scene.choices:
            what = f"'next' of {scene.id!r}" if choice.auto else f"choice {choice.index + 1} of {scene.id!r}"
            known_scene(choice.goto, choice.target_location, what)
            if choice.condition:
                _check_condition(choice.condition, types, scenes, problems)
            for effect in choice.effects:
                _check_effect(effect, types, scenes, problems)
        for variant in scene.variants:
            if variant.condition:
                _check_condition(variant.condition, types, scenes, problems)
        for compiled in texts(scene):
            for problem in template.check(compiled, types, scenes):
                problems.error(problem.location or compiled.location, problem.message, "E211")


def texts(scene: Scene) -> list[template.Template]:
    """Every compiled text of a scene: its text, variants, choice labels and histories, epilogue."""
    found = [scene.text_template, *(v.template for v in scene.variants)]
    for choice in scene.choices:
        found += [choice.label_template, choice.history_template]
    if scene.ending is not None:
        found.append(scene.ending.epilogue_template)
    return [t for t in found if t is not None]


def _check_condition(condition: Condition, types: dict[str, str], scenes: Mapping[str, Scene], problems: Problems) -> None:
    try:
        kind = expr.type_of(condition.node, types, scenes)
    except ExpressionError as exc:
        problems.error(condition.location.shifted(exc.column), exc.message, "E201")
        return
    if kind != "bool":
        problems.error(condition.location, f"a condition must be true or false, but this is {expr._a(kind)}", "E201")


def _check_effect(effect: Effect, types: dict[str, str], scenes: Mapping[str, Scene], problems: Problems) -> None:
    try:
        expr.check_assignment(effect.assignment, types, scenes)
    except ExpressionError as exc:
        problems.error(effect.location.shifted(exc.column), exc.message, "E201")


