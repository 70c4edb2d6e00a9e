"""The play loop: reads commands from a console adapter, moves the state machine, saves as it goes.

The console (terminal, pipe or test double), the save store and the story loader are passed in;
this module does no terminal or file work itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from engine import machine, render
from engine.errors import Hungary56Error, RuleError, SaveError, StoryError
from engine.model import GameState, Story
from engine.render import Block, Blocks
from engine.saves import AUTOSAVE, SaveStore

COMMANDS = (
    "help", "notes", "glossary", "timeline", "history", "undo", "save", "load", "saves",
    "restart", "reload", "quit",
)
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
    ) -> None:
        self.story = story
        self.console = console
        self.store = store
        self.reload_story = reload
        self.state = state or machine.new_game(story)
        self.past: list[GameState] = []
        self.running = True
        if state is not None:
            self.past = self._rebuild_past(state)

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
        words = list(COMMANDS)
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
        if word.isdigit():
            self.take(int(word) - 1)
            return
        command = ALIASES.get(word, word)
        action = getattr(self, f"do_{command}", None) if command in COMMANDS else None
        if action is None:
            self.hint(f"'{word}' is not a choice or a command.")
            return
        action(arg)

    @property
    def scene(self):  # type: ignore[no-untyped-def]
        return machine.current_scene(self.story, self.state)

    def hint(self, first: str = "") -> None:
        if machine.is_over(self.story, self.state):
            text = "The story has ended: type 'restart', 'undo', 'history' or 'quit'."
        elif self.scene.choices[0].auto:
            text = "Press Enter to continue, or type 'help' for commands."
        else:
            numbers = [str(o.choice.index + 1) for o in machine.offers(self.story, self.state) if o.available]
            text = f"Type a choice number ({', '.join(numbers)}) or 'help' for commands."
        self.console.show([Block("hint", f"{first} {text}".strip())])

    # -- moving -----------------------------------------------------------------------------

    def show_scene(self) -> None:
        blocks = [Block("rule", "")] + render.scene_blocks(self.story, self.state)
        if self.scene.ending is not None:
            blocks += render.ending_blocks(self.scene)
        else:
            blocks += render.choice_blocks(machine.offers(self.story, self.state))
        self.console.show(blocks)

    def take(self, index: int) -> None:
        if machine.is_over(self.story, self.state):
            self.hint()
            return
        offers = machine.offers(self.story, self.state)
        if not 0 <= index < len(offers) or not offers[index].available:
            self.hint("There is no such choice here.")
            return
        choice = offers[index].choice
        new_state = machine.choose(self.story, self.state, index)
        self.past.append(self.state)
        self.state = new_state
        self.after_choice(choice)
        self.autosave()
        self.show_scene()

    def after_choice(self, choice) -> None:  # type: ignore[no-untyped-def]
        blocks = render.annotation_blocks(choice)
        if blocks:
            self.console.show(blocks)

    def autosave(self) -> None:
        try:
            self.store.autosave(self.story, self.state)
        except SaveError as exc:
            self.console.show([Block("error", f"Autosave failed: {exc}")])

    def leave(self) -> None:
        self.running = False
        if self.state.turn > 0:
            self.autosave()
            self.console.show([Block("hint", f"Progress saved in slot '{AUTOSAVE}'. "
                                     "Resume with: hungary56 play --continue")])
        else:
            self.console.show([Block("hint", "Goodbye.")])

    def _rebuild_past(self, state: GameState) -> list[GameState]:
        """The states before a loaded one, replayed from its path, so undo works after a load."""
        try:
            states = machine.replay(self.story, state.path)
        except (RuleError, Hungary56Error):
            return []
        return states[:-1] if states[-1].scene == state.scene else []

    # -- commands ---------------------------------------------------------------------------

    def do_help(self, _arg: str) -> None:
        self.console.show(render.help_blocks())

    def do_notes(self, _arg: str) -> None:
        self.console.show(render.note_blocks(self.story, self.scene))

    def do_glossary(self, arg: str) -> None:
        self.console.show(render.glossary_blocks(self.story, arg))

    def do_timeline(self, _arg: str) -> None:
        self.console.show(render.timeline_blocks(self.story, self.state))

    def do_history(self, _arg: str) -> None:
        self.console.show(render.history_blocks(self.story, self.state))

    def do_undo(self, _arg: str) -> None:
        if not self.past:
            self.console.show([Block("hint", "Nothing to undo: this is where your game began.")])
            return
        self.state = self.past.pop()
        self.console.show([Block("hint", "Undone.")])
        self.autosave()
        self.show_scene()

    def do_save(self, arg: str) -> None:
        slot = arg or "quicksave"
        try:
            path = self.store.save(self.story, self.state, slot)
        except SaveError as exc:
            self.console.show([Block("error", str(exc))])
            return
        self.console.show([Block("hint", f"Saved as '{slot}' ({path}).")])

    def do_load(self, arg: str) -> None:
        slot = arg or "quicksave"
        try:
            state = self.store.load(self.story, slot)
        except SaveError as exc:
            self.console.show([Block("error", f"Could not load: {exc}"),
                               Block("hint", "The file was left as it is; your current game goes on.")])
            return
        self.state = state
        self.past = self._rebuild_past(state)
        self.console.show([Block("hint", f"Loaded '{slot}'.")])
        self.show_scene()

    def do_saves(self, _arg: str) -> None:
        self.console.show(saves_blocks(self.story, self.store))

    def do_restart(self, _arg: str) -> None:
        self.past.append(self.state)
        self.state = machine.new_game(self.story)
        self.console.show([Block("hint", "A new game. ('undo' takes you back to where you were.)")])
        self.show_scene()

    def do_reload(self, _arg: str) -> None:
        if self.reload_story is None:
            self.console.show([Block("hint", "This story cannot be reloaded.")])
            return
        try:
            story = self.reload_story()
        except StoryError as exc:
            self.console.show([Block("error", str(exc)), Block("hint", "Kept the story as it was.")])
            return
        if self.state.scene not in story.scenes:
            self.console.show([Block("error", f"The reloaded story has no scene {self.state.scene!r}; kept the old one.")])
            return
        self.story = story
        variables = story.initial_variables()
        variables.update({k: v for k, v in self.state.variables.items() if k in variables})
        self.state = GameState(self.state.scene, variables, self.state.visits, self.state.path, self.state.turn)
        self.past = self._rebuild_past(self.state)
        self.console.show([Block("hint", "Story reloaded.")])
        self.show_scene()

    def do_quit(self, _arg: str) -> None:
        self.leave()


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
