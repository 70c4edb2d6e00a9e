"""Play-testing (engine/author/playtest.py): random runs, exhaustive search and recorded playthroughs."""

from __future__ import annotations

import pytest

from engine.author import playtest, playthroughs, reports, search
from engine.core import machine
from engine.io.loader import load_story
from tests.conftest import FIXTURES

STORIES = FIXTURES / "stories"


def story(name: str):
    return load_story(STORIES / name)


def replay_numbers(name: str, path: tuple[int, ...]) -> str:
    """Where the choice numbers of a report lead, taken as the player takes them (the numbers
    count only the choices open at each menu, as the player's screen does)."""
    s = story(name)
    state = machine.new_game(s)
    for number in path:
        state = machine.choose(s, state, machine.open_choices(s, state)[number - 1])
    return state.scene


def test_random_runs_cover_the_tiny_story_and_are_reproducible() -> None:
    report = playtest.random_runs(story("tiny"), runs=200, seed=7)
    assert report.ok
    assert set(report.scenes) == {"gate", "street", "square", "end_fallen", "end_home"}
    assert sum(report.endings.values()) == 200
    assert {key for key, n in report.choices.items() if n} == {
        ("gate", 0), ("gate", 1), ("street", 0), ("square", 0), ("square", 1), ("square", 2)}
    assert playtest.random_runs(story("tiny"), runs=200, seed=7) == report


def test_least_used_choice_is_preferred() -> None:
    # Uniform picks would leave `square`'s guarded choice to chance; least-used takes each in turn.
    report = playtest.random_runs(story("tiny"), runs=6, seed=1)
    assert report.choices[("gate", 0)] == report.choices[("gate", 1)] == 3
    assert report.choices[("square", 1)] == report.choices[("square", 2)]


def test_a_loop_is_reported_with_its_path() -> None:
    report = playtest.random_runs(story("loop"), runs=3, seed=1, max_steps=40)
    assert not report.ok
    [loop] = report.failures
    assert loop.kind == "loop" and loop.count == 3
    assert len(loop.path) == 40 and "a, b" in loop.message
    assert report.endings == {}
    text = reports.format_random(story("loop"), report)
    assert "possible loop" in text and "loop.yaml:30:5: scene 'out'" in text


def test_a_stuck_scene_is_reported_with_a_path_that_reproduces_it() -> None:
    report = playtest.random_runs(story("stuck"), runs=20, seed=3)
    [stuck] = report.failures
    assert stuck.kind == "stuck" and stuck.scene == "dead_end"
    assert stuck.location is not None and stuck.location.path.endswith("stuck.yaml") and stuck.location.line == 27
    assert replay_numbers("stuck", stuck.path) == "dead_end"
    assert "choices: 2" in reports.format_random(story("stuck"), report)


def test_unreached_scenes_and_choices_are_listed_with_file_and_line() -> None:
    s = story("unreachable")
    report = playtest.random_runs(s, runs=50)
    assert report.ok
    text = reports.format_random(s, report)
    assert "Scenes reached: 2/3 (66.7%)" in text
    assert "Choices taken:  1/2 (50.0%)" in text
    assert "unreachable.yaml:27:5: scene 'orphan' (Scene orphan)" in text
    assert "unreachable.yaml:14:9: choice 2 of 'a' (Go armed)" in text
    assert "b (Home, stayed)" in text and "100.0%" in text


def test_exhaustive_finds_shortest_paths_to_everything() -> None:
    s = story("tiny")
    report = search.exhaustive(s)
    assert report.complete and not report.failures
    assert report.scenes["end_fallen"] == (1, 1, 1)  # the rifle, then stand your ground
    assert report.scenes["end_home"] == (1, 1, 2)
    assert report.choices[("square", 2)] == (1, 1, 3)
    assert search.exhaustive_ok(s, report)
    for scene_id, path in report.scenes.items():
        assert replay_numbers("tiny", path) == scene_id


def test_exhaustive_proves_unreachable_parts() -> None:
    s = story("unreachable")
    report = search.exhaustive(s)
    assert report.complete and not search.exhaustive_ok(s, report)
    text = reports.format_exhaustive(s, report)
    assert "Unreachable:" in text and "scene 'orphan'" in text and "choice 2 of 'a'" in text


def test_exhaustive_reports_stuck_scenes_and_its_bound() -> None:
    stuck = search.exhaustive(story("stuck"))
    assert [(f.kind, f.path) for f in stuck.failures] == [("stuck", (2,))]
    looping = search.exhaustive(story("loop"), max_states=50)
    assert looping.bound_hit and looping.states == 50
    text = reports.format_exhaustive(story("loop"), looping)
    assert "stopped at the bound of 50" in text and "Not reached within 50 states" in text
    # not proven unreachable, only not found; but a search that stopped proved nothing: not ok (issue 14.3)
    assert not search.exhaustive_ok(story("loop"), looping)
    assert text.endswith("Verdict: stopped at the bound of 50 states.\n")


def test_transcript_is_what_the_plain_player_prints() -> None:
    transcript = playthroughs.play_transcript(story("tiny"), ["2", "", "notes", "2"])
    assert "At the gate" in transcript and "> 2\nHISTORICAL" in transcript
    assert "Historical note: The square" in transcript
    assert "THE END: Home" in transcript
    assert "\x1b[" not in transcript and all(len(line) <= 80 for line in transcript.splitlines())
    assert transcript.endswith("Resume with: hungary56 play --continue\n")


def test_playthrough_round_trips_through_yaml() -> None:
    recorded = playthroughs.record(story("tiny"), "home", ["2", "", "save x", "saves", "2"])
    text = playthroughs.dump_playthrough(recorded)
    assert "transcript: |" in text  # readable as a block, not an escaped string
    again = playthroughs.parse_playthrough(text, "home.yaml")
    assert again == recorded
    assert playthroughs.replay_diff(story("tiny"), again, "home.yaml") == ""


def test_a_changed_text_shows_as_a_unified_diff() -> None:
    recorded = playthroughs.record(story("tiny"), "home", ["2", "", "2"])
    edited = playthroughs.Playthrough("home", recorded.inputs, recorded.transcript.replace("Tanks at", "Tanks near"))
    diff = playthroughs.replay_diff(story("tiny"), edited, "home.yaml")
    assert "--- home.yaml (recorded)" in diff and "+++ home.yaml (now)" in diff
    assert "-Tanks near the Parliament." in diff and "+Tanks at the Parliament." in diff


@pytest.mark.parametrize("text, message", [
    ("- 1\n", "must be a mapping"),
    ("inputs: 1\ntranscript: x\n", "'inputs' must be a list"),
    ("inputs: ['1']\n", "'transcript' must be a text"),
    ("inputs: ['1']\ntranscript: x\nwidth: 3\n", "'width'"),
    ("inputs: [\n", "invalid YAML"),
])
def test_broken_playthrough_files_are_reported(text: str, message: str) -> None:
    with pytest.raises(playthroughs.PlaythroughError, match=message):
        playthroughs.parse_playthrough(text, "bad.yaml")


def test_choices_text_becomes_input_lines() -> None:
    assert playthroughs.split_choices(" 1 2\t. 3 ") == ["1", "2", "", "3"]
