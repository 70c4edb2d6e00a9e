"""The story model: the frozen values a compiled story is made of, and the game state.

Nothing here reads files, prints or asks for input; engine/core/build.py compiles located YAML
nodes into these values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from engine.core import evaluate, expr
from engine.core.dates import date_key
from engine.core.errors import EvaluationError, Location, Problem
from engine.core.template import Template

Value = expr.Value
__all__ = ["date_key"]  # and ANNOTATION_KINDS, ENDING_KINDS (from the format, on first use)


def __getattr__(name: str) -> Any:
    # The closed sets of kinds live in the format's description (engine/core/format.py), which a
    # game started from the cache does not otherwise import.
    if name in ("ANNOTATION_KINDS", "ENDING_KINDS"):
        from engine.core import format as spec

        return getattr(spec, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- reading located YAML --------------------------------------------------------------------


# --- expressions in the story -----------------------------------------------------------------


@attrs.frozen(eq=False)
class Condition:
    """A guard or a text variant's condition: its source, where it stands, and its compiled form.

    `test` is compiled from the tree on first use (the linter and a cached load never need it).
    """

    source: str
    node: expr.Node
    location: Location
    # Left unset until first read: __getattr__ compiles it then, and later reads cost nothing.
    test: Callable[[expr.Env], Any] = attrs.field(init=False, repr=False)

    def __getattr__(self, name: str) -> Any:
        if name != "test":
            raise AttributeError(name)
        compiled = evaluate.compile_node(self.node)
        object.__setattr__(self, "test", compiled)
        return compiled

    def __reduce__(self) -> tuple[Any, ...]:
        # the compiled closure is not data: a copy (pickle, deepcopy) compiles its own on first use
        return (Condition, (self.source, self.node, self.location))


@attrs.frozen(eq=False)
class Effect:
    """One assignment run when a choice is made (or when a teacher jumps to a chapter)."""

    source: str
    assignment: expr.Assignment
    location: Location
    value: Callable[[expr.Env], Any] = attrs.field(init=False, repr=False)  # compiled on first use

    def __getattr__(self, name: str) -> Any:
        if name != "value":
            raise AttributeError(name)
        compiled = evaluate.compile_node(self.assignment.value)
        object.__setattr__(self, "value", compiled)
        return compiled

    def __reduce__(self) -> tuple[Any, ...]:
        return (Effect, (self.source, self.assignment, self.location))

    def apply(self, variables: dict[str, Value], env: expr.Env) -> None:
        """Run the effect; EvaluationError, located here, when its result passes expr's limits."""
        try:
            value = self.value(env)
            target = self.assignment.target
            if self.assignment.op == "+=":
                value = expr.bounded(variables[target] + value)
            elif self.assignment.op == "-=":
                value = expr.bounded(variables[target] - value)
        except EvaluationError as exc:
            raise EvaluationError(f"effect '{self.source}': {exc.message}", exc.location or self.location) from None
        variables[target] = value


# --- story values ------------------------------------------------------------------------------

@attrs.frozen
class Variable:
    name: str
    type: str
    initial: Value
    description: str
    location: Location
    label: str = ""  # what the player's `stats` screen calls it; no label, not shown


@attrs.frozen
class Card:
    """A source card: a document's own words in translation (`form` "quotation", with a `locator`), the
    project's summary of a document ("paraphrase") or a slogan (engine/core/format.py, CARD_FORMS)."""

    quote: str
    who: str
    when: str
    source: str
    location: Location
    provenance: str = ""
    form: str = "quotation"
    locator: str = ""

    @property
    def slogan(self) -> bool:
        """The old `slogan: true` (read as `form: slogan`)."""
        return self.form == "slogan"

    @property
    def quoted(self) -> bool:
        """Only a quotation is shown in quotation marks: the marks say these are the words themselves."""
        return self.form == "quotation"

    @property
    def label(self) -> str:
        """What stands before a card's text that is not a quotation ("In summary:", "Slogan:"), or ""."""
        return {"paraphrase": "In summary:", "slogan": "Slogan:"}.get(self.form, "")


@attrs.frozen
class Fact:
    """One entry of the facts ledger: a figure, date or clock time the story states, and where it comes from."""

    figure: str
    says: str
    source: str
    locator: str
    location: Location
    differs: str = ""


@attrs.frozen
class Chapter:
    id: str
    title: str
    date: str
    until: str
    first: str
    reading_minutes: int
    summary: str
    questions: tuple[str, ...]
    cards: tuple[Card, ...]
    setup: tuple[Effect, ...]
    location: Location
    index: int = 0
    first_location: Location | None = None
    objectives: tuple[str, ...] = ()


@attrs.frozen
class Account:
    """One side of a contested account, with whose account it is."""

    who: str
    account: str
    source: str
    location: Location
    source_location: Location | None = None


@attrs.frozen
class Variant:
    condition: Condition | None
    text: str
    location: Location
    template: Template | None = None  # the text compiled, when it has inline markup (engine/core/template.py)


