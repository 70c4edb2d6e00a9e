"""The reader in a real terminal (tmux): every word of the first scene reaches the screen at
80x24, 60x20 and 160x45; the teacher's reveal stays on the projector at 100x30; and a second
start, from another folder, offers Continue and restores the scene."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from engine.core import machine
from engine.io.loader import bundled_story_dir, load_story
from tests.conftest import REPO, TINY

pytestmark = [pytest.mark.slow,  # every test here drives tmux
              pytest.mark.skipif(shutil.which("tmux") is None or sys.platform == "win32", reason="needs tmux")]


class Tmux:
    """One tmux server of its own, running the game in a window of a given size."""

    def __init__(self, tmp: Path, columns: int, rows: int) -> None:
        self.socket = f"h56-{uuid.uuid4().hex[:10]}"
        self.columns, self.rows = columns, rows
        self.home = tmp / "home"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.home / "data"),
            "XDG_CONFIG_HOME": str(self.home / "config"),
            "HUNGARY56_CACHE_DIR": os.environ.get("HUNGARY56_CACHE_DIR", str(tmp / "cache")),
            "PYTHONPATH": str(REPO),
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
            "COLORFGBG": "15;0",  # a dark terminal that says so (a detached tmux answers no OSC 11 query)
        }

    def tmux(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        return result.stdout

    def start(self, *args: str, cwd: Path) -> None:
        exports = " ".join(f"{k}={_quote(v)}" for k, v in self.env.items())
        command = f"cd {_quote(str(cwd))} && env -i {exports} {_quote(sys.executable)} -m engine " + \
            " ".join(_quote(a) for a in args) + "; sleep 30"
        subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-x", str(self.columns),
                        "-y", str(self.rows), "bash", "-c", command], check=True, timeout=30)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "0")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "0", *keys)

    def wait_for(self, pattern: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if re.search(pattern, screen, flags=re.M):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} never appeared; the screen:\n{screen}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"



MORE = r"^-- more --"
PROMPT = r"^\s*(>|Class choice >|Start >)\s*$"


def screens_until_menu(term: Tmux, limit: int = 40) -> list[str]:
    """Every screen shown until the first prompt, turning each `-- more --` page with Space."""
    screens = []
    for _ in range(limit):
        screen = term.wait_for(f"{MORE}|{PROMPT}")
        screens.append(screen)
        if re.search(PROMPT, screen, flags=re.M) and not re.search(MORE, screen, flags=re.M):
            return screens
        term.keys("Space")
        deadline = time.monotonic() + 10
        while term.screen() == screen and time.monotonic() < deadline:
            time.sleep(0.05)
    raise AssertionError("no menu after 40 screens")


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (160, 45)])
def test_every_word_of_the_first_scene_reaches_the_screen(terminal, tmp_path: Path, size: tuple[int, int]) -> None:
    columns, rows = size
    story = load_story(bundled_story_dir())
    state = machine.new_game(story)
    scene = machine.current_scene(story, state)
    term = terminal(columns, rows)
    term.start("play", "--saves", str(tmp_path / "saves"), cwd=tmp_path)
    screens = screens_until_menu(term)
    assert all(len(s.splitlines()) <= rows for s in screens)
    # A first game's welcome (the story's title, 'help') opens the first screen; the scene's header
    # (its title) follows it.
    assert story.title in screens[0] and "'help'" in screens[0], screens[0]
    assert scene.title in "".join(screens[:2]), screens[:2]
    seen = " ".join(" ".join(s.split()) for s in screens)
    words = {w.strip(".,;:!?\"'()\u201c\u201d\u201e\u2019") for t in machine.visible_text(story, state) for w in t.split()}
    missing = sorted(w for w in words if w and w not in seen)
    assert not missing, f"never on screen at {columns}x{rows}: {missing[:20]}"
    assert "1. " in screens[-1]  # the menu


def test_the_reveal_stays_on_the_projector_in_teacher_mode(terminal, tmp_path: Path) -> None:
    term = terminal(100, 30)
    term.start("play", "--teacher", "--chapter", "ch02_bem", "--saves", str(tmp_path / "saves"), cwd=tmp_path)
    screens_until_menu(term)
    term.keys("1", "Enter")
    term.wait_for("The class chose: 1.")
    term.keys("Enter")
    screen = term.wait_for("WHAT REALLY HAPPENED")
    time.sleep(0.5)  # nothing else is printed under it until the teacher moves on
    screen = term.screen()
    assert "WHAT REALLY HAPPENED" in screen and "-- more --" in screen
    assert "The class chose:" in screen


def test_a_second_start_from_another_folder_offers_continue_and_restores_the_scene(terminal, tmp_path: Path) -> None:
    first, second = tmp_path / "monday", tmp_path / "tuesday"
    first.mkdir()
    second.mkdir()
    term = terminal(80, 24)
    term.start("play", str(TINY), cwd=first)
    term.wait_for(PROMPT)
    term.keys("1", "Enter")
    term.wait_for(MORE)
    term.keys("Space")
    term.wait_for("Press Enter to continue")
    term.keys("C-c")
    screen = term.wait_for("Resume with:")
    assert "-m engine play" in " ".join(screen.split()) and "--continue" in screen  # a command that works as printed
    saves = term.home / "data" / "hungary56" / "saves" / "tiny"
    assert (saves / "autosave.json").is_file()
    assert not (first / "saves").exists()

    again = terminal(80, 24)
    again.home = term.home
    again.env = term.env
    again.start("play", str(TINY), cwd=second)
    screen = again.wait_for("Start >")
    assert re.search(r"1\. Continue: In the street \(Tuesday 23 October 1956, 23:00\), saved \d{4}-\d\d-\d\d", screen)
    assert "2. New game" in screen and "Endings found (0 of 2)" in screen and "Quit" in screen
    again.keys("Enter")
    screen = again.wait_for("Press Enter to continue")
    assert "In the street" in screen and "The rifle is heavy on your shoulder." in screen
