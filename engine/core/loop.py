"""The one reading loop around `step()`: ask for a line, step, show the events, carry out the
requests (save, load, reload, settings, leave) through a `Host`. The terminal player
(engine/play/session.py) and the recorded playthroughs (engine/author/playthroughs.py) are hosts:
one with a real console and save folder, one with a script and saves in memory.
"""

from __future__ import annotations

from typing import Protocol

from engine.core import game as rules
from engine.core import present
from engine.core.errors import SaveError, StoryError
from engine.core.events import (
    Ended,
    Event,
    Left,
    LoadRequested,
    ReloadRequested,
    SaveRequested,
    SavesRequested,
    SettingsRequested,
)
from engine.core.game import Game, Step
from engine.core.model import GameState, Story
from engine.core.moves import AUTOSAVE, debrief_blocks
from engine.core.render import Block, Blocks


class ReaderLeft(Exception):
    """The reader left in the middle of a screen (q at `-- more --`, Ctrl-D, Ctrl-C)."""


class Host(Protocol):
    """What the loop needs from the program around it."""

    def show(self, blocks: Blocks, record: bool = True, screen: bool = True) -> None:
        """Show blocks (`screen`) and keep them in the transcript, if any (`record`)."""

    def pause(self, prompt: str) -> None:
        """End the screen here ("" for the reader's own prompt); a pipe goes straight on."""

    def ask(self, prompt: str, words: list[str]) -> str:
        """One line; EOFError at the end of input, KeyboardInterrupt on Ctrl-C."""
        ...

    def ask_why(self) -> None:
        """After a decision, before the reveal: a line of reasoning for the transcript, if asked for."""

    def save(self, state: GameState, slot: str) -> str:
        """Save `state`; the path it was written to. SaveError when it could not be."""
        ...

    def load(self, slot: str) -> GameState:
        """SaveError when it cannot be read."""
        ...

    def saves(self) -> Blocks:
        ...

    def reload(self) -> Story | None:
        """The story read again (StoryError when it is broken), or None when it cannot be."""
        ...

    def settings(self, arg: str) -> tuple[Blocks, str] | None:
        """The settings screen for `arg` and the reveal timing now, or None where there are none."""
        ...

    def ended(self, ending: Ended) -> None:
        """An ending was reached (the record of endings found)."""

    def leaving(self, game: Game) -> None:
        """Before the goodbye (a transcript's "debrief so far")."""

    def resume_hint(self) -> str:
        ...


class Loop:
    """A game driven by a Host until the reader leaves."""

    def __init__(self, host: Host, first: Step) -> None:
        self.host = host
        self.game = first.game
        self.running = True
        self.first = first

    def run(self) -> Game:
        try:
            self.render(self.first)
            while self.running:
                try:
                    line = self.host.ask(rules.prompt(self.game), rules.completions(self.game))
                except (EOFError, KeyboardInterrupt):  # at the prompt: the reader leaves
                    self.leave()
                    break
                self.render(rules.step(self.game, line))  # a Ctrl-C inside the game's own work is not caught
        except ReaderLeft:
            self.leave()
        return self.game

    def render(self, now: Step) -> None:
        """Show a step's events in order, carrying out its requests; the game is the step's."""
        self.game = now.game
        for event in now.events:
            self.event(event)

    def event(self, event: Event) -> None:
        host = self.host
        for screen in present.screens(self.game, event):
            if screen.clear and hasattr(host, "clear"):
                host.clear()
            if screen.blocks:
                host.show(list(screen.blocks), record=screen.record, screen=screen.show)
            if screen.ask_why:
                host.ask_why()
            if screen.pause is not None:
                host.pause(screen.pause)
        if isinstance(event, SaveRequested):
            self.save(event)
        elif isinstance(event, LoadRequested):
            self.load(event.slot)
        elif isinstance(event, SavesRequested):
            host.show(host.saves(), record=False)
        elif isinstance(event, ReloadRequested):
            self.reload()
        elif isinstance(event, SettingsRequested):
            self.settings(event.arg)
        elif isinstance(event, Ended):
            host.ended(event)
        elif isinstance(event, Left):
            self.leave()
        happened = getattr(host, "happened", None)  # an optional hook (the teacher's vote log)
        if happened is not None:
            happened(self.game, event)

    def save(self, event: SaveRequested) -> bool:
        try:
            path = self.host.save(event.state, event.slot)
        except SaveError as exc:
            if event.slot == AUTOSAVE:
                self.host.show([Block("error", f"Autosave failed: {exc}")])
            else:
                self.host.show([Block("error", str(exc))])
            return False
        if not event.quiet:
            self.host.show([Block("hint", f"Saved as '{event.slot}' ({path}).")])
        return True

    def load(self, slot: str) -> None:
        try:
            state = self.host.load(slot)
        except SaveError as exc:
            self.host.show([Block("error", f"Could not load: {exc}"), Block("hint", "Your current game goes on.")])
            return
        self.render(rules.loaded(self.game, state, slot))

    def reload(self) -> None:
        try:
            story = self.host.reload()
        except StoryError as exc:
            self.host.show([Block("error", str(exc)), Block("hint", "Kept the story as it was.")])
            return
        if story is None:
            self.host.show([Block("hint", "This story cannot be reloaded.")])
            return
        self.render(rules.reloaded(self.game, story))

    def settings(self, arg: str) -> None:
        answer = self.host.settings(arg)
        if answer is None:
            self.host.show([Block("hint", "Settings can be changed only in the terminal player.")], record=False)
            return
        blocks, reveal = answer
        self.host.show(blocks, record=False)
        self.render(rules.configured(self.game, reveal=reveal))

    def leave(self) -> None:
        if not self.running:
            return
        self.running = False
        try:
            self.host.leaving(self.game)
            self.goodbye()
        except ReaderLeft:  # leaving already: a `-- more --` on the way out is not waited for
            pass

    def goodbye(self) -> None:
        game = self.game
        if game.state.turn > 0:
            hint = self.host.resume_hint()
            if self.save(SaveRequested(slot=AUTOSAVE, state=game.state, quiet=True)):
                self.host.show([Block("hint", f"Progress saved in slot '{AUTOSAVE}'. Resume with: {hint}")])
            else:
                self.host.show([Block("error", "Your progress since the last autosave was NOT saved. "
                                               f"'{hint}' resumes from the last autosave that worked, if any.")])
        else:
            self.host.show([Block("hint", "Goodbye.")])


def so_far(game: Game) -> Blocks:
    """The debrief of a game left before its ending (the transcript's last part)."""
    return debrief_blocks(game)
