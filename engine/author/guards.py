"""W303: a menu whose guards can all be false at once, and the state that shows it.

Every choice of the menu has an `if`; the check tries the values that decide the guards (each
number they compare with, one below and one above it, and the variable's initial value; true and
false; the texts they name; 0, 1 and 2 visits of a scene they ask about) and reports the first
state in which no guard holds: a player there would be stuck. Some such states may be impossible
in play (the random and exhaustive tests of `hungary56 test` only meet real ones), so it is a warning.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from engine.author.facts import never_taken
from engine.core import diagnostics, expr
from engine.core.errors import EvaluationError, Problem
from engine.core.model import Condition, Scene, Story

MAX_STATES = 20_000  # past this many combinations the check says nothing rather than guess


def _literals(node: expr.Node) -> Iterator[expr.Value]:
    if isinstance(node, expr.Literal):
        yield node.value
    elif isinstance(node, expr.Unary):
        yield from _literals(node.operand)
    elif isinstance(node, expr.Binary):
        yield from _literals(node.left)
        yield from _literals(node.right)


def closed_state(guards: list[Condition], story: Story) -> dict[str, expr.Value] | None:
    """A state (only the values the guards read) in which every guard is false, or None."""
    names = sorted({n for g in guards for n in expr.names_in(g.node) if n in story.variables})
    scenes = sorted({s for g in guards for s in expr.scenes_in(g.node)})
    literals = [v for g in guards for v in _literals(g.node)]
    numbers = {v for v in literals if isinstance(v, int) and not isinstance(v, bool)}
    texts = {v for v in literals if isinstance(v, str)}
    options: list[list[expr.Value]] = []
    for name in names:
        variable = story.variables[name]
        if variable.type == "bool":
            values: list[expr.Value] = [False, True]
        elif variable.type == "int":
            values = sorted({variable.initial, *(n + d for n in numbers for d in (-1, 0, 1))})
        else:
            values = sorted({variable.initial, "", *texts})
        options.append(values)
    options += [[0, 1, 2] for _ in scenes]
    count = 1
    for values in options:
        count *= len(values)
    if count > MAX_STATES:
        return None
    base = story.initial_variables()
    for combination in itertools.product(*options):
        variables = dict(base)
        variables.update(zip(names, combination[: len(names)]))
        visits = {s: int(v) for s, v in zip(scenes, combination[len(names):])}
        env = (variables, visits)
        if not any(_holds(g, env) for g in guards):
            shown = dict(zip(names, combination[: len(names)]))
            shown.update({f"visits({s})": v for s, v in visits.items()})
            return shown
    return None


def _holds(condition: Condition, env: expr.Env) -> bool:
    try:
        return bool(condition.test(env))
    except EvaluationError:
        return True  # cannot tell: never the reason for a warning


def _value(value: expr.Value) -> str:
    return "true" if value is True else "false" if value is False else f'"{value}"' if isinstance(value, str) else str(value)


def check_open_menu(scene: Scene, story: Story) -> Iterator[Problem]:
    """W303: every choice of a menu is guarded, and some state closes them all."""
    menu = [c for c in scene.choices if not c.auto]
    if not menu or any(c.condition is None for c in menu) or all(never_taken(c) for c in menu):
        return  # a menu of guards that are always false is a dead end (E301)
    state = closed_state([c.condition for c in menu if c.condition is not None], story)
    if state is None:
        return
    when = "when " + ", ".join(f"{name} = {_value(value)}" for name, value in state.items()) if state else "always"
    yield diagnostics.problem(
        menu[0].location, "W303",
        f"every choice of scene {scene.id!r} has an 'if', and {when} none holds: a player there is stuck; "
        "add a choice without 'if', or make the guards cover every case (for a decision the story makes "
        "by itself, write 'next:' as a list of routes with a default)")
