"""`hungary56 migrate`: upgrade a story folder to the newest format, showing the diff first."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from engine.commands.common import add_story_argument, story_dir, writable_story


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "migrate", help="upgrade a story (and its recorded playthroughs) to the newest format",
        description="Upgrade a story folder in place to the newest story format: say the format in story.yaml, "
        "remove deprecated fields (a chapter's reading_minutes), give every choice an 'id', and convert recorded "
        "playthroughs kept by position by replaying them with the numbering of the format they were recorded in. "
        "Prints the diff first, then writes. Exits 1 with --check when anything would change.",
    )
    add_story_argument(parser)
    parser.add_argument("--check", action="store_true",
                        help="write nothing: print the diff and exit 1 if the story needs migrating (for CI)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import difflib

    from engine.core.errors import Hungary56Error
    from engine.io.loader import display_path

    folder = story_dir(args) if args.check else writable_story(args, None, "migrate a story")
    changes, problems = plan(folder)
    for path, old, new, notes in changes:
        shown = display_path(path)
        print("".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                           fromfile=f"{shown} (now)", tofile=f"{shown} (migrated)")), end="")
        for note in notes:
            print(f"# {shown}: {note}")
    for problem in problems:
        print(f"cannot migrate: {problem}")
    if not changes:
        print(f"{display_path(folder)} is up to date: nothing to migrate" if not problems else "")
        return 1 if problems else 0
    if args.check:
        print(f"{len(changes)} file(s) need migrating: run 'hungary56 migrate' (without --check)")
        return 1
    from engine.io.atomic import write_atomically

    for path, _old, new, _notes in changes:
        try:
            write_atomically(path, new)
        except OSError as exc:
            raise Hungary56Error(f"{display_path(path)}: cannot write it: {exc.strerror or exc}") from None
    print(f"Migrated {len(changes)} file(s); check with 'hungary56 lint' and 'hungary56 test --playthroughs'")
    return 1 if problems else 0


Change = tuple[Path, str, str, list[str]]


def plan(folder: Path) -> tuple[list[Change], list[str]]:
    """Every file's migrated text (only the files that change), and what could not be migrated."""
    from engine.author import migrate
    from engine.core.build import build_story
    from engine.core.errors import StoryError
    from engine.io.loader import display_path, parse_document, read_text, story_files

    story_paths, scene_paths = story_files(folder)
    changes: list[Change] = []
    story_docs: list[tuple[str, Any]] = []
    scene_docs: list[tuple[str, Any]] = []
    for path in story_paths + scene_paths:
        shown = display_path(path)
        text = read_text(path)
        document, found = parse_document(text.encode("utf-8"), shown)
        if found:
            return [], [f"{found[0].format()}: fix it first ('hungary56 lint')"]
        notes: list[str] = []
        is_story = path in story_paths
        edits = (migrate.story_file_edits if is_story else migrate.scene_file_edits)(text, document, notes)
        new = migrate.apply_edits(text, edits)
        if new != text:
            changes.append((path, text, new, notes))
            document, found = parse_document(new.encode("utf-8"), shown)
            if found:
                return [], [f"the migrated {shown} does not read ({found[0].message}): migrate it by hand"]
        (story_docs if is_story else scene_docs).append((shown, document))
    try:
        story = build_story(story_docs, scene_docs)
    except StoryError as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        return changes, [f"the story does not load ({errors[0].format(with_code=True)}): its recorded playthroughs "
                         "are left as they are; fix it ('hungary56 lint') and migrate again"]
    problems: list[str] = []
    recordings = folder / "tests" / "playthroughs"
    for path in sorted(recordings.glob("*.yaml")) if recordings.is_dir() else []:
        change, problem = _playthrough(story, path)
        if change is not None:
            changes.append(change)
        if problem:
            problems.append(problem)
    return changes, problems


def _playthrough(story: object, path: Path) -> tuple[Change | None, str]:
    """A recorded playthrough in an older format, replayed with its own numbering and recorded again."""
    from engine.author import migrate, playthroughs
    from engine.core.errors import Hungary56Error
    from engine.core.format import FORMAT_VERSION
    from engine.core.model import Story
    from engine.io.loader import display_path, read_text
    from engine.io.yamlio import parse_yaml

    assert isinstance(story, Story)
    shown = display_path(path)
    text = read_text(path)
    document, found = parse_yaml(text, shown)
    if found or not isinstance(document, dict) or not isinstance(document.get("inputs"), list):
        return None, f"{shown}: not a playthrough that can be read"
    recorded = migrate.playthrough_format(document)
    if recorded >= FORMAT_VERSION:
        return None, ""
    try:  # recorded by a newer engine than its missing `format:` says: it replays as it is
        same = playthroughs.replay_diff(story, playthroughs.parse_playthrough(text, shown), shown) == ""
    except Hungary56Error:
        same = False
    if same:
        return (path, text, migrate.stamp_playthrough(text),
                [f"replays as recorded with this hungary56: marked format {FORMAT_VERSION}"]), ""
    converted = migrate.convert_inputs(story, document["inputs"], recorded)
    inputs = [playthroughs.ById(i["choice"]) if isinstance(i, dict) else i for i in converted.inputs]
    console = playthroughs.play(story, inputs, int(document.get("width") or playthroughs.TRANSCRIPT_WIDTH))
    assert console.game is not None
    if console.game.state.scene != converted.scene or console.rejected:
        why = f"the game refused {', '.join(map(repr, console.rejected))}" if console.rejected else \
            f"it ends at {console.game.state.scene!r}, not at {converted.scene!r}"
        return None, f"{shown}: replayed with format {recorded}'s numbering, {why}: record it again ('hungary56 record')"
    name = str(document.get("name") or path.stem)
    again = playthroughs.Playthrough(name, tuple(console.recorded), console.transcript(),
                                     int(document.get("width") or playthroughs.TRANSCRIPT_WIDTH), story.id)
    new = migrate.stamp_playthrough(playthroughs.dump_playthrough(again))
    notes = [f"recorded in format {recorded}: replayed with its numbering (every choice numbered), "
             f"{sum(1 for i in converted.inputs if isinstance(i, dict))} input(s) now take a choice by its id"]
    return (path, text, new, notes), ""
