"""docs/authoring.md's tutorial, run as written: its shell steps, YAML snippets and expected output.

A fenced block preceded by `<!-- tutorial: ACTION [ARG] -->` is a step:
  run [exit=N]   a ```sh block, run by bash in a fresh folder holding a copy of examples/ (exit 0 unless N)
  output         a ```text block: exactly what the previous `run` printed
  append PATH    a ```yaml block added to the end of PATH
  write PATH     a ```yaml block that becomes the whole of PATH
  edit PATH      a ```diff block: lines with ' ' and '-' are replaced by lines with ' ' and '+'
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from tests.conftest import REPO as ROOT

GUIDE = ROOT / "docs" / "authoring.md"
STEP = re.compile(r"<!-- tutorial: (\w+)(?: (\S+))? -->\n```(\w+)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
LANGUAGES = {"run": "sh", "output": "text", "append": "yaml", "write": "yaml", "edit": "diff"}


@attrs.frozen
class Step:
    action: str
    argument: str
    language: str
    body: str
    line: int


def steps() -> list[Step]:
    text = GUIDE.read_text(encoding="utf-8")
    found = [
        Step(m.group(1), m.group(2) or "", m.group(3), m.group(4), text.count("\n", 0, m.start()) + 1)
        for m in STEP.finditer(text)
    ]
    assert len(found) == text.count("<!-- tutorial:"), "a tutorial marker is not followed by a fenced block"
    return found


def test_every_step_is_well_formed() -> None:
    found = steps()
    assert len(found) >= 10
    for step in found:
        assert LANGUAGES.get(step.action) == step.language, f"docs/authoring.md:{step.line}: {step}"


def apply_diff(text: str, diff: str) -> str:
    old, new = [], []
    for line in diff.splitlines(keepends=True):
        mark, rest = line[:1], line[1:]
        if mark in (" ", "-"):
            old.append(rest)
        if mark in (" ", "+"):
            new.append(rest)
    before = "".join(old)
    assert text.count(before) == 1, f"the diff's context does not match exactly once:\n{before}"
    return text.replace(before, "".join(new))


@pytest.mark.slow
def test_tutorial_runs_as_written(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "schema").symlink_to(ROOT / "schema")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "hungary56"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m engine "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
           "NO_COLOR": "1", "HUNGARY56_SAVES": str(tmp_path / "saves"), "PYTHONIOENCODING": "utf-8"}
    last_output: str | None = None
    for step in steps():
        where = f"docs/authoring.md:{step.line}"
        if step.action == "run":
            expected_exit = int(step.argument.split("=")[1]) if step.argument.startswith("exit=") else 0
            result = subprocess.run(["bash", "-e", "-c", step.body], cwd=tmp_path, env=env,
                                    capture_output=True, text=True, encoding="utf-8", timeout=120)
            assert "Traceback" not in result.stderr, where
            assert result.returncode == expected_exit, f"{where}: {result.stdout}{result.stderr}"
            last_output = result.stdout
        elif step.action == "output":
            assert last_output is not None, f"{where}: output without a run before it"
            assert last_output == step.body, where
            last_output = None
        else:
            path = tmp_path / step.argument
            assert path.parent.is_dir(), where
            if step.action == "append":
                path.write_text(path.read_text(encoding="utf-8") + step.body, encoding="utf-8")
            elif step.action == "write":
                path.write_text(step.body, encoding="utf-8")
            elif step.action == "edit":
                path.write_text(apply_diff(path.read_text(encoding="utf-8"), step.body), encoding="utf-8")
            else:
                pytest.fail(f"{where}: unknown tutorial action {step.action!r}")


def test_next_steps_name_the_commands() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for spelling in ("hungary56 graph --format dot|mermaid [--chapter ID]", "hungary56 test --runs N --seed S",
                     "--exhaustive", "hungary56 record", "hungary56 test --playthroughs"):
        assert spelling in text, spelling
