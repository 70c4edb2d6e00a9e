"""Random play-tests update one state in place per run: they must make the very same runs as
moves through the state machine (machine.choose) do, failures included."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from bench.synth import write_story
from engine.author import playtest, search
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


# --- generated stories: guards, effects, variants and inline text of every kind, loops and dead ends ---

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.story_helpers import story_from  # noqa: E402

GENERATED_STORY = """id: gen
title: A generated story
version: "1"
start: s0
variables:
  courage: {type: int, initial: 0, description: Risk taken.}
  armed: {type: bool, initial: false, description: Carrying a rifle.}
  name: {type: str, initial: "x", description: A name.}
chapters:
  - {id: one, title: Chapter one, date: 1956-10-23, first: s0}
sources:
  article: The reference article.
"""
GUARDS = ["armed", "not armed", "courage >= 2", "courage < 3", "visited(s1)", "visits(s0) > 2",
          "name == 'xx'", "courage - 1 > 0", "armed or courage > 4"]
# `courage += courage + 1` doubles: a long enough loop takes it past the bounds, an error in an effect
EFFECTS = ["armed = true", "armed = not armed", "courage += 1", "courage -= 2", "courage = 0",
           "courage += courage + 1", "name += name", "name = 'xx'"]
INLINE = ["", " {if armed}armed{else}unarmed{end}", " {if courage > 1}bold{elif courage < 0}meek{end}",
          " {name}", " {if visited(s1)}back{end}"]


@st.composite
def generated_story(draw: st.DrawFn) -> Story:
    count = draw(st.integers(2, 7))
    ids = [f"s{n}" for n in range(count)]
    lines = ["scenes:"]
    for n, scene_id in enumerate(ids):
        lines += [f"  - id: {scene_id}", "    chapter: one", f"    title: Scene {n}", "    date: 1956-10-23",
                  "    where: Here", f'    text: "Text{draw(st.sampled_from(INLINE))}."', "    note: N.",
                  "    sources: [article]"]
        variants = draw(st.lists(st.tuples(st.sampled_from(GUARDS), st.sampled_from(INLINE)), max_size=2))
        if variants:
            lines.append("    variants:")
            for condition, inline in variants:
                lines += [f'      - if: "{condition}"', f'        text: "Variant{inline}."']
        if n > 0 and draw(st.integers(0, 3)) == 0:
            lines.append(f'    ending: {{title: End {n}, kind: stayed, epilogue: "Over{draw(st.sampled_from(INLINE))}."}}')
            continue
        lines.append("    choices:")
        for c in range(draw(st.integers(1, 3))):
            lines += [f'      - label: "Choice {c}{draw(st.sampled_from(INLINE))}"',
                      f"        goto: {draw(st.sampled_from(ids))}"]
            guard = draw(st.sampled_from([None, None, *GUARDS]))
            if guard is not None:
                lines.append(f'        if: "{guard}"')
            effects = draw(st.lists(st.sampled_from(EFFECTS), max_size=3))
            if effects:
                lines.append("        do: [" + ", ".join(f'"{e}"' for e in effects) + "]")
            history = draw(st.sampled_from(INLINE))
            if history:
                lines.append(f'        history: "Then{history}."')
    return story_from({"story/story.yaml": GENERATED_STORY, "scenes/generated.yaml": "\n".join(lines) + "\n"})


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_story(), st.integers(0, 2**16), st.sampled_from([0, 1, 3, 60]))
def test_the_same_runs_on_generated_stories(story: Story, seed: int, max_steps: int) -> None:
    assert playtest.random_runs(story, 25, seed, max_steps) == reference_runs(story, 25, seed, max_steps)


def test_the_watch_lists_each_scenes_units_as_text_units_does_and_in_story_order() -> None:
    story = load_story(bundled_story_dir())
    watch = playtest.TextWatch(story)
    units = playtest.text_units(story)
    assert units == sorted(units, key=lambda u: u.location)  # Location's own order
    for scene in story.scenes.values():
        mine = {u.location for u in units if u.scene == scene.id}
        assert watch.textual(scene) or not mine
        assert (watch.units[scene.id] or frozenset()) == mine


def test_a_scene_whose_text_was_all_shown_is_not_watched_again() -> None:
    story = load_story(bundled_story_dir())
    report = playtest.random_runs(story, 300, seed=7)
    watch = playtest.TextWatch(story)
    watch.shown |= report.texts
    for scene in story.scenes.values():
        if watch.textual(scene) and watch.units[scene.id] <= watch.shown:  # type: ignore[operator]
            watch.complete.add(scene.id)
    assert watch.complete
    for scene_id in watch.complete:
        assert not watch.watching(story.scenes[scene_id])


@pytest.mark.parametrize(("effects", "limit"), [
    ('["courage += courage + 1"]', "±9,007,199,254,740,991"),
    ('["courage -= 1", "courage += courage"]', "±9,007,199,254,740,991"),
    ('["courage = 1 - courage - courage"]', "±9,007,199,254,740,991"),  # the limit inside the expression
    ('["name += name"]', "100,000 characters"),
])
def test_a_value_past_its_bounds_fails_in_the_effect_that_makes_it(effects: str, limit: str) -> None:
    scenes = f"""scenes:
  - id: s0
    chapter: one
    title: A loop
    date: 1956-10-23
    where: Here
    text: Again.
    note: N.
    sources: [article]
    choices:
      - {{label: Again, goto: s0, do: {effects}}}
      - {{label: Leave, goto: s1, if: "courage == 7 and not armed and armed"}}
  - id: s1
    chapter: one
    title: The end
    date: 1956-10-23
    where: Here
    text: Over.
    note: N.
    sources: [article]
    ending: {{title: End, kind: stayed, epilogue: Done.}}
