"""The file adapter for stories: finds a story folder, reads its YAML and builds the model."""

from __future__ import annotations

import errno
import gc
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from engine.core.errors import Location, Problem, StoryError
from engine.core.model import Scene, Story
from engine.io import cache

MAX_FILE_BYTES = 50 * 1024 * 1024


def bundled_story_dir() -> Path:
    """The story shipped with the engine: beside the package in a checkout, inside it in a wheel."""
    here = Path(__file__).resolve().parent.parent  # the engine package
    for candidate in (here / "bundled", here.parent):
        if (candidate / "story").is_dir() and (candidate / "scenes").is_dir():
            return candidate
    raise StoryError([Problem(Location(str(here)), "the bundled story is missing from this installation")])


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when that is shorter."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return relative if not relative.startswith("..") else str(path)


def story_files(root: Path) -> tuple[list[Path], list[Path]]:
    """The YAML files of a story folder, in a stable order: every name ending in .yaml or .yml that
    is not a folder (a FIFO, a device or a dangling link is read, and reported, not skipped)."""
    def yamls(folder: Path) -> list[Path]:
        return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and not p.is_dir())
    return yamls(root / "story"), yamls(root / "scenes")


def read_text(path: Path, within: Path | None = None) -> str:
    """A file a story ships (a scene file, a recording), as text, read the one way
    (engine/io/atomic.py): regular, at most MAX_FILE_BYTES, never a FIFO, not through a symlink out
    of `within`. OSError (NotRegularFile) or UnicodeDecodeError when it cannot be."""
    from engine.io.atomic import read_regular

    return read_regular(path, MAX_FILE_BYTES, within=within).decode("utf-8")


def read_bytes(path: Path, shown: str = "", within: Path | None = None) -> tuple[bytes | None, list[Problem]]:
    """A story file's bytes, read the one way (engine/io/atomic.py): a regular file of at most
    MAX_FILE_BYTES, never blocking on a FIFO, not through a symlink out of the story folder `within`."""
    from engine.io.atomic import NotRegularFile, read_regular, why_unreadable

    shown = shown or display_path(path)
    try:
        return read_regular(path, MAX_FILE_BYTES, within=within), []
    except NotRegularFile as exc:
        if exc.errno == errno.EFBIG:
            return None, [Problem(Location(shown), f"file larger than {MAX_FILE_BYTES // 2**20} MiB", "E001")]
        message = f"cannot read the file: {why_unreadable(exc)}"
        if exc.errno == errno.ELOOP:
            message += "; hungary56 reads only the files inside the story folder"
        return None, [Problem(Location(shown), message, "E001")]
    except OSError as exc:
        return None, [Problem(Location(shown), f"cannot read the file: {exc.strerror or exc}", "E001")]


