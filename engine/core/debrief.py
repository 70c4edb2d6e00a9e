"""Pure classroom views of a story: a player's path beside history (the debrief) and the historical path.

Nothing here prints or opens files: the player renders a Debrief as Blocks, the walkthrough
command renders a Walkthrough through Jinja2 templates.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from engine.core import machine
from engine.core.errors import RuleError
from engine.core.model import Chapter, Choice, Entry, GameState, Scene, Story


def historical_choice(scene: Scene) -> Choice | None:
    """The choice that is what really happened: the scene's first choice of kind historical."""
    return next((c for c in scene.choices if c.kind == "historical"), None)


def historical_choices(scene: Scene) -> tuple[Choice, ...]:
    """Every choice of kind historical: where people really did both (march at the front or in the
    middle of the column), a scene has two, and both happened."""
    return tuple(c for c in scene.choices if c.kind == "historical")


@attrs.frozen
class Decision:
    """One decision of a game: the scene, what the player chose, and what really happened there."""

    scene: Scene
    chosen: Choice
    historical: Choice | None
    # the labels and the note as the player read them (inline text rendered for the game's state)
    chosen_label: str = attrs.field(default=attrs.Factory(lambda self: self.chosen.label, takes_self=True))
    historical_label: str = attrs.field(
        default=attrs.Factory(lambda self: self.historical.label if self.historical else "", takes_self=True))
    note: str = attrs.field(default=attrs.Factory(
        lambda self: (self.historical or self.chosen).history, takes_self=True))
    # the other historical choices of the scene (besides `historical`, or besides the one chosen)
    also: tuple[str, ...] = ()

    @property
    def followed_history(self) -> bool:
        return self.chosen.kind == "historical"


@attrs.frozen
class Debrief:
    decisions: tuple[Decision, ...]
    chapters: tuple[Chapter, ...]
    terms: tuple[Entry, ...]
    sources: tuple[Entry, ...]


def visited_scenes(story: Story, state: GameState) -> list[Scene]:
    """The scenes of this game in the order they were entered (each once)."""
    ids = [step.scene for step in state.path] + [state.scene]
    seen: dict[str, Scene] = {}
    for scene_id in ids:
        if scene_id in story.scenes and scene_id not in seen:
            seen[scene_id] = story.scenes[scene_id]
    return list(seen.values())


def _unique(keys: list[str], table: Mapping[str, Entry]) -> tuple[Entry, ...]:
    entries: dict[str, Entry] = {}
    for key in keys:
        entry = table.get(key)
        if entry is not None and key not in entries:
            entries[key] = entry
    return tuple(entries.values())


def debrief(story: Story, state: GameState) -> Debrief:
    """The player's path beside history, the chapters covered, the terms met and the sources cited."""
    decisions = []
    befores = machine.states_before(story, state)
    for number, step in enumerate(state.path):
        scene = story.scenes.get(step.scene)
        if scene is None or step.choice >= len(scene.choices) or scene.choices[step.choice].auto:
            continue
        chosen = scene.choices[step.choice]
        real = chosen if chosen.kind == "historical" else historical_choice(scene)
        before = befores[number]
        after = befores[number + 1] if number + 1 < len(befores) else state
        noted = real or chosen
        also = tuple(machine.label_text(c, before) for c in historical_choices(scene) if c is not real)
        decisions.append(Decision(
            scene, chosen, real, machine.label_text(chosen, before),
            machine.label_text(real, before) if real else "", machine.history_text(noted, after), also))
    scenes = visited_scenes(story, state)
    chapter_ids = {scene.chapter for scene in scenes}
    return Debrief(
        decisions=tuple(decisions),
        chapters=tuple(c for c in story.chapters if c.id in chapter_ids),
        terms=_unique([t for s in scenes for t in s.terms], story.glossary),
        sources=_unique([k for s in scenes for k in s.sources], story.sources),
    )


# --- the historical path, for the walkthrough ----------------------------------------------------


@attrs.frozen
class PathStep:
    """A scene on the historical path, the choice the path takes there (None at an ending) and the rest."""

    scene: Scene
    taken: Choice | None
    others: tuple[machine.Offer, ...]
    text: tuple[str, ...]


@attrs.frozen
class Walkthrough:
    story: Story
    steps: tuple[PathStep, ...]
    complete: bool  # False when the walk stopped without reaching an ending

    def steps_in(self, chapter: Chapter) -> list[PathStep]:
        return [s for s in self.steps if s.scene.chapter == chapter.id]


def historical_path(story: Story) -> Walkthrough:
    """Walk from the start, always taking the first available historical choice (or, where a scene
    has none on offer, its first `personal` choice, else its first available choice), until an ending or a scene seen before."""
    state = machine.new_game(story)
    steps: list[PathStep] = []
    seen: set[str] = set()
    while state.scene not in seen:
        seen.add(state.scene)
        scene = machine.current_scene(story, state)
        text = tuple(machine.visible_text(story, state))
        if scene.ending is not None:
            steps.append(PathStep(scene, None, (), text))
            return Walkthrough(story, tuple(steps), True)
        offers = machine.offers(story, state)
        on_offer = [o for o in offers if o.available]
        # what really happened; where a scene is an invented private act, what people in your place did
        pick = next((o for o in on_offer if o.choice.kind == "historical"),
                    next((o for o in on_offer if o.choice.kind == "personal"), on_offer[0] if on_offer else None))
        if pick is None:
            break
        steps.append(PathStep(scene, pick.choice, tuple(o for o in offers if o is not pick), text))
        try:
            state = machine.choose(story, state, pick.choice.index)
        except RuleError:
            break
    return Walkthrough(story, tuple(steps), False)
