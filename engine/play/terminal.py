"""Console adapters: the paged prompt-toolkit terminal, a paged line terminal for TERM=dumb, the
plain line mode for pipes, and text output that degrades gracefully (no escape codes when asked
or on a dumb terminal, ASCII when the terminal cannot show "ő").

prompt-toolkit is imported only when the first answer is needed, so the first scene is on the
screen before that import is paid for."""

from __future__ import annotations

import os
import sys
import unicodedata
from typing import IO, Any

from engine.core.render import Blocks, plain_line, wrap_blocks
from engine.play.pager import Pager
from engine.play.settings import RESET, escapes_allowed, style_codes

MAX_WIDTH = 100


def colour_wanted(stream: IO[str], no_color_flag: bool) -> bool:
    return escapes_allowed(stream, no_color_flag)


def ascii_fallback(text: str) -> str:
    """ő -> o, „ -> ", and so on: what a terminal that cannot encode the text can still show."""
    replaced = text.translate({0x201E: '"', 0x201C: '"', 0x201D: '"', 0x2018: "'", 0x2019: "'",
                               0x2013: "-", 0x2014: "-", 0x2026: "...", 0x00A0: " "})
    decomposed = unicodedata.normalize("NFKD", replaced)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "replace").decode("ascii")


class TextOutput:
    """Writes laid-out blocks to a stream, in a colour theme or not, in the stream's encoding or ASCII."""

    def __init__(self, stream: IO[str], colour: bool, width: int | None = None, theme: str = "dark") -> None:
        self.stream = stream
        self.colour = colour
        self.codes = style_codes(theme) if colour else {}
        self.fixed_width = width
        self.closed = False  # the reader went away (`| head`); later writes are dropped
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "őűáé„”–".encode(encoding)
            self.ascii = False
        except (UnicodeEncodeError, LookupError):
            self.ascii = True

    def set_theme(self, theme: str) -> None:
        self.codes = style_codes(theme) if self.colour else {}

    def terminal_size(self) -> tuple[int, int]:
        from engine.io.tty import terminal_size  # shutil.get_terminal_size's rule, without importing shutil

        size = terminal_size((80, 24))
        return size.columns, size.lines

    @property
    def width(self) -> int:
        columns = self.terminal_size()[0]
        if self.fixed_width:
            if self.paged_width:  # a paged terminal never wraps wider than its window
                return max(20, min(self.fixed_width, columns - 1))
            return self.fixed_width
        return max(30, min(columns - 1, MAX_WIDTH))

    paged_width = False

    def styled(self, style: str, line: str) -> str:
        line = plain_line(style, line, self.width)  # the last guard: no escape sequence reaches the terminal
        if self.ascii:
            line = ascii_fallback(line)
        code = self.codes.get(style, "")
        return f"{code}{line}{RESET}" if code and line else line

    def lines(self, blocks: Blocks) -> list[str]:
        """The blocks as finished lines (styled), with the blank line that ends every show."""
        return [self.styled(style, line) for style, line in wrap_blocks(blocks, self.width)] + [""]

    def show(self, blocks: Blocks) -> None:
        self.write("\n".join(self.lines(blocks)) + "\n")

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

    paged = False

    def __init__(self, output: TextOutput, stdin: IO[str]) -> None:
        self.output = output
        self.stdin = stdin

    def show(self, blocks: Blocks) -> None:
        self.output.show(blocks)

    def pause(self, prompt: str = "") -> None:
        """A pipe has no screens: nothing to wait for."""

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


