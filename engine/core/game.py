"""The game's rules as one pure function: `step(game, line)` returns the new `Game` and what happened.

    from engine.core.game import start, step
    from engine.io.loader import load_story

    story = load_story("story")            # or any story folder
    now = start(story)                     # a Step: .game and .events (SceneShown, ...)
    while not now.game.over:
        now = step(now.game, "1")          # the first open choice, or Enter where there is none
    print(now.game.state.scene, [type(e).__name__ for e in now.events])

`step` does no I/O, reads no clock and draws no random number. Events that ask for work (saving,
loading, re-reading the story, changing a setting, leaving) are done by the caller, which feeds
a result back through `loaded`, `reloaded` or `configured`. The terminal (engine/play/session.py),
the browser (engine/web/) and the play-tests are loops around this.
"""

from __future__ import annotations

import attrs

from engine.core import machine, render
from engine.core.commands import commands_for, resolve
from engine.core.events import Chosen, CommandOutput, Event
from engine.core.model import GameState, Story
from engine.core.moves import (
    PLAYER,
    TEACHER,
    Game,
    Mode,
    Step,
    choose_number,
    enter,
    hint,
    menu,
    rebuild_past,
    say,
    show_scene,
)

__all__ = ["PLAYER", "TEACHER", "Game", "Mode", "Step", "completions", "configured", "loaded", "menu", "prompt",
           "reloaded", "start", "step"]


def start(story: Story, *, mode: Mode = PLAYER, state: GameState | None = None, origin: GameState | None = None,
          paged: bool = False, debug: bool = False, echo: bool = False, welcome: bool = False,
          recap: bool = False) -> Step:
    """A game at `state` (a loaded save), at `origin` (a chapter's start), or at the story's start,
    and the events that show its first scene: after the story's welcome (`welcome`, a first game:
    title, perspective, content note, help), or after a recap of the last three choices (`recap`,
    a game continued)."""
    game = Game(story=story, state=state or origin or machine.new_game(story), mode=mode, origin=origin,
                paged=paged, debug=debug, echo=echo)
    first: tuple[Event, ...] = ()
    if welcome:
        first = (CommandOutput(command="welcome", blocks=tuple(render.welcome_blocks(story)), record=False),)
    if state is not None:
        past, found = rebuild_past(story, state, origin)
        game = attrs.evolve(game, past=past, origin=found)
        recapped = render.recap_blocks(story, state) if recap else []
        if recapped:
            first = (CommandOutput(command="recap", blocks=tuple(recapped), record=False),)
    return Step(game, first).then(show_scene(game))


def step(game: Game, line: str) -> Step:
    """One line typed by the player (a choice number, a command, or nothing: Enter)."""
    words = line.strip().split(maxsplit=1)
    if not words:
        return enter(game)
    word = words[0].lower()
    arg = words[1].strip() if len(words) > 1 else ""
    if not arg and word[:-1].isdecimal() and word[-1:] in ".)":
        word = word[:-1]  # "2." and "2)": the number as the menu prints it (U7)
    if word.isdecimal():  # not isdigit: int() refuses "²"; and a 5,000-digit number is no choice
        if arg:
            return hint(game, f"'{line.strip()}' is more than one answer: type one choice number, then Enter.")
        return choose_number(game, int(word) if len(word) <= 9 else -1)
    command = resolve(word, game.mode.teacher, game.debug)
    if command is not None and arg:  # "help a wounded man" is a choice's words, not `help`
        by_words = choice_by_words(game, line)
        if by_words is not None and any(isinstance(e, Chosen) for e in by_words.events):
            return by_words
    if command is None:
        by_words = choice_by_words(game, line)
        if by_words is not None:
            return by_words
        shown = line.strip() if len(line.strip()) <= 40 else line.strip()[:37] + "..."  # an 8 MB line is not echoed whole
        return hint(game, f"'{shown}' is not a choice or a command.")
    return command.handler(game, arg)


def words_of(text: str) -> str:
    """Text as words to compare: no accents, no capitals, no punctuation, single spaces."""
    return " ".join("".join(c if c.isalnum() else " " for c in render.fold(text)).split())


def choice_by_words(game: Game, line: str) -> Step | None:
    """The choice whose words begin as typed ("say nothing" for "Say nothing and..."; accents,
    capitals and punctuation do not matter), or a hint naming the ones that begin so; None when no
    choice on the menu begins with these words (U7)."""
    typed = words_of(line)
    if len(typed) < 2 or game.over or game.waiting or game.pending is not None:
        return None
    shown = menu(game)
    found = [n for n, offer in enumerate(shown, 1) if words_of(offer.label) == typed
             or words_of(offer.label).startswith(typed + " ")]
    if len(found) == 1:
        return choose_number(game, found[0])
    if found:
        numbers = " or ".join(str(n) for n in found)
        return hint(game, f"'{line.strip()[:40]}' begins more than one choice: type {numbers}.")
    return None


def refused(game: Game, line: str) -> bool:
    """Whether `step` answers this line with "no such choice" or "not a command" (recordings note it)."""
    words = line.strip().split()
    if not words:
        return False
    word = words[0].lower()
    if len(words) == 1 and word[:-1].isdecimal() and word[-1:] in ".)":
        word = word[:-1]
    if word.isdecimal():
        if game.over:
            return True
        number = int(word) if len(word) <= 9 else 0
        if game.waiting:
            return number != 1
        return not 1 <= number <= len(menu(game))
    by_words = choice_by_words(game, line)
    if resolve(word, game.mode.teacher, game.debug) is not None:
        return False
    return by_words is None or not any(isinstance(e, Chosen) for e in by_words.events)


def loaded(game: Game, state: GameState, slot: str) -> Step:
    """The game after the caller read a saved `state` from `slot` (a LoadRequested done)."""
    past, origin = rebuild_past(game.story, state, game.origin)
    now = attrs.evolve(game, state=state, past=past, origin=origin, future=(), pending=None)
    return say(now, f"Loaded '{slot}'.").then(show_scene(now))


def reloaded(game: Game, story: Story) -> Step:
    """The game over a re-read story, keeping the place and the variables it still declares."""
    if game.state.scene not in story.scenes:
        return say(game, f"The reloaded story has no scene {game.state.scene!r}; kept the old one.", "error")
    variables = story.initial_variables()
    variables.update({k: v for k, v in game.state.variables.items() if k in variables})
    state = GameState(game.state.scene, variables, game.state.visits, game.state.path, game.state.turn)
    past, origin = rebuild_past(story, state, game.origin)
    now = attrs.evolve(game, story=story, state=state, past=past, origin=origin, future=())
    return say(now, "Story reloaded.").then(show_scene(now, look=True))


def configured(game: Game, *, reveal: str) -> Step:
    """The game after the player changed when "what really happened" is shown (a teacher's stays)."""
    if game.mode.teacher or reveal == game.mode.reveal:
        return Step(game)
    return Step(attrs.evolve(game, mode=attrs.evolve(game.mode, reveal=reveal)))


def prompt(game: Game) -> str:
    if game.mode.teacher:
        return "Press Enter to reveal > " if game.pending is not None else "Class choice > "
    return "> "


def completions(game: Game) -> list[str]:
    """What Tab completes: the commands of this mode, the glossary terms, the settings."""
    words = [c.name for c in commands_for(game.mode.teacher, game.debug)]
    words.extend(f"glossary {term}" for term in sorted(game.story.glossary, key=render.fold))
    words.extend(f"settings {name} " for name in ("reveal", "theme", "width"))
    return words
