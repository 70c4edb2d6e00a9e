"""Story time along the paths of a story: the linter's chronology checks (E350, E362, E363)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from engine.core import diagnostics
from engine.core.dates import point
from engine.core.errors import Problem

if TYPE_CHECKING:
    from engine.author.facts import SceneFacts, StoryFacts
    from engine.author.graphs import StoryGraph

error = diagnostics.problem


_PRECISE = 4  # (year, month, day, minutes): a time given to the minute


def before(sooner: tuple[int, ...], later: tuple[int, ...]) -> bool:
    """True if `sooner` is certainly earlier than `later`, compared as precisely as both allow."""
    # written for speed: a lint of 10,000 scenes asks tens of thousands of times
    mine, theirs = len(sooner), len(later)
    if mine == theirs:
        return sooner < later
    return sooner < later[:mine] if mine < theirs else sooner[:theirs] < later


def _carry(own: tuple[int, ...], carried: tuple[int, ...]) -> tuple[int, ...]:
    """What story time it is after a scene: its own time, unless an earlier scene on the path gave
    a more precise one that this scene agrees with (the same day, no time given)."""
    if len(carried) > len(own) and carried[: len(own)] == own:
        return carried
    return own


def _shown(scene: SceneFacts) -> str:
    return f"{scene.date} {scene.time}".strip()


def story_clock(
    graph: StoryGraph, facts: StoryFacts, times: Mapping[str, tuple[int, ...]],
) -> dict[str, tuple[tuple[int, ...], str]]:
    """For every scene, the latest story time a path can carry out of it, and the scene that gave it.

    Along each path the time is carried through scenes that are less precise (no time) or out of
    story time (flashbacks), so that each dated scene can be compared with the last scene before it
    that gave a time. A fixed point over the graph: the carried times only grow, so it ends.
    """
    clock: dict[str, tuple[tuple[int, ...], str]] = {}
    for scene in facts.scenes.values():
        if not scene.flashback:
            clock[scene.id] = (times[scene.id], scene.id)
    # A scene that gives its time to the minute keeps it whatever comes before (no path can carry
    # a more precise one): its clock never changes, so the walk does not look at it again.
    settled = {scene_id for scene_id, when in times.items() if len(when) == _PRECISE and scene_id in clock}
    work = deque(clock)
    successors = graph.successors
    while work:
        source = work.popleft()
        carried = clock.get(source)
        if carried is None:
            continue
        for target_id in successors.get(source, ()):
            if target_id in settled:
                continue
            target = facts.scenes[target_id]
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


def check_chronology(graph: StoryGraph, facts: StoryFacts) -> Iterator[Problem]:
    """Story time runs forwards along every path: each scene that is not a flashback is compared
    with the last scene before it that gave a time, also through scenes that give none."""
    scenes = facts.scenes
    times = {scene.id: scene.when for scene in scenes.values()}
    clock = story_clock(graph, facts, times)
    for scene in scenes.values():
        carried = clock.get(scene.id)
        if carried is None:
            continue
        latest = carried[0]
        for choice in scene.choices:
            target = scenes.get(choice.goto)
            if target is None or target.flashback:
                continue
            when = target.when
            if not (when < latest if len(when) == len(latest) else before(when, latest)):  # before(), inlined
                continue
            origin = facts.scenes[carried[1]]
            after = "" if origin.id == scene.id else f", earlier than {origin.id!r} ({_shown(origin)}) before it on this path"
            yield error(scene.where(choice), "E350",
                        f"{scene.id!r} goes back in story time to {target.id!r} ({_shown(target)}){after}: if a date "
                        f"is wrong, correct the date of {target.id!r} ({target.date_location}) or of {origin.id!r} "
                        f"({origin.date_location}); if the jump back is meant, mark the target 'flashback: true'")


def check_chapter_dates(graph: StoryGraph, facts: StoryFacts) -> Iterator[Problem]:
    """A chapter ends after it begins, and each scene that is not a flashback falls within its chapter."""
    chapters = {c.id: c for c in facts.story.chapters}
    for chapter in facts.story.chapters:
        if chapter.until and before(point(chapter.until), point(chapter.date)):
            del chapters[chapter.id]  # its scenes cannot be within it: that follows from this
            yield error(chapter.location, "E362",
                        f"chapter {chapter.id!r} ends ({chapter.until}) before it begins ({chapter.date})")
    bounds = {c.id: (c, point(c.date), point(c.until) if c.until else None) for c in chapters.values()}
    for scene in facts.scenes.values():
        found = bounds.get(scene.chapter)
        if found is None or scene.flashback:
            continue
        own, begins, ends = found
        when = scene.when
        if before(when, begins):
            yield error(scene.date_location, "E363",
                        f"scene {scene.id!r} ({scene.date}) is dated before its chapter {own.id!r} begins ({own.date})")
        elif ends is not None and before(ends, when):
            yield error(scene.date_location, "E363",
                        f"scene {scene.id!r} ({scene.date}) is dated after its chapter {own.id!r} ends ({own.until})")
