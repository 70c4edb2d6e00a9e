"""Console adapters: the prompt-toolkit terminal, the plain line mode for pipes, and text output
that degrades gracefully (no colour when asked, ASCII when the terminal cannot show "ő")."""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata
from typing import IO, Any

from engine.core.controls import strip_controls
from engine.play.render import Blocks, wrap_blocks

MAX_WIDTH = 100

_STYLES = {
    "heading": "BRIGHT+WHITE",
    "meta": "CYAN",
    "warning": "BRIGHT+RED",
    "error": "RED",
    "hint": "DIM",
    "choice": "BRIGHT+YELLOW",
    "choice-off": "DIM",
    "historical": "BRIGHT+GREEN",
    "plausible": "BRIGHT+BLUE",
    "counterfactual": "BRIGHT+MAGENTA",
    "note": "",
    "text": "",
    "rule": "DIM",
}


def colour_wanted(stream: IO[str], no_color_flag: bool) -> bool:
    if no_color_flag or "NO_COLOR" in os.environ:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _codes(spec: str) -> str:
    from colorama import Fore, Style

    codes = []
    for part in filter(None, spec.split("+")):
        if part == "BRIGHT":
            codes.append(Style.BRIGHT)
        elif part == "DIM":
            codes.append(Style.DIM)
        else:
            codes.append(getattr(Fore, part))
    return "".join(codes)


def ascii_fallback(text: str) -> str:
    """ő -> o, „ -> ", and so on: what a terminal that cannot encode the text can still show."""
    replaced = text.translate({0x201E: '"', 0x201C: '"', 0x201D: '"', 0x2018: "'", 0x2019: "'",
                               0x2013: "-", 0x2014: "-", 0x2026: "...", 0x00A0: " "})
    decomposed = unicodedata.normalize("NFKD", replaced)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "replace").decode("ascii")


class TextOutput:
    """Writes laid-out blocks to a stream, in colour or not, in the stream's encoding or ASCII."""

    def __init__(self, stream: IO[str], colour: bool, width: int | None = None) -> None:
        self.stream = stream
        self.colour = colour
        self.fixed_width = width
        self.closed = False  # the reader went away (`| head`); later writes are dropped
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "őűáé„”–".encode(encoding)
            self.ascii = False
        except (UnicodeEncodeError, LookupError):
            self.ascii = True

    @property
    def width(self) -> int:
        if self.fixed_width:
            return self.fixed_width
        columns = shutil.get_terminal_size((80, 24)).columns
        return max(30, min(columns - 1, MAX_WIDTH))

    def show(self, blocks: Blocks) -> None:
        out = []
        for style, line in wrap_blocks(blocks, self.width):
            if style == "rule":
                line = "-" * min(self.width, 60)
            line = strip_controls(line)  # the last guard: no escape sequence reaches the terminal
            if self.ascii:
                line = ascii_fallback(line)
            spec = _STYLES.get(style, "")
            if self.colour and spec and line:
                from colorama import Style

                line = f"{_codes(spec)}{line}{Style.RESET_ALL}"
            out.append(line)
        self.write("\n".join(out) + "\n\n")

    def write(self, text: str) -> None:
        if self.closed:
            return
        try:
            try:
                self.stream.write(text)
            except UnicodeEncodeError:
                self.stream.write(ascii_fallback(text))
            self.stream.flush()
        except BrokenPipeError:
            # Nothing more can be shown, and that is not an error: stop writing, and point the
            # stream at /dev/null so that Python's own flush at exit does not complain either.
            self.closed = True
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, self.stream.fileno())
            except (OSError, ValueError, AttributeError):
                pass


class PlainConsole:
    """One line per prompt from a pipe or file; echoes what it read so output reads as a transcript."""

    def __init__(self, output: TextOutput, stdin: IO[str]) -> None:
        self.output = output
        self.stdin = stdin

    def show(self, blocks: Blocks) -> None:
        self.output.show(blocks)

    def ask(self, prompt: str, words: list[str]) -> str:
        self.output.write(prompt)
        if self.output.closed:
            raise EOFError  # nobody is reading any more: the game ends as at the end of input
        try:
            line = self.stdin.readline()
        except UnicodeDecodeError:
            self.output.write("\n")
            return "\x00"  # undecodable input: treated as an unknown command, the hint follows
        if not line:
            self.output.write("\n")
            raise EOFError
        line = line.rstrip("\r\n")
        self.output.write(line + "\n")
        return line


class PromptConsole:
    """The interactive terminal: prompt-toolkit line editing, history and tab completion."""

    def __init__(self, output: TextOutput, session: Any = None) -> None:
        from prompt_toolkit import PromptSession

        self.output = output
        self.session = session or PromptSession()

    def show(self, blocks: Blocks) -> None:
        self.output.show(blocks)

    def ask(self, prompt: str, words: list[str]) -> str:
        from prompt_toolkit.completion import WordCompleter

        completer = WordCompleter(words, ignore_case=True, sentence=True)
        text: str = self.session.prompt(prompt, completer=completer, complete_while_typing=False)
        return text


def make_console(no_color: bool, plain: bool = False, width: int | None = None) -> Any:
    """The console for this process: prompt-toolkit on a terminal, plain lines otherwise."""
    interactive = sys.stdin.isatty() and sys.stdout.isatty() and not plain
    output = TextOutput(sys.stdout, colour_wanted(sys.stdout, no_color), width)
    if interactive:
        return PromptConsole(output)
    return PlainConsole(output, sys.stdin)
