"""Random play-testing: runs that prefer the least-used open choice at each step, as ChoiceScript's randomtest does.

A thousand runs cover a branching story far better than uniform picks. Shared by the exhaustive search
(engine/author/search.py): the failure record, the text watch and the one-step move (`_move`) that
turns errors into failures. Both make the moves of `machine.choose` without its values (no Step, no
GameState); tests/test_playtest_fast.py holds them to it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from engine.core import machine, template
from engine.core.errors import EvaluationError, Hungary56Error, Location
from engine.core.expr import MAX_INT, Env, bounded
from engine.core.model import Choice, Effect, GameState, Scene, Story

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


def _open_choices(scene: Scene, env: Env) -> list[int]:
    """The indexes of the choices on offer in `env` (variables, visits); a condition that fails to
    evaluate is an error, not a no."""
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
    """A move through the state machine itself (`machine.choose`), its errors made failures: the
    slow path that `_move` and the random runs' moves in place are tested against."""
    try:
        return machine.choose(story, state, index)
    except Hungary56Error as exc:
        choice = story.scenes[state.scene].choices[index]
        raise _Stop("error", f"choice {index + 1} failed: {exc.message}", exc.location or choice.location) from None


def _move(choice: Choice, env: Env) -> tuple[dict[str, Any], dict[str, int]]:
    """The variables and visits after taking an open `choice` in `env`: `_advance` without the
    guard tested again (its caller found it open), the Step and the GameState."""
    variables = dict(env[0])
    if choice.effects:
        after = (variables, env[1])  # as machine.choose: the new variables, the visits before the move
        try:
            for effect in choice.effects:
                effect.apply(variables, after)
        except Hungary56Error as exc:
            raise _Stop("error", f"choice {choice.index + 1} failed: {exc.message}", exc.location or choice.location) from None
    visits = dict(env[1])
    visits[choice.goto] = visits.get(choice.goto, 0) + 1
    return variables, visits


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
                  (f"the history of choice {choice.index + 1}", choice.history_template),
                  (f"the outcome of choice {choice.index + 1}", choice.outcome_template)]
    if scene.ending is not None:
        found.append(("the epilogue", scene.ending.epilogue_template))
    return found


def _templates(scene: Scene) -> list[template.Template | None]:
    """The templates of `_fields`, in its order, without the names."""
    found = [scene.text_template, *[v.template for v in scene.variants]]
    for choice in scene.choices:
        found += (choice.label_template, choice.history_template, choice.outcome_template)
    if scene.ending is not None:
        found.append(scene.ending.epilogue_template)
    return found


def text_units(story: Story) -> list[TextUnit]:
    """Every variant and every authored arm of every inline branch, in story order."""
    units = [unit for scene in story.scenes.values() for unit in _scene_units(scene)]
    # Location orders as (path, line, column): a plain tuple key sorts the same, far faster than attrs' __lt__
    return sorted(units, key=lambda u: (u.location.path, u.location.line, u.location.column))


def _scene_units(scene: Scene) -> list[TextUnit]:
    units = []
    for number, variant in enumerate(scene.variants, 1):
        condition = f" (if {variant.condition.source})" if variant.condition else ""
        units.append(TextUnit(variant.location, scene.id, f"variant {number}{condition}"))
    for where, compiled in _fields(scene):
        for arm in template.arms(compiled):
            head = "{else}" if arm.condition is None else f"{{{arm.keyword} {arm.condition.source.strip()}}}"
            units.append(TextUnit(arm.location, scene.id, f"{head} in {where}"))
    return units


