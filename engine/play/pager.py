"""The pager: nothing unread leaves the screen.

Text taller than the terminal stops at each screenful on a `-- more --` line (Enter or Space goes
on). Nothing typed there is lost: `q` shows the rest without stopping again, a command is kept and
carried out at the next prompt (the rest shown without stopping, so it runs at once), and a number is
kept for the menu (the pages still stop, so the menu is read first). What is still to come is kept as blocks, not lines, and laid out again at each page, so a
terminal resized mid-page gets the rest at its new width. A session can also end a screen on
purpose (`pause`): the reveal, a chapter card or an ending stand on a screen of their own.

Subclasses say how a line is read and how the `-- more --` key is awaited.
"""

from __future__ import annotations

from typing import Any

import attrs

from engine.core.loop import ReaderLeft
from engine.core.render import Block, Blocks, flow, wrap_blocks

MORE = "-- more -- (Enter or Space)"
MIN_ROWS = 5


@attrs.frozen
class Line:
    style: str
    text: str
    block: int  # the index of the block it belongs to (a blank spacer belongs to the block after it)
    end: int  # how many characters of that block's content are shown once this line is
    spacer: bool = False  # the blank line between two blocks


def content(block: Block) -> str:
    """The block's text as the pager counts it: words joined by single spaces (or its raw lines)."""
    return block.text if not block.wrap else flow(block, block.text)


def split_paragraphs(blocks: Blocks) -> Blocks:
    """One block per paragraph, so that every block is one run of lines."""
    out: Blocks = []
    for block in blocks:
        if not block.wrap or "\n\n" not in block.text:
            out.append(block)
            continue
        parts = [p for p in block.text.split("\n\n") if p.strip()] or [""]
        out.append(attrs.evolve(block, text=parts[0]))
        out.extend(attrs.evolve(block, text=p, tight=False) for p in parts[1:])
    return out


def layout(blocks: Blocks, width: int) -> list[Line]:
    """The blocks as lines at `width`, each knowing how far into its block it reaches."""
    lines: list[Line] = []
    for index, block in enumerate(blocks):
        if lines and not block.tight and lines[-1].text != "":
            lines.append(Line("text", "", index, 0, spacer=True))
        text = content(block)
        if text == "":
            lines.append(Line(block.style, "", index, 0))
            continue
        pos = 0
        raw_lines = text.split("\n")
        for number, (style, line) in enumerate(wrap_blocks([attrs.evolve(block, tight=True)], width)):
            if not block.wrap:
                pos = len("\n".join(raw_lines[: number + 1]))
            else:
                piece = line.strip()
                found = text.find(piece, pos) if piece else -1
                pos = found + len(piece) if found >= 0 else pos
            lines.append(Line(style, line, index, pos))
        if lines[-1].end < len(text):  # whatever the search missed counts as shown with the last line
            last = lines[-1]
            lines[-1] = attrs.evolve(last, end=len(text))
    return lines


def remainder(blocks: Blocks, shown: Line) -> Blocks:
    """What is left of `blocks` once every line up to `shown` is on the screen."""
    index = shown.block
    block = blocks[index]
    text = content(block)
    if shown.spacer:
        rest = blocks[index:]
    elif shown.end >= len(text):
        rest = blocks[index + 1:]
    elif shown.end == 0:
        rest = blocks[index:]
    else:
        left = text[shown.end:].lstrip("\n") if not block.wrap else text[shown.end:].strip()
        if block.wrap:
            block = attrs.evolve(block, text=left, indent=block.indent + block.hang, hang=0)
        else:
            block = attrs.evolve(block, text=left)
        rest = [block, *blocks[index + 1:]]
    if rest:
        rest = [attrs.evolve(rest[0], tight=True), *rest[1:]]
    return rest


def in_menu(blocks: Blocks, line: Line) -> bool:
    """Whether a laid-out line belongs to the menu (a choice, or the blank line before one)."""
    return blocks[line.block].style.startswith("choice")


