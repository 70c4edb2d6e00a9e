"""What the linter's whole-story checks read of each scene: compact facts, kept per file in the cache.

The checks that span the story (reachability, traps, variables, chronology, chapters) read only these
facts, never the built scenes; the checks of one scene alone (engine/author/lint.py, SCENE_CHECKS)
run when a scene is built and their problems are kept with its file's facts. So after an edit only
the changed files are built again (engine/author/relint.py): the other files' facts are read back.
Facts are named tuples of strings, numbers and tuples, so a file's facts are JSON as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, islice, repeat
from typing import Any, NamedTuple

import attrs

from engine.core import evaluate, expr, template
from engine.core.build import texts
from engine.core.dates import point
from engine.core.errors import EvaluationError, Location, Problem
from engine.core.model import Choice, Scene, Story


def constant(node: expr.Node) -> expr.Value | None:
    """The value of an expression that reads no variable and no visit, or None if it depends on play."""
    if isinstance(node, expr.Literal):
        return node.value
    if isinstance(node, (expr.Name, expr.Call)):
        return None
    try:
        names = list(expr.names_in(node)) + list(expr.scenes_in(node))
        return None if names else evaluate.evaluate(node, {})
    except (EvaluationError, TypeError):  # a constant with a type error is a load error already
        return None


def never_taken(choice: Choice) -> bool:
    """A choice whose guard is false whatever happens (`if: false`, `if: "1 > 2"`)."""
    condition = choice.condition
    return condition is not None and _guard(condition.source, condition.node)[2]


# What an expression reads, and whether a guard is always false, depend on its source alone (the
# same source always parses to the same tree), and a story repeats its conditions and effects:
# each distinct one is looked at once per process. Keyed by source, one table per kind.
_Reading = tuple[tuple[str, ...], tuple[str, ...], bool]  # variables read, scenes named, never true
_GUARDS: dict[str, _Reading] = {}
_VALUES: dict[str, _Reading] = {}  # effects (by the effect's source: what its value reads)
_TEXTS: dict[str, _Reading] = {}  # expressions in inline text


def _guard(source: str, node: expr.Node) -> _Reading:
    found = _GUARDS.get(source)
    if found is None:
        found = _remember(_GUARDS, source, node, constant(node) is False)
    return found


def _remember(table: dict[str, _Reading], source: str, node: expr.Node, never: bool = False) -> _Reading:
    if len(table) > 50_000:
        table.clear()
    found = table[source] = (tuple(expr.names_in(node)), tuple(expr.scenes_in(node)), never)
    return found


class ChoiceFacts(NamedTuple):
    # the order of the fields is that of the JSON record (facts_json), so that a record read back
    # becomes facts without a call per field
    goto: str
    line: int  # where the choice is (in its scene's file)
    column: int
    position: int  # 0-based, as the model's Choice.index
    never: bool  # its guard is always false
    sets: Sequence[str]  # the variables its effects set, sorted
    auto: bool
    has_id: bool


class SceneFacts(NamedTuple):
    id: str
    line: int
    column: int
    chapter: str
    flashback: bool
    date: str
    time: str
    when: tuple[int, ...]  # (year, month, day, minutes) as far as given (chronology.point)
    ending: bool
    choices: tuple[ChoiceFacts, ...]
    reads: Sequence[str]  # every variable a condition, an effect's value or an inline text reads
    scenes_named: Sequence[str]  # the scenes its targets and visited()/seen() name: they must exist
    date_line: int  # where its `date` is written (its own line and column when it has none)
    date_column: int
    path: str  # its file, as shown (not in the JSON record: the entry is that file's)

    @property
    def location(self) -> Location:  # made only when a problem is reported there
        return Location(self.path, self.line, self.column)

    @property
    def date_location(self) -> Location:
        return Location(self.path, self.date_line, self.date_column)

    def where(self, choice: ChoiceFacts) -> Location:
        return Location(self.path, choice.line, choice.column)


def scene_facts(scene: Scene) -> SceneFacts:
    # Written for speed: a cold lint of 10,000 scenes makes the facts of every scene.
    reads: set[str] = set()
    named: set[str] = set()
    for variant in scene.variants:
        if variant.condition:
            found = _guard(variant.condition.source, variant.condition.node)
            reads.update(found[0])
            named.update(found[1])
    for compiled in texts(scene):  # inline text: {name}, {if ...}
        for expression in template.expressions(compiled):
            found = _TEXTS.get(expression.source) or _remember(_TEXTS, expression.source, expression.node)
            reads.update(found[0])
            named.update(found[1])
    choices = []
    make = ChoiceFacts._make
    for choice in scene.choices:
        named.add(choice.goto)
        condition = choice.condition
        never = False
        if condition is not None:
            found = _guard(condition.source, condition.node)
            reads.update(found[0])
            named.update(found[1])
            never = found[2]
        sets: tuple[str, ...] = ()
        if choice.effects:
            targets = set()
            for effect in choice.effects:  # `a = b + 1` reads b; `a += 1` does not count as reading a
                found = _VALUES.get(effect.source) or _remember(_VALUES, effect.source, effect.assignment.value)
                reads.update(found[0])
                named.update(found[1])
                targets.add(effect.assignment.target)
            sets = tuple(sorted(targets))
        where = choice.location
        choices.append(make((choice.goto, where.line, where.column, choice.index, never, sets, choice.auto, bool(choice.id))))
    where = scene.location
    dated = scene.date_location or where
    named.discard("")
    return SceneFacts._make((scene.id, where.line, where.column, scene.chapter, scene.flashback, scene.date, scene.time,
                             point(scene.date, scene.time), scene.is_ending, tuple(choices), tuple(sorted(reads)),
                             tuple(sorted(named)), dated.line, dated.column, where.path))


@attrs.frozen
class StoryFacts:
    """A story as its whole-story checks see it: its declarations (`story`: the whole story, or only
    its story files' part when scenes come from the cache), every scene's facts in file order, and
    the problems found in single scenes and files (SCENE_CHECKS, the files' own warnings)."""

    story: Story
    scenes: dict[str, SceneFacts]
    local: tuple[Problem, ...] = ()

    @property
    def start(self) -> str:
        return self.story.start


# --- as JSON, for the cache (engine/io/cache.py keeps the entries) ------------------------------------


# As JSON, a file's facts are columns: one list per field of its scenes, and one per field of all
# their choices with how many each scene has. Columns decode with no Python call per value: their
# types are checked a column at a time and the records are made by zip().
# Speed: bench/run.py's "re-lint after one edit" row (target <= 0.1x a cold lint); guarded by the
# differential tests tests/test_relint.py::test_facts_find_what_the_built_story_shows and
# ::test_any_series_of_edits_lints_as_the_built_story (facts from the cache == facts from the build).
_SCENE_COLUMNS = (str, int, int, str, bool, str, str, list, bool, list, list, int, int)  # SceneFacts but choices and path
_CHOICE_COLUMNS = (str, int, int, int, bool, list, bool, bool)  # ChoiceFacts


def facts_json(facts: Iterable[SceneFacts]) -> dict[str, Any]:
    """A file's facts as JSON values, without their path: it is the file's."""
    scenes = list(facts)
    choices = [c for s in scenes for c in s.choices]
    return {
        "scenes": [list(column) for column in zip(*(s[:9] + s[10:14] for s in scenes))] or [[] for _ in _SCENE_COLUMNS],
        "counts": [len(s.choices) for s in scenes],
        "choices": [list(column) for column in zip(*choices)] or [[] for _ in _CHOICE_COLUMNS],
    }


def decode_facts(value: Any, shown: str) -> list[SceneFacts]:
    """The facts `facts_json` wrote, in the file `shown`; ValueError if they are not that."""
    try:
        return _decode(value, shown)
    except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
        raise ValueError(f"damaged facts: {exc}") from None


def _columns(columns: Any, types: tuple[type, ...], length: int | None) -> list[list[Any]]:
    if type(columns) is not list or len(columns) != len(types):
        raise ValueError("the wrong number of columns")
    for column, kind in zip(columns, types):
        if type(column) is not list or (length is not None and len(column) != length) or not set(map(type, column)) <= {kind}:
            raise ValueError("a column of the wrong length or types")
    return columns


def _decode(value: dict[str, Any], shown: str) -> list[SceneFacts]:
    counts = value["counts"]
    if type(counts) is not list or not set(map(type, counts)) <= {int} or min(counts, default=0) < 0:
        raise ValueError("damaged choice counts")
    scenes = _columns(value["scenes"], _SCENE_COLUMNS, len(counts))
    choices = _columns(value["choices"], _CHOICE_COLUMNS, sum(counts))
    whens, reads, named, sets = scenes[7], scenes[9], scenes[10], choices[5]
    if not set(map(type, chain.from_iterable(whens))) <= {int}:
        raise ValueError("a story time that is not numbers")
    if not set(map(type, chain(chain.from_iterable(reads), chain.from_iterable(named), chain.from_iterable(sets)))) <= {str}:
        raise ValueError("a name that is not a string")
    made = iter(map(tuple.__new__, repeat(ChoiceFacts), zip(*choices)))  # _make, without a Python call each
    per_scene = [tuple(islice(made, count)) for count in counts]
    # story times are compared with one another: tuples, as chronology.point makes them
    return list(map(tuple.__new__, repeat(SceneFacts), zip(*scenes[:7], map(tuple, whens), scenes[8], per_scene,
                                                           reads, named, scenes[11], scenes[12], repeat(shown))))
