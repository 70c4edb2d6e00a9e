"""Lint a story folder with the cache's help: only new and changed files are built and checked again.

Three levels, each kept in the per-file cache (engine/io/cache.py):
1. the findings of exactly these files: an unchanged story is read back whole;
2. each scene file's facts (engine/author/facts.py) and the problems found in its scenes alone,
   under the keys of that file and of the story files (whose declarations they were checked
   against): after an edit, only the edited file is parsed, built and checked, and the checks of
   the whole story run over every file's facts;
3. the files' parsed and built content (engine/io/loader.py).
A story that does not load cleanly (a file that cannot be read or parsed, a broken link, a type
error, a typed reading time) is linted the long way, from the built story, which reports it.
"""

from __future__ import annotations

import gc
from pathlib import Path

from engine.author import lint
from engine.author.facts import SceneFacts, StoryFacts, decode_facts, facts_json, scene_facts
from engine.core.build import build_frame
from engine.core.errors import Problem, StoryError
from engine.core.fields import Problems
from engine.core.model import Scene
from engine.core.references import check_scene_references, check_story_references
from engine.io import cache
from engine.io.loader import StoryFile, file_content, load_files, read_story


def lint_folder(root: Path, recordings: int = 0) -> list[Problem]:
    """Every problem of the story folder, as `lint.lint` finds them, and the note on choice ids
    (N380) when the folder keeps `recordings` recorded playthroughs."""
    try:
        files, problems = read_story(root)
    except StoryError as exc:  # not a story folder: said the way a story that cannot load is
        return lint.in_order(lint.without_cascades(exc.problems))
    use_cache = cache.enabled() and not problems
    key = cache.lint_key([*(file.key for file in files), f"recordings={recordings}"]) if use_cache else ""
    found = cache.get_problems(key) if key else None
    if found is not None:
        return found
    collecting = gc.isenabled()
    gc.disable()  # as when a story loads (engine/io/loader.py): many small objects, none garbage
    try:
        found = from_facts(files, recordings) if use_cache else None
        if found is None:
            found = the_long_way(files, problems, recordings)
    finally:
        if collecting:
            gc.enable()
    if key:
        cache.put_problems(key, found)
    cache.prune()
    return found


def the_long_way(files: list[StoryFile], problems: list[Problem], recordings: int) -> list[Problem]:
    """Load the whole story and lint it (what `from_facts` must always agree with)."""
    try:
        story = load_files(files, problems)
    except StoryError as exc:
        return lint.in_order(lint.without_cascades(exc.problems))
    facts = lint.facts_of(story)
    return lint.lint_facts(facts, story.warnings) + _note(facts, recordings)


def from_facts(files: list[StoryFile], recordings: int) -> list[Problem] | None:
    """The story's problems from each file's facts, built only for files without an entry; None if
    the story does not load cleanly (the long way reports it)."""
    docs = []
    for file in (f for f in files if f.is_story):
        document, found = file_content(file)
        if found:
            return None
        docs.append((file.shown, document))
    frame, frame_problems, start_loc = build_frame(docs)
    if frame is None or any(p.severity == "error" for p in frame_problems) or any(c.reading_minutes for c in frame.chapters):
        return None
    context = cache.lint_key([*(f.key for f in files if f.is_story), "facts"])
    known: list[tuple[list[SceneFacts], list[Problem]] | None] = []  # None: built now, checked below
    fresh: list[tuple[StoryFile, str, list[Scene], list[Problem]]] = []
    for file in (f for f in files if not f.is_story):
        facts_key = cache.lint_key([context, file.key])
        entry = _cached_facts(facts_key, file.shown)
        if entry is not None:
            known.append(entry)
            continue
        content, found = file_content(file)
        if found or any(p.severity == "error" for p in content[1]):
            return None
        fresh.append((file, facts_key, *content))
        known.append(None)  # checked below, once every scene id is known
    order = _ids(known, fresh)
    ids: dict[str, object] = dict.fromkeys(order)
    if len(ids) != len(order):
        return None  # a scene defined twice (E112), said the long way
    types = {name: variable.type for name, variable in frame.variables.items()}
    chapter_ids = {c.id for c in frame.chapters}
    slots = [n for n, entry in enumerate(known) if entry is None]
    for slot, (file, facts_key, scenes, file_problems) in zip(slots, fresh):
        checked = Problems()
        for scene in scenes:
            check_scene_references(scene, frame, types, chapter_ids, ids, checked)
        if checked.items:
            return None
        facts = [scene_facts(scene) for scene in scenes]
        local = file_problems + lint.scene_problems(scenes, frame)
        cache.put_facts(facts_key, file.shown, facts_json(facts), local)
        known[slot] = (facts, local)
    story_checked = Problems()
    check_story_references(frame, ids, story_checked, start_loc)
    files_facts = [entry for entry in known if entry is not None]
    every = [s for facts, _ in files_facts for s in facts]
    if story_checked.items or set().union(*[s.scenes_named for s in every]).difference(ids):
        return None  # a link to a scene that is gone, a missing start: said the long way
    story = StoryFacts(story=frame, scenes=dict(zip(order, every)),
                       local=tuple(p for _, local in files_facts for p in local))
    return lint.lint_facts(story, frame_problems) + _note(story, recordings)


def _ids(
    known: list[tuple[list[SceneFacts], list[Problem]] | None], fresh: list[tuple[StoryFile, str, list[Scene], list[Problem]]],
) -> list[str]:
    """Every scene id in file order, read from facts or from the scenes built now."""
    built = iter(fresh)
    return [s.id for entry in known for s in (entry[0] if entry is not None else next(built)[2])]


def _cached_facts(key: str, shown: str) -> tuple[list[SceneFacts], list[Problem]] | None:
    entry = cache.get_facts(key, shown)
    if entry is None:
        return None
    try:
        return decode_facts(entry[0], shown), entry[1]
    except ValueError:
        return None  # damaged: built again and written again


def _note(facts: StoryFacts, recordings: int) -> list[Problem]:
    note = lint.choice_id_note(facts, recordings)
    return [note] if note is not None else []
