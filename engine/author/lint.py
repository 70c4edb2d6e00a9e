"""The story linter: graph-wide checks over a loaded Story, each a small function over one shared walk.

The loader (engine/io/loader.py, engine/core/model.py) already reports what stops a story loading: bad
YAML, unknown keys, wrong types, broken targets, undefined variables and type errors in
expressions. This module adds what needs the whole story at once: reachability, traps,
chronology, unused variables, annotations and references to the glossary and sources.
Pure: it takes a Story and returns Problem values; engine/commands/lint.py prints them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs

from engine.core import expr, template
from engine.core.build import texts
from engine.core.errors import EvaluationError, Location, Problem, StoryError
from engine.core.model import Choice, Scene, Story


def error(location: Location, code: str, message: str) -> Problem:
    return Problem(location, message, code, "error")


def warning(location: Location, code: str, message: str) -> Problem:
    return Problem(location, message, code, "warning")


# --- the shared walk ---------------------------------------------------------------------------


def constant(node: expr.Node) -> expr.Value | None:
    """The value of an expression that reads no variable and no visit, or None if it depends on play."""
    if isinstance(node, expr.Literal):
        return node.value
    if isinstance(node, (expr.Name, expr.Call)):
        return None
    try:
        names = list(expr.names_in(node)) + list(expr.scenes_in(node))
        return None if names else expr.evaluate(node, {})
    except (EvaluationError, TypeError):  # a constant with a type error is a load error already
        return None


def never_taken(choice: Choice) -> bool:
    """A choice whose guard is false whatever happens (`if: false`, `if: "1 > 2"`)."""
    return choice.condition is not None and constant(choice.condition.node) is False


@attrs.frozen
class StoryGraph:
    """The scene graph, walked once: edges skip choices that can never be taken."""

    successors: Mapping[str, tuple[str, ...]]
    predecessors: Mapping[str, tuple[str, ...]]
    reachable: frozenset[str]
    can_end: frozenset[str]


def _closure(roots: Iterable[str], edges: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    seen = set(roots)
    queue = deque(seen)
    while queue:
        for other in edges.get(queue.popleft(), ()):
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return frozenset(seen)


def build_graph(story: Story) -> StoryGraph:
    successors: dict[str, tuple[str, ...]] = {}
    predecessors: dict[str, list[str]] = {scene_id: [] for scene_id in story.scenes}
    for scene in story.scenes.values():
        targets = tuple(dict.fromkeys(
            c.goto for c in scene.choices if c.goto in story.scenes and not never_taken(c)
        ))
        successors[scene.id] = targets
        for target in targets:
            predecessors[target].append(scene.id)
    frozen_predecessors = {k: tuple(v) for k, v in predecessors.items()}
    roots = [story.start] if story.start in story.scenes else []
    return StoryGraph(
        successors=successors,
        predecessors=frozen_predecessors,
        reachable=_closure(roots, successors),
        can_end=_closure((s.id for s in story.endings()), frozen_predecessors),
    )


# --- the checks --------------------------------------------------------------------------------

Check = Callable[[StoryGraph, Story], Iterator[Problem]]


def check_unreachable(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    for scene in story.scenes.values():
        if scene.id not in graph.reachable:
            yield warning(scene.location, "W300", f"scene {scene.id!r} cannot be reached from the start ({story.start!r})")


def is_dead_end(scene: Scene) -> bool:
    return not scene.is_ending and bool(scene.choices) and all(never_taken(c) for c in scene.choices)


def check_dead_ends(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    for scene in story.scenes.values():
        if is_dead_end(scene):
            yield error(scene.location, "E301", f"scene {scene.id!r} is a dead end: every choice's guard is always false")
        else:
            for choice in scene.choices:
                if never_taken(choice) and choice.condition is not None:
                    yield warning(choice.condition.location, "W302",
                                  f"choice {choice.index + 1} of {scene.id!r} can never be taken: its guard is always false")


def check_traps(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    """Groups of scenes that lead only among themselves and never to an ending: reported once per
    group; the scenes that merely lead into a trap or a dead end are its consequence, not reported."""
    stuck = [s for s in story.scenes if s not in graph.can_end]
    onward = {s: _closure(graph.successors.get(s, ()), graph.successors) for s in stuck}
    reported: set[str] = set()
    for scene_id in stuck:
        group = onward[scene_id]
        if scene_id in reported or is_dead_end(story.scenes[scene_id]) or scene_id not in group:
            continue
        if any(scene_id not in onward.get(other, frozenset()) for other in group):
            continue  # it leads on into another trap, which is reported there
        reported.update(group)
        members = sorted((story.scenes[s] for s in group), key=lambda s: s.location)
        names = ", ".join(repr(s.id) for s in members)
        where = f"scenes {names}: they only lead to one another" if len(members) > 1 else \
            f"scene {names}: it only leads to itself"
        yield error(members[0].location, "E302", f"no ending can be reached from {where}")


def _reads_and_writes(story: Story) -> tuple[set[str], set[str]]:
    reads: set[str] = set()
    writes: set[str] = set()
    effects = [e for c in story.chapters for e in c.setup]
    for scene in story.scenes.values():
        reads.update(n for v in scene.variants if v.condition for n in expr.names_in(v.condition.node))
        for compiled in texts(scene):  # inline text: {name}, {if ...}
            reads.update(template.names_read(compiled))
        for choice in scene.choices:
            if choice.condition:
                reads.update(expr.names_in(choice.condition.node))
            effects.extend(choice.effects)
    for effect in effects:
        writes.add(effect.assignment.target)
        # `a = b + 1` reads b; `a += 1` does not count as reading a
        reads.update(n for n in expr.names_in(effect.assignment.value))
    return reads, writes


def check_variables(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    reads, writes = _reads_and_writes(story)
    for name, variable in story.variables.items():
        if name in reads:
            continue
        if name in writes:
            yield warning(variable.location, "W311", f"variable {name!r} is set but never read (in a condition or a text)")
        else:
            yield warning(variable.location, "W310", f"variable {name!r} is declared but never used")


def check_idle_effects(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    """W312: a choice whose effects only set variables that nothing reads: the player's decision
    leaves a mark that no condition, variant or inline text ever looks at."""
    reads, _writes = _reads_and_writes(story)
    for scene in story.scenes.values():
        for choice in scene.choices:
            targets = sorted({e.assignment.target for e in choice.effects})
            if targets and not any(t in reads for t in targets):
                names = ", ".join(repr(t) for t in targets)
                yield warning(choice.location, "W312", f"choice {choice.index + 1} of {scene.id!r} only sets {names}, "
                              "which nothing reads: the choice has no consequence")


def _unknown(key: str, known: Mapping[str, object], what: str) -> str:
    return f"unknown {what} {key!r}{expr.suggest(key, known)}"


def check_references(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    """Glossary terms and source keys named by scenes and contested accounts (cards: the loader)."""
    for scene in story.scenes.values():
        term_locs = scene.term_locations or (scene.location,) * len(scene.terms)
        for term, loc in zip(scene.terms, term_locs):
            if term not in story.glossary:
                yield error(loc, "E320", _unknown(term, story.glossary, "glossary term"))
        source_locs = scene.source_locations or (scene.location,) * len(scene.sources)
        for key, loc in zip(scene.sources, source_locs):
            if key not in story.sources:
                yield error(loc, "E321", _unknown(key, story.sources, "source"))
        for account in scene.contested:
            if account.source and account.source not in story.sources:
                yield error(account.source_location or account.location, "E321",
                            _unknown(account.source, story.sources, "source"))


def check_annotations(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    for scene in story.scenes.values():
        for choice in scene.choices:
            if choice.auto:
                continue
            if not choice.kind:
                yield error(choice.location, "E330",
                            f"choice {choice.index + 1} of {scene.id!r} has no 'kind' (historical, plausible or counterfactual)")
            if not choice.history:
                yield warning(choice.location, "W331", f"choice {choice.index + 1} of {scene.id!r} has no 'history' note")


def check_notes(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    for scene in story.scenes.values():
        if not scene.note.strip():
            yield warning(scene.location, "W340", f"scene {scene.id!r} has no historical 'note'")
        if not scene.sources:
            yield warning(scene.location, "W341", f"scene {scene.id!r} cites no 'sources'")


def story_time(scene: Scene) -> tuple[str, ...]:
    """(year, month, day, time) as far as the scene gives them; a missing part ends the tuple."""
    key = scene.when  # engine.core.model.date_key: "YYYY-MM-DD HH:MM", with 00 for what is missing
    if not key:
        return ()
    year, month, day = key[:10].split("-")
    parts = (year, month, day, scene.time)
    known = []
    for part in parts:
        if not part or part == "00":
            break
        known.append(part)
    return tuple(known)


def earlier(later: Scene, sooner: Scene) -> bool:
    """True if `sooner` is certainly earlier in story time than `later`, compared as precisely as both allow."""
    a, b = story_time(later), story_time(sooner)
    common = min(len(a), len(b))
    return b[:common] < a[:common]


def check_chronology(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    for scene in story.scenes.values():
        for choice in scene.choices:
            target = story.scenes.get(choice.goto)
            if target is None or target.flashback or not earlier(scene, target):
                continue
            when = f"{target.date} {target.time}".strip()
            yield error(choice.location, "E350",
                        f"{scene.id!r} goes back in story time to {target.id!r} ({when}); "
                        "mark the target 'flashback: true' if that is meant")


def check_chapters(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    used = {scene.chapter for scene in story.scenes.values()}
    for chapter in story.chapters:
        first = story.scenes.get(chapter.first)
        if first is not None and first.chapter != chapter.id:
            yield warning(chapter.location, "W360",
                          f"chapter {chapter.id!r} starts at {first.id!r}, which belongs to chapter {first.chapter!r}")
        if chapter.id not in used:
            yield warning(chapter.location, "W361", f"chapter {chapter.id!r} has no scenes")


CHECKS: tuple[Check, ...] = (
    check_unreachable,
    check_dead_ends,
    check_traps,
    check_variables,
    check_idle_effects,
    check_references,
    check_annotations,
    check_notes,
    check_chronology,
    check_chapters,
)


def lint_story(story: Story, checks: Iterable[Check] = CHECKS) -> list[Problem]:
    """The loader's warnings and every check's problems, each once, in file order."""
    graph = build_graph(story)
    found = list(story.warnings)
    for check in checks:
        found.extend(check(graph, story))
    return sorted(dict.fromkeys(found), key=Problem.sort_key)


def lint(load: Callable[[], Story]) -> list[Problem]:
    """Load a story with `load` and lint it: loading errors alone if it does not load."""
    try:
        story = load()
    except StoryError as exc:
        return without_cascades(exc.problems)
    return lint_story(story)


def without_cascades(problems: Iterable[Problem]) -> list[Problem]:
    """A file that cannot be read hides its scenes, so every link to them would look broken:
    until it is fixed, links to unknown scenes (E120) are not reported."""
    problems = list(problems)
    if any(p.code == "E001" for p in problems):
        return [p for p in problems if p.code != "E120"]
    return problems
