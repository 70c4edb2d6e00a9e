"""Whatever a player types, in a pipe or at the prompt-toolkit terminal, the game does not crash."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.shortcuts import PromptSession

from engine.io.loader import load_story
from engine.io.saves import SaveStore
from engine.play.session import COMMANDS, Session
from engine.play.terminal import PromptConsole, TextOutput
from tests.conftest import REPO as ROOT
from tests.conftest import TINY

STORY = load_story(TINY)

words = st.sampled_from([*COMMANDS, "1", "2", "3", "0", "-1", "99999999999999999999", "save ../x", "save /etc/x",
                         "load ../../x", "save a\x00b", "glossary ÁVH", "glossary", "", " ", "undo", "restart"])
line_text = st.one_of(words, st.text(max_size=40), st.builds(lambda w, t: f"{w} {t}", words, st.text(max_size=20)))


def lines_as_bytes(lines: list[str], raw: list[bytes]) -> bytes:
    body = b"".join(line.replace("\n", " ").replace("\r", " ").encode("utf-8", "surrogatepass") + b"\n"
                    for line in lines)
    return body + b"".join(raw)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line_text, max_size=40),
       st.lists(st.one_of(st.binary(max_size=30), st.just(b"\xff\xfe\n"), st.just(b"\x00\n"),
                          st.just(b"x" * 1_000_000 + b"\n"), st.just(b"\x1b[A\x1b[B\x03\x04\n")), max_size=3))
def test_the_piped_player_survives_any_input(tmp_path: Path, lines: list[str], raw: list[bytes]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "engine", "play", str(TINY), "--saves", str(tmp_path / "saves")],
        input=lines_as_bytes(lines, raw), capture_output=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-3000:]
    assert b"Traceback" not in result.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path.parent / "x").exists()
    saves = tmp_path / "saves"
    if saves.exists():
        slots = saves / "tiny"  # one subfolder per story (reliability review 2026-12-06, NM8)
        assert all(p == slots or p.parent == slots for p in saves.rglob("*"))


keys = st.one_of(
    line_text.map(lambda t: t + "\r"),
    st.sampled_from(["\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\t", "\x7f", "\x08", "\x01", "\x05", "\x0b", "\x15",
                     "\x17", "\x19", "\x1b", "\x1bb", "\x1bf", "\x00", "\x1b[200~paste\x1b[201~", "\r"]),
    st.text(max_size=10),
)


class Stop(Exception):
    pass


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(keys, max_size=40))
def test_the_prompt_toolkit_player_survives_any_keys(tmp_path: Path, typed: list[str]) -> None:
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("".join(typed).replace("\x03", "").replace("\x04", "") + "\rquit\r")
        pipe.close()  # the end of input is Ctrl-D: a quoted (Ctrl-V) Enter must not leave it waiting
        session: PromptSession[str] = PromptSession(input=pipe, output=DummyOutput())
        console = PromptConsole(TextOutput(out, colour=False, width=80), session)
        game = Session(STORY, console, SaveStore(tmp_path / "saves"))
        game.run()  # a crash raises here: the player runs in this process
    assert not game.running


@pytest.mark.parametrize("key", ["\x03", "\x04"], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_and_ctrl_d_leave_the_prompt_toolkit_player(tmp_path: Path, key: str) -> None:
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("1\r" + key)
        console = PromptConsole(TextOutput(out, colour=False, width=80),
                                PromptSession(input=pipe, output=DummyOutput()))
        game = Session(STORY, console, SaveStore(tmp_path / "saves"))
        left = game.run()
        assert not game.running and left.story is STORY  # the keys ended the game by leaving, not by a crash
    assert "Progress saved in slot 'autosave'" in out.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("line, expected", [
    ("\u00b2", "'\u00b2' is not a choice or a command"),
    ("1" * 5000, "There is no such choice here."),
    ("\uff12", "In the street"),
], ids=["superscript-two", "5000-digits", "fullwidth-two"])
def test_number_like_input_is_a_choice_or_a_hint(tmp_path: Path, line: str, expected: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "engine", "play", str(TINY), "--saves", str(tmp_path / "saves")],
        input=(line + "\nquit\n").encode(), capture_output=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr.decode()[-2000:]
    assert expected in result.stdout.decode()
