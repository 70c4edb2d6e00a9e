"""The state `play --scene ID` starts from (the debugger's commands `vars` and `goto` are rows of
engine/core/commands.py, present only with `play --debug`)."""

from __future__ import annotations

from engine.core import machine
from engine.core.model import GameState, Story


def state_at(story: Story, path: tuple[int, ...]) -> GameState:
    """The state at the end of a path of choice numbers (1-based) from the start."""
    state = machine.new_game(story)
    for number in path:
        state = machine.choose(story, state, number - 1)
    return state
