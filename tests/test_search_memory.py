"""The exhaustive search keeps its queued states compact (at most 1 KiB each, all told) and lowers
its bound when the states would not fit in memory."""

from __future__ import annotations

import tracemalloc
from collections import deque
from pathlib import Path

import pytest

from bench.synth import write_story
from engine.author import search
from engine.core import machine
from engine.core.model import Story
from engine.io.loader import bundled_story_dir, load_story
from tests.conftest import TINY


@pytest.mark.slow
def test_a_state_costs_less_than_a_kibibyte() -> None:
    story = load_story(bundled_story_dir())
    tracemalloc.start()
    try:
        report = search.exhaustive(story, max_states=20_000, memory_aware=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.states == 20_000 and report.bound_hit
    assert peak / report.states <= search.BYTES_PER_STATE


def test_the_bound_is_lowered_to_what_fits_in_free_memory() -> None:
    assert search.memory_bound(200_000, free=10**12) == 200_000
    gib = 2**30
    assert search.memory_bound(10_000_000, free=gib) == int(gib * search.MEMORY_SHARE) // search.BYTES_PER_STATE
    assert search.memory_bound(100, free=0) == 1


def reference(story: Story) -> tuple[int, set[str]]:
    """A plain breadth-first search over whole GameStates, as the search was before."""
    relevant = search._relevant(story)
    start = machine.new_game(story)
    seen = {search._state_key(start, relevant)}
    queue = deque([start])
    scenes = set()
    while queue:
        state = queue.popleft()
        scenes.add(state.scene)
        if machine.is_over(story, state):
            continue
        for index in machine.open_choices(story, state):
            following = machine.choose(story, state, index)
            key = search._state_key(following, relevant)
            if key not in seen:
                seen.add(key)
                queue.append(following)
    return len(seen), scenes


@pytest.mark.parametrize("which", ["tiny", "synthetic"])
def test_the_search_finds_the_same_states_as_a_plain_one(which: str, tmp_path: Path) -> None:
    story = load_story(TINY if which == "tiny" else write_story(tmp_path / "s", 30))
    report = search.exhaustive(story)
    assert report.complete
    assert (report.states, set(report.scenes)) == reference(story)
