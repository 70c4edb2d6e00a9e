"""Arguments and helpers that several commands share: the story folder, the saves folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.core.model import Story


def add_story_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "story_dir", nargs="?", metavar="STORY_DIR", default=None,
        help="a story folder holding story/ and scenes/ (default: the bundled story)",
    )


def add_saves_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--saves", metavar="DIR", default=None,
        help="where saved games live (default: $HUNGARY56_SAVES, else ./saves)",
    )


def story_dir(args: argparse.Namespace) -> Path:
    from engine.io.loader import bundled_story_dir

    return Path(args.story_dir) if args.story_dir else bundled_story_dir()


def load(args: argparse.Namespace) -> Story:
    from engine.io.loader import load_story

    return load_story(story_dir(args))
