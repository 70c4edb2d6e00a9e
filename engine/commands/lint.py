"""`hungary56 lint`: check a story and report every problem at once, with file:line:column."""

from __future__ import annotations

import argparse

from engine.commands.common import add_story_argument, story_dir


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("lint", help="check a story for errors",
                            description="Check a story and report every problem, as path:line:col.")
    add_story_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.errors import StoryError
    from engine.loader import load_story

    try:
        story = load_story(story_dir(args))
    except StoryError as exc:
        for problem in exc.problems:
            print(problem.format())
        print(f"{len(exc.problems)} error(s)")
        return 1
    for problem in story.warnings:
        print(problem.format())
    print(f"{len(story.scenes)} scenes, {len(story.warnings)} warning(s), no errors")
    return 0
