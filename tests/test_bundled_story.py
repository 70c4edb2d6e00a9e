"""The bundled story: loads cleanly, every choice is annotated, and the historical path plays through."""

from __future__ import annotations

import pytest

from engine.core import machine, reading
from engine.core.model import Story
from engine.io.loader import bundled_story_dir, load_story
from tests.conftest import run_cli

STORY: Story = load_story(bundled_story_dir())


def historical_path(story: Story) -> list[int]:
    """Choice numbers a player types who always takes the first available historical choice (the
    menu numbers only the choices open, without gaps)."""
    state = machine.new_game(story)
    inputs: list[int] = []
    while not machine.is_over(story, state):
        offers = [o for o in machine.offers(story, state) if o.available]
        pick = next((o.choice for o in offers if o.choice.auto or o.choice.kind == "historical"),
                    next((o.choice for o in offers if o.choice.kind == "personal"), None))
        assert pick is not None, f"scene {state.scene} offers no historical choice"
        inputs.append([o.choice.index for o in offers].index(pick.index) + 1)
        state = machine.choose(story, state, pick.index)
        assert len(inputs) < 500, "the historical path loops"
    return inputs


def test_loads_without_warnings():
    assert STORY.warnings == ()
    assert len(STORY.scenes) >= 40


def test_story_is_long_enough():
    words = sum(len(s.text.split()) + len(s.note.split()) + sum(len(c.history.split()) for c in s.choices)
                + (len(s.ending.epilogue.split()) if s.ending else 0) for s in STORY.scenes.values())
    assert words >= 20_000


@pytest.mark.parametrize("scene_id", sorted(STORY.scenes))
def test_every_scene_is_annotated_and_sourced(scene_id):
    scene = STORY.scenes[scene_id]
    assert scene.note, "a historical note"
    assert scene.sources and all(key in STORY.sources for key in scene.sources)
    assert all(term in STORY.glossary for term in scene.terms)
    for choice in scene.choices:
        if not choice.auto:
            assert choice.kind in ("historical", "plausible", "counterfactual", "personal")
            assert choice.history, f"choice {choice.index + 1} needs a 'what really happened' note"
    routed = bool(scene.choices) and all(c.condition is not None for c in scene.choices)  # the state picks the road
    if len([c for c in scene.choices if not c.auto]) > 0 and not routed:
        # an invented private act (`personal`) stands where no single historical choice can: what
        # people in your place did (issue 23)
        assert any(c.kind in ("historical", "personal") and c.condition is None for c in scene.choices)
    if routed:
        assert any(c.kind == "historical" for c in scene.choices)


def test_at_least_four_distinct_endings():
    kinds = {s.ending.kind for s in STORY.endings() if s.ending}
    assert {"exile", "arrested", "stayed", "fallen"} <= kinds


@pytest.mark.slow
def test_historical_path_plays_from_start_to_an_ending_in_piped_mode(tmp_path):
    inputs = historical_path(STORY)
    stdin = "".join(f"{n}\n" for n in inputs)
    result = run_cli("play", "--saves", str(tmp_path), stdin=stdin, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for landmark in ("Bem", "Parliament", "Radio Budapest", "Operation Whirlwind", "THE END:"):
        assert landmark in out, landmark
    assert "HISTORICAL - this is what really happened" in out
    assert "is not a choice" not in out and "no such choice" not in out


@pytest.mark.slow
def test_piped_playthrough_reaches_the_radio(tmp_path):
    inputs = historical_path(STORY)
    state = machine.new_game(STORY)
    taken = []
    for number in inputs:
        taken.append(number)
        state = machine.choose(STORY, state, machine.open_choices(STORY, state)[number - 1])
        if STORY.scenes[state.scene].chapter == "ch05_radio":
            break
    result = run_cli("play", "--saves", str(tmp_path), stdin="".join(f"{n}\n" for n in taken) + "quit\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    headers = [line for line in result.stdout.splitlines() if line.count("; ") == 2]  # no `|` in a pipe (U14)
    assert headers[-1].startswith("Radio Budapest; Tuesday 23 October 1956")


def test_random_playthroughs_reach_every_scene_choice_and_ending():
    from engine.author import playtest, reports

    report = playtest.random_runs(STORY, runs=3000, seed=7)
    assert report.failures == ()
    assert reports.unreached_scenes(STORY, report.scenes) == []
    assert reports.unreached_choices(STORY, report.choices) == []


@pytest.mark.parametrize("chapter", [c.id for c in STORY.chapters])
def test_every_chapter_has_choices_and_classroom_material(chapter):
    scenes = [s for s in STORY.scenes.values() if s.chapter == chapter]
    decisions = [s for s in scenes if len([c for c in s.choices if not c.auto]) >= 2]
    assert len(decisions) >= 1 and sum(len(s.choices) for s in decisions) >= 4, "two meaningful choices"
    info = STORY.chapter(chapter)
    assert info is not None
    assert info.summary and 1 <= len(info.questions) <= 3 and 2 <= len(info.objectives) <= 3
    assert reading.chapter_figures(STORY)[chapter].aloud > 0  # computed from the words, never typed


def test_contested_accounts_in_at_least_three_places():
    assert len([s for s in STORY.scenes.values() if len(s.contested) >= 2]) >= 3


def test_exhaustive_search_completes_and_reaches_everything():
    from engine.author import search

    report = search.exhaustive(STORY)
    assert not report.bound_hit
    assert search.exhaustive_ok(STORY, report)
    assert set(report.scenes) == set(STORY.scenes)


def test_the_bundled_story_is_written_in_the_newest_format() -> None:
    """`hungary56 migrate --check` has nothing to do on the story the engine ships."""
    from engine.commands.migrate import plan
    from engine.io.loader import bundled_story_dir

    changes, problems = plan(bundled_story_dir())
    assert (changes, problems) == ([], [])
