"""Random play-tests update one state in place per run: they must make the very same runs as
moves through the state machine (machine.choose) do, failures included."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from bench.synth import write_story
from engine.author import playtest
from engine.core import machine
from engine.core.errors import EvaluationError
from engine.core.model import Story
from engine.io.loader import bundled_story_dir, load_story
from tests.story_helpers import edited_tiny


def reference_runs(story: Story, runs: int, seed: int, max_steps: int) -> playtest.RandomReport:
    """The runs made with a new GameState per move, as before the fast path."""
    rng = random.Random(seed)
    used: Counter[playtest.ChoiceKey] = Counter()
    entered: Counter[str] = Counter()
    endings: Counter[str] = Counter()
    failures: list[playtest.Failure] = []
    watch = playtest.TextWatch(story)
    for _ in range(runs):
        state = machine.new_game(story)
        path: list[int] = []
        for _step in range(max_steps + 1):
            scene = story.scenes[state.scene]
            entered[scene.id] += 1
            if scene.ending is not None:
                endings[scene.id] += 1
                try:
                    watch.scene(scene, (state.variables, state.visits))
                except playtest._Stop as stop:
                    failures.append(playtest.Failure(stop.kind, scene.id, stop.message, stop.location, tuple(path)))
                break
            if len(path) == max_steps:
                recent = list(dict.fromkeys(step.scene for step in state.path[-20:]))
                failures.append(playtest.Failure("loop", "", f"no ending after {max_steps} choices; last scenes: "
                                                 + ", ".join(recent), None, tuple(path)))
                break
            try:
                open_ = playtest._open_choices(scene, (state.variables, state.visits))
                watch.scene(scene, (state.variables, state.visits), open_)
                least = min(used[(scene.id, i)] for i in open_)
                index = rng.choice([i for i in open_ if used[(scene.id, i)] == least])
                used[(scene.id, index)] += 1
                path.append(index + 1)
                state = playtest._advance(story, state, index)
                if watch.textual(scene):
                    watch.taken(scene, scene.choices[index], (state.variables, state.visits))
            except playtest._Stop as stop:
                failures.append(playtest.Failure(stop.kind, scene.id, stop.message, stop.location, tuple(path)))
                break
    return playtest.RandomReport(runs, seed, max_steps, dict(entered), dict(used), dict(endings),
                                 playtest._merge(failures), frozenset(watch.shown))


def test_the_same_runs_on_the_bundled_story() -> None:
    story = load_story(bundled_story_dir())
    assert playtest.random_runs(story, 300, seed=7) == reference_runs(story, 300, 7, 500)


@pytest.mark.parametrize("max_steps", [5, 40])
def test_the_same_runs_and_loop_failures_on_a_synthetic_story(tmp_path: Path, max_steps: int) -> None:
    story = load_story(write_story(tmp_path / "synthetic", 300))
    fast = playtest.random_runs(story, 200, seed=3, max_steps=max_steps)
    assert fast == reference_runs(story, 200, 3, max_steps)
    assert any(f.kind == "loop" for f in fast.failures)


def _raise(_env: object) -> object:
    raise EvaluationError("a damaged value")


@pytest.mark.parametrize("broken", ["guard", "effect", "variant"])
def test_the_same_failures_when_a_guard_an_effect_or_a_variant_breaks(broken: str) -> None:
    story = edited_tiny()
    for scene in story.scenes.values():
        for choice in scene.choices:
            if broken == "guard" and choice.condition is not None:
                object.__setattr__(choice.condition, "test", _raise)
            if broken == "effect":
                for effect in choice.effects:
                    object.__setattr__(effect, "value", _raise)
        for variant in scene.variants:
            if broken == "variant" and variant.condition is not None:
                object.__setattr__(variant.condition, "test", _raise)
    fast = playtest.random_runs(story, 50, seed=1)
    assert fast.failures and all(f.kind == "error" for f in fast.failures)
    assert fast == reference_runs(story, 50, 1, 500)
