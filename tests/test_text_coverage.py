"""`hungary56 test` reports the text variants and inline branches that no playthrough showed."""

from __future__ import annotations

import shutil
from pathlib import Path

from engine.author import playtest, reports, search
from tests.conftest import TINY, run_cli
from tests.story_helpers import edited, edited_tiny

EDITS = {
    "scenes/one.yaml": [("    text: The night goes on.",
                         "    text: >\n      The night goes on{if courage > 5}, and you feel invincible{end}."),
                        ("      - if: armed\n", "      - if: \"courage > 9\"\n        text: Never.\n      - if: armed\n")],
}


def test_random_and_exhaustive_runs_list_text_never_shown() -> None:
    story = edited_tiny(EDITS)
    random = playtest.random_runs(story, runs=50, seed=1)
    missed = [(str(u.location), u.what) for u in reports.unshown_texts(story, random.texts)]
    assert missed == [("scenes/one.yaml:32:24", "{if courage > 5} in the text"),
                      ("scenes/one.yaml:34:9", "variant 1 (if courage > 9)")]
    text = reports.format_random(story, random)
    assert "Text shown:     1/3 variants and inline branches (33.3%)" in text
    assert "  scenes/one.yaml:34:9: variant 1 (if courage > 9) of 'street'" in text
    exhaustive = search.exhaustive(story)
    assert reports.unshown_texts(story, exhaustive.texts) == reports.unshown_texts(story, random.texts)
    assert "Text not shown in the states searched" in reports.format_exhaustive(story, exhaustive)


def test_a_story_whose_texts_are_all_shown_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    shutil.copytree(TINY, folder)
    result = run_cli("test", str(folder), "--runs", "20")
    assert "Text shown:     1/1 variants and inline branches (100.0%)" in result.stdout
    assert "no playthrough showed" not in result.stdout


def test_the_cli_lists_unshown_text_with_its_location(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    shutil.copytree(TINY, folder)
    for path, text in edited(EDITS).items():
        (folder / path).write_text(text, encoding="utf-8")
    result = run_cli("test", str(folder), "--runs", "20")
    assert result.returncode == 0
    assert "Text no playthrough showed:\n" in result.stdout
    assert "scenes/one.yaml:32:24: {if courage > 5} in the text of 'street'\n" in result.stdout