"""
    story = story_from({"story/story.yaml": GENERATED_STORY, "scenes/loop.yaml": scenes})
    fast = playtest.random_runs(story, 3, seed=1, max_steps=200)
    assert fast == reference_runs(story, 3, 1, 200)
    (failure,) = fast.failures
    assert failure.kind == "error" and limit in failure.message and failure.count == 3, failure
    if "courage" not in effects:
        return  # no guard reads `name`: the search merges states that differ only in it (search._relevant)
    # the exhaustive search moves with playtest._move: the same failure, at the same place
    found = search.exhaustive(story, memory_aware=False)
    assert [(f.kind, f.message, f.location, f.path) for f in found.failures] == [
        (failure.kind, failure.message, failure.location, failure.path)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_story(), st.randoms(use_true_random=False))
def test_a_move_of_the_search_is_machine_choose(story: Story, rng: random.Random) -> None:
    """The exhaustive search moves with `_move`: the same variables, visits and failures as
    `machine.choose` (through `_advance`), for every open choice along a random walk."""
    state = machine.new_game(story)
    for _ in range(60):
        scene = story.scenes[state.scene]
        env = (state.variables, state.visits)
        try:
            open_ = playtest._open_choices(scene, env) if scene.ending is None else []
        except playtest._Stop:
            return
        if not open_:
            return
        for index in open_:
            try:
                expected: object = playtest._advance(story, state, index)
                expected = (dict(expected.variables), dict(expected.visits))  # type: ignore[attr-defined]
            except playtest._Stop as stop:
                expected = (stop.kind, stop.message, stop.location)
            try:
                moved: object = playtest._move(scene.choices[index], env)
            except playtest._Stop as stop:
                moved = (stop.kind, stop.message, stop.location)
            assert moved == expected
        try:
            state = machine.choose(story, state, rng.choice(open_))
        except EvaluationError:
            return


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_story())
def test_the_watch_lists_the_units_text_units_lists(story: Story) -> None:
    watch = playtest.TextWatch(story)
    units = playtest.text_units(story)
    for scene in story.scenes.values():
        assert [t for _what, t in playtest._fields(scene)] == playtest._templates(scene)
        assert watch.textual(scene) == (bool(scene.variants) or any(t is not None for _w, t in playtest._fields(scene)))
        assert (watch.units[scene.id] or frozenset()) == {u.location for u in units if u.scene == scene.id}
