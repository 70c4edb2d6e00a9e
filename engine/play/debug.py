"""The author's debugger (`hungary56 play --debug`): two in-game commands, `vars` and `goto SCENE`,
and the state `play --scene ID` starts from.

Kept apart from engine/play/session.py: a session gets the two commands only when the author asks
for them (`with_debug` adds them to any session class), so players never see them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.core import expr, machine
from engine.core.errors import Hungary56Error
from engine.core.model import GameState, Story
from engine.core.render import Block, Blocks

DEBUG_COMMANDS = ("vars", "goto")
DEBUG_HELP = [
    ("vars", "(--debug) the variables, visit counts and turn now"),
    ("goto SCENE", "(--debug) jump to a scene, keeping the variables ('undo' comes back)"),
]


def vars_blocks(story: Story, state: GameState) -> Blocks:
    """The state as an author needs it: every variable with its type, then the visit counts."""
    blocks: Blocks = [Block("heading", f"State at '{state.scene}', turn {state.turn}")]
    if story.variables:
        width = max(len(name) for name in story.variables)
        for name, declared in story.variables.items():
            value = state.variables.get(name, declared.initial)
            changed = "" if value == declared.initial else f"  (initially {_show(declared.initial)})"
            blocks.append(Block("note", f"{name:<{width}} = {_show(value)}  [{declared.type}]{changed}",
                                indent=2, wrap=False, tight=True))
    else:
        blocks.append(Block("note", "The story declares no variables.", indent=2, tight=True))
    visited = ", ".join(f"{scene} {count}" for scene, count in sorted(state.visits.items()) if count)
    blocks.append(Block("note", f"Visits: {visited or 'none'}", indent=2))
    return blocks


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def goto_state(story: Story, state: GameState, scene_id: str) -> GameState:
    """The state after jumping to a scene: the same variables, one more visit there, no choice taken."""
    if not scene_id:
        raise Hungary56Error("goto needs a scene id, e.g. 'goto " + story.start + "'")
    if scene_id not in story.scenes:
        raise Hungary56Error(f"there is no scene {scene_id!r}{expr.suggest(scene_id, list(story.scenes))}")
    visits = dict(state.visits)
    visits[scene_id] = visits.get(scene_id, 0) + 1
    return GameState(scene_id, state.variables, visits, state.path, state.turn + 1)


def state_at(story: Story, path: tuple[int, ...]) -> GameState:
    """The state at the end of a path of choice numbers (1-based) from the start."""
    state = machine.new_game(story)
    for number in path:
        state = machine.choose(story, state, number - 1)
    return state


class DebugCommands:
    """The two debugger commands, as a mixin over a Session (see `with_debug`)."""

    story: Story
    state: GameState
    past: list[GameState]

    if TYPE_CHECKING:  # provided by the Session it is mixed into; defining them here would hide those
        def show(self, blocks: Blocks, record: bool = True) -> None: ...

        def show_scene(self) -> None: ...

    def do_vars(self, _arg: str) -> None:
        self.show(vars_blocks(self.story, self.state), record=False)

    def do_goto(self, arg: str) -> None:
        try:
            state = goto_state(self.story, self.state, arg.strip())
        except Hungary56Error as exc:
            self.show([Block("error", str(exc))], record=False)
            return
        self.past.append(self.state)
        self.state = state
        self.show([Block("hint", f"(debug) Jumped to '{state.scene}'; the variables are as they were.")])
        self.show_scene()


def with_debug(kind: type[Any]) -> type[Any]:
    """A session class like `kind` with the debugger's commands, listed in its help."""
    return type(f"Debug{kind.__name__}", (DebugCommands, kind), {
        "commands": tuple(kind.commands) + DEBUG_COMMANDS,
        "help_extra": [*kind.help_extra, *DEBUG_HELP],
    })
