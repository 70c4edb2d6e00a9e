"""`hungary56 new scene`: add a skeleton scene, every field present and explained, to a scene file."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.author.scaffold import Outline

from engine.commands.common import add_story_argument, writable_story


class _IntermixedParser(argparse.ArgumentParser):
    """Lets options come between positionals (`new scene ID --chapter CH STORY_DIR`), which plain
    argparse refuses when a command has two positionals and the second is optional."""

    _mixing = False

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        if self._mixing:
            return super().parse_known_args(args, namespace)
        self._mixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._mixing = False


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("new", help="make a new story folder, or add a skeleton scene to a story",
                            description="Create a story, or parts of one, from commented skeletons.")
    kinds = parser.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=_IntermixedParser)
    story = kinds.add_parser(
        "story", help="make a new, working story folder from the starter",
        description="Make DIR a new story folder from the starter story: story/ and scenes/, a copy of the JSON "
        "Schemas with editor settings (.vscode/settings.json and a modeline in each file) and a recorded "
        "playthrough of the historical path in tests/playthroughs/. It lints clean and plays at once.",
    )
    story.add_argument("folder", metavar="DIR", help="the new folder (it must not exist, or be empty)")
    story.add_argument("--blank", action="store_true",
                       help="a neutral three-scene story that is not history ('fiction: true': no kind, history or "
                       "reveal needed, endings of your own kinds) instead of the 1956 starter")
    story.set_defaults(run=run_story)
    scene = kinds.add_parser(
        "scene", help="append a skeleton scene to a scene file",
        description="Append a scene with every field present and a comment on each to a scene file "
        "(its other content and comments are kept), then run 'hungary56 lint' to see what is left to fill in.",
    )
    scene.add_argument("scene_id", metavar="ID", help="the new scene's id: letters, digits and _")
    scene.add_argument("--chapter", metavar="CH", required=True, help="the chapter id the scene belongs to")
    add_story_argument(scene)
    scene.add_argument("--file", metavar="PATH", default=None,
                       help="the scene file, relative to the story folder (default: the file holding the "
                       "chapter's last scene, else scenes/CH.yaml); created if it does not exist")
    scene.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import re

    from engine.author.scaffold import append_scene, new_scene_file
    from engine.core import expr
    from engine.core.errors import Hungary56Error, UsageError
    from engine.io.atomic import read_regular, why_unreadable, write_atomically
    from engine.io.loader import MAX_FILE_BYTES, display_path

    folder = writable_story(args, action="add a scene")
    story = _outline(folder)
    scene_id = args.scene_id
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", scene_id):
        raise UsageError(f"scene id {scene_id!r} must be letters, digits and _, starting with a letter")
    if scene_id in story.scenes:
        raise UsageError(f"scene {scene_id!r} already exists, at {story.scenes[scene_id][1]}")
    if args.chapter not in story.chapters:
        known = list(story.chapters)
        raise UsageError(
            f"unknown chapter {args.chapter!r}{expr.suggest(args.chapter, known)}; "
            f"the chapters are: {', '.join(known) or 'none yet (add them to story/story.yaml)'}"
        )
    chapter, date = args.chapter, story.chapters[args.chapter]

    scenes_dir = (folder / "scenes").resolve()
    if args.file:
        target = Path(args.file) if Path(args.file).is_absolute() else folder / args.file
    else:
        in_chapter = [loc for ch, loc in story.scenes.values() if ch == chapter]
        target = Path(in_chapter[-1].path) if in_chapter else scenes_dir / f"{chapter}.yaml"
    target = target.resolve()
    if target.parent != scenes_dir or target.suffix not in (".yaml", ".yml"):
        if not args.file:  # the file name comes from the chapter id (review 2026-12-06, informational)
            raise UsageError(f"chapter {args.chapter!r} cannot name a scene file directly in "
                             f"{display_path(scenes_dir)}; give --file scenes/NAME.yaml")
        raise UsageError(f"--file must be a .yaml file directly in {display_path(scenes_dir)}, not {args.file}")

    shown = display_path(target)
    if target.exists():
        try:
            existing = read_regular(target, MAX_FILE_BYTES, within=folder).decode("utf-8")
        except OSError as exc:
            raise Hungary56Error(f"{shown}: cannot read the file: {why_unreadable(exc)}") from None
        except UnicodeDecodeError:
            raise Hungary56Error(f"{shown}: cannot read the file: it is not UTF-8 text") from None
        text = append_scene(existing, scene_id, chapter, date, shown)
    else:
        existing = ""
        text = new_scene_file(scene_id, chapter, date, _schema_for(folder, target))
    line = text[: text.index(f"- id: {scene_id} ")].count("\n") + 1
    try:
        write_atomically(target, text, within=folder)  # never into a scenes/ linked out of the story
    except OSError as exc:
        raise Hungary56Error(f"{shown}: cannot write the file: {exc.strerror or exc}") from None
    print(f"{shown}:{line}: added scene {scene_id!r} to chapter {chapter!r}.")
    print(f"Fill in every TODO, then check it: hungary56 lint {display_path(folder)}")
    return 0


def _remove_new_story(target: Path, existed: bool) -> None:
    """Take away a story folder `new story` was making (the folder too, unless it was there, empty,
    before). Nothing here was the user's: create() refuses a folder that is not empty."""
    import shutil

    if not existed:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in list(target.iterdir()) if target.is_dir() else []:
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def run_story(args: argparse.Namespace) -> int:
    from engine.author import playthroughs, starter
    from engine.author.migrate import stamp_playthrough
    from engine.commands.common import installed_package
    from engine.core.errors import Hungary56Error, UsageError
    from engine.io.atomic import write_atomically
    from engine.io.loader import bundled_story_dir, display_path, load_story

    target = Path(args.folder)
    package = installed_package(target)
    if package is not None:
        raise UsageError(f"{args.folder} is inside the installed package ({display_path(package)}); "
                         "make your story in a folder of your own")
    bundled = bundled_story_dir()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise Hungary56Error(f"{target} already exists and is not an empty folder; choose a new folder name")
    existed = target.is_dir()
    try:
        starter.create(target, starter.starter_dir(bundled), bundled / "schema", args.blank)
        story = load_story(target)
        inputs = starter.historical_inputs(story)
        recording = playthroughs.record(story, starter.PLAYTHROUGH, inputs)
        file = target / "tests" / "playthroughs" / f"{starter.PLAYTHROUGH}.yaml"
        file.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(file, stamp_playthrough(playthroughs.dump_playthrough(recording)))
    except (OSError, Hungary56Error) as exc:
        # a full disk half-way: what this run wrote is taken away again, so that a retry once there
        # is room works (reliability review 2026-12-06, NL7)
        _remove_new_story(target, existed)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise Hungary56Error(f"{args.folder}: cannot write the new story: {reason}; nothing was left "
                             "behind, so you can run the command again once the problem is fixed") from None
    shown = display_path(target)
    print(f"Made a new story in {shown}: story/, scenes/, schema/, .vscode/settings.json and "
          f"tests/playthroughs/{starter.PLAYTHROUGH}.yaml.")
    print("Next steps:")
    for command, what in ((f"hungary56 play {shown}", "play it"),
                          (f"hungary56 lint {shown}", "check it after every edit"),
                          (f"hungary56 new scene ID --chapter {'one' if args.blank else 'radio'} {shown}", "add a scene"),
                          (f"hungary56 test {shown} --playthroughs", "replay the recorded playthrough")):
        print(f"  {command}    # {what}")
    return 0


