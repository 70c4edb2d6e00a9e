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

    def _render(self, compiled: template.Template | None, env: tuple[Any, Any], what: str, scene: Scene) -> None:
        if compiled is None:
            return
        found: list[Location] = []
        try:
            template.render(compiled, env, found, strict=True)
        except EvaluationError as exc:
            raise _Stop("error", f"inline text of {what} failed: {exc.message}", compiled.location) from None
        self.shown.update(found)

    def scene(self, scene: Scene, state: GameState, open_: Iterable[int] = ()) -> None:
        """What entering `scene` in `state` shows: text, variants, the open choices' labels, the epilogue."""
        if scene.id not in self.textual:
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

    def taken(self, scene: Scene, choice: Choice, after: GameState) -> None:
        """The history note shown after a choice, with the state it led to."""
        if choice.history_template is not None:
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
    rng = random.Random(seed)
    used: Counter[ChoiceKey] = Counter()
    entered: Counter[str] = Counter()
    endings: Counter[str] = Counter()
    failures: list[Failure] = []
    scenes = story.scenes
    watch = TextWatch(story)
    for _ in range(runs):
        state = machine.new_game(story)
        path: list[int] = []
        for _step in range(max_steps + 1):
            scene = scenes[state.scene]
            entered[scene.id] += 1
            if scene.ending is not None:
                endings[scene.id] += 1
                try:
                    watch.scene(scene, state)
                except _Stop as stop:
                    failures.append(Failure(stop.kind, scene.id, stop.message, stop.location, tuple(path)))
                break
            if len(path) == max_steps:
                recent = list(dict.fromkeys(step.scene for step in state.path[-20:]))
                failures.append(Failure("loop", "", f"no ending after {max_steps} choices; last scenes: "
                                        + ", ".join(recent), None, tuple(path)))
                break
            try:
                open_ = _open_choices(scene, state)
                watch.scene(scene, state, open_)
                least = min(used[(scene.id, i)] for i in open_)
                index = rng.choice([i for i in open_ if used[(scene.id, i)] == least])
                used[(scene.id, index)] += 1
                path.append(index + 1)
                state = _advance(story, state, index)
                if scene.id in watch.textual:
                    watch.taken(scene, scene.choices[index], state)
            except _Stop as stop:
                failures.append(Failure(stop.kind, scene.id, stop.message, stop.location, tuple(path)))
                break
    return RandomReport(runs, seed, max_steps, dict(entered), dict(used), dict(endings), _merge(failures),
                        frozenset(watch.shown))


