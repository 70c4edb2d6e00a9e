"""The interactive player: the real PromptSession fed through a pipe, and a real pty via pexpect."""

from __future__ import annotations

import io
import json
import sys

import pexpect
import pytest

from engine.io.loader import load_story
from engine.io.saves import SaveStore
from engine.play.session import Session
from engine.play.terminal import PromptConsole, TextOutput
from tests.conftest import TINY, cli_env
from tests.terminal_support import typed_session

pytestmark = pytest.mark.slow  # every test here types into the real prompt-toolkit reader, paced


def run_session(keys: str | list[str], tmp_path) -> tuple[str, SaveStore]:
    """Play with keystrokes; a list is typed in chunks, as a person pausing (completion runs async)."""
    story = load_story(TINY)
    store = SaveStore(tmp_path)
    out = io.StringIO()
    chunks = [keys] if isinstance(keys, str) else list(keys)
    if not chunks[-1].endswith(("\x03", "\x04")):
        chunks.append("\x04")  # Ctrl-D: the end of input, or the pipe would wait for more
    with typed_session(chunks, pause=0.3) as prompt:
        console = PromptConsole(TextOutput(out, colour=False, width=80), prompt)
        session = Session(story, console, store)
        session.run()
        assert not session.running  # the typed keys ended the game (Ctrl-D or quit), not an exception
    return out.getvalue(), store


def test_choices_by_number_and_enter(tmp_path):
    # 1, then Space past the reveal's screen, Enter at "Press Enter", Space past the chapter card,
    # 1 at the square, Space past its reveal, and Enter at the ending for the debrief.
    out, store = run_session(["1\r", " ", "\r", " ", "1\r", " ", "\r"], tmp_path)
    assert "You chose: Take the rifle" in out
    assert "PLAUSIBLE - some real people did this" in out
    assert "CHAPTER TWO" in out
    assert "THE END: Fallen" in out
    ending = out[out.index("THE END: Fallen"):]
    assert ending.index("Press Enter for your debrief") < ending.index("Debrief: your path beside history")
    assert store.load(load_story(TINY), "autosave").scene == "end_fallen"


def test_tab_completes_commands(tmp_path):
    out, _ = run_session(["hist\t", "\r", "timel\t", "\r"], tmp_path)
    assert "You have not made a choice yet." in out
    assert ">> 23 October 1956: Chapter one" in out


def test_ctrl_c_leaves_with_progress_autosaved(tmp_path):
    out, store = run_session("2\r\x03", tmp_path)
    assert "Progress saved in slot 'autosave'" in out
    assert store.load(load_story(TINY), "autosave").scene == "street"


def test_ctrl_d_leaves_cleanly(tmp_path):
    out, _ = run_session("\x04", tmp_path)
    assert out.rstrip().endswith("Goodbye.")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_real_terminal_session_in_a_pty(tmp_path):
    child = pexpect.spawn(sys.executable, ["-m", "engine", "play", str(TINY), "--saves", str(tmp_path)],
                          env=cli_env(), encoding="utf-8", timeout=20, dimensions=(40, 100))
    child.expect("Take the rifle")
    child.expect(">")
    child.send("1\r")
    child.expect("PLAUSIBLE")
    child.expect("-- more --")
    child.send(" ")
    child.expect("Press Enter to continue")
    child.expect(">")
    child.sendcontrol("c")
    child.expect("Progress saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    saved = json.loads((tmp_path / "tiny" / "autosave.json").read_text(encoding="utf-8"))
    assert saved["state"]["scene"] == "street"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_colour_in_a_terminal_and_no_color(tmp_path):
    env = cli_env()
    env.pop("NO_COLOR")
    child = pexpect.spawn(sys.executable, ["-m", "engine", "play", str(TINY), "--saves", str(tmp_path)],
                          env=env, encoding="utf-8", timeout=20)
    child.expect("Take the rifle")
    assert "\x1b[" in child.before
    child.expect(">")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    plain = pexpect.spawn(sys.executable, ["-m", "engine", "play", str(TINY), "--saves", str(tmp_path), "--no-color"],
                          env=env, encoding="utf-8", timeout=20)
    plain.expect("Take the rifle")
    assert "\x1b[1m" not in plain.before and "\x1b[3" not in plain.before
    plain.expect(">")
    plain.sendcontrol("d")
    plain.expect(pexpect.EOF)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty and SIGKILL")
def test_sigkill_loses_at_most_the_choice_being_made(tmp_path):
    """Kill the player outright after each of several choices: --continue always resumes there."""
    import signal

    for made in (1, 2):
        child = pexpect.spawn(sys.executable, ["-m", "engine", "play", str(TINY), "--saves", str(tmp_path)],
                              env=cli_env(), encoding="utf-8", timeout=20)
        if made == 2:  # the autosave of the first round: the start screen offers it, we start anew
            child.expect("Continue: In the street")
            child.expect("Start >")
            child.send("2\r")
        child.expect("Take the rifle")
        child.expect(">")
        child.send("1\r")
        child.expect("-- more --")
        child.send(" ")
        if made == 2:
            child.expect("Press Enter to continue")
            child.expect(">")
            child.send("\r")
            child.expect("-- more --")  # the card of chapter two
            child.send(" ")
            child.expect("Stand your ground")
        else:
            child.expect("Press Enter to continue")
        child.expect(">")
        child.kill(signal.SIGKILL)
        child.close()
        resumed = pexpect.spawn(sys.executable, ["-m", "engine", "play", str(TINY), "--saves", str(tmp_path),
                                                 "--continue"], env=cli_env(), encoding="utf-8", timeout=20)
        resumed.expect("In the street" if made == 1 else "The square")
        resumed.expect(">")
        resumed.sendcontrol("d")
        resumed.expect(pexpect.EOF)
