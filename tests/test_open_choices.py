"""machine.open_choices (the random player's fast path) agrees with machine.offers everywhere."""

from __future__ import annotations

import random

import pytest

from engine.core import machine
from engine.core.errors import RuleError
from engine.core.model import GameState
from engine.io.loader import load_story
from tests.conftest import TINY


@pytest.mark.parametrize("seed", range(20))
def test_open_choices_are_the_available_offers_on_every_walk(seed: int) -> None:
    story = load_story(TINY)
    rng = random.Random(seed)
    state = machine.start_chapter(story, story.chapters[1]) if seed % 2 else machine.new_game(story)
    while not machine.is_over(story, state):
        offers = machine.offers(story, state)
        open_now = machine.open_choices(story, state)
        assert open_now == [o.choice.index for o in offers if o.available]
        for offer in offers:
            if not offer.available:
                assert offer.reason.startswith("needs ")
                with pytest.raises(RuleError, match="not available"):
                    machine.choose(story, state, offer.choice.index)
        before = state
        state = machine.choose(story, state, rng.choice(open_now))
        # GameState.adopt builds the same value as the constructor, around mappings of its own.
        assert state == GameState(state.scene, state.variables, state.visits, state.path, state.turn)
        assert state.variables is not before.variables and state.visits is not before.visits
        assert type(state.variables) is dict and type(state.visits) is dict and type(state.path) is tuple
    assert state.turn == len(state.path)
