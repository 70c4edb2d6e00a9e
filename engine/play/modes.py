"""How a session presents the story: the Mode policy (a player alone, or a teacher projecting for a
class), the projector's layout, and the list of saved games as the `saves` screen shows it."""

from __future__ import annotations

from typing import Protocol

import attrs

from engine.core import render
from engine.core.model import Story
from engine.core.render import Block, Blocks
from engine.io.saves import SaveStore


class Console(Protocol):
    """What the play loop needs from a terminal: show blocks, ask for a line.

    A paged console also has `paged = True` and `pause()`, which ends a screen on purpose (waits
    for a key); the Session calls it only when the console has it."""

    def show(self, blocks: Blocks) -> None: ...

    def ask(self, prompt: str, words: list[str]) -> str:
        """One line of input; raises EOFError at the end of input and KeyboardInterrupt on Ctrl-C."""
        ...


@attrs.frozen
class Mode:
    """How a session presents the story: the policy a Session is given."""

    teacher: bool = False
    reveal: str = "choice"  # choice | chapter | debrief: when "what really happened" is shown
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


def player_mode(reveal: str = "choice") -> Mode:
    return Mode(reveal=reveal)


class EndingsFound(Protocol):
    def add(self, scene_id: str) -> None: ...


class ProjectorConsole:
    """Lays blocks out for a projector: a left margin, two blank lines between parts, no dim text.

    Colour is kept only as an extra: every kind is also written out in words ([HISTORICAL]).
    """

    MARGIN = 4
    RESTYLE = {"hint": "note", "choice-off": "note", "rule": "text"}

    def __init__(self, console: Console) -> None:
        self.console = console
        self.paged = bool(getattr(console, "paged", False))

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

    def pause(self, prompt: str = "") -> None:
        pause = getattr(self.console, "pause", None)
        if pause is not None:
            pause(" " * self.MARGIN + prompt) if prompt else pause()

    def ask(self, prompt: str, words: list[str]) -> str:
        return self.console.ask(" " * self.MARGIN + prompt, words)


def saves_blocks(story: Story, store: SaveStore) -> Blocks:
    infos = store.list(story)
    if not infos:
        return [Block("hint", f"No saved games in {store.directory}.")]
    blocks = [Block("heading", f"Saved games in {store.directory}")]
    for info in infos:
        if info.problem:
            blocks.append(Block("error", f"{info.slot}: unreadable: {info.problem}", indent=2, tight=True, hang=2))
            continue
        scene = story.scenes[info.scene]
        when = render.format_when(scene)
        blocks.append(Block("note", f"{info.slot}: {scene.title} ({when}), saved {info.saved_at.replace('T', ' ')}",
                            indent=2, tight=True, hang=2))
    return blocks