class TextWatch:
    """Records which variants and inline arms a playthrough shows; a text that fails to render is an error.

    A scene whose every variant and arm has been shown is not rendered again: the runs ask which
    branches they saw, and rendering every visit was most of a play-test's time. (Lint type-checks
    inline text; what can still fail at run time, a value past its bounds, fails in the effect that
    makes it.) A scene's units are listed when a playthrough first meets it, so a watch costs
    nothing for the scenes of a big story that no run reaches.
    """

    def __init__(self, story: Story) -> None:
        self.shown: set[Location] = set()
        self.complete: set[str] = set()
        self.units: dict[str, frozenset[Location] | None] = {}  # per scene met: None when it has no text to watch

    def textual(self, scene: Scene) -> bool:
        """Whether `scene` has text that reads the state: a variant, or a template in a field."""
        try:
            units = self.units[scene.id]
        except KeyError:
            templates = [t for t in _templates(scene) if t is not None]
            units = None
            if scene.variants or templates:  # where _scene_units puts its units, without their names
                units = frozenset([v.location for v in scene.variants]
                                  + [arm.location for t in templates for arm in template.arms(t)])
            self.units[scene.id] = units
        return units is not None

    def watching(self, scene: Scene) -> bool:
        """Whether entering `scene` may still show a branch not yet seen (or a text not yet rendered)."""
        return self.textual(scene) and scene.id not in self.complete

    def _render(self, compiled: template.Template | None, env: Env, what: str, scene: Scene) -> None:
        if compiled is None:
            return
        found: list[Location] = []
        try:
            template.arms_shown(compiled, env, found, strict=True)
        except EvaluationError as exc:
            raise _Stop("error", f"inline text of {what} failed: {exc.message}", compiled.location) from None
        self.shown.update(found)

    def scene(self, scene: Scene, env: Env, open_: Iterable[int] = ()) -> None:
        """What entering `scene` in `env` (variables, visits) shows: text, variants, the open choices'
        labels, the epilogue."""
        if not self.watching(scene):
            return
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
            self._render(choice.outcome_template, env, f"the outcome of choice {index + 1}", scene)
        if scene.ending is not None:
            self._render(scene.ending.epilogue_template, env, "the epilogue", scene)
        units = self.units[scene.id]
        if units is not None and units <= self.shown:
            self.complete.add(scene.id)

    def taken(self, scene: Scene, choice: Choice, after: Env) -> None:
        """The history note shown after a choice, with the state (variables, visits) it led to."""
        if choice.history_template is not None and scene.id not in self.complete:
            self._render(choice.history_template, after, f"the history of choice {choice.index + 1}", scene)


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
    tested once per step, and no GameState is made. Each scene met becomes a _Node once per call,
    which also holds its counters, so that a step is a few list and slot reads.

    Speed: bench/run.py's "random runs" rows (target >= 0.7x the bare walk on the bundled story);
    guarded by the differential tests in tests/test_playtest_fast.py (the same runs, coverage and
    failures as moves made with `machine.choose`)."""
    rng = random.Random(seed)
    # rng.choice(seq) is seq[rng._randbelow(len(seq))]: the same draws without a call and a list
    randbelow = getattr(rng, "_randbelow", None) or (lambda n: rng.choice(range(n)))
    failures: list[Failure] = []
    watch = TextWatch(story)
    nodes = _Nodes(story, watch)
    initial = story.initial_variables()
    start = story.start
    first = nodes[start]
    for _ in range(runs):
        variables = dict(initial)
        visits = {start: 1}
        env = (variables, visits)
        node = first
        path: list[int] = []  # 0-based choice indexes; the scenes follow from them (_trail)
        try:
            for _step in range(max_steps):
                node.entered += 1
                if node.ending:
                    break
                if node.tested:
                    try:
                        for test in node.variants:
                            test(env)
                        open_ = [i for i, test in node.guards if test is None or test(env)]
                    except EvaluationError:
                        open_ = _open_choices(node.scene, env)  # raises the located failure
                    if not open_:
                        raise _Stop("stuck", f"scene {node.id!r} has no available choice", node.scene.location)
                else:
                    open_ = node.every
                if node.watched:
                    watch.scene(node.scene, env, open_)
                    node.watched = node.id not in watch.complete
                counts = node.counts
                if len(open_) == 1:
                    index = open_[0]
                    randbelow(1)
                else:
                    seen = [counts[i] for i in open_]
                    least = min(seen)
                    ties = [i for i, n in zip(open_, seen) if n == least]
                    index = ties[randbelow(len(ties))]
                counts[index] += 1
                path.append(index)
                effects = node.effects[index]
                if effects:
                    try:
                        for effect in effects:
                            target, op, value, _effect = effect  # the Effect itself: for its failure
                            result = value(env)  # as Effect.apply: the value first, then the target read
                            if op == "+=":
                                result = variables[target] + result
                            elif op == "-=":
                                result = variables[target] - result
                            else:
                                variables[target] = result
                                continue
                            # expr.bounded, without a call for the usual small int
                            variables[target] = (result if result.__class__ is int and -MAX_INT <= result <= MAX_INT
                                                 else bounded(result))
                    except Hungary56Error as exc:
                        raise _effect_failure(node.scene.choices[index], effect[3], exc) from None
                goto = node.targets[index]
                visits[goto] = visits.get(goto, 0) + 1
                if node.watched:
                    choice = node.scene.choices[index]
                    if choice.history_template is not None:
                        watch.taken(node.scene, choice, env)
                node = nodes[goto]
            else:  # max_steps choices made: the scene they lead to is entered, and must end the run
                node.entered += 1
                if not node.ending:
                    recent = list(dict.fromkeys(_trail(story, path)[-20:]))
                    failures.append(Failure("loop", "", f"no ending after {max_steps} choices; last scenes: "
                                            + ", ".join(recent), None, tuple(i + 1 for i in path)))
                    continue
            if node.watched:  # an ending: its text and epilogue
                watch.scene(node.scene, env)
                node.watched = node.id not in watch.complete
        except _Stop as stop:
            failures.append(Failure(stop.kind, node.id, stop.message, stop.location, tuple(i + 1 for i in path)))
    return RandomReport(runs, seed, max_steps, nodes.entered(), nodes.used(), nodes.endings(), _merge(failures),
                        frozenset(watch.shown))


def _effect_failure(choice: Choice, effect: Effect, exc: Hungary56Error) -> _Stop:
    """What `Effect.apply`, then `_advance`, make of an error in an effect."""
    message, location = exc.message, exc.location
    if isinstance(exc, EvaluationError):
        message, location = f"effect '{effect.source}': {exc.message}", exc.location or effect.location
    return _Stop("error", f"choice {choice.index + 1} failed: {message}", location or choice.location)


def _trail(story: Story, path: list[int]) -> list[str]:
    """The scene of each choice along `path` (0-based indexes) from the start: a goto reads no state."""
    scene_id, trail = story.start, []
    for index in path:
        trail.append(scene_id)
        scene_id = story.scenes[scene_id].choices[index].goto
    return trail


class _Node:
    """One scene as a random run meets it, with its counters: what its guards, effects and gotos are,
    whether it has a guard or variant to test at all, and whether its text still has branches unseen."""

    __slots__ = ("id", "scene", "ending", "variants", "guards", "tested", "every", "effects", "targets",
                 "counts", "entered", "watched")

    def __init__(self, scene: Scene, watched: bool) -> None:
        self.id = scene.id
        self.scene = scene
        self.ending = scene.ending is not None
        self.variants = tuple(v.condition.test for v in scene.variants if v.condition is not None)
        self.guards = tuple((c.index, c.condition.test if c.condition is not None else None) for c in scene.choices)
        self.tested = bool(self.variants) or any(c.condition is not None for c in scene.choices)
        self.every = [c.index for c in scene.choices]
        self.effects = [tuple((e.assignment.target, e.assignment.op, e.value, e) for e in c.effects)
                        for c in scene.choices]
        self.targets = [c.goto for c in scene.choices]
        self.counts = [0] * len(scene.choices)
        self.entered = 0
        self.watched = watched
        if not self.ending and not scene.choices:  # a story that loads has none; fail as _open_choices does
            self.tested = True


class _Nodes(dict[str, _Node]):
    """Every scene's _Node, made on first visit (a run meets few scenes of a big story)."""

    def __init__(self, story: Story, watch: TextWatch) -> None:
        super().__init__()
        self.story, self.watch = story, watch

    def make(self, scene_id: str) -> _Node:
        node = self[scene_id] = _Node(self.story.scenes[scene_id], self.watch.watching(self.story.scenes[scene_id]))
        return node

    __missing__ = make

    def entered(self) -> dict[str, int]:
        return {scene_id: node.entered for scene_id, node in self.items() if node.entered}

    def endings(self) -> dict[str, int]:
        return {scene_id: node.entered for scene_id, node in self.items() if node.ending and node.entered}

    def used(self) -> dict[ChoiceKey, int]:
        return {(scene_id, index): n for scene_id, node in self.items() for index, n in enumerate(node.counts) if n}


def unreached_scenes(story: Story, reached: Mapping[str, Any] | set[str]) -> list[Scene]:
    return [s for s in story.scenes.values() if s.id not in reached]


def unreached_choices(story: Story, taken: Mapping[ChoiceKey, Any] | set[ChoiceKey]) -> list[tuple[Scene, int]]:
    """Authored choices never taken (automatic `next` links are covered by their scenes)."""
    return [(s, c.index) for s in story.scenes.values() for c in s.choices
            if not c.auto and (s.id, c.index) not in taken]
