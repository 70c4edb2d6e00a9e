"""The classroom handouts rendered through the Jinja2 templates in engine/classroom/templates/: the
walkthrough (the historical path), the teacher's guide and the answer-free student worksheet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import attrs
import jinja2
from markupsafe import Markup
from markupsafe import escape as html_escape

from engine.classroom.map import svg_map
from engine.core import debrief as classroom
from engine.core import reading, render, template
from engine.core.model import Chapter, Story
from engine.core.transcript import escape

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
    env.filters["code"] = code_span
    env.filters["both"] = template.outline_source  # inline text with every branch: [if armed: ... | otherwise: ...]
    env.filters["flow"] = lambda text: " ".join(str(text).split())
    env.filters["paragraphs"] = lambda text: [" ".join(p.split()) for p in str(text).split("\n\n") if p.strip()]
    env.filters["slug"] = slug
    env.filters["cssident"] = slug
    env.filters["cssstring"] = css_string
    env.filters["hu"] = hungarian if fmt == "html" else (lambda text: escape(str(text)))
    env.filters["linked"] = linked if fmt == "html" else (lambda text, _terms=(): escape(str(text)))
    return env


# Words with letters English does not use are Hungarian names and terms: a screen reader should read
# them with Hungarian rules (lang="hu").
_HUNGARIAN_WORD = re.compile(r"[^\W\d_]*[áéíóöőúüűÁÉÍÓÖŐÚÜŰ][^\W\d_]*(?:[ -](?=[^\W\d_]*[áéíóöőúüűÁÉÍÓÖŐÚÜŰ])[^\W\d_]+)*")


def hungarian(text: object) -> Markup:
    """Escaped text with each run of Hungarian words in <span lang="hu">."""
    escaped = str(html_escape(str(text)))
    return Markup(_HUNGARIAN_WORD.sub(lambda m: f'<span lang="hu">{m.group(0)}</span>', escaped))


def linked(text: object, terms: Iterable[str] = ()) -> Markup:
    """`hungarian(text)`, with the first use of each glossary term linked to the vocabulary."""
    text = str(text)
    keys = sorted({t for t in terms if t}, key=len, reverse=True)
    if not keys:
        return hungarian(text)
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(k)}(?!\w)" for k in keys), re.IGNORECASE)
    out: list[str] = []
    done: set[str] = set()
    last = 0
    for match in pattern.finditer(text):
        key = next((k for k in keys if k.casefold() == match.group(0).casefold()), match.group(0))
        if key in done:
            continue
        done.add(key)
        out.append(hungarian(text[last:match.start()]))
        out.append(f'<a href="#term-{slug(key)}">{hungarian(match.group(0))}</a>')
        last = match.end()
    out.append(hungarian(text[last:]))
    return Markup("".join(out))


def code_span(text: object) -> str:
    """A Markdown code span that holds `text` literally, whatever it holds (L3): the fence is one
    backtick longer than the longest run inside, so no run can close it early and let the rest be read
    as Markdown or HTML (`<img onerror>`); a space pads text that starts or ends with a backtick
    (CommonMark strips one from each side), and line breaks become spaces."""
    flat = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def slug(text: object) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _sort_key(str(text))).strip("-") or "x"


def css_string(text: object) -> Markup:
    """A CSS string literal (for a running title) that no text can break out of."""
    safe = "".join(c if c.isalnum() or c in " ,.:;!?()-" else f"\\{ord(c):x} " for c in str(text))
    return Markup(f'"{safe}"')


def _sort_key(text: str) -> str:
    """Alphabetical as a reader expects it: ÁVH among the A's, not after Z."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def context(story: Story) -> dict[str, Any]:
    walk = classroom.historical_path(story)
    figures = reading.chapter_figures(story, walk)
    parts = [ChapterPart(c, render.chapter_dates(c), tuple(walk.steps_in(c))) for c in story.chapters]
    return {
        "story": story,
        "walk": walk,
        "parts": parts,
        "total_minutes": reading.total(figures.values())[2],
        "figures": figures,
        "map_svg": svg_map(story, map_id="map-city") if story.places else "",
        "tags": render.KIND_TAGS,
        "glossary": sorted(story.glossary.values(), key=lambda e: _sort_key(e.key)),
        "sources": sorted(story.sources.values(), key=lambda e: _sort_key(e.key)),
        "endings": sorted(story.endings(), key=lambda s: (s.when, s.id)),
    }


def printed_environment(story: Story, fmt: str) -> jinja2.Environment:
    """The environment of the printed classroom pages: conditions and inline branches in plain words
    (engine/core/why.py's), never a raw expression or an `[if …]` block."""
    from engine.classroom import words

    env = _environment(fmt)
    env.filters["both"] = lambda text: words.plain_outline(story, str(text))
    env.filters["reason"] = lambda condition: words.condition_words(story, condition)
    return env


def render_guide(story: Story, fmt: str, map_file: str = "", route: int | None = None) -> str:
    """The teacher's guide as Markdown ("md") or one printable HTML page ("html"); the Markdown links
    to `map_file` (an SVG written beside it) when there is one. With `route`, only that lesson route:
    its chapters, in large print (engine/classroom/lesson.py)."""
    from engine.classroom.guide import guide_context
    from engine.classroom.lesson import route_context

    context = guide_context(story, maps=fmt == "html")
    if route is not None:
        context.update(route_context(story, context, route))
    context["tags"] = render.KIND_TAGS
    context["map_file"] = map_file
    return printed_environment(story, fmt).get_template(f"guide.{fmt}.j2").render(context)


def render_worksheet(story: Story, fmt: str, route: int | None = None, level: str = "core") -> str:
    """The student worksheet, answer-free: no labels, no reveals, no notes, no definitions. With
    `route`, one lesson's worksheet at a `level` (support, core or extension)."""
    from engine.classroom.guide import guide_context
    from engine.classroom.lesson import route_context

    context = guide_context(story, maps=fmt == "html")
    if route is not None:
        context.update(route_context(story, context, route, level=level))
    return printed_environment(story, fmt).get_template(f"worksheet.{fmt}.j2").render(context)


def render_walkthrough(story: Story, fmt: str) -> str:
    """The walkthrough of `story` as Markdown ("md") or one self-contained HTML page ("html")."""
    return _environment(fmt).get_template(f"walkthrough.{fmt}.j2").render(context(story))


def render_enquiry(story: Story, fmt: str, route: int, teacher: bool = False) -> str:
    """A route's document-based enquiry (engine/classroom/enquiry.py); `teacher` adds the mark scheme
    and the model answers, which the students' copy never holds."""
    from engine.classroom.guide import guide_context
    from engine.classroom.lesson import enquiry_context

    context = guide_context(story, maps=False)
    context.update(enquiry_context(story, context, route, teacher))
    return printed_environment(story, fmt).get_template(f"enquiry.{fmt}.j2").render(context)


def render_record(transcript: str, fmt: str) -> str:
    """A class record from a teacher-mode transcript: one page of HTML or Markdown, or CSV."""
    from engine.classroom.record import csv_text, parse

    record = parse(transcript)
    if fmt == "csv":
        return csv_text(record)
    return _environment(fmt).get_template(f"record.{fmt}.j2").render(record=record)
