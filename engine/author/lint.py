"""The story linter: graph-wide checks over a loaded Story, each a small function over one shared walk.

The loader (engine/io/loader.py, engine/core/model.py) already reports what stops a story loading: bad
YAML, unknown keys, wrong types, broken targets, undefined variables and type errors in
expressions. This module adds what needs the whole story at once: reachability, traps,
chronology, unused variables, annotations and references to the glossary and sources.
Pure: it takes a Story and returns Problem values; engine/commands/lint.py prints them.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs

from engine.author import graphs
from engine.classroom import reading
from engine.core import diagnostics, evaluate, expr, template
from engine.core.build import texts
from engine.core.dates import StoryDate
from engine.core.errors import EvaluationError, Location, Problem, RuleError, StoryError
from engine.core.model import Choice, Scene, Story


def error(location: Location, code: str, message: str) -> Problem:
    return diagnostics.problem(location, code, message)


warning = error  # the registry (engine/core/diagnostics.py) gives each code its severity


# --- the shared walk ---------------------------------------------------------------------------


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


def trap_message(members: list[Scene]) -> str:
    names = ", ".join(repr(s.id) for s in members)
    where = f"scenes {names}: they only lead to one another" if len(members) > 1 else \
        f"scene {names}: it only leads to itself"
    return f"no ending can be reached from {where}"


def scene_traps(graph: StoryGraph, story: Story) -> list[list[Scene]]:
    """The traps of the scene graph, each as its scenes in file order."""
    groups = graphs.traps(story.scenes, lambda s: graph.successors.get(s, ()), graph.can_end)
    order = {scene_id: number for number, scene_id in enumerate(story.scenes)}  # file order, as loaded
    found = [[story.scenes[s] for s in sorted(group, key=order.__getitem__)] for group in groups]
    return sorted(found, key=lambda members: members[0].location)


def check_traps(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    """Groups of scenes that lead only among themselves and never to an ending: reported once per
    group; the scenes that merely lead into a trap or a dead end are its consequence, not reported."""
    for members in scene_traps(graph, story):
        yield error(members[0].location, "E302", trap_message(members))


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


@functools.lru_cache(maxsize=4096)  # a story has few distinct dates and times, and many scenes
def point(date: str, time: str = "") -> tuple[int, ...]:
    """(year, month, day, minutes) as far as they are given; a missing part ends the tuple."""
    parsed = StoryDate.parse(date, time) or StoryDate.parse(date)
    if parsed is None:
        return ()
    known = [parsed.year]
    if parsed.month:
        known.append(parsed.month)
        if parsed.day:
            known.append(parsed.day)
            if parsed.minutes >= 0:
                known.append(parsed.minutes)
    return tuple(known)


def story_time(scene: Scene) -> tuple[int, ...]:
    return point(scene.date, scene.time)


def before(sooner: tuple[int, ...], later: tuple[int, ...]) -> bool:
    """True if `sooner` is certainly earlier than `later`, compared as precisely as both allow."""
    common = min(len(sooner), len(later))
    return sooner[:common] < later[:common]


def _carry(own: tuple[int, ...], carried: tuple[int, ...]) -> tuple[int, ...]:
    """What story time it is after a scene: its own time, unless an earlier scene on the path gave
    a more precise one that this scene agrees with (the same day, no time given)."""
    if len(carried) > len(own) and carried[: len(own)] == own:
        return carried
    return own


def _shown(scene: Scene) -> str:
    return f"{scene.date} {scene.time}".strip()


def story_clock(
    graph: StoryGraph, story: Story, times: Mapping[str, tuple[int, ...]],
) -> dict[str, tuple[tuple[int, ...], str]]:
    """For every scene, the latest story time a path can carry out of it, and the scene that gave it.

    Along each path the time is carried through scenes that are less precise (no time) or out of
    story time (flashbacks), so that each dated scene can be compared with the last scene before it
    that gave a time. A fixed point over the graph: the carried times only grow, so it ends.
    """
    clock: dict[str, tuple[tuple[int, ...], str]] = {}
    for scene in story.scenes.values():
        if not scene.flashback:
            clock[scene.id] = (times[scene.id], scene.id)
    work = deque(clock)
    while work:
        source = work.popleft()
        carried = clock.get(source)
        if carried is None:
            continue
        for target_id in graph.successors.get(source, ()):
            target = story.scenes[target_id]
            own = clock.get(target_id)
            if target.flashback:
                new = carried if own is None or own[0] < carried[0] else own
            else:
                mine = times[target_id]
                if before(mine, carried[0]):
                    continue  # reported by check_chronology; the path goes on from this scene's own time
                now = _carry(mine, carried[0])
                new = (now, carried[1] if now != mine else target_id)
                if own is not None and new[0] <= own[0]:
                    continue
            if own != new:
                clock[target_id] = new
                work.append(target_id)
    return clock


def check_chronology(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    """Story time runs forwards along every path: each scene that is not a flashback is compared
    with the last scene before it that gave a time, also through scenes that give none."""
    times = {scene.id: story_time(scene) for scene in story.scenes.values()}
    clock = story_clock(graph, story, times)
    for scene in story.scenes.values():
        carried = clock.get(scene.id)
        if carried is None:
            continue
        for choice in scene.choices:
            target = story.scenes.get(choice.goto)
            if target is None or target.flashback or not before(times[target.id], carried[0]):
                continue
            origin = story.scenes[carried[1]]
            after = "" if origin.id == scene.id else f", earlier than {origin.id!r} ({_shown(origin)}) before it on this path"
            yield error(choice.location, "E350",
                        f"{scene.id!r} goes back in story time to {target.id!r} ({_shown(target)}){after}; "
                        "mark the target 'flashback: true' if that is meant")


def check_chapter_dates(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    """A chapter ends after it begins, and each scene that is not a flashback falls within its chapter."""
    chapters = {c.id: c for c in story.chapters}
    for chapter in story.chapters:
        if chapter.until and before(point(chapter.until), point(chapter.date)):
            del chapters[chapter.id]  # its scenes cannot be within it: that follows from this
            yield error(chapter.location, "E362",
                        f"chapter {chapter.id!r} ends ({chapter.until}) before it begins ({chapter.date})")
    for scene in story.scenes.values():
        own = chapters.get(scene.chapter)
        if own is None or scene.flashback:
            continue
        when = story_time(scene)
        if before(when, point(own.date)):
            yield error(scene.location, "E363",
                        f"scene {scene.id!r} ({scene.date}) is dated before its chapter {own.id!r} begins ({own.date})")
        elif own.until and before(point(own.until), when):
            yield error(scene.location, "E363",
                        f"scene {scene.id!r} ({scene.date}) is dated after its chapter {own.id!r} ends ({own.until})")


def check_chapters(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    used = {scene.chapter for scene in story.scenes.values()}
    for chapter in story.chapters:
        first = story.scenes.get(chapter.first)
        if first is not None and first.chapter != chapter.id:
            yield warning(chapter.location, "W360",
                          f"chapter {chapter.id!r} starts at {first.id!r}, which belongs to chapter {first.chapter!r}")
        if chapter.id not in used:
            yield warning(chapter.location, "W361", f"chapter {chapter.id!r} has no scenes")


def check_reading_times(graph: StoryGraph, story: Story) -> Iterator[Problem]:
    """E364: a typed `reading_minutes` more than 20% off the figure computed from the chapter's words."""
    typed = [chapter for chapter in story.chapters if chapter.reading_minutes]
    if not typed:
        return
    try:
        figures = reading.chapter_figures(story)
    except (EvaluationError, RuleError):  # a story that cannot be walked has other problems to fix first
        return
    for chapter in typed:
        f = figures[chapter.id]
        if reading.typed_figure_off(chapter.reading_minutes, f):
            yield error(chapter.location, "E364",
                        f"chapter {chapter.id!r} gives reading_minutes: {chapter.reading_minutes}, but its {f.words} words "
                        f"take about {f.aloud} minute{'s' if f.aloud != 1 else ''} aloud and {f.silent} silently: "
                        "remove the typed figure (reading times are computed)")


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
    check_chapter_dates,
    check_reading_times,
)


