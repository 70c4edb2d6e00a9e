"""Upgrades never break a story (issue #25): a story in every earlier format lints without errors, and
`hungary56 migrate` moves it to the newest one, its recorded playthroughs replaying afterwards."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.author import migrate
from engine.core.format import FORMAT_VERSION
from engine.io.loader import load_story
from tests.conftest import FIXTURES, TINY, run_cli

UPGRADE = FIXTURES / "upgrade"
# one story per earlier format, as authors wrote it then (v01: the 0.1 docs of 29 November)
EARLIER = sorted(p for p in UPGRADE.iterdir() if p.is_dir())


@pytest.fixture(params=EARLIER, ids=[p.name for p in EARLIER])
def old_story(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    folder = tmp_path / request.param.name
    shutil.copytree(request.param, folder)
    return folder


def test_every_earlier_format_has_a_fixture() -> None:
    assert [p.name for p in EARLIER] == [f"v0{n}" for n in range(1, FORMAT_VERSION)]


@pytest.mark.slow
def test_a_story_from_an_earlier_format_lints_without_errors(old_story: Path) -> None:
    result = run_cli("lint", str(old_story))
    assert result.returncode == 0, result.stdout
    assert " error " not in result.stdout
    assert "warning W364" in result.stdout  # the deprecated reading_minutes: a warning, never an error
    assert "'hungary56 migrate' removes it" in result.stdout


@pytest.mark.slow
def test_its_position_recorded_playthroughs_fail_before_migrate_and_say_why(old_story: Path) -> None:
    result = run_cli("test", str(old_story), "--playthroughs")
    assert result.returncode == 1
    assert "recorded in format 1" in result.stdout and "run 'hungary56 migrate'" in result.stdout


@pytest.mark.slow
def test_migrate_check_shows_the_diff_writes_nothing_and_exits_1(old_story: Path) -> None:
    before = {p: p.read_bytes() for p in old_story.rglob("*.yaml")}
    result = run_cli("migrate", str(old_story), "--check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "-    reading_minutes: 6" in result.stdout and "+format: 2" in result.stdout
    assert "+      - id: go_to_work" in result.stdout
    assert {p: p.read_bytes() for p in old_story.rglob("*.yaml")} == before


@pytest.mark.slow
def test_after_migrate_it_lints_clean_and_every_recording_replays(old_story: Path) -> None:
    result = run_cli("migrate", str(old_story))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Migrated" in result.stdout
    lint = run_cli("lint", str(old_story))
    assert lint.returncode == 0 and "0 errors, 0 warnings" in lint.stdout, lint.stdout
    replay = run_cli("test", str(old_story), "--playthroughs")
    assert replay.returncode == 0, replay.stdout
    assert "4 playthrough(s) passed" in replay.stdout
    text = (old_story / "tests" / "playthroughs" / "memory-ilona.yaml").read_text(encoding="utf-8")
    assert f"format: {FORMAT_VERSION}\n" in text and "- choice: take_the_tram_home" in text
    again = run_cli("migrate", str(old_story), "--check")
    assert again.returncode == 0 and "nothing to migrate" in again.stdout


def test_the_recorded_numbering_decides_the_choice() -> None:
    """Format 1 numbered every choice: at Bem Square with the guarded first choice hidden, `3` was
    "Go home before dark"; format 2 has no `3` there (two open choices)."""
    story = load_story(UPGRADE / "v01")
    old = migrate.convert_inputs(story, ["1", "", "1", "3"], 1)
    assert old.scene == "end_home"
    new = migrate.convert_inputs(story, ["1", "", "1", "3"], 2)
    assert new.scene == "bem_square"


def test_a_choice_id_is_made_from_its_label() -> None:
    taken: set[str] = set()
    assert migrate.choice_id("Go {if armed}armed{end} to the Radio!", "radio", taken) == "go_armed_to_the"
    assert migrate.choice_id("Go to the Radio", "radio", taken) == "go_to_the_radio"
    assert migrate.choice_id("Go to the Radio", "radio", taken) == "go_to_the_radio_2"
    assert migrate.choice_id("1956", "x", taken) == "c_1956"
    assert migrate.choice_id("…", "gate", taken) == "to_gate"


def test_a_flow_mapping_choice_gets_its_id_inside_the_braces() -> None:
    from engine.io.yamlio import parse_yaml

    text = "scenes:\n  - id: a\n    choices:\n      - {label: Run, goto: b}\n      - label: Stay\n        goto: c\n"
    document, _ = parse_yaml(text, "x.yaml")
    new = migrate.apply_edits(text, migrate.scene_file_edits(text, document, []))
    assert "- {id: run, label: Run, goto: b}" in new
    assert "      - id: stay\n        label: Stay\n" in new


@pytest.mark.slow
def test_a_story_in_a_newer_format_is_refused_with_a_reason(tmp_path: Path) -> None:
    story = tmp_path / "tiny"
    shutil.copytree(TINY, story)
    path = story / "story" / "story.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("start: gate\n", "start: gate\nformat: 99\n"), encoding="utf-8")
    result = run_cli("lint", str(story))
    assert result.returncode == 1
    assert "error E114 the story is written in format 99" in result.stdout


@pytest.mark.slow
def test_the_old_code_is_still_explained() -> None:
    result = run_cli("lint", "--explain", "E364")
    assert result.returncode == 0 and result.stdout.startswith("W364 (warning)")


@pytest.mark.slow
def test_a_new_recording_says_its_format(tmp_path: Path) -> None:
    story = tmp_path / "tiny"
    shutil.copytree(TINY, story)
    result = run_cli("record", str(story), "--name", "walk", "--choices", "1 . 2")
    assert result.returncode == 0, result.stderr
    text = (story / "tests" / "playthroughs" / "walk.yaml").read_text(encoding="utf-8")
    assert f"\nformat: {FORMAT_VERSION}\nname: walk\n" in text
    assert run_cli("migrate", str(story), "--check").stdout.count("tests/playthroughs") == 0


def test_a_card_s_deprecated_slogan_becomes_its_form() -> None:
    from engine.io.yamlio import parse_yaml

    text = ("id: s\nversion: '1'\nformat: 2\nchapters:\n  - id: one\n    cards:\n      - quote: Russians go home!\n"
            "        slogan: true\n        who: the crowd\n      - quote: Words.\n        slogan: false\n        who: x\n"
            "      - quote: More.\n        form: paraphrase\n        slogan: true\n")
    document, _ = parse_yaml(text, "story.yaml")
    notes: list[str] = []
    new = migrate.apply_edits(text, migrate.story_file_edits(text, document, notes))
    assert "        form: slogan\n        who: the crowd\n" in new
    assert "slogan: false" not in new and new.count("slogan") == 1 and "form: paraphrase\n" in new
    assert len(notes) == 3


@pytest.mark.slow
def test_a_recording_without_format_that_replays_as_it_is_is_only_marked(tmp_path: Path) -> None:
    """Recorded after menus changed but before `format:` was written: its transcript is the truth."""
    story = tmp_path / "tiny"
    shutil.copytree(TINY, story)
    assert run_cli("record", str(story), "--name", "walk", "--choices", "1 . 1").returncode == 0
    file = story / "tests" / "playthroughs" / "walk.yaml"
    unmarked = file.read_text(encoding="utf-8").replace(f"format: {FORMAT_VERSION}\n", "")
    file.write_text(unmarked, encoding="utf-8")
    result = run_cli("migrate", str(story))
    assert "walk.yaml: replays as recorded with this hungary56: marked format 2" in result.stdout
    assert file.read_text(encoding="utf-8") == migrate.stamp_playthrough(unmarked)
