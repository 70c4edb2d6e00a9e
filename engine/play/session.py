"""The play loop: reads commands from a console adapter, moves the state machine, saves as it goes.

The console (paged terminal, pipe or test double), the save store and the story loader are passed
in; this module does no terminal or file work itself. How the story is presented (a player alone,
or a teacher projecting for a class) is a `Mode`, a policy the Session is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from engine.core import machine, render
from engine.core.errors import EvaluationError, SaveError
from engine.core.model import Chapter, Choice, GameState, Scene, Story
from engine.core.render import Block, Blocks
from engine.io.saves import AUTOSAVE, SaveStore
from engine.play.commands import PLAYER_COMMANDS, TEACHER_COMMANDS, help_rows, resolve
from engine.play.modes import PLAYER, TEACHER, Console, EndingsFound, Mode, ProjectorConsole, player_mode, saves_blocks
from engine.play.session_commands import ClassroomCommands, SlotCommands, TranscriptNotes

if TYPE_CHECKING:
    from engine.core.transcript import Transcript

__all__ = ["ALL_COMMANDS", "COMMANDS", "PLAYER", "TEACHER", "Console", "Mode", "ProjectorConsole", "Session",
           "TeacherSession", "player_mode", "saves_blocks"]

# The names of the in-game commands (the table itself is engine/play/commands.py).
COMMANDS = PLAYER_COMMANDS
ALL_COMMANDS = TEACHER_COMMANDS


class Session(SlotCommands, ClassroomCommands, TranscriptNotes):
    """One game: the current state, the states before it (undo) and after it (redo), and the commands."""

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
    ) -> None:
        self.story = story
        self.mode = mode
        self.console: Console = ProjectorConsole(console) if mode.teacher else console
        self.paged = bool(getattr(console, "paged", False))
        self.store = store
        self.reload_story = reload
        self.state = state or origin or machine.new_game(story)
        # Where `restart` goes: the story's start, or the chapter a teacher jumped to.
        self.origin = origin
        self.transcript = transcript
        self.ask_why = ask_why and transcript is not None  # --ask-why: a line of reasoning after each decision
        self.resume_hint = resume_hint
        self.endings = endings
        self.settings = settings  # a SettingsControl (engine/play/start.py) when settings can be changed
        self.debriefed = False
        self.past: list[GameState] = []
        self.future: list[list[GameState]] = []  # what `redo` brings back, latest undo last
        self.running = True
        self.pending: int | None = None  # teacher mode: the class's choice (an offer index), not yet revealed
        self.chapter_shown = ""
        self.held: list[tuple[Scene, Choice]] = []  # reveals kept for the end of the chapter
        self.votes: dict[int, str] = {}  # how the class split, by decision number
        self.tally: str = ""  # the vote at the current decision
        if state is not None:
            self.past = self._rebuild_past(state)

    # Extra commands a subclass adds, with their help lines (the author's debugger: engine/play/debug.py).
    commands: tuple[str, ...] = ()
    help_extra: list[tuple[str, str]] = []

    def command_names(self) -> tuple[str, ...]:
        return (ALL_COMMANDS if self.mode.teacher else COMMANDS) + tuple(type(self).commands)

    def show(self, blocks: Blocks, record: bool = True) -> None:
        """Show blocks on the console and, unless they are screens of the terminal only, in the transcript."""
        if record and self.transcript is not None:
            # First to the file: whatever is on the screen is already safe in the transcript.
            self.transcript.blocks(blocks)
        self.console.show(blocks)

    def pause(self, prompt: str = "") -> None:
        """End the screen here (a paged terminal waits for a key; a pipe goes straight on)."""
        pause = getattr(self.console, "pause", None)
        if pause is not None:
            pause(prompt) if prompt else pause()

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> int:
        from engine.play.pager import ReaderLeft

        try:
            self.show_scene()
            while self.running:
                try:
                    line = self.console.ask(self.prompt(), self.completions())
                except (EOFError, KeyboardInterrupt):  # at the prompt: the reader leaves
                    self.leave()
                    break
                self.handle(line)  # a Ctrl-C that interrupts the game's own work is not caught here
        except ReaderLeft:
            self.leave()
        return 0

    def prompt(self) -> str:
        if self.mode.teacher:
            return "Press Enter to reveal > " if self.pending is not None else "Class choice > "
        return "> "

    def completions(self) -> list[str]:
        words = list(self.command_names())
        words.extend(f"glossary {term}" for term in sorted(self.story.glossary, key=render.fold))
        words.extend(f"settings {name} " for name in ("reveal", "theme", "width"))
        return words

    def handle(self, line: str) -> None:
        words = line.strip().split(maxsplit=1)
        if not words:
            self.enter()
            return
        word = words[0].lower()
        arg = words[1].strip() if len(words) > 1 else ""
        if word.isdecimal():  # not isdigit: int() refuses "²"; and a 5,000-digit number is no choice
            if arg:
                self.hint(f"'{line.strip()}' is more than one answer: type one choice number, then Enter.")
                return
            self.choose_number(int(word) if len(word) <= 9 else -1)
            return
        command = resolve(word, self.mode.teacher)
        if command is None and word in type(self).commands:
            getattr(self, f"do_{word}")(arg)
            return
        if command is None:
            if word.rstrip(".)").isdecimal() and not arg:
                self.hint(f"Type the number alone ({word.rstrip('.)')}), then Enter.")
                return
            shown = word if len(word) <= 40 else word[:37] + "..."  # an 8 MB line is not echoed whole
            self.hint(f"'{shown}' is not a choice or a command.")
            return
        getattr(self, f"do_{command.name}")(arg)

    def enter(self) -> None:
        """Enter on an empty line: reveal, go on, or the debrief, whichever is waiting."""
        if self.pending is not None:
            self.do_reveal("")
        elif machine.is_over(self.story, self.state):
            if not self.debriefed:
                self.do_debrief("")
            else:
                self.hint()
        elif self.scene.choices[0].auto:
            self.advance(0)
        else:
            self.hint()

    @property
    def scene(self) -> Scene:
        return machine.current_scene(self.story, self.state)

    def menu(self) -> list[machine.Offer]:
        """The choices as numbered on the screen (only the available ones, without gaps)."""
        return render.shown_offers(machine.offers(self.story, self.state))

    def hint(self, first: str = "") -> None:
        if machine.is_over(self.story, self.state):
            text = "The story has ended: type 'debrief', 'restart', 'undo', 'history' or 'quit'."
        elif self.scene.choices[0].auto:
            text = "Press Enter to continue, or type 'help' for commands."
        else:
            count = len(self.menu())
            numbers = ", ".join(str(n) for n in range(1, count + 1))
            text = f"Type a choice number ({numbers}) or 'help' for commands."
        self.show([Block("hint", f"{first} {text}".strip())])

    # -- moving -----------------------------------------------------------------------------

    def show_scene(self, look: bool = False) -> None:
        scene = self.scene
        chapter = self.story.scene_chapter(scene)
        if chapter is not None and chapter.id != self.chapter_shown and not look:
            first = not self.chapter_shown
            self.chapter_shown = chapter.id
            if self.mode.teacher:
                self.show(render.chapter_intro_blocks(self.story, chapter))
                self.pause()
            elif self.paged and not first:
                self.show(render.chapter_card_blocks(chapter), record=False)
                self.pause()
        elif chapter is not None:
            self.chapter_shown = chapter.id  # `look`, undo, redo: already in this chapter
        blocks = [Block("rule", "")] + render.scene_blocks(self.story, self.state)
        if scene.ending is not None:
            if self.endings is not None:
                self.endings.add(scene.id)
            if self.paged:
                blocks += render.ending_alone_blocks(scene, self.state)
                self.debriefed = False
            else:
                blocks += render.ending_blocks(scene, self.debrief_blocks(), self.state)
                self.debriefed = True
        else:
            if self.mode.teacher and scene.questions:
                blocks += render.question_blocks(scene.questions)
            blocks += render.choice_blocks(machine.offers(self.story, self.state), self.mode.show_hidden, self.story)
        self.show(blocks, record=not look)

    def debrief_blocks(self) -> Blocks:
        from engine.core import debrief as classroom  # at an ending or on `debrief`, not at the start

        return render.debrief_blocks(self.story, classroom.debrief(self.story, self.state), self.mode.who, self.votes)

    def decision_number(self) -> int:
        """The number the current decision will have in the debrief (1 for the first)."""
        return 1 + sum(1 for step in self.state.path
                       if not self.story.scenes[step.scene].choices[step.choice].auto)

    def choose_number(self, number: int) -> None:
        """A number typed at the prompt: the choice with that number on the screen."""
        if self.pending is not None:
            self.show([Block("hint", "The class has chosen: press Enter (or type 'reveal') for what really "
                                     "happened, or 'undo' to choose again.")])
            return
        if machine.is_over(self.story, self.state):
            self.hint()
            return
        if self.scene.choices[0].auto:
            if number == 1:  # "1" at a "Press Enter" scene goes on too (scripts type it)
                self.advance(0)
            else:
                self.hint("There is no choice to make here.")
            return
        menu = self.menu()
        if not 1 <= number <= len(menu):
            self.hint("There is no such choice here.")
            return
        index = menu[number - 1].choice.index
        if self.mode.reveal_step:
            self.pending = index
            self.show([Block("chosen", f"The class chose: {number}. {menu[number - 1].label}")])
            self.ask_reason()
            self.show([Block("hint", "Press Enter (or type 'reveal') to see what really happened.")])
            return
        self.advance(index, number)

    def advance(self, index: int, number: int = 0) -> None:
        """Take choice `index` of the scene (counted over all its choices) and show what follows."""
        before = self.scene
        choice = before.choices[index]
        try:
            new_state = machine.choose(self.story, self.state, index)
        except EvaluationError as exc:  # an effect past the limits of engine/core/expr.py
            self.show([Block("error", f"This choice cannot be taken: {exc}")])
            return
        self.past.append(self.state)
        self.future.clear()
        self.state = new_state
        label = machine.label_text(choice, self.past[-1])
        if self.transcript is not None and not choice.auto and not self.mode.teacher:
            # The teacher's "The class chose" is already in the transcript, shown when it was typed.
            self.transcript.blocks([Block("chosen", f"Chosen: {number}. {label}")])
            self.ask_reason()
        self.autosave()
        if not choice.auto:
            self.after_choice(before, choice, label)
        self.tally = ""
        old = self.story.scene_chapter(before)
        new = self.story.scene_chapter(self.scene)
        if old is not None and (new is None or new.id != old.id):
            self.chapter_ended(old)
        self.show_scene()

    def after_choice(self, scene: Scene, choice: Choice, label: str) -> None:
        """The choice echoed in words, then what really happened, on a screen of its own."""
        if self.paged and not self.mode.teacher:
            self.show([Block("chosen", f"You chose: {label}")], record=False)
        if self.mode.teacher:
            if self.tally:
                self.votes[self.decision_number() - 1] = self.tally
            self.show(render.reveal_blocks(scene, choice, self.past[-1], self.state, self.tally))
            self.pause("-- more -- (Enter for the next scene)")
            return
        if self.mode.reveal == "chapter":
            self.held.append((scene, choice))
        elif self.mode.reveal == "choice":
            blocks = render.annotation_blocks(choice, self.state)
            if blocks:
                self.show(blocks)
                self.pause()

    def chapter_ended(self, chapter: Chapter) -> None:
        if self.mode.teacher:
            self.show(render.chapter_end_blocks(chapter, True))
            self.pause("-- chapter ended -- (Enter to go on)")
        elif self.held:
            blocks = [Block("chapter", f"WHAT REALLY HAPPENED: {chapter.title.upper()}")]
            for scene, choice in self.held:
                blocks.append(Block("meta", scene.title))
                blocks.append(Block("choice", f"You chose: {choice.label}", indent=2, tight=True))
                blocks.extend(attrs.evolve(b, indent=b.indent + 2, tight=True) for b in render.annotation_blocks(choice))
            self.held = []
            self.show(blocks)
            self.pause()

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
        from engine.play.pager import ReaderLeft

        try:
            self._goodbye()
        except ReaderLeft:  # leaving already: a `-- more --` on the way out is not waited for
            pass

    def _goodbye(self) -> None:
        if self.state.turn > 0:
            hint = self.resume_hint() if callable(self.resume_hint) else self.resume_hint
            if self.autosave():
                self.show([Block("hint", f"Progress saved in slot '{AUTOSAVE}'. Resume with: {hint}")])
            else:
                self.show([Block("error", "Your progress since the last autosave was NOT saved. "
                                          f"'{hint}' resumes from the last autosave that worked, "
                                          "if any.")])
        else:
            self.show([Block("hint", "Goodbye.")])

    @staticmethod
    def _went_on_from(earlier: GameState, later: GameState) -> bool:
        """Whether `later` came from `earlier` by its "Press Enter" (not by a debugger's jump, say)."""
        at = len(earlier.path)
        return len(later.path) == at + 1 and later.path[at].scene == earlier.scene

    def _is_auto(self, state: GameState) -> bool:
        scene = self.story.scenes.get(state.scene)
        return scene is not None and bool(scene.choices) and scene.choices[0].auto

    # -- commands ---------------------------------------------------------------------------

    def do_help(self, _arg: str) -> None:
        self.show(render.help_blocks([*help_rows(self.mode.teacher), *self.help_extra]), record=False)

    def do_look(self, _arg: str) -> None:
        self.show_scene(look=True)

    def do_notes(self, _arg: str) -> None:
        self.show(render.note_blocks(self.story, self.scene))

    def do_glossary(self, arg: str) -> None:
        self.show(render.glossary_blocks(self.story, arg))

    def do_timeline(self, _arg: str) -> None:
        self.show(render.timeline_blocks(self.story, self.state))

    def do_history(self, _arg: str) -> None:
        self.show(render.history_blocks(self.story, self.state))

    def do_stats(self, _arg: str) -> None:
        self.show(render.stats_blocks(self.story, self.state), record=False)

    def do_debrief(self, _arg: str) -> None:
        self.debriefed = True
        self.show(self.debrief_blocks())

    def do_undo(self, _arg: str) -> None:
        if self.pending is not None:
            withdrawn = machine.label_text(self.scene.choices[self.pending], self.state)
            self.pending = None
            self.record(f"Withdrawn before the reveal: {withdrawn}. The class chose again.")
            self.show([Block("hint", "Choice withdrawn: the class can choose again.")])
            self.show_scene(look=True)
            return
        if not self.past:
            self.show([Block("hint", "Nothing to undo: this is where your game began.")])
            return
        # One choice back: over any "Press Enter" scenes, to the last real decision.
        taken = [self.state]
        self.state = self.past.pop()
        while self.past and self._is_auto(self.state) and self._went_on_from(self.state, taken[-1]):
            taken.append(self.state)
            self.state = self.past.pop()
        self.future.append(taken)
        self.held = [(s, c) for s, c in self.held if any(st.scene == s.id for st in self.past)]
        step = taken[-1].path[-1] if taken[-1].path else None
        what = ""
        if step is not None:
            what = f": {machine.label_text(self.story.scenes[step.scene].choices[step.choice], self.state)}"
        self.record(f"Undone{what}. The choice taken instead follows.")
        self.show([Block("hint", f"Undone{what}. ('redo' brings it back.)")])
        self.autosave()
        self.show_scene(look=True)

    def do_redo(self, _arg: str) -> None:
        if not self.future:
            self.show([Block("hint", "Nothing to redo.")])
            return
        taken = self.future.pop()
        before = self.state
        self.past.append(self.state)
        self.past.extend(reversed(taken[1:]))
        self.state = taken[0]
        self.record_redo(before)
        self.show([Block("hint", "Redone.")])
        self.autosave()
        self.show_scene(look=True)

    def do_restart(self, _arg: str) -> None:
        self.past.append(self.state)
        self.future.clear()
        self.pending = None
        self.state = self.origin or machine.new_game(self.story)
        self.chapter_shown = ""
        self.show([Block("hint", "A new game. ('undo' takes you back to where you were.)")])
        self.show_scene()

    def do_quit(self, _arg: str) -> None:
        self.leave()

    # -- teacher mode -----------------------------------------------------------------------

class TeacherSession(Session):
    """A Session given the TEACHER policy by default (a name kept for older callers; the behaviour is
    all in the Mode)."""

    def __init__(self, story: Story, console: Console, store: SaveStore, **kwargs: Any) -> None:
        kwargs.setdefault("mode", TEACHER)
        super().__init__(story, console, store, **kwargs)