class PromptConsole(Pager):
    """The interactive terminal: pages of text with `-- more --`, then prompt-toolkit line editing,
    history and tab completion. Ctrl-C clears a typed line; on an empty line it leaves."""

    def __init__(self, output: TextOutput, session: Any = None, height: int | None = None) -> None:
        super().__init__(output, height)
        self.session = session  # created at the first prompt: see the module's docstring
        self.more_session: Any = None

    def _session(self) -> Any:
        if self.session is None:
            from prompt_toolkit import PromptSession

            self.session = PromptSession()
        return self.session

    def screen_size(self) -> tuple[int, int]:
        if self.session is not None and self.fixed_height is None:
            try:
                size = self.session.output.get_size()
                if size.columns > 0 and size.rows > 0:
                    return size.columns, size.rows
            except Exception:  # a closed or odd output: fall back to what the OS says
                pass
        return super().screen_size()

    def read_line(self, prompt: str, words: list[str]) -> str:
        from prompt_toolkit.completion import WordCompleter
        from prompt_toolkit.key_binding import KeyBindings

        bindings = KeyBindings()

        @bindings.add("c-c")
        def _clear_or_leave(event: Any) -> None:
            buffer = event.app.current_buffer
            if buffer.text:
                buffer.reset()  # Ctrl-C with text typed: clear the line, as a shell does
            else:
                event.app.exit(exception=KeyboardInterrupt())

        completer = WordCompleter(words, ignore_case=True, sentence=True)
        text: str = self._session().prompt(prompt, completer=completer, complete_while_typing=False,
                                           key_bindings=bindings)
        return text

    def wait_more(self, prompt: str) -> None:
        from prompt_toolkit.key_binding import KeyBindings

        bindings = KeyBindings()

        @bindings.add(" ")
        @bindings.add("enter")
        @bindings.add("c-m")
        @bindings.add("c-j")
        def _more(event: Any) -> None:
            event.app.exit(result="")

        @bindings.add("c-c")
        @bindings.add("q")  # quit, as in `less` (pages of Zalgo text: reliability review 2026-12-06, NL9)
        def _leave(event: Any) -> None:
            event.app.exit(exception=KeyboardInterrupt())

        @bindings.add("c-d")
        def _end(event: Any) -> None:
            event.app.exit(exception=EOFError())

        @bindings.add("<any>")
        def _ignore(event: Any) -> None:
            pass  # only Enter or Space turn the page; other keys are not typed anywhere

        if self.more_session is None:
            from prompt_toolkit import PromptSession

            main = self._session()
            self.more_session = PromptSession(input=main.input, output=main.output, erase_when_done=True)
        self.more_session.prompt(prompt, key_bindings=bindings)


class LineConsole(Pager):
    """A paged terminal without prompt-toolkit, for TERM=dumb: no escape codes at all, lines read
    from the terminal, and `-- more --` answered with Enter."""

    def __init__(self, output: TextOutput, stdin: IO[str], height: int | None = None) -> None:
        super().__init__(output, height)
        self.stdin = stdin

    def read_line(self, prompt: str, words: list[str]) -> str:
        self.output.write(prompt)
        try:
            line = self.stdin.readline()
        except UnicodeDecodeError:
            return "\x00"
        if not line:
            raise EOFError
        return line.rstrip("\r\n")

    def wait_more(self, prompt: str) -> None:
        if self.read_line(prompt + " ", []).strip().lower() in ("q", "quit"):
            raise KeyboardInterrupt  # the reader leaves, as with Ctrl-C (NL9)


def make_console(no_color: bool, plain: bool = False, width: int | None = None, theme: str = "dark") -> Any:
    """The console for this process: a paged terminal when both ends are a terminal, plain lines otherwise."""
    interactive = sys.stdin.isatty() and sys.stdout.isatty() and not plain
    colour = colour_wanted(sys.stdout, no_color) and theme != "none"
    output = TextOutput(sys.stdout, colour, width, theme)
    if not interactive:
        windows_colour(colour)
        return PlainConsole(output, sys.stdin)
    output.paged_width = True
    if os.environ.get("TERM") == "dumb":
        windows_colour(colour)
        return LineConsole(output, sys.stdin)
    return PromptConsole(output)  # prompt-toolkit speaks to a Windows console itself


def windows_colour(colour: bool) -> None:
    """On a Windows console, the plain paths (pipes, `--plain`, TERM=dumb) write ANSI colours
    through colorama, which turns on the console's own escape handling or translates them (older
    consoles); elsewhere, and without colour, nothing is imported."""
    if colour and sys.platform == "win32":
        import colorama

        colorama.just_fix_windows_console()
