"""The story compiler: located YAML nodes (engine/core/nodes.py) in, a frozen Story (engine/core/model.py) out.

Every problem is collected with its path:line:col and reported at once (StoryError).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from engine.core.clean import remove_controls
from engine.core.errors import Location, Problem, StoryError
from engine.core.fields import Fields, Problems, build_condition, build_effect, effects
from engine.core.format import (
    ACCOUNT_KEYS,
    ANNOTATION_KINDS,
    CHOICE_KEYS,
    ENDING_KEYS,
    SCENE_KEYS,
    VARIANT_KEYS,
)
from engine.core.frame import story_frame
from engine.core.model import Account, Choice, Ending, Scene, Story, Variant
from engine.core.nodes import YList
from engine.core.references import check_references, texts
from engine.core.routes import build_routes

__all__ = ["build_condition", "build_effect", "texts"]  # texts: every compiled text of a scene, for the author tools


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
    label, history, outcome = f.text("label"), f.text("history", False), f.text("outcome", False)
    return Choice(
        index=index,
        label=label,
        goto=f.identifier("goto"),
        condition=condition,
        effects=effects(f, "do", problems),
        kind=f.choice_of("kind", ANNOTATION_KINDS, required=False),
        history=history,
        location=f.loc,
        goto_location=f.at("goto"),
        label_template=f.compiled("label", label),
        history_template=f.compiled("history", history),
        id=f.identifier("id", False),
        outcome=outcome,
        outcome_template=f.compiled("outcome", outcome),
    )

def build_ending(node: Any, location: Location, problems: Problems) -> Ending:
    f = Fields(node, "an ending", problems, ENDING_KEYS, location)
    epilogue = f.text("epilogue")
    # any word here: a history story's kinds are checked with the story (engine/core/references.py), a
    # fiction story's are the author's own
    return Ending(f.text("title"), f.identifier("kind"), epilogue, f.loc, f.compiled("epilogue", epilogue),
                  f.at("kind") if f.has("kind") else None)

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
    routes = f.node.get("next") if isinstance(f.node.get("next"), YList) else None
    nxt = f.identifier("next", False) if routes is None else ""
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
    if routes is not None and not choices:
        choices, nxt = build_routes(routes, f.at("next"), problems, what)
    elif nxt and not choices:
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
        chapter_location=f.at("chapter") if f.has("chapter") else None,
        date_location=f.at("date") if f.has("date") else None,
    )


def build_scene_file(path: str, doc: Any) -> tuple[list[Scene], list[Problem]]:
    """One scene file's scenes and the problems found in it alone: what the per-file cache keeps
    (engine/io/cache.py). Links between files are checked when the story is assembled."""
    problems = Problems()
    scenes: list[Scene] = []
    if doc is None:
        problems.warning(Location(path, 1, 1), "the file is empty", "W101")
        return scenes, problems.items
    remove_controls(doc, problems)
    if isinstance(doc, YList):  # the scenes written without the `scenes:` key above them
        problems.error(doc.loc, f"{path} must be a mapping of keys, not a list: put the list of scenes under "
                       "'scenes:' (a first line 'scenes:', the items indented below it)", "E101")
        return scenes, problems.items
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


def _build(
    story_docs: list[tuple[str, Any]], scene_files: Iterable[tuple[list[Scene], list[Problem]]], problems: Problems,
    unreadable: bool = False,
) -> Story | None:
    framed = story_frame(story_docs, problems, unreadable)
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
    framed = story_frame(list(story_docs), problems, False)
    return (framed[0], problems.items, framed[1]) if framed else (None, problems.items, Location("story"))


