"""The classroom pack: a teacher's guide and an answer-free student worksheet, from the same figures.

Pure views over a Story: every scene by chapter (including "what if" scenes and endings), warnings where
one vote ends the story, computed reading times and decision counts, three lesson routes of 45 to 50
minutes, the vocabulary and the map. engine/classroom/templates/ renders them as HTML (printable) or Markdown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import attrs

from engine.classroom.map import chapter_places, numbered, svg_map
from engine.core import reading
from engine.core.debrief import Walkthrough, historical_path
from engine.core.model import Chapter, Choice, Entry, Place, Scene, Story

LESSON_MINUTES = 50   # a lesson is 45 to 50 minutes; every route fits 50
INTRO_MINUTES = 3     # the premise, the three labels and the route's question
EXIT_MINUTES = 2      # the exit question
DECISION_MINUTES = 3  # a class vote: arguing, counting hands, `vote`, and reading the reveal aloud
WRITING_MINUTES = 8   # the writing task on the enquiry's sources
TOLD_LIMIT = 3        # chapters a route may summarise aloud before it plays

# Ready-made routes for the bundled story: (title, question, chapters summarised aloud first, chapters
# played). The played chapters follow one another in the story, so the class plays them in one run.
THEMED_ROUTES = (
    ("23 October: from a march to a revolution",
     "How did a peaceful march turn into a revolution in one day?",
     ("ch02_bem", "ch03_parliament"), ("ch04_stalin", "ch05_radio")),
    ("Why did the Soviet Union intervene?",
     "Why did the Soviet leaders change their minds between 30 October and 4 November?",
     (), ("ch09_republic", "ch10_neutrality")),
    ("4 November and after",
     "What did the second intervention cost, and how was 1956 remembered?",
     ("ch12_whirlwind",), ("ch13_csepel", "epilogue")),
)


def sort_key(text: str) -> str:
    """Alphabetical as a reader expects it: ÁVH among the A's, not after Z."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", sort_key(text)).strip("-") or "x"


@attrs.frozen
class VoteEnding:
    """A choice after which the story ends with no further decision: a class vote can stop the lesson here."""

    scene: Scene
    choice: Choice
    ending: Scene


@attrs.frozen
class ChapterPack:
    chapter: Chapter
    dates: str
    figures: reading.ChapterFigures
    scenes: tuple[Scene, ...]
    on_path: frozenset[str]
    vote_endings: tuple[VoteEnding, ...]
    places: tuple[Place, ...]
    terms: tuple[Entry, ...]
    map_svg: str
    decision_scenes: tuple[Scene, ...]  # the decisions on the historical path, for the worksheet

    @property
    def warnings(self) -> tuple[Scene, ...]:
        return tuple(s for s in self.scenes if s.warning)


@attrs.frozen
class Slot:
    start: int
    end: int
    activity: str


@attrs.frozen
class Route:
    number: int
    title: str
    question: str
    chapters: tuple[ChapterPack, ...]
    slots: tuple[Slot, ...]
    homework: tuple[str, ...]
    told: tuple[ChapterPack, ...] = ()  # summarised aloud by the teacher before the class plays

    @property
    def all_chapters(self) -> tuple[ChapterPack, ...]:
        return self.told + self.chapters

    @property
    def start_command(self) -> str:
        return f"hungary56 play --teacher --chapter {self.chapters[0].chapter.id}" if self.chapters else ""

    @property
    def minutes(self) -> int:
        return self.slots[-1].end if self.slots else 0


def ending_after(story: Story, choice: Choice) -> Scene | None:
    """The ending a choice leads to when no decision comes between (only `next` steps), else None."""
    seen: set[str] = set()
    target = story.scenes.get(choice.goto)
    while target is not None and target.id not in seen:
        if target.ending is not None:
            return target
        seen.add(target.id)
        if len(target.choices) == 1 and target.choices[0].auto:
            target = story.scenes.get(target.choices[0].goto)
        else:
            return None
    return None


