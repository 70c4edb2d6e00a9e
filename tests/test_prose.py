"""Issue 23: the prose tics the player review of 2026-12-06 counted (§3, §7): no six-word phrase in more
than three reveals and notes, and the "as if" / "the rest of your life" reflexes kept rare."""

from __future__ import annotations

import re
from collections import defaultdict

from tests.story_paths import STORY

_TAG = re.compile(r"\{[^{}]*\}")


def _words(text: str) -> list[str]:
    return [w.strip(".,") for w in re.findall(r"[\w’'.,-]+", _TAG.sub(" ", text).lower())]


def test_no_six_word_phrase_in_more_than_three_reveals_and_notes() -> None:
    where: dict[str, set[str]] = defaultdict(set)
    for scene in STORY.scenes.values():
        texts = [(f"{scene.id}: note", scene.note)]
        texts += [(f"{scene.id}.{c.id or c.index}", c.history) for c in scene.choices if c.history]
        for name, text in texts:
            words = _words(text)
            for i in range(len(words) - 5):
                where[" ".join(words[i:i + 6])].add(name)
    shared = {phrase: sorted(names) for phrase, names in where.items() if len(names) > 3}
    assert shared == {}


def _prose() -> str:
    parts = []
    for scene in STORY.scenes.values():
        parts += [scene.text, *(v.text for v in scene.variants), *(c.outcome for c in scene.choices)]
        if scene.ending is not None:
            parts.append(scene.ending.epilogue)
    return "\n".join(parts)


def test_as_if_and_the_rest_of_your_life_are_rare() -> None:
    prose = _prose()
    assert len(re.findall(r"\bas (?:if|though)\b", prose, flags=re.I)) <= 20  # the review counted 53
    assert len(re.findall(r"rest of your life", prose, flags=re.I)) <= 3  # the review counted 7
    for stock in ("cut the strings", "as if they were loaves of bread", "as if it were a timetable", "more eloquent than any banner"):
        assert stock not in prose
