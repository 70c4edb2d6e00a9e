"""`play --watch` (issue #25, the live loop): the story is read again when a file changes, keeping your place."""

from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from engine.play.watch import FileWatch
from tests.conftest import TINY, cli_env


def test_a_file_watch_sees_a_change_once(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    watch = FileWatch(folder)
    assert not watch.changed()
    one = folder / "scenes" / "one.yaml"
    one.write_text(one.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert watch.changed() and not watch.changed()


@pytest.mark.slow
def test_play_watch_reloads_after_an_edit_and_keeps_the_place(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    process = subprocess.Popen([sys.executable, "-m", "engine", "play", str(folder), "--watch", "--saves",
                                str(tmp_path / "saves")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=cli_env())
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None and process.stdin is not None
    stdout = process.stdout

    def read() -> None:
        for line in stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()

    def wait_for(text: str) -> None:
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, text
            if text in lines.get(timeout=60):
                return

    try:
        process.stdin.write("1\n")
        process.stdin.flush()
        wait_for("The night goes on.")
        one = folder / "scenes" / "one.yaml"
        one.write_text(one.read_text(encoding="utf-8").replace("The night goes on.", "The night is loud."),
                       encoding="utf-8")
        process.stdin.write("look\n")  # a pipe is looked at before each prompt
        process.stdin.flush()
        wait_for("The story files changed: reloading them")
        wait_for("The night is loud.")
        process.stdin.write("quit\n")
        process.stdin.flush()
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_play_watch_ends_an_interactive_prompt_when_a_file_changes(tmp_path: Path) -> None:
    import pexpect

    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    child = pexpect.spawn(sys.executable, ["-m", "engine", "play", str(folder), "--watch", "--saves", str(tmp_path / "s")],
                          env=cli_env(), encoding="utf-8", timeout=20, dimensions=(40, 100))
    try:
        child.expect("Take the rifle")
        child.expect(">")
        one = folder / "scenes" / "one.yaml"
        one.write_text(one.read_text(encoding="utf-8").replace("hands you a rifle.", "hands you a warm rifle."),
                       encoding="utf-8")
        child.expect("reloading them", timeout=10)  # nobody typed anything
        child.expect("warm rifle", timeout=10)
        child.sendline("quit")
        child.expect(pexpect.EOF, timeout=20)
    finally:
        child.close(force=True)