def vote_endings(story: Story, scenes: Iterable[Scene]) -> tuple[VoteEnding, ...]:
    found = []
    for scene in scenes:
        for choice in scene.choices:
            if choice.auto:
                continue
            ending = ending_after(story, choice)
            if ending is not None:
                found.append(VoteEnding(scene, choice, ending))
    return tuple(found)


def _chapter_terms(story: Story, scenes: Sequence[Scene]) -> tuple[Entry, ...]:
    keys = dict.fromkeys(t for s in scenes for t in s.terms if t in story.glossary)
    return tuple(story.glossary[k] for k in keys)


def chapter_packs(story: Story, walk: Walkthrough | None = None, maps: bool = True) -> list[ChapterPack]:
    from engine.core.render import chapter_dates

    walk = walk or historical_path(story)
    figures = reading.chapter_figures(story, walk)
    on_path = frozenset(s.scene.id for s in walk.steps)
    packs = []
    last = story.chapters[-1].id if story.chapters else ""
    for chapter in story.chapters:
        scenes = tuple(s for s in story.scenes.values() if s.chapter == chapter.id)
        place_ids = chapter_places(story, chapter.id)
        decisions = tuple(s.scene for s in walk.steps_in(chapter) if s.taken is not None and not s.taken.auto)
        svg = ""
        if maps and place_ids:
            svg = svg_map(story, place_ids, title=f"Where {chapter.title} happens", width=200, legend=False,
                          map_id=f"map-{slug(chapter.id)}")
        packs.append(ChapterPack(
            chapter=chapter, dates=chapter_dates(chapter), figures=figures[chapter.id], scenes=scenes,
            # in the last chapter every choice ends the story, as it should: no warning there
            on_path=on_path, vote_endings=vote_endings(story, scenes) if chapter.id != last else (),
            places=tuple(story.places[p] for p in place_ids), terms=_chapter_terms(story, scenes),
            map_svg=svg, decision_scenes=decisions,
        ))
    return packs


def _chapter_minutes(pack: ChapterPack) -> int:
    return pack.figures.aloud + DECISION_MINUTES * pack.figures.decisions


def told_minutes(packs: Sequence[ChapterPack]) -> int:
    words = sum(reading.count_words(p.chapter.summary) for p in packs)
    return reading.minutes(words, reading.ALOUD_WPM)


def route_minutes(told: Sequence[ChapterPack], played: Sequence[ChapterPack]) -> int:
    return (INTRO_MINUTES + told_minutes(told) + sum(_chapter_minutes(p) for p in played)
            + WRITING_MINUTES + EXIT_MINUTES)


def _contested_scenes(pack: ChapterPack) -> list[Scene]:
    return [s for s in pack.scenes if s.id in pack.on_path and s.contested]


