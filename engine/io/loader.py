"""The file adapter for stories: finds a story folder, reads its YAML and builds the model."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from engine.core.build import build_story
from engine.core.errors import Location, Problem, StoryError
from engine.core.model import Story
from engine.io import cache
from engine.io.yamlio import parse_yaml

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
    """The YAML files of a story folder, in a stable order."""
    def yamls(folder: Path) -> list[Path]:
        return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and p.is_file())
    return yamls(root / "story"), yamls(root / "scenes")


def read_bytes(path: Path) -> tuple[bytes | None, list[Problem]]:
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(Location(shown), f"file larger than {MAX_FILE_BYTES // 2**20} MiB", "E001")]
        return path.read_bytes(), []
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
    return parse_yaml(text, shown)


def read_document(path: Path) -> tuple[object, list[Problem]]:
    data, problems = read_bytes(path)
    if data is None:
        return None, problems
    return parse_document(data, display_path(path))


def load_story(root: Path | str) -> Story:
    """Read and check every file of a story folder; raise StoryError listing every problem.

    A valid story is kept in the compiled-story cache (engine/io/cache.py, off with
    HUNGARY56_NO_CACHE=1), so loading it again unchanged skips the parsing and the checks.
    """
    # A story is hundreds of thousands of small objects that all live on: the cyclic collector
    # would scan them again and again while they are built (loading 10,000 scenes took 2.5x as
    # long with it on), and none of them is garbage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        story = _load_story(Path(root))
    finally:
        if collecting:
            gc.enable()
    # And afterwards, every full collection would scan the whole story again (linting 10,000
    # scenes took 1.3 s instead of 0.25 s): the story lives as long as the process, so move it
    # (with whatever else is alive) out of the collector's sight.
    gc.freeze()
    return story


def _load_story(root: Path) -> Story:
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
    # (shown path, bytes, is a story/ file) for every file that could be read
    files: list[tuple[str, bytes, bool]] = []
    for path in story_paths + scene_paths:
        data, found = read_bytes(path)
        problems.extend(found)
        if data is not None:
            files.append((display_path(path), data, path.parent.name == "story"))
    key = cache.story_key([(shown, data) for shown, data, _ in files]) if not problems else ""
    if key:
        cached = cache.get(root, key)
        if cached is not None:
            return cached
    story_docs: list[tuple[str, object]] = []
    scene_docs: list[tuple[str, object]] = []
    for shown, data, is_story in files:
        document, found = parse_document(data, shown)
        problems.extend(found)
        if not found:
            (story_docs if is_story else scene_docs).append((shown, document))
    if not story_paths:
        problems.append(Problem(Location(display_path(root / "story" / "story.yaml")), "missing story file", "E100"))
    if not story_docs and problems:
        # Without a readable story file nothing else can be checked; saying "no story definition
        # found" as well would only repeat the problem already reported for that file.
        raise StoryError(problems)
    try:
        story = build_story(story_docs, scene_docs)
    except StoryError as exc:
        problems.extend(exc.problems)
        raise StoryError(problems) from None
    if problems:
        raise StoryError(problems)
    if key:
        cache.put(root, key, story)
    return story
