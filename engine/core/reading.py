"""Reading times, computed from the words a class meets: never typed in by hand.

A chapter's words are what is projected along the historical path inside it: each scene's text (with
the variants that show on that path), the labels of the choices offered, what really happened after
the choice taken, and the chapter's source cards. Silent reading is 200 words a minute, reading aloud
150. Pure: no printing, no files.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import attrs

from engine.core.debrief import PathStep, Walkthrough, historical_path
from engine.core.model import Chapter, Scene, Story

SILENT_WPM = 200
ALOUD_WPM = 150
TYPED_TOLERANCE = 0.2  # lint fails when a typed `reading_minutes` is more than 20% off the computed figure

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def count_words(*texts: str) -> int:
    return sum(len(_WORD.findall(text)) for text in texts)


def minutes(words: int, per_minute: int) -> int:
    """Whole minutes, rounded half up, at least 1 for any text at all."""
    if words <= 0:
        return 0
    return max(1, math.floor(words / per_minute + 0.5))


@attrs.frozen
class ChapterFigures:
    """What a teacher plans a lesson with: words, reading minutes and decisions along the historical path."""

    chapter: Chapter
    words: int
    decisions: int
    scenes: int

    @property
    def silent(self) -> int:
        return minutes(self.words, SILENT_WPM)

    @property
    def aloud(self) -> int:
        return minutes(self.words, ALOUD_WPM)

    @property
    def aloud_exact(self) -> float:
        return self.words / ALOUD_WPM


def step_words(step: PathStep) -> int:
    texts = list(step.text)
    if step.taken is not None and not step.taken.auto:
        texts += [step.taken.label, step.taken.history]
        texts += [o.choice.label for o in step.others]
    if step.scene.ending is not None:
        texts += [step.scene.ending.title, step.scene.ending.epilogue]
    return count_words(*texts)


def scene_words(scene: Scene) -> int:
    """All of a scene's own words, whichever path leads to it (for scenes off the historical path)."""
    texts = [scene.text, *(v.text for v in scene.variants)]
    texts += [c.label for c in scene.choices if not c.auto]
    texts += [c.history for c in scene.choices if c.kind == "historical"][:1]
    if scene.ending is not None:
        texts += [scene.ending.title, scene.ending.epilogue]
    return count_words(*texts)


def chapter_figures(story: Story, walk: Walkthrough | None = None) -> dict[str, ChapterFigures]:
    """Each chapter's figures, by chapter id. A chapter the historical path skips is counted from its
    own scenes (its first choice each time), so every chapter has a figure."""
    walk = walk or historical_path(story)
    result: dict[str, ChapterFigures] = {}
    for chapter in story.chapters:
        steps = walk.steps_in(chapter)
        cards = count_words(*(c.quote for c in chapter.cards))
        if steps:
            words = sum(step_words(s) for s in steps) + cards
            decisions = sum(1 for s in steps if s.taken is not None and not s.taken.auto)
            result[chapter.id] = ChapterFigures(chapter, words, decisions, len(steps))
        else:
            scenes = [s for s in story.scenes.values() if s.chapter == chapter.id]
            words = sum(scene_words(s) for s in scenes) + cards
            decisions = sum(1 for s in scenes if any(not c.auto for c in s.choices))
            result[chapter.id] = ChapterFigures(chapter, words, decisions, len(scenes))
    return result


def typed_figure_off(typed: int, figures: ChapterFigures) -> bool:
    """True when a typed `reading_minutes` is more than 20% off the computed aloud figure (and, since
    typed figures are whole minutes, more than a minute off)."""
    exact = figures.aloud_exact
    return abs(typed - exact) > max(TYPED_TOLERANCE * exact, 1.0)


def total(figures: Iterable[ChapterFigures]) -> tuple[int, int, int]:
    """Total words, silent minutes and aloud minutes."""
    words = sum(f.words for f in figures)
    return words, minutes(words, SILENT_WPM), minutes(words, ALOUD_WPM)


def opening_line(story: Story, chapter: Chapter) -> str:
    """The reading time at a chapter's opening (the teacher's projector screen), computed from its words."""
    f = chapter_figures(story)[chapter.id]
    decisions = f"{f.decisions} decision" + ("" if f.decisions == 1 else "s")
    return f"Reading time: about {f.aloud} min aloud, {f.silent} silent ({f.words} words; {decisions})"


def chapter_listing(story: Story) -> str:
    """One line a chapter: id, title, computed reading minutes (aloud and silent) and decisions."""
    figures = chapter_figures(story)
    width = max((len(c.id) for c in story.chapters), default=0)
    lines = []
    for chapter in story.chapters:
        f = figures[chapter.id]
        decisions = f"{f.decisions} decision" + ("" if f.decisions == 1 else "s")
        lines.append(f"  {chapter.id:<{width}}  {chapter.title} ({f.aloud} min aloud, {f.silent} silent; {decisions})")
    return "\n".join(lines)
