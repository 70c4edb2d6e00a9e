"""Stable choice ids (F9): recordings and saves keep a choice's id, so inserting, reordering or removing
choices never silently sends a replay or a saved game down another branch."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from engine.io.loader import load_story
from engine.io.saves import decode, encode
from tests.conftest import TINY, cli_env, run_cli

IDS = {"Take the rifle": "take_rifle", "Help a wounded man": "help_wounded", "Stand your ground": "stand",
       "Go home": "go_home", "What if the tanks turned back?": "what_if"}


def h56(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*map(str, args), cwd=cwd, env=cli_env(HUNGARY56_SAVES=str(cwd / "saves")))


def with_ids(folder: Path) -> None:
    for path in (folder / "scenes").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for label, choice_id in IDS.items():
            text = text.replace(f"      - label: {label}\n", f"      - id: {choice_id}\n        label: {label}\n")
        path.write_text(text, encoding="utf-8")


def insert_first_choice(folder: Path, choice_id: str | None) -> None:
    path = folder / "scenes" / "one.yaml"
    head = f"      - id: {choice_id}\n        label: Run away\n" if choice_id else "      - label: Run away\n"
    new = head + "        goto: street\n        kind: plausible\n        history: Some ran.\n"
    text = path.read_text(encoding="utf-8")
    marker = "    choices:\n"
    path.write_text(text.replace(marker, marker + new, 1), encoding="utf-8")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    copy = tmp_path / "tiny"
    shutil.copytree(TINY, copy)
    return copy


def recorded_inputs(folder: Path, name: str) -> list[object]:
    document = yaml.safe_load((folder / "tests" / "playthroughs" / f"{name}.yaml").read_text(encoding="utf-8"))
    return list(document["inputs"])


@pytest.mark.slow
def test_a_recording_keeps_choice_ids_and_follows_them_after_an_insertion(tiny: Path) -> None:
    with_ids(tiny)
    assert h56("record", "--name", "fallen", "--choices", "1 . 1", cwd=tiny).returncode == 0
    assert recorded_inputs(tiny, "fallen") == [{"choice": "take_rifle"}, "", {"choice": "stand"}]
    insert_first_choice(tiny, "run_away")
    replay = h56("test", "--playthroughs", cwd=tiny)
    assert replay.returncode == 1  # the menu changed, and says so...
    assert "+  1. Run away" in replay.stdout and "-> 1\n+> 2" in replay.stdout
    assert "There is no such choice here" not in replay.stdout  # ...but the path is the same one
    assert "THE END" not in "".join(li for li in replay.stdout.splitlines() if li.startswith(("-", "+")))
    blessed = h56("test", "--bless", "fallen", cwd=tiny)
    assert blessed.returncode == 0 and "blessed" in blessed.stdout
    assert recorded_inputs(tiny, "fallen") == [{"choice": "take_rifle"}, "", {"choice": "stand"}]
    text = (tiny / "tests" / "playthroughs" / "fallen.yaml").read_text(encoding="utf-8")
    assert "THE END: Fallen" in text


@pytest.mark.slow
def test_without_ids_the_same_insertion_takes_another_branch(tiny: Path) -> None:
    """What the review saw: a recording by position replays the inserted choice instead."""
    assert h56("record", "--name", "fallen", "--choices", "1 . 1", cwd=tiny).returncode == 0
    assert recorded_inputs(tiny, "fallen") == ["1", "", "1"]
    insert_first_choice(tiny, None)
    replay = h56("test", "--playthroughs", cwd=tiny)
    assert replay.returncode == 1 and "FAIL tests/playthroughs/fallen.yaml: the output changed" in replay.stdout


@pytest.mark.slow
def test_a_choice_id_that_is_gone_fails_the_replay_clearly(tiny: Path) -> None:
    with_ids(tiny)
    assert h56("record", "--name", "fallen", "--choices", "1 . 1", cwd=tiny).returncode == 0
    path = tiny / "scenes" / "one.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: take_rifle", "id: rifle"), encoding="utf-8")
    for args in (("test", "--playthroughs"), ("test", "--bless")):
        done = h56(*args, cwd=tiny)
        assert done.returncode == 1, args
        assert ("FAIL tests/playthroughs/fallen.yaml: input 1 chooses 'take_rifle', but scene 'gate' has no "
                "choice with that id now (did you mean 'rifle'?)") in done.stdout
        assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_bless_name_blesses_one_playthrough_only(tiny: Path) -> None:
    assert h56("record", "--name", "a", "--choices", "2 . 2", cwd=tiny).returncode == 0
    assert h56("record", "--name", "b", "--choices", "2 . 2", cwd=tiny).returncode == 0
    scenes = tiny / "scenes" / "two.yaml"
    scenes.write_text(scenes.read_text(encoding="utf-8").replace("Tanks at the", "Tanks before the"), encoding="utf-8")
    done = h56("test", "--bless", "a", cwd=tiny)
    assert done.returncode == 0 and "blessed tests/playthroughs/a.yaml" in done.stdout and "b.yaml" not in done.stdout
    after = h56("test", "--playthroughs", cwd=tiny)
    assert "ok   tests/playthroughs/a.yaml" in after.stdout and "FAIL tests/playthroughs/b.yaml" in after.stdout
    unknown = h56("test", "--bless", "c", cwd=tiny)
    assert unknown.returncode == 1 and "no recorded playthrough 'c'" in unknown.stderr
    folder_first = h56("test", "--bless", tiny, cwd=tiny.parent)  # a folder after --bless is the story
    assert folder_first.returncode == 0 and "blessed" in folder_first.stdout


@pytest.mark.slow
def test_record_says_which_inputs_are_kept_by_position(tiny: Path) -> None:
    done = h56("record", "--name", "x", "--choices", "2 . 2", cwd=tiny)
    assert "2 input(s) take a choice by its number" in done.stderr
    with_ids(tiny)
    done = h56("record", "--name", "y", "--choices", "2 . 2", cwd=tiny)
    assert "by its number" not in done.stderr


@pytest.mark.slow
def test_lint_notes_missing_ids_only_when_recordings_depend_on_them(tiny: Path) -> None:
    clean = h56("lint", cwd=tiny)
    assert clean.stdout.endswith("0 errors, 0 warnings\n")
    assert h56("record", "--name", "x", "--choices", "2 . 2", cwd=tiny).returncode == 0
    noted = h56("lint", cwd=tiny)
    assert noted.returncode == 0
    assert "scenes/one.yaml:16:9: note N380 5 of 5 choices have no 'id' (this is the first)" in noted.stdout
    assert noted.stdout.endswith("0 errors, 0 warnings, 1 note\n")
    with_ids(tiny)
    assert h56("lint", cwd=tiny).stdout.endswith("0 errors, 0 warnings\n")


@pytest.mark.slow
def test_two_choices_with_one_id_are_an_error(tiny: Path) -> None:
    with_ids(tiny)
    path = tiny / "scenes" / "two.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: what_if", "id: go_home"), encoding="utf-8")
    done = h56("lint", cwd=tiny)
    assert done.returncode == 1
    assert ("error E113 choice 3 of scene 'square' has the id 'go_home' of choice 2: a choice id must be unique "
            "in its scene") in done.stdout


def test_saves_keep_ids_and_read_old_saves(tiny: Path) -> None:
    from engine.core import machine

    with_ids(tiny)
    story = load_story(tiny)
    state = machine.choose(story, machine.new_game(story), 0)  # take the rifle
    data = json.loads(encode(story, state, datetime(1956, 10, 23)))
    assert data["format_version"] == 2 and data["state"]["path"] == [["gate", "take_rifle"]]
    old = dict(data, format_version=1, state=dict(data["state"], path=[["gate", 0]]))
    assert decode(story, json.dumps(old).encode())[0].path == state.path  # saves by position still load
    insert_first_choice(tiny, "run_away")
    moved = load_story(tiny)
    loaded, _ = decode(moved, json.dumps(data).encode())
    assert [moved.scenes[s.scene].choices[s.choice].label for s in loaded.path] == ["Take the rifle"]
    path = tiny / "scenes" / "one.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: take_rifle", "id: rifle"), encoding="utf-8")
    from engine.core.errors import SaveError

    with pytest.raises(SaveError, match="took the choice 'take_rifle' in scene 'gate', which this version"):
        decode(load_story(tiny), json.dumps(data).encode())


def test_the_schema_knows_choice_ids(tiny: Path) -> None:
    import jsonschema

    from tests.conftest import REPO

    with_ids(tiny)
    schema = json.loads((REPO / "schema" / "scene.schema.json").read_text(encoding="utf-8"))
    from engine.io.yamlio import parse_yaml

    document, _ = parse_yaml((tiny / "scenes" / "one.yaml").read_text(encoding="utf-8"), "one.yaml")
    jsonschema.validate(document, schema)
    document["scenes"][0]["choices"][0]["id"] = "not an id"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


@pytest.mark.slow
def test_record_warns_about_inputs_the_game_refused(tiny: Path) -> None:
    done = h56("record", "--name", "typos", "--choices", "9 9 abc 2 . notes", cwd=tiny)
    assert done.returncode == 0
    assert "Warning: the game refused 3 input(s): '9', '9', 'abc'" in done.stderr
    clean = h56("record", "--name", "fine", "--choices", "2 . notes 2", cwd=tiny)
    assert "refused" not in clean.stderr
