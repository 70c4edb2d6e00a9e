"""`hungary56 rename scene OLD NEW` (issue #25): every reference changes, recordings still replay, a clash is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import TINY, run_cli

pytestmark = pytest.mark.slow  # every test here runs the real CLI


def story_with_visits(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    one = folder / "scenes" / "one.yaml"
    text = one.read_text(encoding="utf-8").replace(
        "        goto: street\n        do:", '        goto: street\n        if: "not visited(square)"\n        do:')
    one.write_text(text.replace("    text: The night goes on.", '    text: "{if visits(square) > 0}Again.{end} The night goes on."'),
                   encoding="utf-8")
    return folder


@pytest.mark.slow
def test_rename_changes_every_reference_and_recordings_still_replay(tmp_path: Path) -> None:
    folder = story_with_visits(tmp_path)
    assert run_cli("record", str(folder), "--name", "walk", "--choices", "1 . 1").returncode == 0
    result = run_cli("rename", "scene", "square", "kossuth", str(folder))
    assert result.returncode == 0, result.stderr
    assert "Renamed scene 'square' to 'kossuth': 5 place(s) in 3 file(s)" in result.stdout
    every = "".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.yaml") if "playthroughs" not in p.parts)
    assert "square" not in every.replace("title: The square", "")  # the title is text, not the id
    assert "id: kossuth" in every and "next: kossuth" in every and "first: kossuth" in every
    assert "visited(kossuth)" in every and "visits(kossuth)" in every
    lint = run_cli("lint", str(folder))
    assert lint.returncode == 0 and " error " not in lint.stdout, lint.stdout
    replay = run_cli("test", str(folder), "--playthroughs")
    assert replay.returncode == 0, replay.stdout


@pytest.mark.slow
def test_rename_refuses_a_clash_and_writes_nothing(tmp_path: Path) -> None:
    folder = story_with_visits(tmp_path)
    before = {p: p.read_bytes() for p in folder.rglob("*.yaml")}
    result = run_cli("rename", "scene", "square", "gate", str(folder))
    assert result.returncode == 1
    assert "cannot rename: there is already a scene 'gate'" in result.stderr
    unknown = run_cli("rename", "scene", "sqare", "plaza", str(folder))
    assert unknown.returncode == 1 and "there is no scene 'sqare' (did you mean 'square'?)" in unknown.stderr
    bad = run_cli("rename", "scene", "square", "2nd", str(folder))
    assert bad.returncode == 1 and "'2nd' cannot be a scene id" in bad.stderr
    assert {p: p.read_bytes() for p in folder.rglob("*.yaml")} == before


@pytest.mark.slow
def test_rename_check_writes_nothing(tmp_path: Path) -> None:
    folder = story_with_visits(tmp_path)
    before = {p: p.read_bytes() for p in folder.rglob("*.yaml")}
    result = run_cli("rename", "scene", "square", "kossuth", str(folder), "--check")
    assert result.returncode == 0 and "would rename scene 'square' to 'kossuth'" in result.stdout
    assert "+    next: kossuth" in result.stdout
    assert {p: p.read_bytes() for p in folder.rglob("*.yaml")} == before
