"""The rules of moving through a story as a player meets them: the `Game` value, and the moves
`step()` is made of (a number typed, Enter, a choice taken, a scene shown).

Everything here is pure: a move takes a `Game` and returns a `Step`, the new `Game` and the events
that say what happened (engine/core/events.py). The commands that are not moves live in
engine/core/commands.py; engine/core/game.py puts the two together as `start` and `step`.
"""

from __future__ import annotations

import attrs

from engine.core import machine, papers, render
from engine.core.errors import EvaluationError, Hungary56Error
from engine.core.events import (
    ChapterClosed,
    ChapterOpened,
    Chosen,
    CommandOutput,
    Ended,
    Event,
    Notice,
    Revealed,
    SaveRequested,
    SceneShown,
)
from engine.core.model import GameState, Scene, Story
from engine.core.render import Blocks

REVEALS = ("choice", "chapter", "debrief")
AUTOSAVE = "autosave"  # the slot saved after every move (engine/io/saves.py keeps its name too)


@attrs.frozen(kw_only=True)
class Mode:
    """How a game is presented: a player alone, or a teacher projecting for a class."""

    teacher: bool = False
    reveal: str = attrs.field(default="choice", validator=attrs.validators.in_(REVEALS))
    who: str = "You"  # who chooses, in the echo, the reveal and the debrief

    @property
    def show_hidden(self) -> bool:
        return self.teacher

    @property
    def reveal_step(self) -> bool:
        """A class's choice waits, announced, until the teacher reveals it."""
        return self.teacher


PLAYER = Mode()
TEACHER = Mode(teacher=True, reveal="choice", who="The class")


@attrs.frozen(kw_only=True)
class Game:
    """One game as the rules see it: the state, the states before it (undo) and after it (redo),
    the teacher's pending choice and votes, and the settings that change the rules."""

    story: Story
    state: GameState
    mode: Mode = PLAYER
    past: tuple[GameState, ...] = ()
    future: tuple[tuple[GameState, ...], ...] = ()  # what `redo` brings back, latest undo last
    origin: GameState | None = None  # where `restart` goes: the start, or the chapter jumped to
    pending: int | None = None  # teacher mode: the class's choice (a choice index), not yet revealed
    tally: str = ""  # the vote at the current decision
    votes: tuple[tuple[int, str], ...] = ()  # how the class split, by decision number
    held: tuple[tuple[str, int], ...] = ()  # reveals kept for the end of the chapter (scene, choice)
    chapter_shown: str = ""
    debriefed: bool = False
    paged: bool = False  # a paged reader: an ending stands alone, the debrief waits for Enter
    echo: bool = False  # a reader of plain lines (a pipe, a screen reader): "You chose: ..." in words (U14)
    debug: bool = False  # the author's debugger commands (`play --debug`)

    @property
    def scene(self) -> Scene:
        return machine.current_scene(self.story, self.state)

    @property
    def over(self) -> bool:
        return machine.is_over(self.story, self.state)

    @property
    def waiting(self) -> bool:
        """The scene moves on with Enter (an automatic "Continue"), not by a numbered choice."""
        return not self.over and self.scene.choices[0].auto


@attrs.frozen
class Step:
    """What `step()` returns: the new game and what happened, in order."""

    game: Game
    events: tuple[Event, ...] = ()

    def then(self, more: Step) -> Step:
        return Step(more.game, self.events + more.events)


def say(game: Game, text: str, kind: str = "hint", *events: Event) -> Step:
    return Step(game, (*events, Notice(text=text, kind=kind)))


def menu(game: Game) -> list[machine.Offer]:
    """The choices as numbered on the screen: only the open ones, 1, 2, 3 without gaps."""
    return [offer for offer in machine.offers(game.story, game.state) if offer.available]


def hint(game: Game, first: str = "") -> Step:
    """What to type next, after `first` (why the last line was not taken)."""
    if game.over:
        text = "The story has ended: type 'debrief', 'restart', 'undo', 'history' or 'quit'."
    elif game.waiting:
        text = "Press Enter to continue, or type 'help' for commands."
    elif not menu(game):  # every guard closed: the story is stuck here (lint W303, `hungary56 test` say so)
        text = ("No choice is open here: the story cannot go on from this scene, which is a mistake in the "
                "story. Type 'undo' to go back, 'restart', or 'quit'.")
    else:
        numbers = ", ".join(str(n) for n in range(1, len(menu(game)) + 1))
        text = f"Type a choice number ({numbers}) or 'help' for commands."
    return say(game, f"{first} {text}".strip())


def show_scene(game: Game, look: bool = False) -> Step:
    """The current scene (after its chapter's opening, when a new chapter begins)."""
    scene = game.scene
    events: list[Event] = []
    chapter = game.story.scene_chapter(scene)
    shown = game.chapter_shown
    if chapter is not None:
        if chapter.id != shown and not look:
            events.append(ChapterOpened(chapter=chapter.id, first=not shown))
        shown = chapter.id
    debriefed = game.debriefed
    with_debrief = False
    if scene.ending is not None:
        with_debrief = debriefed = not game.paged
    events.append(SceneShown(scene=scene.id, state=game.state, look=look, debrief=with_debrief))
    if scene.ending is not None and not look:
        events.append(Ended(ending=scene.id, kind=scene.ending.kind))
    return Step(attrs.evolve(game, chapter_shown=shown, debriefed=debriefed), tuple(events))


def decisions(story: Story, state: GameState) -> int:
    """How many decisions (not automatic steps) a state's path holds."""
    return sum(1 for step in state.path if not story.scenes[step.scene].choices[step.choice].auto)


