"""One lesson route's pack: what `handout guide|worksheet|enquiry --route N` print. Only the route's
chapters, in large print (11 pt body, 12 pt for the text read aloud, one column), the pronunciation of
the Hungarian names the teacher reads aloud, the enquiry's sources and, for the worksheet, a level:
support (glossed sources, a word bank, sentence starters, more room), core or extension (the
sources' provenance in full and the interpretation question)."""

from __future__ import annotations

from typing import Any

from engine.classroom.enquiry import build_enquiry
from engine.classroom.guide import Route
from engine.classroom.map import svg_map
from engine.classroom.words import pronunciation_guide
from engine.core.errors import UnknownNameError
from engine.core.model import Story

LEVELS = ("support", "core", "extension")

SENTENCE_STARTERS = (
    "I think this source is useful because…",
    "This source was made by … for …, so …",
    "Source … agrees with Source … because both…",
    "Source … disagrees with Source … because…",
    "One reason for this was…",
    "This shows that…",
)


# Words for writing about sources, with their meanings, in every support worksheet's word bank.
HISTORY_WORDS = (
    ("source", "something made at the time, or later, that tells us about the past"),
    ("provenance", "who made a source, when, where and for whom"),
    ("reliable", "can be trusted"), ("biased", "leaning to one side"),
    ("propaganda", "information spread to make people think one way"),
    ("corroborate", "to check one source against another"),
    ("cause", "a reason why something happened"), ("consequence", "a result"),
)


def pick_route(routes: list[Route], number: int) -> Route:
    if not 1 <= number <= len(routes):
        raise UnknownNameError(f"there is no route {number}: the routes are numbered 1 to {len(routes)}")
    return routes[number - 1]


def route_texts(route: Route) -> list[str]:
    texts: list[str] = [route.question]
    for pack in route.all_chapters:
        texts += [pack.chapter.title, pack.chapter.summary]
        for scene in pack.scenes:
            texts += [scene.title, scene.text, scene.where, *(v.text for v in scene.variants)]
            texts += [c.label for c in scene.choices]
        texts += [c.who for c in pack.chapter.cards]
    return texts


def route_context(story: Story, context: dict[str, Any], number: int, level: str = "core") -> dict[str, Any]:
    """The guide's (or worksheet's) context narrowed to route `number`."""
    if level not in LEVELS:
        raise UnknownNameError(f"unknown level {level!r}: choose support, core or extension")
    route = pick_route(context["routes"], number)
    enquiry = build_enquiry(story, route)
    places = [p for pack in route.all_chapters for p in pack.places]
    place_ids = list(dict.fromkeys(p.id for p in places))
    chapters = {p.chapter.id for p in route.all_chapters}
    scenes = [s for pack in route.chapters for s in pack.scenes]
    cited = {k for s in scenes for k in (*s.sources, *(a.source for a in s.contested))}
    cited |= {c.source for p in route.all_chapters for c in p.chapter.cards}
    return {
        "glossary": [e for e in context["glossary"] if e.key in {t.key for p in route.chapters for t in p.terms}],
        "sources": [e for e in context["sources"] if e.key in cited],
        "endings": [s for s in context["endings"] if s.chapter in chapters],
        "route": route,
        "routes": [route],
        "packs": list(route.chapters),
        "told": list(route.told),
        "single": True,
        "level": level,
        "enquiry": enquiry,
        "pronunciation": pronunciation_guide(route_texts(route), [p.hu for p in places]),
        "vote_endings": [v for p in route.chapters for v in p.vote_endings],
        "word_bank": [*HISTORY_WORDS, *sorted({pair for s in enquiry.sources for pair in s.words},
                                              key=lambda pair: pair[0].casefold())],
        "starters": SENTENCE_STARTERS,
        "map_svg": svg_map(story, place_ids or None, map_id="map-route") if story.places else "",
    }


def enquiry_context(story: Story, context: dict[str, Any], number: int, teacher: bool) -> dict[str, Any]:
    found = route_context(story, context, number)
    found["teacher"] = teacher
    return found
