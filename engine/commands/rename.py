"""`hungary56 rename scene OLD NEW [STORY_DIR]`: rename a scene and every reference to it."""

from __future__ import annotations

import argparse

from engine.commands.common import add_story_argument, writable_story


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "rename", help="rename a scene everywhere (goto, next, first, start, visited())",
        description="Rename a scene: its id and every goto, next (and route), chapter 'first', story 'start' and "
        "visited()/visits() that names it, in every file of the story (and any recorded input that names it). "
        "Refuses when NEW is already a scene or is not an id. Prints each change.",
    )
    parser.add_argument("what", choices=("scene",), help="what to rename (a scene)")
    parser.add_argument("old", metavar="OLD", help="the scene's id now")
    parser.add_argument("new", metavar="NEW", help="its new id")
    add_story_argument(parser)
    parser.add_argument("--check", action="store_true", help="write nothing: show what would change")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import difflib

    from engine.author.rename import plan_rename
    from engine.core.errors import Hungary56Error
    from engine.io.atomic import write_atomically
    from engine.io.loader import display_path

    folder = writable_story(args, None, "rename a scene")
    changes = plan_rename(folder, args.old, args.new)
    total = 0
    for path, (old, new, count) in changes.items():
        shown = display_path(path)
        total += count
        print("".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                           fromfile=shown, tofile=shown, n=0)), end="")
    if args.check:
        print(f"would rename scene {args.old!r} to {args.new!r}: {total} place(s) in {len(changes)} file(s)")
        return 0
    for path, (_old, new, _count) in changes.items():
        try:
            write_atomically(path, new)
        except OSError as exc:
            raise Hungary56Error(f"{display_path(path)}: cannot write it: {exc.strerror or exc}") from None
    print(f"Renamed scene {args.old!r} to {args.new!r}: {total} place(s) in {len(changes)} file(s)")
    return 0
