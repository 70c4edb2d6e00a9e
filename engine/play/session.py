"""The terminal's play loop: a `Host` for engine/core/loop.py that reads lines from a console,
shows the events `step()` returns, and does the I/O they ask for (saves, reloads, settings).

The rules of play are all in engine/core/game.py; this module only talks to the console, the
save store, the transcript and the settings it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.core import game as rules
from engine.core.commands import PLAYER_COMMANDS, TEACHER_COMMANDS
from engine.core.events import Ended, Event, Revealed
from engine.core.game import PLAYER, TEACHER, Game, Mode
from engine.core.loop import Loop
from engine.core.model import GameState, Story
from engine.core.render import Block, Blocks
from engine.io.saves import SaveStore
from engine.play.modes import Console, EndingsFound, ProjectorConsole, player_mode, saves_blocks
from engine.play.votelog import VoteLog

if TYPE_CHECKING:
    from engine.core.transcript import Transcript

__all__ = ["ALL_COMMANDS", "COMMANDS", "PLAYER", "TEACHER", "Console", "Mode", "ProjectorConsole", "Session",
           "TeacherSession", "player_mode", "saves_blocks"]

WHY = "Why? One line of reasoning (Enter to skip)\n> "  # the answer wraps under the "> ", not at column 0

# The names of the in-game commands (the table itself is engine/core/commands.py).
COMMANDS = PLAYER_COMMANDS
ALL_COMMANDS = TEACHER_COMMANDS


class Session:
    """One game in a terminal: a console, a save store, a transcript, and the loop around `step`."""

    def __init__(
        self,
        story: Story,
        console: Console,
        store: SaveStore,
        reload: Callable[[], Story] | None = None,
        state: GameState | None = None,
        origin: GameState | None = None,
        transcript: Transcript | None = None,
        mode: Mode = PLAYER,
        resume_hint: str | Callable[[], str] = "hungary56 play --continue",  # a function: made when leaving
        endings: EndingsFound | None = None,
        settings: Any = None,
        ask_why: bool = False,
        debug: bool = False,
        welcome: bool = False,
        recap: bool = False,
        vote_log: Path | None = None,
    ) -> None:
        self.console: Console = ProjectorConsole(console) if mode.teacher else console
        self.paged = bool(getattr(console, "paged", False))
        self.store = store
        self.reload_story = reload
        self.transcript = transcript
        self.asking_why = ask_why and transcript is not None  # --ask-why: a line of reasoning after each decision
        self.hint_text = resume_hint
        self.endings = endings
        self.control = settings  # a SettingsControl (engine/play/start.py) when settings can be changed
        self.reason = ""  # the last line of reasoning given (--ask-why), for the vote log
        self.votes = VoteLog(vote_log) if vote_log is not None else None
        self.loop = Loop(self, rules.start(story, mode=mode, state=state, origin=origin, paged=self.paged,
                                          debug=debug, echo=bool(getattr(console, "plain", False)),
                                          welcome=welcome, recap=recap))

    @property
    def game(self) -> Game:
        return self.loop.game

    @property
    def state(self) -> GameState:
        return self.game.state

    @property
    def story(self) -> Story:
        return self.game.story

    @property
    def mode(self) -> Mode:
        return self.game.mode

    @property
    def pending(self) -> int | None:
        return self.game.pending

    @property
    def running(self) -> bool:
        return self.loop.running

    def run(self) -> Game:
        """Play until the reader leaves; the game as it was left."""
        return self.loop.run()

    # -- the Host: what the loop asks of a terminal ------------------------------------------

    def show(self, blocks: Blocks, record: bool = True, screen: bool = True) -> None:
        if record and self.transcript is not None:
            # First to the file: whatever is on the screen is already safe in the transcript.
            self.transcript.blocks(blocks)
        if screen:
            self.console.show(blocks)

    def clear(self) -> None:
        """A new part on a cleared screen, where the console can clear one (the teacher's projector)."""
        clear = getattr(self.console, "clear", None)
        if clear is not None:
            clear()

    def pause(self, prompt: str) -> None:
        pause = getattr(self.console, "pause", None)
        if pause is not None:
            pause(prompt) if prompt else pause()

    def ask(self, prompt: str, words: list[str]) -> str:
        return self.console.ask(prompt, words)

    def ask_why(self) -> None:
        """One line of reasoning for the decision just made, asked before history is revealed (Enter
        alone skips it; the line is taken as it is, even a command word)."""
        if not self.asking_why or self.transcript is None:
            return
        try:
            line = self.console.ask(WHY, [])
        except (EOFError, KeyboardInterrupt):
            line = ""  # the input ended: the next prompt ends the game as usual
        reason = self.reason = " ".join(line.split())[:600]
        self.transcript.blocks([Block("note", f"Why: {reason}" if reason else "Why: (no reason given)", indent=3)])

    def happened(self, game: Game, event: Event) -> None:
        """Every event, after it was shown: a class's revealed decision goes to the vote log."""
        if self.votes is not None and isinstance(event, Revealed) and event.teacher:
            self.votes.revealed(game.story, event, self.reason)
            self.reason = ""

    def save(self, state: GameState, slot: str) -> str:
        if slot == "autosave":
            return str(self.store.autosave(self.story, state))
        return str(self.store.save(self.story, state, slot))

    def load(self, slot: str) -> GameState:
        return self.store.load(self.story, slot)

    def saves(self) -> Blocks:
        return saves_blocks(self.story, self.store)

    def reload(self) -> Story | None:
        return None if self.reload_story is None else self.reload_story()

    def settings(self, arg: str) -> tuple[Blocks, str] | None:
        if self.control is None:
            return None
        blocks = self.control.command(arg)
        return blocks, self.control.current.reveal

    def ended(self, ending: Ended) -> None:
        if self.endings is not None:
            self.endings.add(ending.ending)

    def leaving(self, game: Game) -> None:
        if self.transcript is not None and not game.over:
            from engine.core.loop import so_far

            self.transcript.write("## Debrief so far")
            self.transcript.blocks(so_far(game))

    def resume_hint(self) -> str:
        return self.hint_text() if callable(self.hint_text) else self.hint_text


class TeacherSession(Session):
    """A Session given the TEACHER policy by default (a name kept for older callers; the behaviour is
    all in the Mode)."""

    def __init__(self, story: Story, console: Console, store: SaveStore, **kwargs: Any) -> None:
        kwargs.setdefault("mode", TEACHER)
        super().__init__(story, console, store, **kwargs)
