"""The pure state machine: guards, effects, offers with reasons, replay, chapter starts."""

from __future__ import annotations

import pytest

from engine.core import machine
from engine.core.errors import RuleError
from engine.core.model import Step


def test_new_game_starts_at_start(tiny_story):
    state = machine.new_game(tiny_story)
    assert state.scene == "gate" and state.turn == 0 and state.path == ()
    assert state.variables == {"courage": 0, "armed": False}
    assert state.visits == {"gate": 1}


def test_choose_applies_effects_in_order_and_is_pure(tiny_story):
    start = machine.new_game(tiny_story)
    after = machine.choose(tiny_story, start, 0)
    assert after.scene == "street" and after.turn == 1
    assert after.variables == {"courage": 2, "armed": True}
    assert after.visits == {"gate": 1, "street": 1}
    assert after.path == (Step("gate", 0),)
    assert start.variables == {"courage": 0, "armed": False}  # the old state is untouched


def test_guards_hide_choices_with_a_reason(tiny_story):
    state = machine.replay(tiny_story, [Step("gate", 1), Step("street", 0)])[-1]
    offers = machine.offers(tiny_story, state)
    assert [o.available for o in offers] == [False, True, True]
    assert offers[0].reason == "needs armed and courage >= 2"
    with pytest.raises(RuleError, match="not available"):
        machine.choose(tiny_story, state, 0)
    armed = machine.replay(tiny_story, [Step("gate", 0), Step("street", 0)])[-1]
    assert all(o.available for o in machine.offers(tiny_story, armed))


def test_no_such_choice(tiny_story):
    with pytest.raises(RuleError, match="has no choice 9"):
        machine.choose(tiny_story, machine.new_game(tiny_story), 8)


def test_replay_checks_the_path(tiny_story):
    with pytest.raises(RuleError, match="expects scene 'square'"):
        machine.replay(tiny_story, [Step("square", 0)])


def test_endings(tiny_story):
    state = machine.replay(tiny_story, [Step("gate", 1), Step("street", 0), Step("square", 1)])[-1]
    assert state.scene == "end_home" and machine.is_over(tiny_story, state)


def test_text_variants_follow_state(tiny_story):
    armed = machine.choose(tiny_story, machine.new_game(tiny_story), 0)
    unarmed = machine.choose(tiny_story, machine.new_game(tiny_story), 1)
    assert machine.visible_text(tiny_story, armed)[-1] == "The rifle is heavy on your shoulder."
    assert len(machine.visible_text(tiny_story, unarmed)) == 1


def test_start_chapter_applies_setup(tiny_story):
    state = machine.start_chapter(tiny_story, tiny_story.chapter("two"))
    assert state.scene == "square" and state.variables["courage"] == 2 and state.visits == {"square": 1}
