"""Plain output for screen readers and pipes (issue #24, U14): `--plain` and TERM=dumb echo
"You chose: ...", and print no rule of dashes and no `|` separators."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from engine.core.game import TEACHER
from engine.io.loader import bundled_story_dir, load_story
from engine.io.saves import SaveStore
from engine.play.session import Session
from engine.play.terminal import LineConsole, PlainConsole, TextOutput
from tests.conftest import TINY


def played(kind: str, lines: str, tmp_path: Path, story_dir: Path = TINY, **kwargs: object) -> str:
    out = io.StringIO()
    output = TextOutput(out, colour=False, width=80)
    console = PlainConsole(output, io.StringIO(lines)) if kind == "plain" else LineConsole(output, io.StringIO(lines), 200)
    Session(load_story(story_dir), console, SaveStore(tmp_path / "saves"), **kwargs).run()  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.parametrize("kind", ["plain", "dumb"])
def test_u14_plain_output_echoes_the_choice_and_has_no_rules_or_bars(kind: str, tmp_path: Path) -> None:
    out = played(kind, "1\n\n\n", tmp_path)
    assert "You chose: Take the rifle" in out
    assert not re.search(r"---", out) and "|" not in out, out
    assert "Chapter one; Tuesday 23 October 1956, 21:00; Radio Budapest" in " ".join(out.split())


def test_u14_the_bundled_story_in_plain_teacher_mode_has_no_bars(tmp_path: Path) -> None:
    out = played("plain", "1\n\n\n", tmp_path, bundled_story_dir(), mode=TEACHER)
    assert "|" not in out and "-----" not in out
