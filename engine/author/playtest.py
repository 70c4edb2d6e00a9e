"""Random play-testing: runs that prefer the least-used open choice at each step, as ChoiceScript's randomtest does.

A thousand runs cover a branching story far better than uniform picks. Shared by the exhaustive search
(engine/author/search.py): the failure record and the one-step move that turns errors into failures.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from engine.core import machine, template
from engine.core.errors import EvaluationError, Hungary56Error, Location
from engine.core.model import Choice, GameState, Scene, Story

TRANSCRIPT_WIDTH = 80
ChoiceKey = tuple[str, int]  # (scene id, 0-based choice index)


@attrs.frozen
class Failure:
    """Something that went wrong in play, with the choice numbers that lead to it from the start."""

    kind: str  # error | stuck | loop
    scene: str
    message: str
    location: Location | None
    path: tuple[int, ...]
    count: int = 1

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.scene, self.message)


class _Stop(Exception):
    """A step that cannot go on: carries the failure to report."""

    def __init__(self, kind: str, message: str, location: Location | None) -> None:
        super().__init__(message)
        self.kind, self.message, self.location = kind, message, location


def _open_choices(scene: Scene, state: GameState) -> list[int]:
    """The indexes of the choices on offer; a condition that fails to evaluate is an error, not a no."""
    env = (state.variables, state.visits)
    for variant in scene.variants:
        if variant.condition is not None:
            try:
                variant.condition.test(env)
            except EvaluationError as exc:
                raise _Stop("error", f"text variant condition failed: {exc.message}", variant.condition.location) from None
    result = []
    for choice in scene.choices:
        if choice.condition is None:
            result.append(choice.index)
            continue
        try:
            if choice.condition.test(env):
                result.append(choice.index)
        except EvaluationError as exc:
            raise _Stop("error", f"condition of choice {choice.index + 1} failed: {exc.message}",
                        choice.condition.location) from None
    if not result:
        raise _Stop("stuck", f"scene {scene.id!r} has no available choice", scene.location)
    return result


def _advance(story: Story, state: GameState, index: int) -> GameState:
    try:
        return machine.choose(story, state, index)
    except Hungary56Error as exc:
        choice = story.scenes[state.scene].choices[index]
        raise _Stop("error", f"choice {index + 1} failed: {exc.message}", exc.location or choice.location) from None


def _merge(failures: Iterable[Failure]) -> tuple[Failure, ...]:
    """One failure per (kind, scene, message), with the shortest path and how often it happened."""
    merged: dict[tuple[str, str, str], Failure] = {}
    for failure in failures:
        known = merged.get(failure.key)
        if known is None:
            merged[failure.key] = failure
        else:
            best = failure if len(failure.path) < len(known.path) else known
            merged[failure.key] = attrs.evolve(best, count=known.count + failure.count)
    return tuple(merged.values())


# --- text coverage: variants and inline branches a playthrough showed ------------------------------


@attrs.frozen
class TextUnit:
    """A piece of text shown only in some states: a text variant, or one arm of an inline branch."""

    location: Location
    scene: str
    what: str


def _fields(scene: Scene) -> list[tuple[str, template.Template | None]]:
    found: list[tuple[str, template.Template | None]] = [("the text", scene.text_template)]
    found += [(f"variant {n}", v.template) for n, v in enumerate(scene.variants, 1)]
    for choice in scene.choices:
        found += [(f"the label of choice {choice.index + 1}", choice.label_template),
                  (f"the history of choice {choice.index + 1}", choice.history_template)]
    if scene.ending is not None:
        found.append(("the epilogue", scene.ending.epilogue_template))
    return found


def text_units(story: Story) -> list[TextUnit]:
    """Every variant and every authored arm of every inline branch, in story order."""
    units = []
    for scene in story.scenes.values():
        for number, variant in enumerate(scene.variants, 1):
            condition = f" (if {variant.condition.source})" if variant.condition else ""
            units.append(TextUnit(variant.location, scene.id, f"variant {number}{condition}"))
        for where, compiled in _fields(scene):
            for arm in template.arms(compiled):
                head = "{else}" if arm.condition is None else f"{{{arm.keyword} {arm.condition.source.strip()}}}"
                units.append(TextUnit(arm.location, scene.id, f"{head} in {where}"))
    return sorted(units, key=lambda u: u.location)


class TextWatch:
    """Records which variants and inline arms a playthrough shows; a text that fails to render is an error."""

    def __init__(self, story: Story) -> None:
        self.shown: set[Location] = set()
        self.textual = frozenset(s.id for s in story.scenes.values()
                                 if s.variants or any(t is not None for _w, t in _fields(s)))
        # A scene whose every variant and arm has been shown is not rendered again: the runs ask
        # which branches they saw, and rendering every visit was most of a play-test's time.
        # (Lint type-checks inline text; what can still fail at run time, a value past its
        # bounds, fails in the effect that makes it.)
        self.units: dict[str, set[Location]] = {scene_id: set() for scene_id in self.textual}
        for unit in text_units(story):
            self.units.setdefault(unit.scene, set()).add(unit.location)
        self.complete: set[str] = set()

    def _render(self, compiled: template.Template | None, env: tuple[Any, Any], what: str, scene: Scene) -> None:
        if compiled is None:
            return
        found: list[Location] = []
        try:
            template.arms_shown(compiled, env, found, strict=True)
        except EvaluationError as exc:
            raise _Stop("error", f"inline text of {what} failed: {exc.message}", compiled.location) from None
        self.shown.update(found)

    def scene(self, scene: Scene, state: GameState, open_: Iterable[int] = ()) -> None:
        """What entering `scene` in `state` shows: text, variants, the open choices' labels, the epilogue."""
        if scene.id not in self.textual or scene.id in self.complete:
            return
        env = (state.variables, state.visits)
        self._render(scene.text_template, env, "the text", scene)
        for number, variant in enumerate(scene.variants, 1):
            try:
                holds = variant.condition is None or variant.condition.test(env)
            except EvaluationError as exc:
                raise _Stop("error", f"text variant condition failed: {exc.message}", variant.location) from None
            if holds:
                self.shown.add(variant.location)
                self._render(variant.template, env, f"variant {number}", scene)
        for index in open_:
            choice = scene.choices[index]
            self._render(choice.label_template, env, f"the label of choice {index + 1}", scene)
        if scene.ending is not None:
            self._render(scene.ending.epilogue_template, env, "the epilogue", scene)
        if self.units[scene.id] <= self.shown:
            self.complete.add(scene.id)

    def taken(self, scene: Scene, choice: Choice, after: GameState) -> None:
        """The history note shown after a choice, with the state it led to."""
        if choice.history_template is not None and scene.id not in self.complete:
            self._render(choice.history_template, (after.variables, after.visits),
                         f"the history of choice {choice.index + 1}", scene)


