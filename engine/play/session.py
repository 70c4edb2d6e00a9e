"""The play loop: reads commands from a console adapter, moves the state machine, saves as it goes.

The console (terminal, pipe or test double), the save store and the story loader are passed in;
this module does no terminal or file work itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import attrs

from engine.classroom import debrief as classroom
from engine.core import machine
from engine.core.errors import EvaluationError, Hungary56Error, SaveError, StoryError
from engine.core.model import Choice, GameState, Scene, Story
from engine.io.saves import AUTOSAVE, SaveStore
from engine.play import render
from engine.play.render import Block, Blocks
from engine.play.transcript import Transcript

COMMANDS = (
    "help", "notes", "glossary", "timeline", "history", "debrief", "undo", "save", "load", "saves",
    "restart", "reload", "quit",
)
TEACHER_COMMANDS = COMMANDS + ("reveal", "card")
ALIASES = {"note": "notes", "exit": "quit", "q": "quit", "h": "help", "?": "help", "u": "undo"}


class Console(Protocol):
    """What the play loop needs from a terminal: show blocks, ask for a line."""

    def show(self, blocks: Blocks) -> None: ...

    def ask(self, prompt: str, words: list[str]) -> str:
        """One line of input; raises EOFError at the end of input and KeyboardInterrupt on Ctrl-C."""
        ...


class Session:
    """One player's game: the current state, the states before it (for undo) and the commands."""

    def __init__(
        self,
        story: Story,
        console: Console,
        store: SaveStore,
        reload: Callable[[], Story] | None = None,
        state: GameState | None = None,
        origin: GameState | None = None,
        transcript: Transcript | None = None,
    ) -> None:
        self.story = story
        self.console = console
        self.store = store
        self.reload_story = reload
        self.state = state or origin or machine.new_game(story)
        # Where `restart` goes: the story's start, or the chapter a teacher jumped to.
        self.origin = origin
        self.transcript = transcript
        self.debriefed = False
        self.past: list[GameState] = []
        self.running = True
        if state is not None:
            self.past = self._rebuild_past(state)

    commands: tuple[str, ...] = COMMANDS
    help_extra: list[tuple[str, str]] = []

    def show(self, blocks: Blocks, record: bool = True) -> None:
        """Show blocks on the console and, unless they are screens of the terminal only, in the transcript."""
        if record and self.transcript is not None:
            # First to the file: whatever is on the screen is already safe in the transcript.
            self.transcript.blocks(blocks)
        self.console.show(blocks)

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> int:
        self.show_scene()
        while self.running:
            try:
                line = self.console.ask(self.prompt(), self.completions())
            except (EOFError, KeyboardInterrupt):
                self.leave()
                break
            self.handle(line)
        return 0

    def prompt(self) -> str:
        return "> "

    def completions(self) -> list[str]:
        words = list(self.commands)
        words.extend(f"glossary {term}" for term in sorted(self.story.glossary))
        return words

    def handle(self, line: str) -> None:
        words = line.strip().split(maxsplit=1)
        if not words:
            if self.scene.choices and self.scene.choices[0].auto:
                self.take(0)
            else:
                self.hint()
            return
        word = words[0].lower()
        arg = words[1].strip() if len(words) > 1 else ""
        if word.isdecimal():  # not isdigit: int() refuses "²"; and a 5,000-digit number is no choice
            self.take(int(word) - 1 if len(word) <= 9 else -1)
            return
        command = ALIASES.get(word, word)
        action = getattr(self, f"do_{command}", None) if command in self.commands else None
        if action is None:
            shown = word if len(word) <= 40 else word[:37] + "..."  # an 8 MB line is not echoed whole
            self.hint(f"'{shown}' is not a choice or a command.")
            return
        action(arg)

    @property
    def scene(self) -> Scene:
        return machine.current_scene(self.story, self.state)

    def hint(self, first: str = "") -> None:
        if machine.is_over(self.story, self.state):
            text = "The story has ended: type 'restart', 'undo', 'history' or 'quit'."
        elif self.scene.choices[0].auto:
            text = "Press Enter to continue, or type 'help' for commands."
        else:
            numbers = [str(o.choice.index + 1) for o in machine.offers(self.story, self.state) if o.available]
            text = f"Type a choice number ({', '.join(numbers)}) or 'help' for commands."
        self.show([Block("hint", f"{first} {text}".strip())])

    # -- moving -----------------------------------------------------------------------------

    def show_scene(self) -> None:
        blocks = [Block("rule", "")] + render.scene_blocks(self.story, self.state)
        if self.scene.ending is not None:
            blocks += render.ending_blocks(self.scene, self.debrief_blocks(), self.state)
            self.debriefed = True
        else:
            blocks += render.choice_blocks(machine.offers(self.story, self.state))
        self.show(blocks)

    def debrief_blocks(self) -> Blocks:
        return render.debrief_blocks(self.story, classroom.debrief(self.story, self.state))

    def take(self, index: int) -> None:
        if machine.is_over(self.story, self.state):
            self.hint()
            return
        offers = machine.offers(self.story, self.state)
        if not 0 <= index < len(offers) or not offers[index].available:
            self.hint("There is no such choice here.")
            return
        choice = offers[index].choice
        try:
            new_state = machine.choose(self.story, self.state, index)
        except EvaluationError as exc:  # an effect past the limits of engine/core/expr.py
            self.show([Block("error", f"This choice cannot be taken: {exc}")])
            return
        self.past.append(self.state)
        self.state = new_state
        self.record_choice(index, choice)
        self.after_choice(choice)
        self.autosave()
        self.show_scene()

    def record_choice(self, index: int, choice: Choice) -> None:
        if self.transcript is not None and not choice.auto:
            label = machine.label_text(choice, self.past[-1]) if self.past else choice.label
            self.transcript.blocks([Block("chosen", f"Chosen: {index + 1}. {label}")])

    def after_choice(self, choice: Choice) -> None:
        blocks = render.annotation_blocks(choice, self.state)
        if blocks:
            self.show(blocks)

    def autosave(self) -> bool:
        """Autosave; False (and a message) when it failed, the previous autosave kept."""
        try:
            self.store.autosave(self.story, self.state)
        except SaveError as exc:
            self.show([Block("error", f"Autosave failed: {exc}")])
            return False
        return True

    def leave(self) -> None:
        self.running = False
        if self.transcript is not None and not machine.is_over(self.story, self.state):
            self.transcript.write("## Debrief so far")
            self.transcript.blocks(self.debrief_blocks())
        if self.state.turn > 0:
            if self.autosave():
                self.show([Block("hint", f"Progress saved in slot '{AUTOSAVE}'. "
                                         "Resume with: hungary56 play --continue")])
            else:
                self.show([Block("error", "Your progress since the last autosave was NOT saved. "
                                          "'hungary56 play --continue' resumes from the last autosave that "
                                          "worked, if any.")])
        else:
            self.show([Block("hint", "Goodbye.")])

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

    # -- commands ---------------------------------------------------------------------------

    def do_help(self, _arg: str) -> None:
        self.show(render.help_blocks(self.help_extra), record=False)

    def do_notes(self, _arg: str) -> None:
        self.show(render.note_blocks(self.story, self.scene))

    def do_glossary(self, arg: str) -> None:
        self.show(render.glossary_blocks(self.story, arg))

    def do_timeline(self, _arg: str) -> None:
        self.show(render.timeline_blocks(self.story, self.state))

    def do_history(self, _arg: str) -> None:
        self.show(render.history_blocks(self.story, self.state))

    def do_debrief(self, _arg: str) -> None:
        self.show(self.debrief_blocks())

    def do_undo(self, _arg: str) -> None:
        if not self.past:
            self.show([Block("hint", "Nothing to undo: this is where your game began.")])
            return
        self.state = self.past.pop()
        self.show([Block("hint", "Undone.")])
        self.autosave()
        self.show_scene()

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
                       Block("hint", "The file was left as it is; your current game goes on.")])
            return
        self.state = state
        self.past = self._rebuild_past(state)
        self.show([Block("hint", f"Loaded '{slot}'.")])
        self.show_scene()

    def do_saves(self, _arg: str) -> None:
        self.show(saves_blocks(self.story, self.store), record=False)

    def do_restart(self, _arg: str) -> None:
        self.past.append(self.state)
        self.state = self.origin or machine.new_game(self.story)
        self.show([Block("hint", "A new game. ('undo' takes you back to where you were.)")])
        self.show_scene()

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
        self.show([Block("hint", "Story reloaded.")])
        self.show_scene()

    def do_quit(self, _arg: str) -> None:
        self.leave()