def parse_document(data: bytes, shown: str) -> tuple[object, list[Problem]]:
    """One file's bytes -> its located YAML value and every problem found in it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(Location(shown, line, column), "the file is not valid UTF-8 (save it as UTF-8)", "E001")]
    if "\t" in text:
        for number, line_text in enumerate(text.splitlines(), 1):
            stripped = line_text.lstrip(" ")
            if stripped.startswith("\t"):
                column = len(line_text) - len(stripped) + 1
                return None, [Problem(Location(shown, number, column), "a tab indents this line; YAML needs spaces", "E001")]
    from engine.io.yamlio import parse_yaml  # PyYAML is only needed when the cache has no entry

    return parse_yaml(text, shown)


def read_document(path: Path) -> tuple[object, list[Problem]]:
    data, problems = read_bytes(path)
    if data is None:
        return None, problems
    return parse_document(data, display_path(path))


# Called with each story the loader has built; the CLI sets it (engine/cli.py) to freeze the first
# story out of the garbage collector's sight. A library caller, or a `reload`, leaves it alone.
on_loaded: Callable[[Story], None] | None = None


@attrs.frozen
class StoryFile:
    """One file of a story folder as read: its path as shown, its bytes and its cache key."""

    shown: str
    data: bytes
    is_story: bool
    key: str


def load_story(root: Path | str) -> Story:
    """Read and check every file of a story folder; raise StoryError listing every problem.

    Each file that loaded before is taken from the per-file cache (engine/io/cache.py, off with
    HUNGARY56_NO_CACHE=1); only new and changed files are parsed and built.
    """
    files, problems = read_story(Path(root))
    return load_files(files, problems)


def read_story(root: Path) -> tuple[list[StoryFile], list[Problem]]:
    """Every YAML file of a story folder, read (story/ files first), and the problems reading them."""
    shown = display_path(root)
    if not root.is_dir():
        raise StoryError([Problem(Location(shown), "no such story folder")])
    missing = [name for name in ("story", "scenes") if not (root / name).is_dir()]
    if missing:
        raise StoryError([
            Problem(Location(shown), f"not a story folder: it has no {' or '.join(m + '/' for m in missing)} folder")
        ])
    story_paths, scene_paths = story_files(root)
    problems: list[Problem] = []
    files: list[StoryFile] = []
    for path in story_paths + scene_paths:
        # display_path() of a file in the folder, without its cost per file (10,000-scene stories)
        shown_path = os.path.join(path.parent.name, path.name) if shown == "." else os.path.join(shown, path.parent.name, path.name)
        data, found = read_bytes(path, shown_path, root)
        problems.extend(found)
        if data is not None:
            files.append(StoryFile(shown_path, data, path.parent.name == "story", cache.file_key(shown_path, data)))
    if not story_paths:
        problems.append(Problem(Location(display_path(root / "story" / "story.yaml")), "missing story file", "E100"))
    return files, problems


def load_files(files: list[StoryFile], problems: list[Problem]) -> Story:
    """Build the story from files `read_story` read, one file at a time (so that no more than one
    parsed document is alive at once), with the cache's help."""
    # A story is hundreds of thousands of small objects that all live on: the cyclic collector
    # would scan them again and again while they are built (loading 10,000 scenes took 2.5x as
    # long with it on), and none of them is garbage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # the whole story in one entry when exactly these files were loaded before: a game starts
        # without the compiler and without opening every file's entry
        key = cache.story_key([file.key for file in files]) if not problems and cache.enabled() else ""
        story = cache.get_story(key) if key else None
        if story is None:
            story = _load_files(files, list(problems))
            if key:
                cache.put_story(key, story)
    finally:
        if collecting:
            gc.enable()
    cache.prune()
    if on_loaded is not None:
        on_loaded(story)
    return story


def file_content(file: StoryFile) -> tuple[Any, list[Problem]]:
    """One file's content, from the cache or parsed (and built) now and cached: a story file's
    located document, a scene file's (scenes, problems found in it alone); None if it cannot be
    parsed, with the problems that say why."""
    cached = cache.get_file(file.key, file.shown)
    if cached is not None and cached[0] == ("document" if file.is_story else "scenes"):
        return (cached[1], []) if file.is_story else ((cached[1], cached[2]), [])
    document, found = parse_document(file.data, file.shown)
    if found:
        return None, found
    from engine.core.build import build_scene_file  # the compiler: only for a file with no entry

    if file.is_story:
        cache.put_document(file.key, file.shown, document)
        return document, []
    built = build_scene_file(file.shown, document)
    del document  # the located document is the bulk of a file's memory: build, then drop it
    cache.put_scenes(file.key, file.shown, *built)
    return built, []


def _load_files(files: list[StoryFile], problems: list[Problem]) -> Story:
    story_docs: list[tuple[str, object]] = []
    scene_files: list[tuple[list[Scene], list[Problem]]] = []
    # a story file that cannot be read or parsed (its own error says so) may hold any key
    unreadable = any(Path(p.location.path).parent.name == "story" for p in problems)
    for file in files:
        content, found = file_content(file)
        problems.extend(found)
        if found:
            unreadable = unreadable or file.is_story
        elif file.is_story:
            story_docs.append((file.shown, content))
        else:
            scene_files.append(content)
    from engine.core.build import assemble_story

    if not story_docs and problems:
        # Without a readable story file nothing else can be checked; saying "no story definition
        # found" as well would only repeat the problem already reported for that file.
        raise StoryError(problems)
    try:
        story = assemble_story(story_docs, scene_files, unreadable)
    except StoryError as exc:
        problems.extend(exc.problems)
        raise StoryError(problems) from None
    if problems:
        raise StoryError(problems)
    return story


def files_snapshot(folder: Path, recordings: bool = False) -> dict[str, tuple[int, int]]:
    """Each story file's (modification time in ns, size), and the recorded playthroughs' when asked:
    what `lint --watch` and `play --watch` compare to see a change."""
    story_paths, scene_paths = story_files(folder)
    paths = story_paths + scene_paths
    if recordings:
        paths += sorted((folder / "tests" / "playthroughs").glob("*.yaml"))
    found = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found