def lint_story(story: Story, checks: Iterable[Check] = CHECKS) -> list[Problem]:
    """The loader's warnings and every check's problems, each once, root causes first (see `in_order`)."""
    graph = build_graph(story)
    found = list(story.warnings)
    for check in checks:
        found.extend(check(graph, story))
    return in_order(found)


def lint(load: Callable[[], Story]) -> list[Problem]:
    """Load a story with `load` and lint it: loading problems alone if it does not load."""
    try:
        story = load()
    except StoryError as exc:
        return in_order(without_cascades(exc.problems))
    return lint_story(story)


# Problems that may only follow from a part of the story that is missing because its file could
# not be read (E001): a link to one of its scenes, a chapter or a name it defines. (An empty file,
# W101, is only a warning: the errors it causes are shown after it, as the story does not load.)
CASCADES = frozenset({"E120", "E121", "E202"})
FILE_CODES = frozenset({"E000", "E001", "W101"})


def without_cascades(problems: Iterable[Problem]) -> list[Problem]:
    """A file that cannot be read hides its scenes, so every link to them would look broken:
    until it is fixed, problems that may follow from it (CASCADES) are not reported."""
    problems = list(problems)
    if any(p.code == "E001" for p in problems):
        return [p for p in problems if p.code not in CASCADES]
    return problems


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once: the files that cannot be read (or are empty) first, as their problems
    explain the rest; then the others in file order."""
    return sorted(dict.fromkeys(problems), key=lambda p: (p.code not in FILE_CODES, *p.sort_key()))


# --- choice ids, for a story with recorded playthroughs (not one of CHECKS: it needs the story folder) ---


def choice_id_note(story: Story, recordings: int) -> Problem | None:
    """N380, a note (neither error nor warning): a story with recorded playthroughs whose choices have
    no `id` keeps them by position, so inserting or reordering choices would change what they replay."""
    if recordings <= 0:
        return None
    missing = [c for scene in story.scenes.values() for c in scene.choices if not c.auto and not c.id]
    if not missing:
        return None
    total = sum(1 for scene in story.scenes.values() for c in scene.choices if not c.auto)
    first = min(missing, key=lambda c: (c.location.path, c.location.line, c.location.column))
    return diagnostics.problem(
        first.location, "N380",
        f"{len(missing)} of {total} choices have no 'id' (this is the first), and the story has {recordings} "
        "recorded playthrough(s): they and saved games keep such choices by position, so inserting or "
        "reordering choices would change what they replay; give each choice an 'id', unique in its scene",
    )
