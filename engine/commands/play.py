"""`hungary56 play`: play a story in the terminal (or from a pipe, one line per prompt)."""

from __future__ import annotations

import argparse

from engine.commands.common import add_saves_argument, add_story_argument, load, story_dir


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("play", help="play a story (the default command)",
                            description="Play a story. Type 'help' in the game for its commands.")
    add_story_argument(parser)
    add_saves_argument(parser)
    parser.add_argument("--continue", dest="resume", action="store_true",
                        help="resume from the autosave")
    parser.add_argument("--load", metavar="SLOT", help="start from a saved game")
    parser.add_argument("--no-color", action="store_true", help="no colour (so does NO_COLOR=1)")
    parser.add_argument("--plain", action="store_true",
                        help="read one line per prompt even on a terminal (automatic for pipes)")
    parser.add_argument("--width", type=int, metavar="N", help="wrap text at N columns")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.loader import load_story
    from engine.player import Session
    from engine.saves import AUTOSAVE, SaveStore, default_saves_dir
    from engine.terminal import make_console

    story = load(args)
    store = SaveStore(default_saves_dir(args.saves))
    slot = AUTOSAVE if args.resume else args.load
    state = store.load(story, slot) if slot else None
    console = make_console(args.no_color, args.plain, args.width)
    folder = story_dir(args)
    session = Session(story, console, store, reload=lambda: load_story(folder), state=state)
    return session.run()
