"""Any kind of fiction (issue #25): `fiction: true` makes `kind`, `history` and the reveal optional and
ending kinds the author's own; `hungary56 new story --blank` starts a story with no 1956 content."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import TINY, run_cli

pytestmark = pytest.mark.slow  # every test here runs the real CLI


@pytest.mark.slow
def test_new_story_blank_lints_clean_plays_and_replays(tmp_path: Path) -> None:
    folder = tmp_path / "lighthouse"
    result = run_cli("new", "story", str(folder), "--blank")
    assert result.returncode == 0, result.stderr
    text = "".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.yaml"))
    assert "1956" not in text and "Budapest" not in text and "fiction: true" in text
    lint = run_cli("lint", str(folder))
    assert lint.returncode == 0 and "0 errors, 0 warnings" in lint.stdout, lint.stdout
    replay = run_cli("test", str(folder), "--playthroughs")
    assert replay.returncode == 0, replay.stdout
    assert run_cli("migrate", str(folder), "--check").returncode == 0  # born in the newest format
    play = run_cli("play", str(folder), "--saves", str(tmp_path / "saves"), stdin="1\n\n\n")
    assert "PLAUSIBLE" not in play.stdout and "HISTORICAL" not in play.stdout
    assert "Debrief: your path\n" in play.stdout and "beside history" not in play.stdout
    assert "THE END: Morning" in play.stdout


@pytest.mark.slow
def test_its_own_schemas_need_no_kind_and_take_any_ending_kind(tmp_path: Path) -> None:
    folder = tmp_path / "lighthouse"
    assert run_cli("new", "story", str(folder), "--blank").returncode == 0
    schema = json.loads((folder / "schema" / "scene.schema.json").read_text(encoding="utf-8"))
    document = yaml.load((folder / "scenes" / "scenes.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    jsonschema.validate(document, schema)


def fiction_copy(tmp_path: Path, fiction: bool, own_ending_kind: bool = True) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    story = folder / "story" / "story.yaml"
    if fiction:
        story.write_text(story.read_text(encoding="utf-8").replace("start: gate\n", "start: gate\nfiction: true\n"),
                         encoding="utf-8")
    one = folder / "scenes" / "one.yaml"
    text = one.read_text(encoding="utf-8")
    text = text.replace("        kind: plausible\n        history: Some in the crowd took arms from depots that night.\n", "")
    text = text.replace("    note: Fighting spread.\n    sources: [article]\n", "")
    one.write_text(text, encoding="utf-8")
    if own_ending_kind:
        two = folder / "scenes" / "two.yaml"
        two.write_text(two.read_text(encoding="utf-8").replace("kind: stayed", "kind: home"), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_fiction_story_needs_no_kind_history_note_or_sources(tmp_path: Path) -> None:
    result = run_cli("lint", str(fiction_copy(tmp_path, fiction=True)))
    assert result.returncode == 0, result.stdout
    for code in ("E330", "W331", "W340", "W341", "E108"):
        assert code not in result.stdout, result.stdout


@pytest.mark.slow
def test_a_history_story_still_requires_them_and_says_how_to_opt_out(tmp_path: Path) -> None:
    result = run_cli("lint", str(fiction_copy(tmp_path / "a", fiction=False, own_ending_kind=False)))
    assert result.returncode == 1
    assert "E330" in result.stdout and "W340" in result.stdout
    result = run_cli("lint", str(fiction_copy(tmp_path / "b", fiction=False)))
    assert "error E108 'kind' must be one of exile, arrested, stayed, fallen, other, not 'home'" in result.stdout
    assert "say 'fiction: true' in story.yaml" in result.stdout