def plan_route(number: int, title: str, question: str, packs: Sequence[ChapterPack],
               told: Sequence[ChapterPack] = ()) -> Route:
    """A plan for a 45-50 minute lesson: the introduction (with the summaries of the chapters before,
    read aloud), the played chapters in one run of the program, each with its votes at 3 minutes a
    vote, the writing task on the enquiry's sources and an exit question. Played chapters that do not
    fit are dropped from the end; nothing becomes homework."""
    packs, told = list(packs), list(told)
    while route_minutes(told, packs) > LESSON_MINUTES and len(packs) > 1:
        packs.pop()
    slots = [Slot(0, INTRO_MINUTES, "Introduction: who you are in the story, and what HISTORICAL, PLAUSIBLE "
                  f"and COUNTERFACTUAL mean. Ask the route's question: {question}")]
    clock = INTRO_MINUTES
    if told:
        minutes = told_minutes(told)
        names = ", ".join(f"“{p.chapter.title}”" for p in told)
        slots.append(Slot(clock, clock + minutes, f"Read aloud the summaries of {names} (printed in this guide): "
                          "what happened before the class takes over."))
        clock += minutes
    for i, pack in enumerate(packs):
        f = pack.figures
        votes = (f"{f.decisions} class vote{'s' if f.decisions != 1 else ''} at {DECISION_MINUTES} minutes each"
                 if f.decisions else "no vote")
        minutes = _chapter_minutes(pack)
        how = (f"Start the program once, before the class arrives: {pack_start(pack)}." if i == 0 else
               "Keep going: press Enter at the end-of-chapter screen and the next chapter starts with the class's "
               "choices kept (do not restart the program).")
        notes = "".join(f" At “{s.title}”, type notes to show the {len(s.contested)} contested explanations."
                        for s in _contested_scenes(pack))
        slots.append(Slot(clock, clock + minutes, f"{pack.chapter.title}: read aloud ({f.aloud} min), {votes}. "
                          f"{how}{notes}"))
        clock += minutes
    slots.append(Slot(clock, clock + WRITING_MINUTES, "Writing task: the enquiry's sources "
                      "(hungary56 handout enquiry, or the worksheet's source task)."))
    clock += WRITING_MINUTES
    slots.append(Slot(clock, clock + EXIT_MINUTES, f"Exit question: {question}"))
    return Route(number, title, question, tuple(packs), tuple(slots), (), tuple(told))


def pack_start(pack: ChapterPack) -> str:
    return f"hungary56 play --teacher --chapter {pack.chapter.id}"


def lesson_routes(packs: Sequence[ChapterPack], count: int = 3) -> list[Route]:
    """The themed routes whose chapters the story has, then consecutive chapters that fit one lesson."""
    by_id = {p.chapter.id: p for p in packs}
    routes: list[Route] = []
    for title, question, told_ids, ids in THEMED_ROUTES:
        if len(routes) < count and all(i in by_id for i in (*told_ids, *ids)):
            routes.append(plan_route(len(routes) + 1, title, question, [by_id[i] for i in ids],
                                     [by_id[i] for i in told_ids]))
    used = {p.chapter.id for r in routes for p in r.chapters}
    rest = [p for p in packs if p.chapter.id not in used]
    while len(routes) < count and rest:
        group = [rest.pop(0)]
        while rest and route_minutes((), [*group, rest[0]]) <= LESSON_MINUTES:
            group.append(rest.pop(0))
        title = group[0].chapter.title if len(group) == 1 else f"{group[0].chapter.title} to {group[-1].chapter.title}"
        question = (group[0].chapter.questions or ("What would you have done, and why?",))[0]
        routes.append(plan_route(len(routes) + 1, title, question, group))
    return routes


def guide_context(story: Story, maps: bool = True) -> dict[str, object]:
    walk = historical_path(story)
    packs = chapter_packs(story, walk, maps)
    words, silent, aloud = reading.total(p.figures for p in packs)
    return {
        "story": story,
        "walk": walk,
        "packs": packs,
        "routes": lesson_routes(packs),
        "total_words": words,
        "total_silent": silent,
        "total_aloud": aloud,
        "total_decisions": sum(p.figures.decisions for p in packs),
        "vote_endings": [v for p in packs for v in p.vote_endings],
        "glossary": sorted(story.glossary.values(), key=lambda e: sort_key(e.key)),
        "sources": sorted(story.sources.values(), key=lambda e: sort_key(e.key)),
        "endings": sorted(story.endings(), key=lambda s: (s.when, s.id)),
        "places": list(story.places.values()),
        "place_numbers": numbered(story),
        "map_svg": svg_map(story, map_id="map-city") if maps else "",
        "constants": {"intro": INTRO_MINUTES, "exit": EXIT_MINUTES, "decision": DECISION_MINUTES,
                      "writing": WRITING_MINUTES, "silent_wpm": reading.SILENT_WPM,
                      "aloud_wpm": reading.ALOUD_WPM, "lesson": LESSON_MINUTES},
    }
