"""Exhaustive play-testing: breadth-first over (scene, variables, visit counts), so every path it reports is a shortest one."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from engine.author import graphs, lint
from engine.author.playtest import (
    ChoiceKey,
    Failure,
    TextWatch,
    _merge,
    _move,
    _open_choices,
    _Stop,
    unreached_choices,
    unreached_scenes,
)
from engine.core import expr, machine
from engine.core.errors import Location
from engine.core.model import Effect, GameState, Story

# --- exhaustive search --------------------------------------------------------------------------


@attrs.frozen
class Trap:
    """Scenes a player can enter and never leave for an ending, with a shortest path into them."""

    scenes: tuple[str, ...]  # in file order
    path: tuple[int, ...] | None  # None: no state reached them


@attrs.frozen
class ExhaustiveReport:
    max_states: int
    states: int
    bound_hit: bool
    scenes: Mapping[str, tuple[int, ...]]  # scene id -> a shortest choice path to it
    choices: Mapping[ChoiceKey, tuple[int, ...]]  # a shortest path that ends by taking the choice
    failures: tuple[Failure, ...]
    traps: tuple[Trap, ...] = ()
    texts: frozenset[Location] = frozenset()  # variants and inline arms shown in the states searched

    @property
    def complete(self) -> bool:
        return not self.bound_hit


def exhaustive_problems(story: Story, report: ExhaustiveReport) -> list[str]:
    """What went wrong, counted for the verdict line: failures, traps, what is proven unreachable,
    and a search that stopped at its bound (it proved nothing about the states beyond)."""
    found = []
    for kind, noun in (("error", "error"), ("stuck", "stuck scene"), ("loop", "possible loop")):
        number = sum(1 for f in report.failures if f.kind == kind)
        if number:
            found.append(_count(number, noun))
    if report.traps:
        found.append(_count(len(report.traps), "trap"))
    if report.complete:
        if unreached_scenes(story, report.scenes):
            found.append(_count(len(unreached_scenes(story, report.scenes)), "unreachable scene"))
        if unreached_choices(story, report.choices):
            found.append(_count(len(unreached_choices(story, report.choices)), "unreachable choice"))
    else:
        found.append(f"stopped at the bound of {report.max_states} states")
    return found


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def exhaustive_ok(story: Story, report: ExhaustiveReport) -> bool:
    """No failure, no trap, nothing proven unreachable, and a complete search."""
    return not exhaustive_problems(story, report)


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


Progress = Callable[[int], None]
# What a state may cost at most, all told (its compact form while queued, its key, its parent link
# and its edges); the search lowers its bound so that the states fit in MEMORY_SHARE of the memory
# that is free when it starts.
BYTES_PER_STATE = 1024
MEMORY_SHARE = 0.5


def _free_memory() -> int | None:
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def memory_bound(max_states: int, free: int | None = None) -> int:
    """`max_states`, lowered if that many states would not fit in the share of free memory."""
    free = _free_memory() if free is None else free
    if free is None:
        return max_states
    return max(1, min(max_states, int(free * MEMORY_SHARE) // BYTES_PER_STATE))


def _tracked_scenes(story: Story) -> tuple[str, ...]:
    """The scenes whose visit counts any expression reads: the others never change what happens."""
    scenes: set[str] = set()
    nodes: list[expr.Node] = []
    for scene in story.scenes.values():
        nodes.extend(v.condition.node for v in scene.variants if v.condition is not None)
        for choice in scene.choices:
            if choice.condition is not None:
                nodes.append(choice.condition.node)
            nodes.extend(e.assignment.value for e in choice.effects)
    for node in nodes:
        scenes.update(expr.scenes_in(node))
    return tuple(sorted(scenes))


def _compact(scene_id: str, variables: Mapping[str, Any], visits: Mapping[str, int], names: tuple[str, ...],
             tracked: tuple[str, ...]) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    return (scene_id, tuple([variables[name] for name in names]), tuple([visits.get(s, 0) for s in tracked]))


def exhaustive(story: Story, max_states: int = 200_000, progress: Progress | None = None,
               memory_aware: bool = True) -> ExhaustiveReport:
    """Breadth-first over every distinct (scene, variables, visits) state, up to `max_states` of them
    (fewer when they would not fit in memory: see `memory_bound`).

    States are told apart only by what guards can see (see `_relevant`), which keeps the search
    exact for reachability while making it finish on real stories. A queued state is kept as
    (scene, a tuple of every variable's value, a tuple of the visit counts expressions read, its
    number), not as two dicts. The graph of states it builds
    is searched for traps as lint searches the graph of scenes (engine/author/lint.py, `traps`),
    and every trap lint finds is reported too, so the search never misses what lint sees.
    `progress`, if given, is called with the number of states found every few thousand states.
    """
    if memory_aware:
        max_states = memory_bound(max_states)
    start = machine.new_game(story)
    relevant = _relevant(story)
    names = tuple(story.variables)
    tracked = _tracked_scenes(story)
    key_names = tuple(sorted(relevant[0] & set(names)))
    key_scenes = tuple(sorted(relevant[1]))

    def state_key(scene_id: str, variables: Mapping[str, Any], visits: Mapping[str, int]) -> tuple[Any, ...]:
        # `_state_key` with the names in a fixed order: a tuple of values, not of (name, value) pairs
        return (scene_id, tuple([variables[n] for n in key_names]), tuple([visits.get(s, 0) for s in key_scenes]))

    parents: list[tuple[int, int]] = [(-1, 0)]  # per explored state: (parent's number, choice number taken)
    seen = {state_key(start.scene, start.variables, start.visits): 0}
    queue: deque[tuple[str, tuple[Any, ...], tuple[int, ...], int]] = deque(
        [_compact(start.scene, start.variables, start.visits, names, tracked) + (0,)])
    scene_of: list[str] = []  # per state number: its scene
    edges: list[list[int]] = []  # per state number: the states its open choices lead to
    may_end: list[int] = []  # endings, and states whose future the search did not see (bound, error)
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
        scene_id, values, counts, number = queue.popleft()
        # the state as two plain dicts: moves copy them (_move), and nothing here needs a GameState
        env = (dict(zip(names, values)), {s: c for s, c in zip(tracked, counts) if c})
        scene = story.scenes[scene_id]
        scene_of.append(scene.id)
        onward: list[int] = []
        edges.append(onward)
        if progress is not None and number % 5_000 == 0:
            progress(len(seen))
        if scene.id not in scene_paths:
            scene_paths[scene.id] = path_to(number)
        if scene.ending is not None:
            may_end.append(number)
            try:
                watch.scene(scene, env)
            except _Stop as stop:
                failures.append(Failure(stop.kind, scene.id, stop.message, stop.location, path_to(number)))
            continue
        try:
            open_ = _open_choices(scene, env)
            watch.scene(scene, env, open_)
        except _Stop as stop:
            failures.append(Failure(stop.kind, scene.id, stop.message, stop.location, path_to(number)))
            may_end.append(number)  # reported as stuck; not a trap as well
            continue
        for index in open_:
            try:
                after = _move(scene.choices[index], env)
            except _Stop as stop:
                failures.append(Failure(stop.kind, scene.id, stop.message, stop.location, path_to(number) + (index + 1,)))
                may_end.append(number)
                continue
            if watch.textual(scene):
                try:
                    watch.taken(scene, scene.choices[index], after)
                except _Stop as stop:
                    failures.append(Failure(stop.kind, scene.id, stop.message, stop.location,
                                            path_to(number) + (index + 1,)))
            if (scene.id, index) not in choice_paths:
                choice_paths[(scene.id, index)] = path_to(number) + (index + 1,)
            goto = scene.choices[index].goto
            key = state_key(goto, *after)
            known = seen.get(key)
            if known is not None:
                onward.append(known)
                continue
            if len(seen) >= max_states:
                bound_hit = True
                may_end.append(number)
                continue
            seen[key] = len(parents)
            onward.append(len(parents))
            # The path is rebuilt from parent links, so states need not carry it.
            parents.append((number, index + 1))
            queue.append(_compact(goto, *after, names, tracked) + (len(parents) - 1,))
    traps = _traps(story, scene_of, edges, may_end, path_to, scene_paths)
    return ExhaustiveReport(max_states, len(seen), bound_hit, scene_paths, choice_paths, _merge(failures), traps,
                            frozenset(watch.shown))


def _traps(
    story: Story, scene_of: list[str], edges: list[list[int]], may_end: list[int],
    path_to: Callable[[int], tuple[int, ...]], scene_paths: Mapping[str, tuple[int, ...]],
) -> tuple[Trap, ...]:
    """The traps among the states (no path to an ending), and every trap of the scene graph lint finds."""
    backwards: list[list[int]] = [[] for _ in edges]
    for number, onward in enumerate(edges):
        for other in onward:
            backwards[other].append(number)
    can_end = set(may_end)
    work = list(may_end)
    while work:
        for other in backwards[work.pop()]:
            if other not in can_end:
                can_end.add(other)
                work.append(other)
    order = {scene_id: i for i, scene_id in enumerate(story.scenes)}
    found: dict[tuple[str, ...], tuple[int, ...] | None] = {}
    for group in graphs.traps(range(len(edges)), edges.__getitem__, can_end):
        scenes = tuple(sorted({scene_of[n] for n in group}, key=order.__getitem__))
        found.setdefault(scenes, path_to(min(group)))
    facts = lint.facts_of(story, ())
    for members in lint.scene_traps(lint.build_graph(facts), facts):
        scenes = tuple(s.id for s in members)
        if not any(set(scenes) <= set(known) or set(known) <= set(scenes) for known in found):
            paths = [scene_paths[s] for s in scenes if s in scene_paths]
            found[scenes] = min(paths, key=lambda p: (len(p), p)) if paths else None
    return tuple(Trap(scenes, path) for scenes, path in found.items())