# --- random playthroughs ------------------------------------------------------------------------


@attrs.frozen
class RandomReport:
    runs: int
    seed: int
    max_steps: int
    scenes: Mapping[str, int]  # scene id -> times entered
    choices: Mapping[ChoiceKey, int]  # times taken
    endings: Mapping[str, int]  # ending scene id -> runs that ended there
    failures: tuple[Failure, ...]
    texts: frozenset[Location] = frozenset()  # variants and inline arms shown (TextUnit.location)

    @property
    def ok(self) -> bool:
        return not self.failures


def random_runs(story: Story, runs: int = 1000, seed: int = 1, max_steps: int = 500) -> RandomReport:
    """Random runs that prefer the least-used open choice. The same moves as `machine.choose`, made
    in place: a run needs no undo, so it keeps one variables and one visits mapping, guards are
    tested once per step, and no GameState is made."""
    rng = random.Random(seed)
    used: Counter[ChoiceKey] = Counter()
    entered: Counter[str] = Counter()
    endings: Counter[str] = Counter()
    failures: list[Failure] = []
    plan = _Plan(story)
    initial = story.initial_variables()
    watch = TextWatch(story)
    for _ in range(runs):
        variables = dict(initial)
        visits = {story.start: 1}
        env = (variables, visits)
        scene_id = story.start
        live = GameState.adopt(scene_id, variables, visits, (), 0)  # what TextWatch reads: these very mappings
        path: list[int] = []
        trail: list[str] = []  # the scene of each choice taken
        for _step in range(max_steps + 1):
            entered[scene_id] += 1
            node = plan.scenes[scene_id]
            if node.ending:
                endings[scene_id] += 1
                if scene_id in watch.textual:
                    try:
                        watch.scene(node.scene, live)
                    except _Stop as stop:
                        failures.append(Failure(stop.kind, scene_id, stop.message, stop.location, tuple(path)))
                break
            if len(path) == max_steps:
                recent = list(dict.fromkeys(trail[-20:]))
                failures.append(Failure("loop", "", f"no ending after {max_steps} choices; last scenes: "
                                        + ", ".join(recent), None, tuple(path)))
                break
            here = scene_id
            try:
                open_ = node.open_choices(env)
                if scene_id in watch.textual:
                    watch.scene(node.scene, live, open_)
                counts = [used[(scene_id, i)] for i in open_]
                least = min(counts)
                index = rng.choice([i for i, count in zip(open_, counts) if count == least])
                used[(scene_id, index)] += 1
                path.append(index + 1)
                trail.append(scene_id)
                scene_id = node.take(index, variables, env)
                visits[scene_id] = visits.get(scene_id, 0) + 1
                if here in watch.textual:
                    watch.taken(node.scene, node.scene.choices[index], live)
            except _Stop as stop:
                failures.append(Failure(stop.kind, here, stop.message, stop.location, tuple(path)))
                break
    return RandomReport(runs, seed, max_steps, dict(entered), dict(used), dict(endings), _merge(failures),
                        frozenset(watch.shown))


