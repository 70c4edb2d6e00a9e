"""The classroom pack: a teacher's guide and an answer-free student worksheet, from the same figures.

Pure views over a Story: every scene by chapter (including "what if" scenes and endings), warnings where
one vote ends the story, computed reading times and decision counts, three 45-minute lesson routes, the
vocabulary and the map. engine/classroom/templates/ renders them as HTML (printable) or Markdown.
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

LESSON_MINUTES = 45
INTRO_MINUTES = 4     # the premise and the three labels
EXIT_MINUTES = 4      # the exit question
DECISION_MINUTES = 2  # a vote and its reveal
DISCUSSION_MINUTES = 2  # one of the chapter's questions
CARD_MINUTES = 3      # the source task on a chapter's card

# Ready-made routes for the bundled story, by chapter id; a route whose chapters a story lacks is left
# out and consecutive chapters that fit a lesson take its place.
THEMED_ROUTES = (
    ("23 October: from a march to a revolution",
     "How did a peaceful march turn into a revolution in one day?", ("ch02_bem", "ch03_parliament", "ch04_stalin")),
    ("Why did the Soviet Union intervene?",
     "Why did the Soviet leaders change their minds between 30 October and 4 November?", ("ch09_republic", "ch10_neutrality")),
    ("4 November and after",
     "What did the second intervention cost, and how was 1956 remembered?", ("ch12_whirlwind", "ch13_csepel", "epilogue")),
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


def _chapter_minutes(pack: ChapterPack, with_card: bool) -> int:
    minutes = pack.figures.aloud + DECISION_MINUTES * pack.figures.decisions + DISCUSSION_MINUTES
    return minutes + (CARD_MINUTES if with_card and pack.chapter.cards else 0)


def plan_route(number: int, title: str, question: str, packs: Sequence[ChapterPack]) -> Route:
    """A 45-minute plan: introduction, each chapter read aloud with its votes and a question, a source
    task when time allows (else homework), and an exit question. Chapters that do not fit are dropped."""
    packs = list(packs)
    with_cards = True
    while True:
        total = INTRO_MINUTES + EXIT_MINUTES + sum(_chapter_minutes(p, with_cards) for p in packs)
        if total <= LESSON_MINUTES or len(packs) <= 1:
            break
        if with_cards:
            with_cards = False
        else:
            packs.pop()
    slots = [Slot(0, INTRO_MINUTES, "Introduction: who you are in the story, and what HISTORICAL, PLAUSIBLE "
                  "and COUNTERFACTUAL mean. Ask the route's question.")]
    clock = INTRO_MINUTES
    homework = []
    for pack in packs:
        f = pack.figures
        votes = f"{f.decisions} class vote{'s' if f.decisions != 1 else ''} with reveals" if f.decisions else "no vote"
        minutes = _chapter_minutes(pack, with_cards)
        card = " and the source task" if with_cards and pack.chapter.cards else ""
        slots.append(Slot(clock, clock + minutes, f"{pack.chapter.title}: read aloud ({f.aloud} min), {votes}, "
                          f"one discussion question{card}. Start: hungary56 play --teacher --chapter {pack.chapter.id}"))
        clock += minutes
        if pack.chapter.cards and not with_cards:
            homework.append(f"the source task on {pack.chapter.title}")
    slots.append(Slot(clock, clock + EXIT_MINUTES, f"Exit question: {question}"))
    return Route(number, title, question, tuple(packs), tuple(slots), tuple(homework))


def lesson_routes(packs: Sequence[ChapterPack], count: int = 3) -> list[Route]:
    """The themed routes whose chapters the story has, then consecutive chapters that fit one lesson."""
    by_id = {p.chapter.id: p for p in packs}
    routes: list[Route] = []
    for title, question, ids in THEMED_ROUTES:
        if len(routes) < count and all(i in by_id for i in ids):
            routes.append(plan_route(len(routes) + 1, title, question, [by_id[i] for i in ids]))
    used = {p.chapter.id for r in routes for p in r.chapters}
    rest = [p for p in packs if p.chapter.id not in used]
    while len(routes) < count and rest:
        group = [rest.pop(0)]
        while rest and INTRO_MINUTES + EXIT_MINUTES + sum(_chapter_minutes(p, False) for p in [*group, rest[0]]) <= LESSON_MINUTES:
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
                      "discussion": DISCUSSION_MINUTES, "card": CARD_MINUTES, "silent_wpm": reading.SILENT_WPM,
                      "aloud_wpm": reading.ALOUD_WPM, "lesson": LESSON_MINUTES},
    }
