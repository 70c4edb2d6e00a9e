"""Test helpers for authoring tools: the tiny fixture story, edited in memory and built without files."""

from __future__ import annotations

from engine.core.build import build_story
from engine.core.model import Story
from engine.io.yamlio import parse_yaml
from tests.conftest import TINY


def tiny_texts() -> dict[str, str]:
    return {p.relative_to(TINY).as_posix(): p.read_text(encoding="utf-8") for p in sorted(TINY.rglob("*.yaml"))}


def edited(edits: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    """The tiny story's files with each (old, new) replacement made; each old text must occur once."""
    texts = tiny_texts()
    for path, pairs in edits.items():
        for old, new in pairs:
            assert texts[path].count(old) == 1, (path, old)
            texts[path] = texts[path].replace(old, new)
    return texts


def story_from(texts: dict[str, str]) -> Story:
    docs: dict[str, list[tuple[str, object]]] = {"story": [], "scenes": []}
    for path, text in sorted(texts.items()):
        value, problems = parse_yaml(text, path)
        assert not problems, problems
        docs[path.split("/")[0]].append((path, value))
    return build_story(docs["story"], docs["scenes"])


def edited_tiny(edits: dict[str, list[tuple[str, str]]] | None = None) -> Story:
    return story_from(edited(edits or {}))
