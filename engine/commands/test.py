"""`hungary56 test`: play a story automatically (random or exhaustive) or replay its recorded playthroughs."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from engine.commands.common import add_story_argument, describe, is_story_folder, load, story_dir, writable_story


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "test", help="play-test a story: random runs, exhaustive search, recorded playthroughs",
        description="Play a story automatically. By default, random playthroughs that prefer the least-used "
        "choice; report coverage, endings and every error or stuck scene with the choice numbers that "
        "reproduce it. Exit status 1 when something went wrong.",
    )
    add_story_argument(parser)
    parser.add_argument("--runs", type=int, default=1000, metavar="N", help="random playthroughs (default: 1000)")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed, for reproducible runs (default: 1)")
    parser.add_argument("--max-steps", type=int, default=500, metavar="N",
                        help="choices per run before it counts as a possible loop (default: 500)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--exhaustive", action="store_true",
                      help="search every reachable state breadth-first and print shortest paths")
    mode.add_argument("--playthroughs", action="store_true",
                      help="replay the recorded playthroughs and show a diff where the output changed")
    parser.add_argument("--max-states", type=int, default=200_000, metavar="N",
                        help="with --exhaustive: stop after N distinct states (default: 200000)")
    parser.add_argument("--bless", nargs="?", const=ALL, default=None, metavar="NAME",
                        help="with --playthroughs: record the changed transcripts again; with NAME, only the "
                        "playthrough NAME (put STORY_DIR before --bless)")
    parser.add_argument("--accept-shorter", action="store_true",
                        help="with --bless: write a replay even if the game refused an input in it or it no longer "
                        "reaches the ending it recorded (without it, --bless refuses such a replay)")
    add_playthroughs_argument(parser)
    parser.set_defaults(run=run)


ALL = "*"


def add_playthroughs_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", metavar="DIR", default=None,
                        help="where recorded playthroughs live (default: STORY_DIR/tests/playthroughs)")


MAX_PLAYTHROUGH_BYTES = 10 * 2**20


def playthroughs_dir(args: argparse.Namespace) -> Path:
    return Path(args.dir) if args.dir else story_dir(args) / "tests" / "playthroughs"


def playthroughs_root(args: argparse.Namespace) -> Path:
    """The folder recorded playthroughs are read from and written to, through no symlink out of it:
    the story folder, or the --dir given."""
    return Path(args.dir) if args.dir else story_dir(args)


def _positive(value: int, flag: str) -> None:
    from engine.core.errors import UsageError

    if value < 1:
        raise UsageError(f"{flag} must be at least 1")


def run(args: argparse.Namespace) -> int:
    from engine.author import playtest, reports, search

    for value, flag in ((args.runs, "--runs"), (args.max_steps, "--max-steps"), (args.max_states, "--max-states")):
        _positive(value, flag)
    if args.bless and args.bless != ALL and args.story_dir is None and is_story_folder(Path(args.bless)):
        args.story_dir, args.bless = args.bless, ALL  # `test --bless my-story`: the folder, not a name
    if args.accept_shorter and not args.bless:
        from engine.core.errors import UsageError

        raise UsageError("--accept-shorter only goes with --bless")
    if args.bless:
        args.playthroughs = True
        writable_story(args, Path(args.dir) if args.dir else None, "re-record playthroughs")
    story = load(args)
    story_arg = args.story_dir or ""
    print(f"Testing {describe(args)}")
    if args.playthroughs:
        return _replay_all(story, playthroughs_dir(args), args.bless, playthroughs_root(args), args.accept_shorter)
    if args.exhaustive:
        progress = _progress(args.max_states)
        report = search.exhaustive(story, args.max_states, progress)
        if progress is not None:
            import sys

            sys.stderr.write("\r\033[K")  # the progress line goes before the report comes
        print(reports.format_exhaustive(story, report, story_arg), end="")
        return 0 if search.exhaustive_ok(story, report) else 1
    random_report = playtest.random_runs(story, args.runs, args.seed, args.max_steps)
    print(reports.format_random(story, random_report, story_arg), end="")
    return 0 if random_report.ok else 1


def _progress(max_states: int) -> Callable[[int], None] | None:
    """A progress line on stderr for the exhaustive search, only on a terminal (never in a pipe or a log)."""
    import sys

    if not sys.stderr.isatty():
        return None

    def show(states: int) -> None:
        sys.stderr.write(f"\rsearching: {states:,} states (at most {max_states:,})...")
        sys.stderr.flush()

    return show


def _replay_all(story: object, folder: Path, bless: str | None, root: Path | None = None,
                accept_shorter: bool = False) -> int:
    from engine.author import playthroughs
    from engine.core import expr
    from engine.core.errors import Hungary56Error
    from engine.core.model import Story
    from engine.io.atomic import read_regular, why_unreadable
    from engine.io.loader import display_path

    assert isinstance(story, Story)
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if bless and bless != ALL:
        files = [f for f in files if f.stem == bless]
        if not files:
            known = sorted(f.stem for f in folder.glob("*.yaml")) if folder.is_dir() else []
            raise Hungary56Error(f"there is no recorded playthrough {bless!r} in {display_path(folder)}"
                                 f"{expr.suggest(bless, known)}; the playthroughs are: {', '.join(known) or 'none'}")
    if not files:
        print(f"No recorded playthroughs in {display_path(folder)} (record one with 'hungary56 record').")
        return 0
    failed = 0
    for file in files:
        shown = display_path(file)
        try:
            # a file the story ships: regular, bounded, never through a symlink out of the folder
            data = read_regular(file, MAX_PLAYTHROUGH_BYTES, within=root or folder)
            playthrough = playthroughs.parse_playthrough(data.decode("utf-8"), shown)
        except OSError as exc:
            print(f"FAIL {shown}: cannot read it: {why_unreadable(exc)}")
            failed += 1
            continue
        except UnicodeDecodeError:
            print(f"FAIL {shown}: cannot read it: it is not UTF-8 text")
            failed += 1
            continue
        except Hungary56Error as exc:
            print(f"FAIL {exc}")
            failed += 1
            continue
        try:
            diff = playthroughs.replay_diff(story, playthrough, shown)
            blessed, why_not = playthroughs.blessing(story, playthrough) if diff and bless else (None, "")
        except playthroughs.ReplayError as exc:  # a choice id the story no longer has: never a silent detour
            failed += 1
            print(f"FAIL {shown}: {exc}")
            continue
        if not diff:
            print(f"ok   {shown}")
        elif blessed is not None and why_not and not accept_shorter:
            # never a silent "fix" that stops short of what was recorded (#25 review, #67)
            failed += 1
            print(f"FAIL {shown}: not blessed: {why_not}")
            print(diff, end="" if diff.endswith("\n") else "\n")
            print(f"     if that is intended, run again with --bless {playthrough.name} --accept-shorter; "
                  "else fix the story or record the playthrough again ('hungary56 record')")
        elif blessed is not None:
            _write(file, playthroughs.dump_playthrough(blessed), root)
            print(f"blessed {shown}" + (f" (accepted: {why_not})" if why_not else ""))
        else:
            failed += 1
            print(f"FAIL {shown}: the output changed")
            print(diff, end="" if diff.endswith("\n") else "\n")
            _older_format(file, shown)
    if failed:
        if bless:  # what failed now, --bless could not fix (#25 review, #62)
            print(f"{failed} of {len(files)} playthrough(s) could not be blessed; record them again with "
                  "'hungary56 record'")
        else:
            print(f"{failed} of {len(files)} playthrough(s) failed; if the changes are intended, "
                  "run again with --bless")
        return 1
    print(f"{len(files)} playthrough(s) passed" if not bless else f"{len(files)} playthrough(s) up to date")
    return 0


def _older_format(file: Path, shown: str) -> None:
    """Say so when a failing playthrough was recorded in an older format: the engine changed, not the story."""
    import re

    from engine.core.format import FORMAT_VERSION
    from engine.io.loader import read_text

    found = re.search(r"(?m)^format:\s*(\d+)", read_text(file))
    recorded = int(found.group(1)) if found else 1
    if recorded < FORMAT_VERSION:
        print(f"note {shown}: recorded in format {recorded} (menus numbered every choice, hidden ones too); "
              f"this hungary56 writes format {FORMAT_VERSION} (menus number only the open choices): run "
              "'hungary56 migrate' to replay it with its own numbering and convert it, not --bless")


def _write(path: Path, text: str, within: Path | None = None) -> None:
    from engine.author.migrate import stamp_playthrough
    from engine.core.errors import Hungary56Error
    from engine.io.atomic import write_atomically

    try:
        # says the format it was recorded in (engine/author/migrate.py reads it); a symlink planted at
        # PATH is replaced, never written through; a symlinked folder on the way from `within` (the
        # story folder) is refused
        write_atomically(path, stamp_playthrough(text), within=within)
    except OSError as exc:
        raise Hungary56Error(f"{path}: cannot write the playthrough: {exc.strerror or exc}") from None
