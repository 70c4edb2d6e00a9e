"""`hungary56 test` reports the text variants and inline branches that no playthrough showed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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


@pytest.mark.slow
def test_a_story_whose_texts_are_all_shown_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    shutil.copytree(TINY, folder)
    result = run_cli("test", str(folder), "--runs", "20")
    assert "Text shown:     1/1 variants and inline branches (100.0%)" in result.stdout
    assert "no playthrough showed" not in result.stdout


@pytest.mark.slow
def test_the_cli_lists_unshown_text_with_its_location(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    shutil.copytree(TINY, folder)
    for path, text in edited(EDITS).items():
        (folder / path).write_text(text, encoding="utf-8")
    result = run_cli("test", str(folder), "--runs", "20")
    assert result.returncode == 0
    assert "Text no playthrough showed:\n" in result.stdout
    assert "scenes/one.yaml:32:24: {if courage > 5} in the text of 'street'\n" in result.stdout


def test_a_variable_read_only_by_inline_text_counts_as_read() -> None:
    from engine.author import lint

    story = edited_tiny({
        "story/story.yaml": [("  armed: {type: bool, initial: false, description: Carrying a rifle.}",
                              "  armed: {type: bool, initial: false, description: Carrying a rifle.}\n"
                              "  anger: {type: int, initial: 0, description: Shown in the text.}")],
        "scenes/one.yaml": [("        do: [\"armed = true\", \"courage += 2\"]",
                             "        do: [\"armed = true\", \"courage += 2\", \"anger += 1\"]"),
                            ("    text: The night goes on.", "    text: \"The night goes on. Anger: {anger}.\"")],
    })
    codes = [p.code for p in lint.lint_story(story)]
    assert "W311" not in codes and "W312" not in codes


def test_a_choice_that_only_sets_unread_variables_is_reported() -> None:
    from engine.author import lint

    story = edited_tiny({
        "story/story.yaml": [("  armed: {type: bool, initial: false, description: Carrying a rifle.}",
                              "  armed: {type: bool, initial: false, description: Carrying a rifle.}\n"
                              "  anger: {type: int, initial: 0, description: Never read.}")],
        "scenes/one.yaml": [("        goto: street\n        kind: historical",
                             "        goto: street\n        do: [\"anger += 1\"]\n        kind: historical")],
    })
    found = [(p.code, str(p.location), p.message) for p in lint.lint_story(story) if p.code == "W312"]
    assert found == [("W312", "scenes/one.yaml:21:9",
                      "choice 2 of 'gate' only sets 'anger', which nothing reads: the choice has no consequence")]
