"""The benchmark's synthetic stories are valid stories of the size asked for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.core import machine
from engine.io.loader import load_story
from tests.conftest import REPO as ROOT


@pytest.mark.slow
@pytest.mark.parametrize("scenes", [1, 7, 250])
def test_synthetic_stories_load_without_problems(tmp_path: Path, scenes: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUNGARY56_NO_CACHE", "1")
    result = subprocess.run([sys.executable, "bench/synth.py", str(scenes), str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    story = load_story(tmp_path)
    assert len(story.scenes) == scenes and not story.warnings
    assert story.endings()
    assert any(c.condition for s in story.scenes.values() for c in s.choices) or scenes < 7
    state = machine.new_game(story)
    while not machine.is_over(story, state):
        state = machine.choose(story, state, machine.open_choices(story, state)[0])
    assert story.scenes[state.scene].ending is not None


@pytest.mark.slow
def test_synthetic_yaml_parses_with_the_pure_python_parser_too(tmp_path: Path) -> None:
    import yaml

    from bench.synth import write_story

    folder = write_story(tmp_path / "s", 700)
    for path in sorted(folder.glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=yaml.SafeLoader) == yaml.load(text, Loader=yaml.CSafeLoader)


def test_synthetic_stories_lint_without_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.synth import write_story
    from engine.author.lint import lint_story

    monkeypatch.setenv("HUNGARY56_NO_CACHE", "1")
    problems = lint_story(load_story(write_story(tmp_path / "s", 1200)))
    assert [p for p in problems if p.severity == "error"] == []