def keep_menu(blocks: Blocks, lines: list[Line], cut: int) -> int:
    """Where a page of `lines` ends: at `cut`, or before the menu when `cut` would split it (U3)."""
    if cut >= len(lines) or not (in_menu(blocks, lines[cut - 1]) and in_menu(blocks, lines[cut])):
        return cut
    start = cut - 1
    while start > 0 and in_menu(blocks, lines[start - 1]):
        start -= 1
    return start if start > 0 else cut  # a menu taller than a page is split after all


class Pager:
    """A console that pages its output; `used` counts the rows filled since the reader last acted."""

    paged = True

    def __init__(self, output: Any, height: int | None = None) -> None:
        self.output = output
        self.fixed_height = height
        self.used = 0
        self.typed = ""  # a line typed at `-- more --`, for the next prompt
        self.hurry = False  # `q` or a command at `-- more --`: no more stops until the next prompt

    # -- what subclasses provide ------------------------------------------------------------

    def read_line(self, prompt: str, words: list[str]) -> str:
        raise NotImplementedError

    def wait_more(self, prompt: str) -> str:
        """Wait at `-- more --`; what was typed there ("" for Enter or Space alone)."""
        raise NotImplementedError

    def clear(self) -> None:
        """Start the next part on a cleared screen, where the console can (the teacher's projector):
        only when nothing is on it that the reader has not acted on since (a pause or a prompt)."""
        if self.used <= 1 and not self.hurry and self.erase():
            self.used = 0

    def erase(self) -> bool:
        """Erase the screen; whether it could."""
        return False

    def screen_size(self) -> tuple[int, int]:
        columns, rows = self.output.terminal_size()
        return columns, self.fixed_height or rows

    # -- the console protocol ---------------------------------------------------------------

    def rows(self) -> int:
        return max(MIN_ROWS, self.screen_size()[1])

    def show(self, blocks: Blocks) -> None:
        queue = split_paragraphs(blocks)
        while queue:
            room = self.rows() - 1 - self.used  # the last row is for `-- more --` or the prompt
            lines = layout(queue, self.output.width)
            if len(lines) + 1 <= room or self.hurry:  # it all fits, with the blank line that ends every show
                self._write(lines + [Line("text", "", 0, 0)])
                return
            if room < 2 and self.used > 0:
                self.more()
                continue
            page = lines[:keep_menu(queue, lines, max(room, 1))]
            self._write(page)
            queue = remainder(queue, page[-1])
            if queue:
                self.more()
                if lines[len(page)].spacer:  # the page ended between paragraphs: the break is kept (U1)
                    self._write([Line("text", "", 0, 0)])

    def pause(self, prompt: str = MORE) -> None:
        """End a screen on purpose: wait for the reader if anything is on it since they last acted."""
        if self.used > 1 and not self.hurry:
            self.more(prompt)

    def ask(self, prompt: str, words: list[str]) -> str:
        hurried, self.hurry = self.hurry, False
        if self.typed:  # typed at `-- more --`: carried out here, as if typed at this prompt
            line, self.typed = self.typed, ""
            self.output.write(self.output.styled("text", prompt + line) + "\n")
            self.used = 1
            return line
        if self.used >= self.rows() and not hurried:
            self.more()
        try:
            return self.read_line(prompt, words)
        finally:
            self.used = 1  # the prompt and the answer stay on the screen

    def more(self, prompt: str = MORE) -> None:
        try:
            typed = " ".join(self.wait_more(prompt).split())
        except (EOFError, KeyboardInterrupt):
            raise ReaderLeft() from None  # Ctrl-C or Ctrl-D at `-- more --`: the reader leaves
        finally:
            self.used = 0
        if typed.lower() in ("quit", "exit"):
            raise ReaderLeft()  # leaving: at once, without the rest of the pages (reliability review NL9)
        if typed.lower() == "q":
            self.hurry = True  # the rest of the page at once, up to the next prompt
        elif typed:
            self.typed = typed
            number = typed.rstrip(".)")
            self.hurry = not number.isdecimal()  # a command runs at once; a number waits for its menu

    def _write(self, lines: list[Line]) -> None:
        self.output.write("".join(self.output.styled(line.style, line.text) + "\n" for line in lines))
        self.used += len(lines)
