"""The Session's commands for saved games, settings and reloading, a teacher's commands (reveal,
vote, card) and the transcript's notes (reasons, undos): kept apart from engine/play/session.py so that the play loop reads on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from engine.core import machine, render
from engine.core.errors import Hungary56Error, SaveError, StoryError
from engine.core.model import GameState, Scene, Story
from engine.core.render import Block, Blocks
from engine.io.saves import SaveStore
from engine.play.modes import Mode, saves_blocks

if TYPE_CHECKING:
    from engine.core.transcript import Transcript
    from engine.play.modes import Console


class _Parts:
    """What these commands use of the Session they are part of (for the type checker only)."""

    if TYPE_CHECKING:
        story: Story
        state: GameState
        origin: GameState | None
        past: list[GameState]
        future: list[list[GameState]]
        pending: int | None
        tally: str
        store: SaveStore
        settings: Any
        mode: Mode
        reload_story: Callable[[], Story] | None
        transcript: Transcript | None
        ask_why: bool
        console: Console

        @property
        def scene(self) -> Scene: ...

        def show(self, blocks: Blocks, record: bool = True) -> None: ...

        def show_scene(self, look: bool = False) -> None: ...

        def hint(self, first: str = "") -> None: ...

        def menu(self) -> list[machine.Offer]: ...

        def choose_number(self, number: int) -> None: ...

        def advance(self, index: int, number: int = 0) -> None: ...


class SlotCommands(_Parts):
    """save, load, saves, settings, reload."""

    def _rebuild_past(self, state: GameState) -> list[GameState]:
        """The states before a loaded one, replayed from its path, so undo works after a load.

        A game begun with a chapter jump replays from that chapter's start, which then becomes
        where `restart` goes."""
        starts: list[GameState | None] = [None]
        if state.path:
            starts += [machine.start_chapter(self.story, c) for c in self.story.chapters
                       if c.first == state.path[0].scene and c.first != self.story.start]
        for start in starts:
            try:
                states = machine.replay(self.story, state.path, start)
            except Hungary56Error:  # the story changed under the save: no undo before it
                continue
            if states[-1].scene == state.scene:
                if start is not None and self.origin is None:
                    self.origin = start
                return states[:-1]
        return []

    def do_save(self, arg: str) -> None:
        slot = arg or "quicksave"
        try:
            path = self.store.save(self.story, self.state, slot)
        except SaveError as exc:
            self.show([Block("error", str(exc))])
            return
        self.show([Block("hint", f"Saved as '{slot}' ({path}).")])

    def do_load(self, arg: str) -> None:
        slot = arg or "quicksave"
        try:
            state = self.store.load(self.story, slot)
        except SaveError as exc:
            self.show([Block("error", f"Could not load: {exc}"),
                       Block("hint", "Your current game goes on.")])
            return
        self.state = state
        self.past = self._rebuild_past(state)
        self.future.clear()
        self.pending = None
        self.show([Block("hint", f"Loaded '{slot}'.")])
        self.show_scene()

    def do_saves(self, _arg: str) -> None:
        self.show(saves_blocks(self.story, self.store), record=False)

    def do_settings(self, arg: str) -> None:
        if self.settings is None:
            self.show([Block("hint", "Settings can be changed only in the terminal player.")], record=False)
            return
        self.show(self.settings.command(arg), record=False)
        reveal = self.settings.current.reveal
        if not self.mode.teacher and reveal != self.mode.reveal:
            self.mode = attrs.evolve(self.mode, reveal=reveal)

    def do_reload(self, _arg: str) -> None:
        if self.reload_story is None:
            self.show([Block("hint", "This story cannot be reloaded.")])
            return
        try:
            story = self.reload_story()
        except StoryError as exc:
            self.show([Block("error", str(exc)), Block("hint", "Kept the story as it was.")])
            return
        if self.state.scene not in story.scenes:
            self.show([Block("error", f"The reloaded story has no scene {self.state.scene!r}; kept the old one.")])
            return
        self.story = story
        variables = story.initial_variables()
        variables.update({k: v for k, v in self.state.variables.items() if k in variables})
        self.state = GameState(self.state.scene, variables, self.state.visits, self.state.path, self.state.turn)
        self.past = self._rebuild_past(self.state)
        self.future.clear()
        self.show([Block("hint", "Story reloaded.")])
        self.show_scene(look=True)


class ClassroomCommands(_Parts):
    """reveal, vote and card: the teacher's commands (the table marks them teacher-only)."""

    def do_reveal(self, _arg: str) -> None:
        if self.pending is None:
            self.hint("Nothing to reveal yet: type the number of the class's choice first.")
            return
        index, self.pending = self.pending, None
        self.advance(index, next((n for n, o in enumerate(self.menu(), 1) if o.choice.index == index), 0))

    def do_vote(self, arg: str) -> None:
        if machine.is_over(self.story, self.state) or self.scene.choices[0].auto:
            self.hint("There is no decision to vote on here.")
            return
        menu = self.menu()
        counts = arg.replace(",", " ").split()
        if len(counts) != len(menu) or not all(c.isdecimal() and len(c) <= 6 for c in counts):
            example = " ".join(str(n) for n in range(len(menu), 0, -1))
            self.hint(f"Give one count per choice shown, in order: {len(menu)} number(s), e.g. 'vote {example}'.")
            return
        numbers = [int(c) for c in counts]
        total = sum(numbers)
        parts = ", ".join(f"{n}. {count}" for n, count in enumerate(numbers, 1))
        self.tally = f"The class voted ({total} in all): {parts}"
        self.show([Block("vote", self.tally)])
        top = max(numbers)
        if top > 0 and numbers.count(top) == 1 and self.pending is None:
            self.choose_number(numbers.index(top) + 1)
        elif self.pending is None:
            self.show([Block("hint", "No single choice has the most votes: type the number the class settles on.")])

    def do_card(self, _arg: str) -> None:
        chapter = self.story.scene_chapter(self.scene)
        blocks = render.card_blocks(self.story, chapter) if chapter is not None else []
        self.show(blocks or [Block("hint", "This chapter has no source cards.")])


class TranscriptNotes(_Parts):
    """What the transcript keeps beyond the screens: a reason after each decision (--ask-why), and
    the choices taken back (undo), withdrawn (a class's, before the reveal) or brought back (redo)."""

    def ask_reason(self) -> None:
        """One line of reasoning for the decision just made, asked before history is revealed (Enter
        alone skips it; the line is taken as it is, even a command word)."""
        if not self.ask_why or self.transcript is None:
            return
        try:
            line = self.console.ask("Why? One line of reasoning (Enter to skip) > ", [])
        except (EOFError, KeyboardInterrupt):
            line = ""  # the input ended: the next prompt ends the game as usual
        reason = " ".join(line.split())[:600]
        self.transcript.blocks([Block("note", f"Why: {reason}" if reason else "Why: (no reason given)", indent=3)])

    def record(self, text: str) -> None:
        """A line for the transcript only: the screen has its own hint."""
        if self.transcript is not None:
            self.transcript.blocks([Block("meta", text)])

    def record_redo(self, before: GameState) -> None:
        """`redo` from `before`: the first decision it brings back, by its label."""
        steps = self.state.path[len(before.path):]
        choices = [self.story.scenes[step.scene].choices[step.choice] for step in steps]
        taken = next((choice for choice in choices if not choice.auto), None)
        if taken is not None:
            self.record(f"Redone: {machine.label_text(taken, before)}.")
