"""Facts carry over from the reference article: every figure the story states must stand in it.

The article lives outside the repository, in ../shared/reference/ (as on the developers' machines
and in CI); elsewhere this test is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from engine.loader import bundled_story_dir, load_story
from tests.conftest import REPO

ARTICLE = REPO.parent / "shared" / "reference" / "hungarian-revolution-1956.txt"
NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")


def story_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of prose the player or the teacher reads."""
    story = load_story(bundled_story_dir())
    for scene in story.scenes.values():
        where = str(scene.location)
        yield where, scene.title
        yield where, scene.text
        yield where, scene.note
        yield from ((where, v.text) for v in scene.variants)
        yield from ((where, a.account) for a in scene.contested)
        for choice in scene.choices:
            yield str(choice.location), choice.label
            yield str(choice.location), choice.history
        if scene.ending:
            yield where, scene.ending.epilogue
    for chapter in story.chapters:
        yield str(chapter.location), chapter.summary
        yield from ((str(chapter.location), q) for q in chapter.questions)
        yield from ((str(card.location), card.quote) for card in chapter.cards)
    for entry in story.glossary.values():
        yield str(entry.location), entry.text


@pytest.mark.skipif(not ARTICLE.is_file(), reason="the reference article is not beside the repository")
def test_every_figure_in_the_story_is_in_the_reference():
    article = ARTICLE.read_text(encoding="utf-8")
    known = {n.replace(",", "") for n in NUMBER.findall(article)}
    strays = [
        f"{where}: {number}"
        for where, text in story_texts()
        for number in NUMBER.findall(text)
        if number.replace(",", "") not in known
    ]
    assert strays == [], "figures the reference does not give:\n" + "\n".join(strays)