def _outline(folder: Path) -> Outline:
    """The chapters and scenes of the story as written, even if it does not load yet."""
    from engine.author.scaffold import outline
    from engine.core.errors import Hungary56Error
    from engine.io.loader import display_path, read_document, story_files

    if not (folder / "story").is_dir() or not (folder / "scenes").is_dir():
        raise Hungary56Error(f"{display_path(folder)} is not a story folder: it needs story/ and scenes/")
    story_paths, scene_paths = story_files(folder)
    documents = {path: read_document(path) for path in story_paths + scene_paths}
    unreadable = [str(problem) for _doc, problems in documents.values() for problem in problems]
    if unreadable:
        listed = "\n".join(p.format() for _doc, problems in documents.values() for p in problems)
        raise Hungary56Error(f"{listed}\nfix the files above first: a new scene is only added to readable YAML")
    return outline((documents[p][0] for p in story_paths), (documents[p][0] for p in scene_paths))


def _schema_for(folder: Path, target: Path) -> str:
    """The scene schema's path relative to a new file: the story's own copy in STORY/schema/, written
    there (from engine/core/format.py) if the story has none, so that the reference moves with the
    story and never points into the installed engine (issue 14.5)."""
    from engine.author.schema import schema_text
    from engine.core.errors import Hungary56Error
    from engine.io.atomic import write_atomically

    schema = folder.resolve() / "schema" / "scene.schema.json"
    if not schema.is_file():
        try:
            schema.parent.mkdir(exist_ok=True)
            write_atomically(schema, schema_text("scene"))
        except OSError as exc:
            raise Hungary56Error(f"{schema}: cannot write the scene schema: {exc.strerror or exc}") from None
    return Path(os.path.relpath(schema, target.parent)).as_posix()
