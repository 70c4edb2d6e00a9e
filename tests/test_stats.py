"""`hungary56 stats`: the figures of the tiny story, by hand, and the command's two formats."""

from __future__ import annotations

import json

import pytest

from engine.author import stats
from engine.core import machine
from engine.core.model import GameState, Story
from tests.conftest import TINY, run_cli
from tests.story_helpers import edited_tiny


def test_figures_of_the_tiny_story() -> None:
    data = stats.compute(edited_tiny(), runs=20)
    assert (data["scenes"], data["endings"], data["menus"], data["choices"]) == (5, 2, 2, 5)
    # gate: both choices go to 'street'; square: only 'Stand your ground' goes to end_fallen
    assert (data["choices_lead_elsewhere"], data["choices_lead_elsewhere_percent"]) == (1, 20.0)
    assert data["choices_effects_read"] == 1  # 'Take the rifle' sets armed and courage, which guards read
    assert data["choices_change_nothing"] == ["gate 2", "square 2", "square 3"]
    assert data["variables"] == {"courage": {"type": "int", "writes": 1, "reads": 1},
                                 "armed": {"type": "bool", "writes": 1, "reads": 2}}
    # the only text that depends on a choice is the variant "The rifle is heavy on your shoulder." (7 words)
    assert (data["dependent_words"], data["chapters"][0]["dependent_words"]) == (7, 7)
    paths = data["paths"]
    assert paths["historical"]["ending"] == "end_home" and paths["historical"]["dependent_words"] == 0
    assert paths["longest"]["words"] >= paths["historical"]["words"] >= paths["shortest"]["words"]


def test_inline_branches_count_as_text_that_depends_on_choices() -> None:
    story = edited_tiny({"scenes/one.yaml": [
        ("    text: The night goes on.", "    text: \"The night goes on{if armed}, the rifle heavy and cold{end}.\"")]})
    data = stats.compute(story, runs=20)
    assert data["dependent_words"] == 7 + 5  # the variant, and the arm "the rifle heavy and cold"
    assert data["variables"]["armed"]["reads"] == 3
    armed_run = stats.read_path(story, "armed", _states(story, [0, 0]))
    assert armed_run.dependent == 7 + 5


def _states(story: Story, choices: list[int]) -> list[GameState]:

    states = [machine.new_game(story)]
    for index in choices:
        states.append(machine.choose(story, states[-1], index))
    return states


@pytest.mark.slow
def test_cli_text_and_json() -> None:
    text = run_cli("stats", str(TINY), "--runs", "10")
    assert text.returncode == 0
    assert "lead somewhere their siblings do not: 1/5 (20.0%)" in text.stdout
    assert "  courage  int     1 writes    1 reads" in text.stdout
    data = json.loads(run_cli("stats", str(TINY), "--format", "json", "--runs", "10").stdout)
    assert data["choices"] == 5 and data["paths"]["runs"] == 10
    bad = run_cli("stats", str(TINY), "--runs", "-1")
    assert bad.returncode == 2 and "--runs must be 0 or more" in bad.stderr and "Traceback" not in bad.stderr
