"""The state machine: scenes are states, choices are transitions with guards and actions.

Every function here is pure: it takes a Story and a GameState and returns a new value.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from engine.core import template
from engine.core.errors import EvaluationError, RuleError
from engine.core.expr import Env
from engine.core.model import Chapter, Choice, Condition, GameState, Scene, Step, Story


@attrs.frozen
class Offer:
    """A choice as the player meets it: whether its guard holds, why not if it does not, and its
    label as this state shows it (a label can read the state: engine/core/template.py)."""

    choice: Choice
    available: bool
    reason: str = ""
    label: str = attrs.field(default=attrs.Factory(lambda self: self.choice.label, takes_self=True))


def new_game(story: Story) -> GameState:
    return GameState(scene=story.start, variables=story.initial_variables(), visits={story.start: 1})


def start_chapter(story: Story, chapter: Chapter) -> GameState:
    """A game that starts at a chapter's first scene, with the chapter's `setup` effects applied."""
    state = new_game(story)
    variables = dict(state.variables)
    env = (variables, state.visits)
    for effect in chapter.setup:
        effect.apply(variables, env)
    return GameState(scene=chapter.first, variables=variables, visits={chapter.first: 1})


def current_scene(story: Story, state: GameState) -> Scene:
    try:
        return story.scenes[state.scene]
    except KeyError:
        raise RuleError(f"the game is at scene {state.scene!r}, which this story does not have") from None


def _holds(condition: Condition, env: Env) -> bool:
    """A guard's verdict; one that cannot be evaluated (a damaged value) counts as closed."""
    try:
        return bool(condition.test(env))
    except EvaluationError:
        return False


def offers(story: Story, state: GameState) -> list[Offer]:
    """Every choice of the current scene, available or not (teachers see the hidden ones)."""
    # Random playthroughs (`hungary56 test`, the benchmarks) call this at every step: one env
    # tuple per call and no function call for an unguarded choice keep it cheap.
    scene = current_scene(story, state)
    env = (state.variables, state.visits)
    result = []
    for choice in scene.choices:
        condition = choice.condition
        label = choice.label if choice.label_template is None else template.render(choice.label_template, env)
        if condition is None:
            result.append(Offer(choice, True, "", label))
        elif _holds(condition, env):
            result.append(Offer(choice, True, "", label))
        else:
            result.append(Offer(choice, False, f"needs {condition.source}", label))
    return result


def open_choices(story: Story, state: GameState) -> list[int]:
    """The indices of the choices whose guards hold: what a random player picks from, without
    building the Offer values a screen needs. (`_holds` is inlined: this is the hot loop of
    `hungary56 test` and of the benchmarks.)"""
    env = (state.variables, state.visits)
    result = []
    for index, choice in enumerate(current_scene(story, state).choices):
        condition = choice.condition
        if condition is None:
            result.append(index)
            continue
        try:
            if condition.test(env):
                result.append(index)
        except EvaluationError:
            continue
    return result


def choose(story: Story, state: GameState, index: int) -> GameState:
    """Take choice `index` (0-based, counted over all of the scene's choices) and return the next state."""
    scene = current_scene(story, state)
    if not 0 <= index < len(scene.choices):
        raise RuleError(f"scene {scene.id!r} has no choice {index + 1}")
    choice = scene.choices[index]
    if choice.condition is not None and not _holds(choice.condition, (state.variables, state.visits)):
        if choice.auto:  # a scene that moves on by itself goes where its routes say (engine/core/routes.py)
            return _follow_route(story, state, scene)
        raise RuleError(f"choice {index + 1} of {scene.id!r} is not available: it needs {choice.condition.source}")
    variables = dict(state.variables)
    if choice.effects:
        env = (variables, state.visits)
        for effect in choice.effects:
            effect.apply(variables, env)
    visits = dict(state.visits)
    goto = choice.goto
    visits[goto] = visits.get(goto, 0) + 1
    return GameState.adopt(goto, variables, visits, state.path + (Step(scene.id, index),), state.turn + 1)


def _follow_route(story: Story, state: GameState, scene: Scene) -> GameState:
    """Going on from a scene whose `next:` is a list of routes: the one route that holds (their
    guards exclude one another), whichever automatic choice was asked for."""
    env = (state.variables, state.visits)
    for choice in scene.choices:
        if choice.auto and (choice.condition is None or _holds(choice.condition, env)):
            return choose(story, state, choice.index)
    raise RuleError(f"no route of {scene.id!r} holds")


def is_over(story: Story, state: GameState) -> bool:
    scene = story.scenes.get(state.scene)
    return scene is None or scene.ending is not None


def replay(story: Story, steps: Iterable[Step], start: GameState | None = None) -> list[GameState]:
    """Every state along a path of choices, from the start; raises RuleError where the path breaks."""
    states = [start or new_game(story)]
    for step in steps:
        if states[-1].scene != step.scene:
            raise RuleError(f"the path expects scene {step.scene!r} but the game is at {states[-1].scene!r}")
        states.append(choose(story, states[-1], step.choice))
    return states


def states_before(story: Story, state: GameState) -> list[GameState]:
    """The state before each step of a game's path, to show its labels and notes as they read then.

    A game started at a chapter (or a path this story no longer fits) cannot be replayed from the
    start: the final state then stands in for every step."""
    try:
        states = replay(story, state.path)
    except RuleError:
        return [state] * len(state.path)
    return states[:-1] if states[-1].scene == state.scene else [state] * len(state.path)


def visible_text(story: Story, state: GameState) -> list[str]:
    """The scene's paragraphs as this state shows them: its text, then the text variants whose
    conditions hold, each with its inline markup ({name}, {if ...}) rendered."""
    scene = current_scene(story, state)
    env = (state.variables, state.visits)
    parts = [template.text(scene.text, scene.text_template, env)]
    for variant in scene.variants:
        if variant.condition is None or _holds(variant.condition, env):
            parts.append(template.text(variant.text, variant.template, env))
    return [p for p in parts if p]


def label_text(choice: Choice, state: GameState) -> str:
    """A choice's label as this state shows it."""
    return template.text(choice.label, choice.label_template, (state.variables, state.visits))


def history_text(choice: Choice, state: GameState) -> str:
    """A choice's history note as this state shows it (the state after the choice is taken)."""
    return template.text(choice.history, choice.history_template, (state.variables, state.visits))


def outcome_text(choice: Choice, state: GameState) -> str:
    """What comes of a choice as this state shows it (the state before the choice is taken, as its label)."""
    return template.text(choice.outcome, choice.outcome_template, (state.variables, state.visits))


def epilogue_text(scene: Scene, state: GameState) -> str:
    """An ending's epilogue as this state shows it."""
    if scene.ending is None:
        return ""
    return template.text(scene.ending.epilogue, scene.ending.epilogue_template, (state.variables, state.visits))
