"""The command line: parses arguments, runs a command, and turns every error into a message and
an exit code (the only place that does)."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from engine import __version__
from engine.io.tty import terminal_size

if TYPE_CHECKING:
    import argparse

# Each name is a module in engine/commands/ with `add_parser(subparsers)`; order is help order.
COMMAND_MODULES = ("play", "saves", "lint", "new", "graph", "test", "record", "walkthrough", "handout", "stats", "migrate", "rename", "lsp", "web")
DEFAULT_COMMAND = "play"


def _parser_class() -> type[argparse.ArgumentParser]:
    """argparse's parser, whose help formatters take their width from `terminal_size` (argparse
    itself imports shutil for it, and makes a formatter for every argument added)."""
    import argparse

    class Parser(argparse.ArgumentParser):
        def _get_formatter(self) -> argparse.HelpFormatter:
            return self.formatter_class(prog=self.prog, width=terminal_size().columns - 2)  # type: ignore[call-arg]

    return Parser


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or with `only` one command's: importing every command module (and what
    they import) would slow down the start of `play` for nothing."""
    parser = _parser_class()(
        prog="hungary56",
        description="Play, check and teach with hungary56, the interactive story of the Hungarian "
        "Revolution of 1956. Without a command, 'play' starts the bundled story.",
    )
    parser.add_argument("--version", action="version", version=f"hungary56 {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        if only is not None and name != only:
            continue
        importlib.import_module(f"engine.commands.{name}").add_parser(sub)
    return parser


def _with_default_command(argv: list[str], commands: set[str]) -> list[str]:
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help", "--version")):
        return [DEFAULT_COMMAND, *argv]
    return argv


def _freeze_the_first_story(collect: bool = True) -> None:
    """Once the first story is loaded, move it (and every module) out of the cyclic collector's
    sight: it lives as long as the process, and each full collection would scan it again (linting
    10,000 scenes took 1.3 s instead of 0.25 s). Only once: the stories a `reload` replaces must
    stay collectable, or every reload would keep one more story alive for good. Then the
    collector runs again if `collect` (main pauses it while the modules are imported)."""
    from engine.io import loader

    def freeze(_story: object) -> None:
        loader.on_loaded = None
        gc.freeze()
        if collect:
            gc.enable()

    loader.on_loaded = freeze


def main(argv: Sequence[str] | None = None) -> int:
    # Until the first story is loaded (or the command ends), no cyclic garbage collection: starting
    # makes thousands of classes, functions and model values that all live on, and collecting
    # while they are made was about 5% of a start.
    collect = gc.isenabled()
    gc.disable()
    try:
        return _main(argv, collect)
    finally:
        if collect:
            gc.enable()


def _main(argv: Sequence[str] | None, collect: bool) -> int:
    from engine.core.errors import Hungary56Error

    arguments = _with_default_command(list(sys.argv[1:] if argv is None else argv), set(COMMAND_MODULES))
    if sys.stdout is None:  # started with standard output closed (`>&-`): nothing can be shown
        _say("hungary56: standard output is closed")
        return 1
    from engine.io.tty import safe_streams

    safe_streams()  # every command: a character the output cannot encode becomes an ASCII stand-in
    if sys.stdin is None:  # standard input closed (`<&-`): the same as an empty one
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    args: Any
    if arguments == [DEFAULT_COMMAND]:
        # `hungary56` or `hungary56 play` alone: nothing to parse, so neither argparse nor a parser
        # (a tenth of what a start imports and builds before the story). The same values as the parser's.
        from engine.commands.play import bare_arguments

        args = bare_arguments()
    else:
        # One command's parser (a story folder alone means `play`); all of them for --help and --version.
        args = build_parser(only=arguments[0] if arguments[0] in COMMAND_MODULES else None).parse_args(arguments)
    code = 0
    _freeze_the_first_story(collect)
    try:
        code = args.run(args)
        sys.stdout.flush()
        return code
    except Hungary56Error as exc:
        _say(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _say("\nInterrupted.")
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): keep the command's verdict, and be quiet
        _silence_stdout()
        return code
    except OSError as exc:  # standard output full (`>/dev/full`) or failing: stop with a message
        _say(f"hungary56: cannot go on: {exc.strerror or exc}")
        _silence_stdout()
        return 1


def _say(message: str) -> None:
    """A message on standard error, if there is one."""
    if sys.stderr is not None:
        try:
            print(message, file=sys.stderr)
        except OSError:
            pass


def _silence_stdout() -> None:
    """Point standard output at /dev/null so that Python's flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
