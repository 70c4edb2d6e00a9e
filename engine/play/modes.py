"""How a terminal presents the story: the console protocol, the projector's layout, and the list of
saved games as the `saves` screen shows it (the Mode policy itself is engine/core/moves.py)."""

from __future__ import annotations

from typing import Protocol

import attrs

from engine.core.moves import PLAYER, TEACHER, Mode
from engine.core.render import Block, Blocks
from engine.io.saves import saves_blocks


class Console(Protocol):
    """What the play loop needs from a terminal: show blocks, ask for a line.

    A paged console also has `paged = True` and `pause()`, which ends a screen on purpose (waits
    for a key); the Session calls it only when the console has it."""

    def show(self, blocks: Blocks) -> None: ...

    def ask(self, prompt: str, words: list[str]) -> str:
        """One line of input; raises EOFError at the end of input and KeyboardInterrupt on Ctrl-C."""
        ...


__all__ = ["PLAYER", "TEACHER", "Console", "EndingsFound", "Mode", "ProjectorConsole", "player_mode", "saves_blocks"]


def player_mode(reveal: str = "choice") -> Mode:
    return Mode(reveal=reveal)


class EndingsFound(Protocol):
    def add(self, scene_id: str) -> None: ...


class ProjectorConsole:
    """Lays blocks out for a projector: a left margin, two blank lines between parts, no dim text.

    Colour is kept only as an extra: every kind is also written out in words ([HISTORICAL]).
    """

    MARGIN = 4
    RESTYLE = {"hint": "note", "choice-off": "choice-shown", "rule": "text"}  # choice-shown: no colour

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
        return self.console.ask("\n".join(" " * self.MARGIN + line for line in prompt.split("\n")), words)

    def clear(self) -> None:
        clear = getattr(self.console, "clear", None)
        if clear is not None:
            clear()
