"""A save writer stopped at any moment leaves the old save or the new one: never a torn or missing
file, and no leftover that the saves listing would show.

Two ways to stop it, both synchronised on the child and never on timing: a writer that reports
every point of its saves (before and after every system call, and between the halves of a cut
write) through a pipe and waits there, SIGKILLed by the parent at each point in turn; and fault
injection at every single step of a save (every open, write, fsync, close, link, rename and
unlink of engine/io/atomic.py): SIGKILL before or after the step in a forked child, and
ENOSPC/EIO from the step in the test process itself."""

from __future__ import annotations

import errno
import os
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

STORY = load_story(TINY)
FIRST = machine.new_game(STORY)
needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")


def at_turn(turn: int) -> GameState:
    return GameState(FIRST.scene, FIRST.variables, FIRST.visits, FIRST.path, turn)


class Checkpoints(types.SimpleNamespace):
    """Stands for the `os` module inside engine/io/atomic.py in a forked writer: before and after
    every step of a save it reports `B|A step name` on `report` and waits for the parent's go on
    `go`, so the parent can kill it at exactly that point. A write is cut in two short writes (as
    the kernel may do), so the parent also kills between the halves of a file's content."""

    def __init__(self, report: int, go: int) -> None:
        super().__init__()
        self.report, self.go = report, go

    def checkpoint(self, text: str) -> None:
        os.write(self.report, text.encode("utf-8", "backslashreplace") + b"\n")
        if os.read(self.go, 1) != b"g":  # the parent went away: stop here
            os._exit(1)

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name not in STEPS:
            return real

        def step(*args: Any, **kwargs: Any) -> Any:
            target = str(args[1] if name in ("replace", "link") else args[0] if args else "")
            if name == "write":
                data = args[1]
                args = (args[0], data[:max(1, len(data) // 2)])
            self.checkpoint(f"B {name} {os.path.basename(target)}")
            result = real(*args, **kwargs)
            self.checkpoint(f"A {name} {os.path.basename(target)}")
            return result
        return step


# What each file holds after its n-th rename: prepared() wrote turn 1 to autosave and slot, then
# one_session() writes autosave 2 (keeping autosave 1 as autosave-previous), slot 2, autosave 3.
# A count of 0 renames means the file does not exist yet.
HISTORY = {"autosave.json": [1, 2, 3], "slot.json": [1, 2], "autosave-previous.json": [1]}


@pytest.mark.slow
@needs_fork
def test_sigkill_during_saves_never_tears_a_save(tmp_path: Path) -> None:
    """The review's attack 34 (SIGKILL of a saving game at a random moment), made deterministic:
    the writer reports every point of its saves over a pipe and waits, and the parent SIGKILLs it
    at the first point, then the second, and so on until it finishes. After each kill every save
    holds exactly what its last completed rename put there: the old save or the new, never torn."""
    points = 0
    for k in range(1, 1000):
        folder = tmp_path / f"{k}"
        prepared(folder)
        ready, report = os.pipe()
        go, answer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer: a game session's saves, stopping at every checkpoint
            try:
                os.close(ready)
                os.close(answer)
                atomic.os = Checkpoints(report, go)  # type: ignore[assignment]
                one_session(folder)
            finally:
                os._exit(0)
        os.close(report)
        os.close(go)
        renamed = {name: 1 for name in HISTORY if name != "autosave-previous.json"}
        renamed["autosave-previous.json"] = 0
        point = "the end"
        with os.fdopen(ready, "rb") as messages:
            seen = 0
            for line in messages:
                seen += 1
                point = line.decode()
                when, step, name = point.split()
                if when == "A" and step == "replace" and name in renamed:
                    renamed[name] += 1  # done: a kill from now on leaves the new content
                if seen == k:
                    os.kill(pid, signal.SIGKILL)  # the writer is waiting at this very point
                    break
                os.write(answer, b"g")
        os.close(answer)
        _, status = os.waitpid(pid, 0)
        store = SaveStore(folder)
        for name, count in renamed.items():
            slot = name.removesuffix(".json")
            if count:
                assert store.load(STORY, slot).turn == HISTORY[name][count - 1], (k, point)
            else:
                assert not store.exists(slot), (k, point)
        assert sorted(info.slot for info in store.list(STORY)) == sorted(
            name.removesuffix(".json") for name, count in renamed.items() if count), (k, point)
        assert all(not info.problem for info in store.list(STORY))
        leftovers = [p.name for p in folder.iterdir() if p.name not in HISTORY]
        assert all(p.startswith(".") and p.endswith(".tmp") for p in leftovers), (k, leftovers)
        if seen < k:  # the writer finished before point k: it was killed at every point
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
            assert renamed == {"autosave.json": 3, "slot.json": 2, "autosave-previous.json": 1}
            points = k - 1
            break
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert points >= 60, f"only {points} points in a session's saves"


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


@pytest.mark.slow
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
