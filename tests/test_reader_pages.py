"""Pages keep their shape (issue #24, U1 and U3): a paragraph break on a page boundary survives,
and a choice list is never split across pages. The pager in process, at every height; the real
terminal (tmux) in tests/test_reader_screens.py."""

from __future__ import annotations

import io

import pytest

from engine.core.render import Block
from engine.play.pager import Pager
from engine.play.terminal import TextOutput

PARAGRAPHS = [f"Paragraph {n} begins here and goes on for a few words more, to wrap at forty columns." for n in range(6)]
MENU = [Block("choice", f"{n}. Choice number {n}", indent=2, tight=n > 1, hang=3) for n in range(1, 5)]


class MarkedPager(Pager):
    def wait_more(self, prompt: str) -> str:
        self.output.write("<<more>>\n")
        return ""


def shown(rows: int) -> str:
    out = io.StringIO()
    pager = MarkedPager(TextOutput(out, colour=False, width=40), height=rows)
    pager.show([Block("text", "\n\n".join(PARAGRAPHS)), *MENU])
    return out.getvalue()


@pytest.mark.parametrize("rows", range(6, 30))
def test_u1_a_paragraph_break_on_a_page_boundary_survives(rows: int) -> None:
    text = shown(rows).replace("<<more>>\n", "")
    for n in range(1, 6):
        assert f"more, to wrap at forty\ncolumns.\n\nParagraph {n}" in text, (rows, text)
    assert "columns.\n\n  1. Choice" in text


@pytest.mark.parametrize("rows", range(6, 30))
def test_u3_a_choice_list_is_never_split_across_pages(rows: int) -> None:
    pages = shown(rows).split("<<more>>\n")
    holding = [page for page in pages if "Choice number" in page]
    assert len(holding) == 1 and holding[0].count("Choice number") == 4, (rows, pages)
    assert all(len(page.splitlines()) <= rows - 1 for page in pages[:-1])