class ProjectorConsole:
    """Lays blocks out for a projector: a left margin, two blank lines between parts, no dim text.

    Colour is kept only as an extra: every kind is also written out in words ([HISTORICAL]).
    """

    MARGIN = 4
    RESTYLE = {"hint": "note", "choice-off": "note", "rule": "text"}

    def __init__(self, console: Console) -> None:
        self.console = console

    def show(self, blocks: Blocks) -> None:
        laid: Blocks = []
        for block in blocks:
            if laid and not block.tight:
                laid.append(Block("text", ""))
            style = self.RESTYLE.get(block.style, block.style)
            text = "" if block.style == "rule" else block.text
            laid.append(attrs.evolve(block, style=style, text=text, indent=block.indent + self.MARGIN,
                                     tight=block.tight and not block.style.startswith("choice")))
        self.console.show(laid)

    def ask(self, prompt: str, words: list[str]) -> str:
        return self.console.ask(" " * self.MARGIN + prompt, words)


class TeacherSession(Session):
    """Teacher mode: chapter openings with reading time and source cards, discussion questions before
    the choices (the hidden ones too, with why), and the reveal as a step of its own."""

    commands = TEACHER_COMMANDS
    help_extra = render.TEACHER_HELP

    def __init__(self, story: Story, console: Console, store: SaveStore, **kwargs: Any) -> None:
        super().__init__(story, ProjectorConsole(console), store, **kwargs)
        self.pending: int | None = None
        self.chapter_shown = ""

    def prompt(self) -> str:
        return "Press Enter to reveal > " if self.pending is not None else "Class choice > "

    def handle(self, line: str) -> None:
        if not line.strip() and self.pending is not None:
            self.do_reveal("")
            return
        super().handle(line)

    def show_scene(self) -> None:
        scene = self.scene
        chapter = self.story.scene_chapter(scene)
        blocks: Blocks = []
        if chapter is not None and chapter.id != self.chapter_shown:
            blocks += render.chapter_intro_blocks(self.story, chapter)
            self.chapter_shown = chapter.id
        blocks += [Block("rule", "")] + render.scene_blocks(self.story, self.state)
        if scene.ending is not None:
            blocks += render.ending_blocks(scene, self.debrief_blocks(), self.state)
            self.debriefed = True
        else:
            offers = machine.offers(self.story, self.state)
            if chapter is not None and not scene.choices[0].auto:
                blocks += render.question_blocks(chapter)
            blocks += render.choice_blocks(offers, show_hidden=True)
        self.show(blocks)

    def take(self, index: int) -> None:
        if self.pending is not None:
            self.show([Block("hint", "The class has chosen: press Enter (or type 'reveal') for what really "
                                     "happened, or 'undo' to choose again.")])
            return
        if machine.is_over(self.story, self.state) or self.scene.choices[0].auto:
            super().take(index)
            return
        offers = machine.offers(self.story, self.state)
        if not 0 <= index < len(offers):
            self.hint("There is no such choice here.")
            return
        if not offers[index].available:
            self.hint(f"Choice {index + 1} is hidden from players here ({offers[index].reason}).")
            return
        self.pending = index
        self.show([Block("chosen", f"The class chose: {index + 1}. {offers[index].label}"),
                   Block("hint", "Press Enter (or type 'reveal') to see what really happened.")])

    def record_choice(self, index: int, choice: Choice) -> None:
        pass  # "The class chose" is already in the transcript, shown when the number was typed

    def do_reveal(self, _arg: str) -> None:
        if self.pending is None:
            self.hint("Nothing to reveal yet: type the number of the class's choice first.")
            return
        index, self.pending = self.pending, None
        super().take(index)

    def after_choice(self, choice: Choice) -> None:
        if choice.auto:
            return
        scene = self.story.scenes[self.past[-1].scene]
        self.show(render.reveal_blocks(scene, choice, self.past[-1], self.state))

    def do_undo(self, arg: str) -> None:
        if self.pending is not None:
            self.pending = None
            self.show([Block("hint", "Choice withdrawn: the class can choose again.")])
            self.show_scene()
            return
        super().do_undo(arg)

    def do_card(self, _arg: str) -> None:
        chapter = self.story.scene_chapter(self.scene)
        blocks = render.card_blocks(self.story, chapter) if chapter is not None else []
        self.show(blocks or [Block("hint", "This chapter has no source cards.")])


def saves_blocks(story: Story, store: SaveStore) -> Blocks:
    infos = store.list(story)
    if not infos:
        return [Block("hint", f"No saved games in {store.directory}.")]
    blocks = [Block("heading", f"Saved games in {store.directory}")]
    for info in infos:
        if info.problem:
            blocks.append(Block("error", f"{info.slot:<20} unreadable: {info.problem}", indent=2, wrap=False, tight=True))
            continue
        scene = story.scenes[info.scene]
        when = render.format_when(scene)
        blocks.append(Block("note", f"{info.slot:<20} {scene.title} ({when}) - saved {info.saved_at.replace('T', ' ')}",
                            indent=2, wrap=False, tight=True))
    return blocks