def choose_number(game: Game, number: int) -> Step:
    """A number typed at the prompt: the choice with that number on the screen."""
    if game.pending is not None:
        return say(game, "The class has chosen: press Enter (or type 'reveal') for what really happened, "
                         "or 'undo' to choose again.")
    if game.over:
        return hint(game)
    if game.waiting:
        # "1" at a "Press Enter" scene goes on too (scripts type it)
        return advance(game, 0) if number == 1 else hint(game, "There is no choice to make here.")
    shown = menu(game)
    if not 1 <= number <= len(shown):
        return hint(game, "There is no such choice here.")
    offer = shown[number - 1]
    if game.mode.reveal_step:
        chosen = Chosen(scene=game.state.scene, choice=offer.choice.index, choice_id=offer.choice.id,
                        number=number, label=offer.label, by_class=True, pending=True)
        return say(attrs.evolve(game, pending=offer.choice.index),
                   "Press Enter (or type 'reveal') to see what really happened.", "hint", chosen)
    return advance(game, offer.choice.index, number)


def advance(game: Game, index: int, number: int = 0) -> Step:
    """Take choice `index` of the scene (counted over all its choices) and show what follows."""
    story, before = game.story, game.state
    scene = game.scene
    choice = scene.choices[index]
    try:
        after = machine.choose(story, before, index)
    except EvaluationError as exc:  # an effect past the limits of engine/core/expr.py
        return say(game, f"This choice cannot be taken: {exc}", "error")
    events: list[Event] = []
    label = machine.label_text(choice, before)
    if not choice.auto:
        events.append(Chosen(scene=scene.id, choice=index, choice_id=choice.id, number=number, label=label,
                             by_class=game.mode.teacher, outcome=machine.outcome_text(choice, before)))
    events.append(SaveRequested(slot=AUTOSAVE, state=after, quiet=True))
    votes, held = game.votes, game.held
    if not choice.auto:
        if game.mode.teacher:
            if game.tally:
                votes = (*votes, (decisions(story, after), game.tally))
            events.append(Revealed(scene=scene.id, choice=index, before=before, after=after, teacher=True,
                                   tally=game.tally))
        elif game.mode.reveal == "chapter":
            held = (*held, (scene.id, index))
        elif game.mode.reveal == "choice":
            events.append(Revealed(scene=scene.id, choice=index, before=before, after=after))
    old = story.scene_chapter(scene)
    new = story.scene_chapter(story.scenes[after.scene]) if after.scene in story.scenes else None
    if old is not None and (new is None or new.id != old.id):
        events.append(ChapterClosed(chapter=old.id, held=() if game.mode.teacher else held,
                                    teacher=game.mode.teacher))
        held = ()
    moved = attrs.evolve(game, state=after, past=(*game.past, before), future=(), tally="", votes=votes, held=held,
                         pending=None)
    return Step(moved, tuple(events)).then(show_scene(moved))


def enter(game: Game) -> Step:
    """Enter on an empty line: reveal, go on, or the debrief, whichever is waiting."""
    if game.pending is not None:
        return reveal(game)
    if game.over:
        if not game.debriefed:
            return debrief(game, "")
        return hint(game)
    if game.waiting:
        return advance(game, 0)
    return hint(game)


def debrief_blocks(game: Game, full: bool = True) -> Blocks:
    """The debrief: in full (every decision with its note, the terms met, every source), or the short
    one a player reads at an ending (a screen or two at 80x24; `debrief all` gives the full one)."""
    from engine.core import debrief as views  # at an ending or on `debrief`, not at the start

    seen = views.debrief(game.story, game.state)
    if not full:
        return papers.debrief_short_blocks(game.story, seen, game.state, game.mode.who)
    return render.debrief_blocks(game.story, seen, game.mode.who, dict(game.votes))


def debrief(game: Game, arg: str) -> Step:
    """`debrief`: the short debrief (a teacher's class sees it in full); `debrief all`: in full."""
    full = arg.strip().lower() in ("all", "full") or game.mode.teacher
    blocks = tuple(debrief_blocks(game, full))
    return Step(attrs.evolve(game, debriefed=True), (CommandOutput(command="debrief", blocks=blocks),))


def reveal(game: Game) -> Step:
    """The teacher reveals what the class chose: the choice is taken now."""
    if game.pending is None:
        return hint(game, "Nothing to reveal yet: type the number of the class's choice first.")
    index = game.pending
    number = next((n for n, offer in enumerate(menu(game), 1) if offer.choice.index == index), 0)
    return advance(attrs.evolve(game, pending=None), index, number)


def rebuild_past(story: Story, state: GameState, origin: GameState | None) -> tuple[tuple[GameState, ...],
                                                                                     GameState | None]:
    """The states before a loaded one, replayed from its path, so undo works after a load; and
    where `restart` goes. A game begun with a chapter jump replays from that chapter's start, which
    then becomes the origin."""
    starts: list[GameState | None] = [None]
    if state.path:
        starts += [machine.start_chapter(story, c) for c in story.chapters
                   if c.first == state.path[0].scene and c.first != story.start]
    for start in starts:
        try:
            states = machine.replay(story, state.path, start)
        except Hungary56Error:  # the story changed under the save: no undo before it
            continue
        if states[-1].scene == state.scene:
            return tuple(states[:-1]), origin if start is None or origin is not None else start
    return (), origin


def went_on_from(earlier: GameState, later: GameState) -> bool:
    """Whether `later` came from `earlier` by its "Press Enter" (not by a debugger's jump, say)."""
    at = len(earlier.path)
    return len(later.path) == at + 1 and later.path[at].scene == earlier.scene


def is_auto(story: Story, state: GameState) -> bool:
    scene = story.scenes.get(state.scene)
    return scene is not None and bool(scene.choices) and scene.choices[0].auto
