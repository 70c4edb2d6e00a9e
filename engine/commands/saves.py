"""`hungary56 saves`: list the saved games with their scene, story date and time saved."""

from __future__ import annotations

import argparse

from engine.commands.common import add_saves_argument, add_story_argument, load


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("saves", help="list saved games", description="List saved games.")
    add_story_argument(parser)
    add_saves_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from engine.commands.common import story_dir
    from engine.io.paths import saves_dir
    from engine.io.saves import SaveStore
    from engine.play.session import saves_blocks
    from engine.play.terminal import TextOutput

    story = load(args)
    store = SaveStore(saves_dir(story_dir(args), story.id, args.saves))
    TextOutput(sys.stdout, colour=False).show(saves_blocks(story, store))
    return 0