@attrs.frozen
class Choice:
    """A transition: label, target, guard (condition), actions (effects) and its annotation.

    A scene that moves on by itself (`next`) gets one automatic choice with no annotation.
    """

    index: int
    label: str
    goto: str
    condition: Condition | None
    effects: tuple[Effect, ...]
    kind: str
    history: str
    location: Location
    auto: bool = False
    goto_location: Location | None = None
    label_template: Template | None = None
    history_template: Template | None = None
    id: str = ""  # optional; unique in its scene; what recordings and saves keep instead of the position
    # for a route of `next:` (engine/core/routes.py): its own `if` as written, where `condition` is the
    # guard compiled from it and the routes before it (first match wins)
    route: Condition | None = None
    # what comes of the choice, shown right after it and before the reveal (optional)
    outcome: str = ""
    outcome_template: Template | None = None

    @property
    def target_location(self) -> Location:
        return self.goto_location or self.location


    @classmethod
    def automatic(cls, goto: str, location: Location) -> Choice:
        return cls(0, "Continue", goto, None, (), "", "", location, auto=True, goto_location=location)


@attrs.frozen
class Ending:
    title: str
    kind: str
    epilogue: str
    location: Location
    epilogue_template: Template | None = None
    kind_location: Location | None = None  # where `kind` is written: a history story checks it (E108)


@attrs.frozen
class Scene:
    id: str
    chapter: str
    title: str
    date: str
    time: str
    where: str
    warning: str
    flashback: bool
    text: str
    variants: tuple[Variant, ...]
    note: str
    sources: tuple[str, ...]
    contested: tuple[Account, ...]
    terms: tuple[str, ...]
    choices: tuple[Choice, ...]
    next: str
    ending: Ending | None
    location: Location
    # where each item of `terms` and `sources` stands, so the linter can point at it
    term_locations: tuple[Location, ...] = ()
    source_locations: tuple[Location, ...] = ()
    place: str = ""  # the id of a Place in Story.places, or ""
    place_location: Location | None = None
    text_template: Template | None = None  # `text` compiled, when it has inline markup
    questions: tuple[str, ...] = ()  # discussion questions for a class, at this scene
    # where its `chapter` and `date` are written, for the problems that are theirs (E121, E350, E363)
    chapter_location: Location | None = None
    date_location: Location | None = None

    @property
    def when(self) -> str:
        return date_key(self.date, self.time)

    @property
    def is_ending(self) -> bool:
        return self.ending is not None


@attrs.frozen
class Entry:
    """A glossary term or a source: a key, its text and where it was defined. A source given as a record
    keeps its parts for the bibliography; its `text` is the whole reference in one line."""

    key: str
    text: str
    location: Location
    author: str = ""
    title: str = ""
    year: str = ""
    publisher: str = ""
    licence: str = ""
    url: str = ""


@attrs.frozen
class Place:
    """A place on the map: its English and Hungarian names and its coordinates."""

    id: str
    name: str
    hu: str
    lat: float
    lon: float
    about: str
    location: Location


@attrs.frozen
class Story:
    id: str
    title: str
    version: str
    start: str
    perspective: str
    variables: Mapping[str, Variable]
    chapters: tuple[Chapter, ...]
    glossary: Mapping[str, Entry]
    sources: Mapping[str, Entry]
    scenes: Mapping[str, Scene]
    location: Location
    warnings: tuple[Problem, ...] = ()
    places: Mapping[str, Place] = attrs.field(factory=dict)
    facts: Mapping[str, Fact] = attrs.field(factory=dict)  # the facts ledger, by the figure as written
    format: int = 1  # the format its files are written in (engine/core/format.py: FORMAT_VERSION)
    fiction: bool = False  # not history: no `kind`, `history` or reveal needed; ending kinds are free

    def chapter(self, chapter_id: str) -> Chapter | None:
        return next((c for c in self.chapters if c.id == chapter_id), None)

    def scene_chapter(self, scene: Scene) -> Chapter | None:
        return self.chapter(scene.chapter)

    def initial_variables(self) -> dict[str, Value]:
        return {name: var.initial for name, var in self.variables.items()}

    def endings(self) -> list[Scene]:
        return [s for s in self.scenes.values() if s.ending is not None]


# --- the game state ----------------------------------------------------------------------------


@attrs.frozen
class Step:
    """One choice taken: in which scene, which choice (0-based index)."""

    scene: str
    choice: int


def _variables(values: Mapping[str, Value]) -> dict[str, Value]:
    return dict(values)


def _visits(values: Mapping[str, int]) -> dict[str, int]:
    return dict(values)


def _path(steps: Iterable[Step]) -> tuple[Step, ...]:
    return tuple(steps)


@attrs.frozen
class GameState:
    """Where a game stands. Immutable: every move returns a new state (see engine/core/machine.py).

    The mappings are private copies that nothing mutates; moves build new ones.
    """

    scene: str
    variables: Mapping[str, Value] = attrs.field(converter=_variables)
    visits: Mapping[str, int] = attrs.field(converter=_visits)
    path: tuple[Step, ...] = attrs.field(default=(), converter=_path)
    turn: int = 0

    @classmethod
    def adopt(
        cls, scene: str, variables: dict[str, Value], visits: dict[str, int], path: tuple[Step, ...], turn: int
    ) -> GameState:
        """A state around mappings built for it that the caller hands over and never touches again.

        The same value as GameState(...), without the defensive copies: the state machine makes a
        move's new mappings itself, and copying them twice was a tenth of a random playthrough.
        Speed: bench/run.py's "exhaustive search" and "random runs" rows; guarded by
        tests/test_playtest_fast.py::test_a_move_of_the_search_is_machine_choose.
        """
        state = object.__new__(cls)
        object.__setattr__(state, "scene", scene)
        object.__setattr__(state, "variables", variables)
        object.__setattr__(state, "visits", visits)
        object.__setattr__(state, "path", path)
        object.__setattr__(state, "turn", turn)
        return state
