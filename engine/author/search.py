"""Exhaustive play-testing: breadth-first over (scene, variables, visit counts), so every path it reports is a shortest one."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

import attrs

from engine.author.playtest import ChoiceKey, Failure, TextWatch, _advance, _merge, _open_choices, _Stop
from engine.author.reports import unreached_choices, unreached_scenes
from engine.core import expr, machine
from engine.core.errors import Location
from engine.core.model import Effect, GameState, Story

# --- exhaustive search --------------------------------------------------------------------------


@attrs.frozen
class ExhaustiveReport:
    max_states: int
    states: int
    bound_hit: bool
    scenes: Mapping[str, tuple[int, ...]]  # scene id -> a shortest choice path to it
    choices: Mapping[ChoiceKey, tuple[int, ...]]  # a shortest path that ends by taking the choice
    failures: tuple[Failure, ...]
    texts: frozenset[Location] = frozenset()  # variants and inline arms shown in the states searched

    @property
    def complete(self) -> bool:
        return not self.bound_hit


def exhaustive_ok(story: Story, report: ExhaustiveReport) -> bool:
    """No failure, and (when the search was complete) nothing proven unreachable."""
    if report.failures:
        return False
    return report.bound_hit or not (unreached_scenes(story, report.scenes) or unreached_choices(story, report.choices))


def _relevant(story: Story) -> tuple[frozenset[str], frozenset[str]]:
    """The variables and visit counts that can change which choices are open.

    Two states that agree on these (and on the scene) offer the same choices for ever after, so
    the search treats them as one: a variable only shown in text, or a visit count no guard asks
    about, would otherwise multiply the states without opening any new path.
    """
    variables: set[str] = set()
    scenes: set[str] = set()
    effects: list[Effect] = []
    for scene in story.scenes.values():
        for choice in scene.choices:
            if choice.condition is not None:
                variables.update(expr.names_in(choice.condition.node))
                scenes.update(expr.scenes_in(choice.condition.node))
            effects.extend(choice.effects)
    grew = True
    while grew:  # a variable feeding a relevant one through an effect is relevant too
        before = len(variables)
        for effect in effects:
            if effect.assignment.target in variables:
                variables.update(expr.names_in(effect.assignment.value))
        grew = len(variables) != before
    return frozenset(variables), frozenset(scenes)


def _state_key(state: GameState, relevant: tuple[frozenset[str], frozenset[str]] | None = None) -> tuple[Any, ...]:
    if relevant is None:
        return (state.scene, tuple(sorted(state.variables.items())), tuple(sorted(state.visits.items())))
    variables, scenes = relevant
    return (
        state.scene,
        tuple(sorted((k, v) for k, v in state.variables.items() if k in variables)),
        tuple(sorted((k, v) for k, v in state.visits.items() if k in scenes)),
    )


def exhaustive(story: Story, max_states: int = 200_000) -> ExhaustiveReport:
    """Breadth-first over every distinct (scene, variables, visits) state, up to `max_states` of them.

    States are told apart only by what guards can see (see `_relevant`), which keeps the search
    exact for reachability while making it finish on real stories.
    """
    start = machine.new_game(story)
    relevant = _relevant(story)
    parents: list[tuple[int, int]] = [(-1, 0)]  # per explored state: (parent's number, choice number taken)
    seen = {_state_key(start, relevant)}
    queue: deque[tuple[GameState, int]] = deque([(start, 0)])
    scene_paths: dict[str, tuple[int, ...]] = {}
    choice_paths: dict[ChoiceKey, tuple[int, ...]] = {}
    failures: list[Failure] = []
    bound_hit = False
    watch = TextWatch(story)

    def path_to(number: int) -> tuple[int, ...]:
        steps = []
        while number > 0:
            number, choice = parents[number]
            steps.append(choice)
        return tuple(reversed(steps))

    while queue:
        state, number = queue.popleft()
        scene = story.scenes[state.scene]
        if scene.id not in scene_paths:
            scene_paths[scene.id] = path_to(number)
        try:
            if scene.ending is not None:
                watch.scene(scene, state)
                continue
            open_ = _open_choices(scene, state)
            watch.scene(scene, state, open_)
        except _Stop as stop:
            failures.append(Failure(stop.kind, scene.id, stop.message, stop.location, path_to(number)))
            continue
        for index in open_:
            try:
                following = _advance(story, state, index)
            except _Stop as stop:
                failures.append(Failure(stop.kind, scene.id, stop.message, stop.location, path_to(number) + (index + 1,)))
                continue
            if scene.id in watch.textual:
                try:
                    watch.taken(scene, scene.choices[index], following)
                except _Stop as stop:
                    failures.append(Failure(stop.kind, scene.id, stop.message, stop.location,
                                            path_to(number) + (index + 1,)))
            if (scene.id, index) not in choice_paths:
                choice_paths[(scene.id, index)] = path_to(number) + (index + 1,)
            key = _state_key(following, relevant)
            if key in seen:
                continue
            if len(seen) >= max_states:
                bound_hit = True
                continue
            seen.add(key)
            # The path is rebuilt from parent links, so states need not carry it.
            following = attrs.evolve(following, path=(), turn=0)
            parents.append((number, index + 1))
            queue.append((following, len(parents) - 1))
    return ExhaustiveReport(max_states, len(seen), bound_hit, scene_paths, choice_paths, _merge(failures),
                            frozenset(watch.shown))


