"""Nothing typed at `-- more --` is lost (issue #24, U2 and teacher §2.2.1): the real prompt-toolkit
reader, typed into as a person types, paced."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.core.game import TEACHER
from engine.play.terminal import PromptConsole
from tests.test_reader_player import play

pytestmark = pytest.mark.slow  # every test here types into the real prompt-toolkit reader, paced


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each `-- more --` leaves a mark in the output."""
    more = PromptConsole.wait_more

    def marking(self: PromptConsole, prompt: str) -> str:
        self.output.write("<<more>>\n")
        return more(self, prompt)

    monkeypatch.setattr(PromptConsole, "wait_more", marking)


def test_u2_a_command_typed_at_more_is_carried_out_at_the_next_prompt(tmp_path: Path, marked: None) -> None:
    out, session = play(["history\r"], tmp_path, rows=8, width=30)
    # the command runs at once: the rest of the page does not stop again
    assert out[:out.index("> history")].count("<<more>>") == 1
    text = " ".join(out.split())
    assert "> history" in out and "You have not made a choice yet." in text
    assert text.index("2. Help a") < text.index("You have not made a choice yet.")


def test_u2_a_number_typed_at_more_is_kept_for_the_menu(tmp_path: Path, marked: None) -> None:
    out, session = play(["2\r"] + [" "] * 6, tmp_path, rows=8, width=30)
    assert out.index("2. Help a") < out.index("> 2")
    assert session.state.path and session.state.path[0].choice == 1  # Help a wounded man


def test_u2_q_at_more_shows_the_rest_of_the_page_at_once(tmp_path: Path, marked: None) -> None:
    out, session = play(["q\r"], tmp_path, rows=8, width=30)
    assert out.count("<<more>>") == 1 and "2. Help a" in out
    assert session.running is False and session.state.scene == "gate"  # q at `-- more --` is not `quit`


def test_u2_a_teachers_undo_at_the_reveals_more_undoes_the_choice(tmp_path: Path) -> None:
    out, session = play(["1\r", "\r", "undo\r"], tmp_path, mode=TEACHER)
    assert "WHAT REALLY HAPPENED" in out and "Undone: Take the rifle" in out
    assert session.state.scene == "gate" and not session.state.path
