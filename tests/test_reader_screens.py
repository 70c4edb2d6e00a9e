"""The reader's screens in a real terminal (tmux) at 80x24 and 100x30 (issue #24): a first run
welcomes, a paragraph break on a page boundary survives (U1), a menu is never split (U3), a
teacher's content warning stands alone, a teacher's `undo` at the reveal's `-- more --` undoes,
and TERM=dumb prints no rule lines (U14)."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from engine.core import present
from engine.core.events import SceneShown
from engine.core.game import start
from engine.io.loader import bundled_story_dir, load_story
from engine.play.pager import keep_menu, layout, split_paragraphs
from tests.conftest import STORIES, TINY
from tests.test_reader_tmux import MORE, PROMPT

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")]
SIZES = [(80, 24), (100, 30)]


@pytest.mark.parametrize("size", SIZES)
def test_u11_a_first_run_shows_the_title_the_content_note_and_help(terminal, tmp_path: Path,
                                                                   size: tuple[int, int]) -> None:
    story = load_story(bundled_story_dir())
    term = terminal(*size)
    term.start("play", "--saves", str(tmp_path / "saves"), cwd=tmp_path)
    screen = term.wait_for(f"{MORE}|{PROMPT}")
    assert story.title in screen and "Content note:" in screen and "'help'" in screen


def story_with(tmp_path: Path, paragraphs: list[str]) -> Path:
    folder = tmp_path / "story"
    shutil.copytree(TINY, folder)
    scenes = folder / "scenes" / "one.yaml"
    text = scenes.read_text(encoding="utf-8")
    old = "      The crowd presses against the gate. Someone hands you a rifle.\n\n      Smoke drifts over the street.\n"
    assert old in text
    scenes.write_text(text.replace(old, "".join(f"      {p}\n\n" for p in paragraphs).rstrip("\n") + "\n"),
                      encoding="utf-8")
    return folder


def first_page_cut(folder: Path, columns: int, rows: int) -> tuple[list[str], int, bool]:
    """The first scene's lines at this size, where its first page would end, and whether that falls in the menu."""
    story = load_story(folder)
    now = start(story, paged=True)
    shown = next(e for e in now.events if isinstance(e, SceneShown))
    blocks = split_paragraphs(list(present.screens(now.game, shown)[0].blocks))
    lines = layout(blocks, min(columns - 1, 100))
    cut = rows - 1
    return [line.text for line in lines], cut, keep_menu(blocks, lines, cut) != cut


def find_story(tmp_path: Path, columns: int, rows: int, menu: bool) -> Path:
    """A story whose first page, at this size, ends between two paragraphs (or inside the menu)."""
    for count in range(rows // 2 - 4, rows):
        for long_first in (False, True):
            first = ("A first paragraph long enough to wrap onto a second line " * 4)[:columns + columns // 2] \
                if long_first else "A short first paragraph."
            paragraphs = [first.strip()] + [f"Paragraph {n} of the scene." for n in range(2, count)]
            folder = story_with(tmp_path / f"{count}-{long_first}", paragraphs)
            lines, cut, in_menu = first_page_cut(folder, columns, rows)
            if cut < len(lines) and (in_menu if menu else lines[cut] == "" and lines[cut - 1].startswith("Paragraph")):
                return folder
    raise AssertionError("no story puts the page boundary there")


@pytest.mark.parametrize("size", SIZES)
def test_u1_a_paragraph_break_on_a_page_boundary_survives(terminal, tmp_path: Path, size: tuple[int, int]) -> None:
    folder = find_story(tmp_path, *size, menu=False)
    term = terminal(*size)
    term.start("play", str(folder), "--chapter", "one", "--saves", str(tmp_path / "saves"), cwd=tmp_path)
    term.wait_for(MORE)
    term.keys("Space")
    term.wait_for(PROMPT)
    history = term.tmux("capture-pane", "-p", "-S", "-", "-t", "0").splitlines()
    numbered = [i for i, line in enumerate(history) if line.startswith("Paragraph")]
    assert len(numbered) > 3
    for a, b in zip(numbered, numbered[1:]):
        assert b == a + 2 and history[a + 1] == "", history[a - 1:b + 1]


@pytest.mark.parametrize("size", SIZES)
def test_u3_a_choice_list_is_never_split_across_pages(terminal, tmp_path: Path, size: tuple[int, int]) -> None:
    folder = find_story(tmp_path, *size, menu=True)
    term = terminal(*size)
    term.start("play", str(folder), "--chapter", "one", "--saves", str(tmp_path / "saves"), cwd=tmp_path)
    screen = term.wait_for(MORE)
    assert "1. Take the rifle" not in screen
    term.keys("Space")
    screen = term.wait_for(PROMPT)
    assert "1. Take the rifle" in screen and "2. Help a wounded man" in screen


def test_a_teachers_content_warning_stands_alone_on_its_screen(terminal, tmp_path: Path) -> None:
    term = terminal(100, 30)
    term.start("play", str(STORIES / "classroom"), "--teacher", "--chapter", "radio", "--saves",
               str(tmp_path / "saves"), cwd=tmp_path)
    term.wait_for("AT THE RADIO|chapter id: radio")
    term.keys("Enter")
    screen = term.wait_for("-- content warning --")
    time.sleep(0.3)
    screen = term.screen()
    assert "Content warning: Gunfire." in screen and "The crowd presses" not in screen
    assert "chapter id" not in screen  # a cleared screen: the chapter card is gone
    term.keys("Enter")
    screen = term.wait_for("Class choice >")
    assert "The crowd presses" in screen


@pytest.mark.parametrize("size", SIZES)
def test_a_teachers_undo_at_the_reveals_more_undoes_the_choice(terminal, tmp_path: Path,
                                                                 size: tuple[int, int]) -> None:
    term = terminal(*size)
    term.start("play", str(STORIES / "classroom"), "--teacher", "--chapter", "points", "--saves",
               str(tmp_path / "saves"), cwd=tmp_path)
    term.wait_for("chapter id: points")
    term.keys("Enter")
    term.wait_for("Class choice >")
    term.keys("1", "Enter")
    term.wait_for("Press Enter to reveal")
    term.keys("Enter")
    term.wait_for(r"-- more -- \(Enter for the next scene\)")
    term.keys("undo", "Enter")
    term.wait_for("Undone: Stay and vote for the points")
    term.wait_for("Class choice >")
    assert "The meeting in the hall" in term.screen()


def test_u14_term_dumb_prints_no_rule_lines(terminal, tmp_path: Path) -> None:
    term = terminal(80, 24)
    term.env["TERM"] = "dumb"
    term.start("play", str(TINY), "--chapter", "one", "--saves", str(tmp_path / "saves"), cwd=tmp_path)
    screen = term.wait_for(r"^>\s*$")
    assert "At the gate" in screen
    assert not re.search(r"-{5,}", screen) and "|" not in screen, screen
    term.keys("1", "Enter")
    term.wait_for("You chose: Take the rifle")
