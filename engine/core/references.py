"""The compiler's cross-reference checks: links between the parts of a built story.

Targets of choices, `start` and chapters' `first`, chapters named by scenes, sources named by cards,
and the types of every condition and effect. The linter (engine/author/lint.py) adds the graph-wide ones.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.core import expr, template
from engine.core.errors import ExpressionError, Location
from engine.core.fields import Problems
from engine.core.format import ENDING_KINDS
from engine.core.model import Condition, Effect, Scene, Story


def check_references(story: Story, problems: Problems, start_loc: Location) -> None:
    """Links between parts: targets, chapters, variables, types. The loader's own checks;
    the linter (engine/author/lint.py) adds the graph-wide ones."""
    check_story_references(story, story.scenes, problems, start_loc)
    types = {name: var.type for name, var in story.variables.items()}
    chapter_ids = {c.id for c in story.chapters}
    for scene in story.scenes.values():
        check_scene_references(scene, story, types, chapter_ids, story.scenes, problems)


def check_story_references(story: Story, scenes: Mapping[str, object], problems: Problems, start_loc: Location) -> None:
    """The story's own links: `start`, chapters' `first`, setup effects and cards. `scenes` holds
    (at least) the id of every scene of the story: the linter may give only the ids."""
    types = {name: var.type for name, var in story.variables.items()}
    if story.start:
        _known_scene(story.start, start_loc, "'start'", scenes, problems)
    for chapter in story.chapters:
        _known_scene(chapter.first, chapter.first_location or chapter.location, f"chapter {chapter.id!r}", scenes, problems)
        for effect in chapter.setup:
            _check_effect(effect, types, scenes, problems)
        for card in chapter.cards:
            if card.source and card.source not in story.sources:
                problems.error(card.location, f"unknown source {card.source!r}{expr.suggest(card.source, story.sources)}", "E121")
    for fact in story.facts.values():
        if fact.source and fact.source not in story.sources:
            problems.error(fact.location, f"fact {fact.figure!r} cites an unknown source {fact.source!r}"
                           f"{expr.suggest(fact.source, story.sources)}", "E121")


def check_scene_references(
    scene: Scene, story: Story, types: dict[str, str], chapter_ids: set[str], scenes: Mapping[str, object],
    problems: Problems,
) -> None:
    """One scene's links: its chapter and place, its choices' targets, and the types of its
    conditions, effects and inline texts. `story` gives the declarations (its scenes are not read)."""
    if scene.chapter and scene.chapter not in chapter_ids:
        problems.error(
            scene.chapter_location or scene.location, f"scene {scene.id!r} names unknown chapter {scene.chapter!r}"
            + (expr.suggest(scene.chapter, chapter_ids) or " (declare it under 'chapters' in story.yaml)"), "E121"
        )
    if scene.place and scene.place not in story.places:
        problems.error(
            scene.place_location or scene.location,
            f"scene {scene.id!r} names unknown place {scene.place!r}{expr.suggest(scene.place, story.places)}", "E122",
        )
    ending = scene.ending
    if ending is not None and ending.kind and not story.fiction and ending.kind not in ENDING_KINDS:
        problems.error(ending.kind_location or ending.location, f"'kind' must be one of {', '.join(ENDING_KINDS)}, not "
                       f"{ending.kind!r}{expr.suggest(ending.kind, list(ENDING_KINDS))} (or, in a story that is not "
                       "history, say 'fiction: true' in story.yaml and use kinds of your own)", "E108")
    for choice in scene.choices:
        what = f"'next' of {scene.id!r}" if choice.auto else f"choice {choice.index + 1} of {scene.id!r}"
        _known_scene(choice.goto, choice.target_location, what, scenes, problems)
        condition = choice.route if choice.auto else choice.condition  # a route's own `if`, at its place
        if condition:
            _check_condition(condition, types, scenes, problems)
        for effect in choice.effects:
            _check_effect(effect, types, scenes, problems)
    for variant in scene.variants:
        if variant.condition:
            _check_condition(variant.condition, types, scenes, problems)
    for compiled in texts(scene):  # inline text: {name}, {if ...} (engine/core/template.py)
        for problem in template.check(compiled, types, scenes):
            problems.error(problem.location or compiled.location, problem.message, "E211")


def _known_scene(target: str, loc: Location, what: str, scenes: Mapping[str, object], problems: Problems) -> None:
    if target and target not in scenes:
        problems.error(loc, f"{what} goes to unknown scene {target!r}{expr.suggest(target, scenes)}", "E120")


def texts(scene: Scene) -> list[template.Template]:
    """Every compiled text of a scene: its text, variants, choice labels and histories, epilogue."""
    found = [scene.text_template, *(v.template for v in scene.variants)]
    for choice in scene.choices:
        found += [choice.label_template, choice.history_template, choice.outcome_template]
    if scene.ending is not None:
        found.append(scene.ending.epilogue_template)
    return [t for t in found if t is not None]


def _check_condition(condition: Condition, types: dict[str, str], scenes: Mapping[str, object], problems: Problems) -> None:
    try:
        kind = expr.type_of(condition.node, types, scenes)
    except ExpressionError as exc:
        problems.error(condition.location.shifted(exc.column), exc.message, _code(exc))
        return
    if kind != "bool":
        problems.error(condition.location, f"a condition must be true or false, but this is {expr._a(kind)}", "E201")


def _check_effect(effect: Effect, types: dict[str, str], scenes: Mapping[str, object], problems: Problems) -> None:
    try:
        expr.check_assignment(effect.assignment, types, scenes)
    except ExpressionError as exc:
        problems.error(effect.location.shifted(exc.column), exc.message, _code(exc))


def _code(exc: ExpressionError) -> str:
    """E202 for a name the story does not define (it may be in a file that could not be read), else E201."""
    unknown = exc.message.startswith("unknown variable ") or "() names unknown scene " in exc.message
    return "E202" if unknown else "E201"