class _Node:
    """One scene as a random run meets it: its guards' compiled tests and its choices' effects."""

    __slots__ = ("scene", "ending", "variants", "guards", "effects", "targets")

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.ending = scene.ending is not None
        self.variants = [v.condition for v in scene.variants if v.condition is not None]
        self.guards = [(c.index, c.condition.test if c.condition is not None else None) for c in scene.choices]
        self.effects = [c.effects for c in scene.choices]
        self.targets = [c.goto for c in scene.choices]

    def open_choices(self, env: Any) -> list[int]:
        """As `_open_choices`, with the guards' compiled tests at hand."""
        if self.variants:
            for condition in self.variants:
                try:
                    condition.test(env)
                except EvaluationError as exc:
                    raise _Stop("error", f"text variant condition failed: {exc.message}", condition.location) from None
        result = []
        for index, test in self.guards:
            if test is None:
                result.append(index)
                continue
            try:
                if test(env):
                    result.append(index)
            except EvaluationError as exc:
                guard = self.scene.choices[index].condition
                raise _Stop("error", f"condition of choice {index + 1} failed: {exc.message}",
                            guard.location if guard is not None else None) from None
        if not result:
            raise _Stop("stuck", f"scene {self.scene.id!r} has no available choice", self.scene.location)
        return result

    def take(self, index: int, variables: dict[str, Any], env: Any) -> str:
        """Apply choice `index`'s effects to `variables` in place (as `machine.choose` does to its
        copy) and return where it goes; the caller counts the visit."""
        effects = self.effects[index]
        if effects:
            try:
                for effect in effects:
                    effect.apply(variables, env)
            except Hungary56Error as exc:
                choice = self.scene.choices[index]
                raise _Stop("error", f"choice {index + 1} failed: {exc.message}", exc.location or choice.location) from None
        return self.targets[index]


class _Plan:
    """Every scene's _Node, made on first visit (a run meets few scenes of a big story)."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.scenes = _Nodes(story)


class _Nodes(dict[str, _Node]):
    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def __missing__(self, scene_id: str) -> _Node:
        node = self[scene_id] = _Node(self.story.scenes[scene_id])
        return node
