"""The teacher's handout: the whole story rendered through the Jinja2 templates in engine/classroom/templates/."""

from __future__ import annotations

import unicodedata
from typing import Any

import attrs
import jinja2

from engine.classroom import debrief as classroom
from engine.core import template
from engine.core.model import Chapter, Story
from engine.play import render
from engine.play.transcript import escape

FORMATS = ("md", "html")


@attrs.frozen
class ChapterPart:
    chapter: Chapter
    dates: str
    steps: tuple[classroom.PathStep, ...]


def _environment(fmt: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("engine.classroom", "templates"),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["when"] = render.format_when
    env.filters["day"] = render.date_words
    env.filters["md"] = escape
    env.filters["both"] = template.outline_source  # inline text with every branch: [if armed: ... | otherwise: ...]
    env.filters["flow"] = lambda text: " ".join(str(text).split())
    env.filters["paragraphs"] = lambda text: [" ".join(p.split()) for p in str(text).split("\n\n") if p.strip()]
    return env


def _sort_key(text: str) -> str:
    """Alphabetical as a reader expects it: ÁVH among the A's, not after Z."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def context(story: Story) -> dict[str, Any]:
    walk = classroom.historical_path(story)
    parts = [ChapterPart(c, render.chapter_dates(c), tuple(walk.steps_in(c))) for c in story.chapters]
    return {
        "story": story,
        "walk": walk,
        "parts": parts,
        "total_minutes": sum(c.reading_minutes for c in story.chapters),
        "tags": render.KIND_TAGS,
        "glossary": sorted(story.glossary.values(), key=lambda e: _sort_key(e.key)),
        "sources": sorted(story.sources.values(), key=lambda e: _sort_key(e.key)),
        "endings": sorted(story.endings(), key=lambda s: (s.when, s.id)),
    }


def render_walkthrough(story: Story, fmt: str) -> str:
    """The walkthrough of `story` as Markdown ("md") or one self-contained HTML page ("html")."""
    return _environment(fmt).get_template(f"walkthrough.{fmt}.j2").render(context(story))
