"""Arguments and helpers that several commands share: the story folder, the saves folder.

Which story a command works on, when no STORY_DIR is given: the current folder when it is a story
folder (it holds story/ and scenes/), or its parent when the author stands in that story's story/ or
scenes/; else the story bundled with hungary56, but only for commands that read. Commands that write
(`new`, `record`, `test --bless`) never write into the bundled story unless it is named, and never
into an installed package (site-packages), named or not.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # argparse is not imported by `hungary56 play` alone (engine/cli.py)
    import argparse

    from engine.core.model import Story

NAMED, CURRENT, BUNDLED = "named", "current", "bundled"


def add_story_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "story_dir", nargs="?", metavar="STORY_DIR", default=None,
        help="a story folder holding story/ and scenes/ (default: the current folder if it is one, "
        "else the bundled story)",
    )


def add_saves_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--saves", metavar="DIR", default=None,
        help="where saved games live, in DIR/STORY-ID/ (default: $HUNGARY56_SAVES, the same way, else the "
        "story folder's saves/ if it can be written, else the user's data folder, one subfolder per story)",
    )


def is_story_folder(folder: Path) -> bool:
    return (folder / "story").is_dir() and (folder / "scenes").is_dir()


def find_story(args: argparse.Namespace) -> tuple[Path, str]:
    """The story folder a command works on, and how it was chosen: NAMED, CURRENT or BUNDLED."""
    from engine.io.loader import bundled_story_dir

    if args.story_dir:
        return Path(args.story_dir), NAMED
    here = Path(".")
    if is_story_folder(here):
        return here, CURRENT
    cwd = Path.cwd()
    if cwd.name in ("story", "scenes") and is_story_folder(cwd.parent):
        return Path(".."), CURRENT
    return bundled_story_dir(), BUNDLED


def story_dir(args: argparse.Namespace) -> Path:
    return find_story(args)[0]


def describe(args: argparse.Namespace) -> str:
    """The story folder as the first line of a report names it, saying why it was chosen."""
    from engine.io.loader import display_path

    folder, how = find_story(args)
    if how == CURRENT:
        if folder == Path("."):
            return ". (the current folder)"
        return f"{display_path(folder.resolve())} (the story folder around the current one)"
    if how == BUNDLED:
        return (f"the bundled story, {display_path(folder)} (the current folder has no story/ and scenes/; "
                "name a story folder to check your own)")
    return display_path(folder)


def load(args: argparse.Namespace) -> Story:
    from engine.io.loader import load_story

    return load_story(story_dir(args))


def installed_package(path: Path) -> Path | None:
    """The installed package folder `path` lies in (site-packages, or this engine's own folder), if any."""
    import engine

    resolved = path.resolve()
    engine_dir = Path(engine.__file__).resolve().parent
    if resolved == engine_dir or engine_dir in resolved.parents:
        return engine_dir
    for parent in (resolved, *resolved.parents):
        if parent.name in ("site-packages", "dist-packages"):
            return parent
    return None


def writable_story(args: argparse.Namespace, target: Path | None = None, action: str = "write") -> Path:
    """The story folder a writing command may change, or a UsageError saying why not.

    `target` is the file or folder about to be written when it is not inside the story folder
    (an explicit --dir); the check is then on it alone.
    """
    from engine.core.errors import UsageError
    from engine.io.loader import display_path

    folder, how = find_story(args)
    if target is None and how == BUNDLED:
        raise UsageError(
            f"the current folder ({display_path(Path.cwd())}) is not a story folder: it has no story/ and scenes/. "
            f"Name the story folder to {action} (e.g. 'hungary56 {args.command} ... my-story'), run the command "
            "inside it, or make one with 'hungary56 new story my-story'"
        )
    package = installed_package(target if target is not None else folder)
    if package is not None:
        raise UsageError(
            f"{display_path(target if target is not None else folder)} is inside the installed package "
            f"({display_path(package)}): hungary56 does not {action} there, since an update or reinstall would "
            "lose the change and a broken story would stop the game. Make your own story with "
            "'hungary56 new story my-story' (or copy this one elsewhere) and name that folder"
        )
    return folder


def quiet_stdout() -> None:
    """After the reader of standard output went away (`| head`): send the rest, and the flush at exit,
    nowhere, so that neither a traceback nor Python's exit status 120 replaces the command's own."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
