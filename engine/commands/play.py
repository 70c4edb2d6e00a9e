"""`hungary56 play`: play a story in the terminal (or from a pipe, one line per prompt), or project it
for a class (`--teacher`), from its start or from any chapter, with an optional Markdown transcript."""

from __future__ import annotations

import argparse
import contextlib
import shutil
from typing import IO

from engine.commands.common import add_saves_argument, add_story_argument, load, story_dir
from engine.core.errors import UsageError
from engine.core.model import Chapter, Story

PROJECTOR_WIDTH = 84


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("play", help="play a story (the default command)",
                            description="Play a story. Type 'help' in the game for its commands.")
    add_story_argument(parser)
    add_saves_argument(parser)
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--continue", dest="resume", action="store_true",
                       help="resume from the autosave")
    start.add_argument("--load", metavar="SLOT", help="start from a saved game")
    start.add_argument("--chapter", metavar="ID",
                       help="start at a chapter, with the state its `setup` gives (the walkthrough lists the ids)")
    parser.add_argument("--teacher", action="store_true",
                        help="projector mode: discussion questions, hidden choices shown, the reveal as a step")
    parser.add_argument("--transcript", metavar="FILE",
                        help="write the session (scenes, choices, notes, debrief) to FILE as Markdown")
    parser.add_argument("--no-color", action="store_true", help="no colour (so does NO_COLOR=1)")
    parser.add_argument("--plain", action="store_true",
                        help="read one line per prompt even on a terminal (automatic for pipes)")
    parser.add_argument("--width", type=int, metavar="N", help="wrap text at N columns")
    parser.set_defaults(run=run)


def find_chapter(story: Story, chapter_id: str) -> Chapter:
    chapter = story.chapter(chapter_id)
    if chapter is None:
        ids = ", ".join(c.id for c in story.chapters)
        raise UsageError(f"there is no chapter {chapter_id!r} in this story; its chapters are: {ids}")
    return chapter


def run(args: argparse.Namespace) -> int:
    from engine.core import machine
    from engine.io.loader import load_story
    from engine.io.saves import AUTOSAVE, SaveStore, default_saves_dir
    from engine.play.session import Session, TeacherSession
    from engine.play.terminal import make_console
    from engine.play.transcript import Transcript

    story = load(args)
    origin = machine.start_chapter(story, find_chapter(story, args.chapter)) if args.chapter else None
    store = SaveStore(default_saves_dir(args.saves))
    slot = AUTOSAVE if args.resume else args.load
    state = store.load(story, slot) if slot else None
    width = args.width
    if args.teacher and width is None:
        # A narrower column than the terminal: margins on both sides, short lines to read from the back.
        width = max(40, min(shutil.get_terminal_size((80, 24)).columns - 4, PROJECTOR_WIDTH))
    console = make_console(args.no_color or args.teacher, args.plain, width)
    folder = story_dir(args)
    with contextlib.ExitStack() as stack:
        transcript = None
        if args.transcript:
            stream: IO[str] = stack.enter_context(_open_transcript(args.transcript))
            transcript = Transcript(stream)
            where = f", from chapter {args.chapter}" if args.chapter else ""
            transcript.start(f"{story.title}: transcript", f"Story version {story.version}{where}.")
        kind = TeacherSession if args.teacher else Session
        session = kind(story, console, store, reload=lambda: load_story(folder), state=state, origin=origin,
                       transcript=transcript)
        return session.run()


def _open_transcript(path: str) -> IO[str]:
    """The transcript file, rewritten atomically as the game goes. An existing file is only
    replaced when it is a hungary56 transcript (a student's essay.md is not)."""
    import sys
    from pathlib import Path
    from typing import cast

    from engine.io.atomic import AtomicTextFile, read_regular, write_atomically

    target = Path(path)
    if target.is_dir():
        raise UsageError(f"cannot write the transcript {path}: it is a folder")
    if not target.parent.is_dir():
        raise UsageError(f"cannot write the transcript {path}: there is no folder {target.parent}")
    if target.exists():
        try:
            first = read_regular(target, 10 * 2**20).split(b"\n", 1)[0]
        except OSError:
            first = b""
        if first and not first.endswith(b": transcript"):
            raise UsageError(f"{path} already exists and is not a hungary56 transcript; give another file name "
                             "(the file was left as it was)")

    def failed(exc: OSError) -> None:
        print(f"hungary56: cannot write the transcript {path} ({exc.strerror or exc}); "
              "the game goes on without it", file=sys.stderr)

    try:
        write_atomically(target, "")  # at once: a path that cannot be written is a usage error
    except OSError as exc:
        raise UsageError(f"cannot write the transcript {path}: {exc.strerror or exc}") from None
    return cast(IO[str], AtomicTextFile(target, failed))
