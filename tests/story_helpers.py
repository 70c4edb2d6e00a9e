"""Shared test helpers: the tiny fixture story, edited in memory, and the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from engine.model import Story
from engine.yamlio import parse_yaml

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "stories" / "tiny"


def tiny_texts() -> dict[str, str]:
    return {str(p.relative_to(TINY)): p.read_text(encoding="utf-8") for p in sorted(TINY.rglob("*.yaml"))}


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
    return Story.from_documents(docs["story"], docs["scenes"])


def tiny_story(edits: dict[str, list[tuple[str, str]]] | None = None) -> Story:
    return story_from(edited(edits or {}))


def run_cli(*args: str, cwd: Path | str | None = None, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "engine", *args], cwd=cwd, env=env, input=input,
        capture_output=True, text=True, encoding="utf-8", timeout=60,
    )
