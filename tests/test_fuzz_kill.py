"""A save writer stopped at any moment leaves the old save or the new one: never a torn or missing
file, and no leftover that the saves listing would show.

Two ways to stop it, both synchronised on the child rather than on timing: a writer that reports
each finished save through a pipe and is killed after a random number of them (so the kill lands
somewhere in the next one), and fault injection at every single step of a save (every open,
write, fsync, close, link, rename and unlink of engine/io/atomic.py): SIGKILL before or after the
step in a forked child, and ENOSPC/EIO from the step in the test process itself."""

from __future__ import annotations

import errno
import os
import random
import signal
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.core import machine
from engine.core.errors import SaveError
from engine.core.model import GameState
from engine.io import atomic
from engine.io.loader import load_story
from engine.io.saves import AUTOSAVE, PREVIOUS_AUTOSAVE, SaveStore
from tests.conftest import TINY

ITERATIONS = 100
STORY = load_story(TINY)
FIRST = machine.new_game(STORY)
needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")


def at_turn(turn: int) -> GameState:
    return GameState(FIRST.scene, FIRST.variables, FIRST.visits, FIRST.path, turn)


@needs_fork
def test_sigkill_during_saves_never_tears_a_save(tmp_path: Path) -> None:
    store = SaveStore(tmp_path)
    store.save(STORY, FIRST, "slot")
    rng = random.Random(1956)
    caught = 0  # kills that landed in the middle of a save
    for _ in range(ITERATIONS):
        ready, report = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer: save new states as fast as it can, reporting each, until killed
            try:
                os.close(ready)
                turn = 0
                while True:
                    turn += 1
                    store.save(STORY, at_turn(turn), "slot")
                    os.write(report, b".")
            finally:
                os._exit(0)
        os.close(report)
        wanted = rng.randint(0, 4)
        done = 0
        while done < wanted:
            done += len(os.read(ready, wanted - done))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(ready)
        state = store.load(STORY, "slot")  # raises SaveError if the file were torn or missing
        assert state.scene == FIRST.scene and state.turn >= wanted
        caught += state.turn == wanted and wanted > 0
    assert caught > 10, "the writer was never caught in the middle of its work"
    assert [info.slot for info in store.list(STORY)] == ["slot"]
    assert all(not info.problem for info in store.list(STORY))
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "slot.json"]
    assert all(name.startswith(".slot.json.") and name.endswith(".tmp") for name in leftovers), leftovers


# --- fault injection at every step ----------------------------------------------------------------

STEPS = ("open", "write", "fsync", "close", "link", "replace", "unlink", "fchmod")


class Faulty(types.SimpleNamespace):
    """Stands for the `os` module inside engine/io/atomic.py and calls `fault(step_name)` before
    (or after) the n-th system call that could leave something on disk."""

    def __init__(self, n: int, fault: Callable[[str], None], after: bool = False) -> None:
        super().__init__()
        self.count, self.n, self.fault, self.after = 0, n, fault, after

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name not in STEPS:
            return real

        def step(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            if self.count == self.n and not self.after:
                self.fault(name)
            result = real(*args, **kwargs)
            if self.count == self.n and self.after:
                self.fault(name)
            return result
        return step


def kill(_step: str) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def one_session(folder: Path) -> None:
    """What a game session writes: the first autosave (keeping the previous), a named save, and
    a second autosave."""
    store = SaveStore(folder)
    store.autosave(STORY, at_turn(2))
    store.save(STORY, at_turn(2), "slot")
    store.autosave(STORY, at_turn(3))


def prepared(folder: Path) -> None:
    store = SaveStore(folder)
    store.autosave(STORY, at_turn(1))
    store.save(STORY, at_turn(1), "slot")


def check_after_stop(folder: Path) -> None:
    store = SaveStore(folder)
    assert store.load(STORY, AUTOSAVE).turn in (1, 2, 3)  # the old autosave or a new one
    assert store.load(STORY, "slot").turn in (1, 2)
    if store.exists(PREVIOUS_AUTOSAVE):
        assert store.load(STORY, PREVIOUS_AUTOSAVE).turn == 1
    assert all(not info.problem for info in store.list(STORY))


@needs_fork
@pytest.mark.parametrize("after", [False, True], ids=["before-the-step", "after-the-step"])
def test_sigkill_at_every_step_of_a_session_leaves_old_or_new(tmp_path: Path, after: bool) -> None:
    steps = 0
    for n in range(1, 200):
        folder = tmp_path / f"{n}"
        prepared(folder)
        pid = os.fork()
        if pid == 0:
            try:
                atomic.os = Faulty(n, kill, after)  # type: ignore[assignment]
                one_session(folder)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        check_after_stop(folder)
        if os.WIFEXITED(status):  # the session finished before step n: every step has been tried
            steps = n - 1
            break
        assert os.WTERMSIG(status) == signal.SIGKILL
    assert steps >= 15, "the injection never reached the steps of a session"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EDQUOT], ids=["ENOSPC", "EIO", "EDQUOT"])
def test_a_failing_disk_at_every_step_leaves_old_or_new_and_no_temporary_file(
        tmp_path: Path, code: int, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(1, 200):
        folder = tmp_path / f"{n}"
        prepared(folder)

        def fail(step: str) -> None:
            raise OSError(code, os.strerror(code))
        faulty = Faulty(n, fail)
        monkeypatch.setattr(atomic, "os", faulty)
        try:
            one_session(folder)
            finished = True
        except SaveError:
            finished = False
        monkeypatch.setattr(atomic, "os", os)
        check_after_stop(folder)
        leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
        assert not leftovers, (n, leftovers)
        if finished and faulty.count < n:
            break
    assert n > 15
