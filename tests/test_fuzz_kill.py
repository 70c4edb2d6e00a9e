"""A save writer killed with SIGKILL at random moments leaves the old save or the new one: never
a torn or missing file, and no leftover that the saves listing would show."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from engine.core import machine
from engine.core.model import GameState
from engine.io.loader import load_story
from engine.io.saves import SaveStore
from tests.conftest import TINY

ITERATIONS = 200


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_sigkill_during_saves_never_tears_a_save(tmp_path: Path) -> None:
    story = load_story(TINY)
    store = SaveStore(tmp_path)
    first = machine.new_game(story)
    store.save(story, first, "slot")
    rng = random.Random(1956)
    seen_turns: set[int] = set()
    for iteration in range(ITERATIONS):
        pid = os.fork()
        if pid == 0:  # the writer: save new states as fast as it can until it is killed
            try:
                turn = 0
                while True:
                    turn += 1
                    state = GameState(first.scene, first.variables, first.visits, first.path, turn)
                    store.save(story, state, "slot")
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0, 0.02) if iteration % 4 else 0)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        state = store.load(story, "slot")  # raises SaveError if the file were torn or missing
        assert state.scene == first.scene
        seen_turns.add(state.turn)
    assert len(seen_turns) > 10, "the writer was never caught in the middle of its work"
    assert [info.slot for info in store.list(story)] == ["slot"]
    assert all(not info.problem for info in store.list(story))
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "slot.json"]
    assert all(name.startswith(".slot.json.") and name.endswith(".tmp") for name in leftovers), leftovers
