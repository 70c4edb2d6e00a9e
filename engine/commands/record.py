"""`hungary56 record`: play a story with given inputs and keep the transcript as a recorded playthrough."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from engine.commands.common import add_story_argument, load, writable_story
from engine.commands.test import _write, add_playthroughs_argument, playthroughs_dir, playthroughs_root

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "record", help="record a playthrough for 'hungary56 test --playthroughs'",
        description="Play the story with the given inputs (or one input line per line of standard input) and "
        "store the inputs and the transcript (80 columns, no colour) in STORY_DIR/tests/playthroughs/NAME.yaml.",
    )
    add_story_argument(parser)
    parser.add_argument("--name", required=True, help="the playthrough's name (letters, digits, - and _)")
    parser.add_argument("--choices", metavar="INPUTS",
                        help='inputs separated by spaces, e.g. "1 2 1 3" ("." is an empty line)')
    add_playthroughs_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from engine.author import playthroughs
    from engine.core.errors import UsageError
    from engine.io.loader import display_path

    if not _NAME.match(args.name):
        raise UsageError(f"{args.name!r} cannot be a playthrough name: use letters, digits, '-' and '_'")
    writable_story(args, Path(args.dir) if args.dir else None, "record a playthrough")
    story = load(args)
    if args.choices is not None:
        inputs = playthroughs.split_choices(args.choices)
    else:
        if sys.stdin.isatty():
            print("Type one input per line (a choice number, Enter, or a command); end with Ctrl-D.", file=sys.stderr)
        inputs = [line.rstrip("\r\n") for line in sys.stdin]
    playthrough, refused = playthroughs.recording(story, args.name, inputs)
    if refused:
        print(f"Warning: the game refused {len(refused)} input(s): {', '.join(repr(r) for r in refused)} "
              "(no open choice has that number, or no command that name); they are recorded as typed. "
              "Check the transcript, or record again.", file=sys.stderr)
    target = playthroughs_dir(args) / f"{args.name}.yaml"
    existed = target.exists()
    _write(target, playthroughs.dump_playthrough(playthrough), playthroughs_root(args))
    lines = playthrough.transcript.count("\n")
    by_position = _kept_by_position(story, playthrough.inputs)
    if by_position:
        print(f"Note: {by_position} input(s) take a choice by its number, because the choice has no 'id'; "
              "inserting or reordering choices would change what they replay. Give choices an 'id' "
              "(docs/authoring.md) and record again.", file=sys.stderr)
    print(f"{'Updated' if existed else 'Recorded'} {display_path(target)}: {len(inputs)} input(s), "
          f"{lines} transcript lines. Replay with: hungary56 test{' ' + args.story_dir if args.story_dir else ''} "
          "--playthroughs")
    return 0


def _kept_by_position(story: object, inputs: tuple[object, ...]) -> int:
    """How many inputs took a choice that has no id (and so are kept as its number): not a refused
    number, nor a `1` typed where the story moves on by itself (the review of #25, #61)."""
    from engine.author.migrate import convert_inputs
    from engine.author.playthroughs import ById
    from engine.core.format import FORMAT_VERSION
    from engine.core.model import Story

    assert isinstance(story, Story)
    plain = [{"choice": i.id} if isinstance(i, ById) else i for i in inputs]
    return convert_inputs(story, plain, FORMAT_VERSION).kept
