"""`hungary56 play`: play a story in the terminal (or from a pipe, one line per prompt), or project it
for a class (`--teacher`), from its start or from any chapter, with an optional Markdown transcript."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace
from typing import IO, TYPE_CHECKING

from engine.commands.common import add_saves_argument, add_story_argument, load, story_dir
from engine.core.errors import UsageError

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from engine.core.model import Chapter, GameState, Story
    from engine.io.saves import SaveStore

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
    start.add_argument("--scene", metavar="ID",
                       help="(for authors) start at a scene, with the state of the shortest path that reaches it")
    parser.add_argument("--debug", action="store_true",
                        help="(for authors) add the in-game commands 'vars' (the state) and 'goto SCENE'")
    parser.add_argument("--teacher", action="store_true",
                        help="projector mode: discussion questions, hidden choices shown, the reveal as a step")
    parser.add_argument("--transcript", metavar="FILE",
                        help="write the session (scenes, choices, notes, debrief) to FILE as Markdown")
    parser.add_argument("--ask-why", action="store_true",
                        help="after each decision, ask for one line of reasoning and keep it in the transcript "
                             "(needs --transcript)")
    parser.add_argument("--no-color", action="store_true", help="no colour (so does NO_COLOR=1)")
    parser.add_argument("--plain", action="store_true",
                        help="read one line per prompt even on a terminal (automatic for pipes)")
    parser.add_argument("--width", type=int, metavar="N", help="wrap text at N columns")
    parser.add_argument("--watch", action="store_true",
                        help="for authors: read the story again whenever one of its files changes, keeping your "
                        "place (as 'reload' does; a broken edit is refused and the story kept as it was)")
    parser.set_defaults(run=run)


def bare_arguments() -> SimpleNamespace:
    """What the parser makes of `play` with no argument and no option (tests/test_cold_start.py
    checks that it is the same), for the start that does without argparse."""
    return SimpleNamespace(command="play", story_dir=None, saves=None, resume=False, load=None, chapter=None,
                           scene=None, debug=False, teacher=False, transcript=None, ask_why=False, no_color=False,
                           plain=False, width=None, watch=False, run=run)


def find_chapter(story: Story, chapter_id: str) -> Chapter:
    chapter = story.chapter(chapter_id)
    if chapter is None:
        from engine.core.reading import chapter_listing

        raise UsageError(f"there is no chapter {chapter_id!r} in this story; its chapters are:\n{chapter_listing(story)}")
    return chapter


def resume_hint(args: argparse.Namespace) -> str:
    """The exact command that resumes this game, from any folder: the story folder and the saves
    folder when they were given (as absolute paths), teacher mode when it was on."""
    import shlex
    from pathlib import Path

    words = ["hungary56", "play"]
    if args.story_dir:
        words.append(shlex.quote(str(Path(args.story_dir).resolve())))
    if args.saves:
        words += ["--saves", shlex.quote(str(Path(args.saves).expanduser().resolve()))]
    if args.teacher:
        words.append("--teacher")
    return " ".join([*words, "--continue"])


def run(args: argparse.Namespace) -> int:
    from engine.core import machine
    from engine.io.lock import release
    from engine.io.paths import saves_dir
    from engine.io.saves import SaveStore

    if args.ask_why and not args.transcript:
        raise UsageError("--ask-why keeps each reason in the transcript: give --transcript FILE too")
    story = load(args)
    folder = story_dir(args)
    origin = machine.start_chapter(story, find_chapter(story, args.chapter)) if args.chapter else None
    store = SaveStore(saves_dir(folder, story.id, args.saves))
    held = lock_saves(store.directory)
    try:
        return _play(args, story, folder, origin, store)
    finally:
        release(held)


def lock_saves(directory: Path) -> int | None:
    """Hold the saves folder for this session (engine/io/lock.py): a second session on the same
    folder, in another window or by another player on a shared folder, would rotate this one's
    autosave away and resume the wrong game (reliability review 2026-12-06, NL3)."""
    from engine.io.atomic import make_folders
    from engine.io.loader import display_path
    from engine.io.lock import FolderInUse, session_lock

    try:
        make_folders(directory)
    except OSError:
        return None  # the autosave will say it failed, and why
    try:
        return session_lock(directory)
    except FolderInUse:
        raise UsageError(
            f"the saves folder {display_path(directory)} is in use by another game of this story (another "
            "window, or another player sharing the folder); finish that game first, or play with "
            "--saves DIR of your own") from None


def _play(args: argparse.Namespace, story: Story, folder: Path, origin: GameState | None, store: SaveStore) -> int:
    from engine.io.loader import load_story
    from engine.io.saves import AUTOSAVE
    from engine.play.session import TEACHER, Session, player_mode
    from engine.play.settings import load_settings
    from engine.play.start import EndingsRecord, SettingsControl, start_screen
    from engine.play.terminal import make_console

    slot = AUTOSAVE if args.resume else args.load
    state = store.load(story, slot) if slot else None
    if args.scene:
        state = scene_start(story, args.scene)
    settings = load_settings()
    width = args.width or settings.width or None
    if args.teacher and width is None:
        # A narrower column than the terminal: margins on both sides, short lines to read from the back.
        from engine.io.tty import terminal_size

        width = max(40, min(terminal_size((80, 24)).columns - 4, PROJECTOR_WIDTH))
    console = make_console(args.no_color or args.teacher, args.plain, width, settings.theme)
    if args.watch:
        from engine.play.watch import FileWatch, WatchingConsole

        console = WatchingConsole(console, FileWatch(folder))
    control = SettingsControl(settings, console.output)
    endings = EndingsRecord(store.directory, [s.id for s in story.scenes.values() if s.ending is not None])
    if getattr(console, "paged", False) and state is None and origin is None:
        if store.exists(AUTOSAVE) or endings.found():
            picked = start_screen(story, console, store, endings, control)
            if picked.action == "quit":
                return 0
            if picked.action == "continue":
                state = picked.state
            elif picked.action == "chapter":
                origin = picked.state
    elif state is None and origin is None and store.exists(AUTOSAVE):
        # No start screen (a pipe, --plain): say that a saved game exists before this new game's
        # autosaves rotate it out (reliability review L11).
        import sys

        from engine.play.start import continue_line

        line, saved = continue_line(story, store)
        if saved is None:  # there, but not a game of this story: nothing to go back to (#25 review, #71)
            reason = line.removeprefix("(the autosave cannot be used: ").removesuffix(")")
            print(f"hungary56: the autosave in this saves folder cannot be used ({reason}); this is a new game.",
                  file=sys.stderr)
        else:
            print(f"hungary56: you have a saved game ({line.removeprefix('Continue: ')}); this is a new game. "
                  "To go back to the saved one, type `load autosave` now or run again with --continue.", file=sys.stderr)
    with contextlib.ExitStack() as stack:
        transcript = None
        if args.transcript:
            from engine.core.transcript import Transcript

            existing = _existing_transcript(args.transcript)
            stream: IO[str] = stack.enter_context(_open_transcript(args.transcript, existing))
            transcript = Transcript(stream)
            where = f", from chapter {args.chapter}" if args.chapter else ""
            if existing:  # a student's earlier work is never replaced: this session is added below it
                import datetime
                import sys

                print(f"Adding this session to the end of {args.transcript}.", file=sys.stderr)
                transcript.resume(f"{datetime.datetime.now():%d %B %Y, %H:%M}{where}")
            else:
                transcript.start(f"{story.title}: transcript", f"Story version {story.version}{where}.")
        mode = TEACHER if args.teacher else player_mode(control.current.reveal)
        session = Session(story, console, store, reload=lambda: load_story(folder), state=state, origin=origin,
                       transcript=transcript, mode=mode, resume_hint=lambda: resume_hint(args), endings=endings,
                       settings=control, ask_why=args.ask_why, debug=args.debug)
        session.run()
        return 0


def scene_start(story: Story, scene_id: str) -> GameState:
    """The state of the shortest path from the start to a scene, found by the exhaustive search."""
    import sys

    from engine.author import search
    from engine.core import expr
    from engine.play.debug import state_at

    if scene_id not in story.scenes:
        raise UsageError(f"there is no scene {scene_id!r} in this story{expr.suggest(scene_id, list(story.scenes))}")
    print(f"Finding the shortest path to {scene_id!r}...", file=sys.stderr)
    report = search.exhaustive(story)
    path = report.scenes.get(scene_id)
    if path is None:
        if report.bound_hit:
            raise UsageError(f"no path to scene {scene_id!r} within the first {report.max_states} states; "
                             "'hungary56 test --exhaustive --max-states N' searches further")
        raise UsageError(f"scene {scene_id!r} cannot be reached from the start ('hungary56 lint' says why)")
    from engine.author.reports import shown_numbers

    shown = " ".join(map(str, shown_numbers(story, path))) or "(none: it is the first scene)"
    print(f"Starting at {scene_id!r} after the shortest path that reaches it: {shown}", file=sys.stderr)
    return state_at(story, path)


def _existing_transcript(path: str) -> bool:
    """Whether `path` holds an earlier hungary56 transcript, which this session is added to (False:
    there is no file, or an empty one). Anything else is never replaced nor written to: a student's
    essay.md of any size, a FIFO, a device, a symlink, a file that cannot be read (a UsageError
    each). Only the first line is read, whatever the file's size (reliability review 2026-12-06, NM10)."""
    import os
    import stat
    from pathlib import Path

    from engine.io.atomic import read_head, why_unreadable

    target = Path(path)
    keep = "; give another file name (the file was left as it was)"
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise UsageError(f"cannot write the transcript {path}: there is no folder {target.parent}") from None
        return False
    except OSError as exc:
        raise UsageError(f"cannot write the transcript {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"cannot write the transcript {path}: it is a folder")
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(f"{path} is a symlink; give the transcript's own file name (the link was left as it was)")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{path} is not a regular file (a device or a pipe){keep}")
    try:
        head = read_head(target)
    except OSError as exc:
        raise UsageError(f"cannot check whether {path} is a hungary56 transcript: {why_unreadable(exc)}{keep}") from None
    first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")
    if head.strip() and not first.endswith(": transcript"):
        raise UsageError(f"{path} already exists and is not a hungary56 transcript{keep}")
    return bool(head.strip())


def _open_transcript(path: str, earlier: bool = False) -> IO[str]:
    """The transcript file, appended to as the game goes: after the earlier sessions it holds, or new."""
    import sys
    from pathlib import Path
    from typing import cast

    from engine.io.appending import AppendingTextFile
    from engine.io.atomic import write_atomically

    target = Path(path)

    def failed(exc: OSError) -> None:
        print(f"hungary56: cannot write the transcript {path} ({exc.strerror or exc}); "
              "the game goes on without it", file=sys.stderr)

    if not earlier:
        try:
            write_atomically(target, "")  # at once: a path that cannot be written is a usage error
        except OSError as exc:
            raise UsageError(f"cannot write the transcript {path}: {exc.strerror or exc}") from None
    stream = AppendingTextFile(target, failed)
    if earlier and not stream.ends_a_line():
        stream.write("\n")  # the earlier session's last line, ended
    return cast(IO[str], stream)
