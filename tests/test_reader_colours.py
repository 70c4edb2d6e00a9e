"""Colours on any background (issue #24, U9): the terminal's background is asked of the terminal
(COLORFGBG when set, else OSC 11), else the reader is asked once; titles never near-white."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.play.background import from_colorfgbg, from_reply
from engine.play.settings import THEME_STYLES, contrast, style_codes, xterm_rgb
from tests.conftest import TINY, cli_env


@pytest.mark.parametrize("value, theme", [("15;0", "dark"), ("0;15", "light"), ("0;default;15", "light"),
                                          ("7;8", "dark"), ("0;7", "light"), ("", None), ("x;y", None)])
def test_u9_colorfgbg_says_which_background(value: str, theme: str | None) -> None:
    assert from_colorfgbg(value) == theme


@pytest.mark.parametrize("reply, theme", [
    ("\x1b]11;rgb:ffff/ffff/ffff\x1b\\", "light"), ("\x1b]11;rgb:0000/0000/0000\x07", "dark"),
    ("\x1b]11;rgb:1e1e/1e1e/1e1e\x07\x1b[?62;c", "dark"), ("\x1b]11;rgb:f0/f0/f0\x07", "light"),
    ("\x1b[?1;2c", None), ("", None)])
def test_u9_the_terminals_answer_says_which_background(reply: str, theme: str | None) -> None:
    assert from_reply(reply) == theme


def test_u9_titles_are_never_near_white_in_any_theme() -> None:
    for theme, styles in THEME_STYLES.items():
        for style in ("heading", "chapter"):
            index, bold = styles[style]
            assert bold
            if index >= 0:
                assert contrast(xterm_rgb(index), (255, 255, 255)) >= 4.5 or theme == "dark" and index < 0
            else:
                assert "38;5" not in style_codes(theme)[style]  # the terminal's own foreground


def spawn(tmp_path: Path, **env: str) -> Any:
    import pexpect

    environment = cli_env(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), TERM="xterm-256color", **env)
    environment.pop("NO_COLOR")
    environment.pop("COLORFGBG", None)  # a terminal that does not say: the query, then the question
    return pexpect.spawn(sys.executable, ["-m", "engine", "play", str(TINY), "--saves", str(tmp_path / "saves")],
                         env=environment, encoding="utf-8", timeout=20, dimensions=(40, 100))


LIGHT_HINT, DARK_HINT = "\x1b[38;5;240m", "\x1b[38;5;248m"  # the welcome's last line, in each theme


@pytest.mark.slow
def test_u9_a_light_terminal_that_answers_the_query_gets_the_light_theme(tmp_path: Path) -> None:
    import pexpect

    child = spawn(tmp_path)
    child.expect_exact("\x1b]11;?")
    child.send("\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c")
    child.expect_exact(LIGHT_HINT)
    child.expect("Take the rifle")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)


@pytest.mark.slow
def test_u9_a_terminal_that_cannot_tell_asks_once_and_keeps_the_answer(tmp_path: Path) -> None:
    import pexpect

    child = spawn(tmp_path)
    child.expect("dark or light")
    child.send("l\r")
    child.expect_exact(LIGHT_HINT)
    child.expect("Take the rifle")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    settings = json.loads((tmp_path / "config" / "hungary56" / "settings.json").read_text(encoding="utf-8"))
    assert settings["theme"] == "light"
    again = spawn(tmp_path)
    assert again.expect(["dark or light", "Take the rifle"]) == 1  # asked once only
    again.sendcontrol("c")
    again.expect(pexpect.EOF)


def test_u9_colorfgbg_is_read_before_the_terminal_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The variable costs nothing; the query costs a round trip, or a fifth of a second where nothing
    answers (bench/run.py's pty start)."""
    from engine.play import background

    asked: list[float] = []

    def query(timeout: float = 0.2) -> str:
        asked.append(timeout)
        return ""

    monkeypatch.setattr(background, "query_terminal", query)
    monkeypatch.setenv("COLORFGBG", "0;15")
    assert background.detect() == "light" and asked == []
    monkeypatch.delenv("COLORFGBG")
    assert background.detect() is None and asked == [0.2]
