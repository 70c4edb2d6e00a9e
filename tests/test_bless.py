"""`--bless` is honest (issue #25, the review's #67): it refuses to write a replay in which the game refused
an input or that no longer reaches its recorded ending, unless `--accept-shorter` says so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.author import playthroughs
from engine.io.loader import load_story
from tests.conftest import TINY, run_cli


def story_and_recording(tmp_path: Path, choices: str) -> tuple[Path, playthroughs.Playthrough]:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    recorded = playthroughs.record(load_story(folder), "walk", playthroughs.split_choices(choices))
    target = folder / "tests" / "playthroughs" / "walk.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(playthroughs.dump_playthrough(recorded), encoding="utf-8")
    return folder, recorded


def close_the_stand(folder: Path) -> None:
    """The square's first choice now needs more courage than the rifle gives."""
    two = folder / "scenes" / "two.yaml"
    two.write_text(two.read_text(encoding="utf-8").replace('"armed and courage >= 2"', '"armed and courage >= 3"'),
                   encoding="utf-8")


def test_a_replay_that_ends_elsewhere_is_not_blessed_quietly(tmp_path: Path) -> None:
    folder, recorded = story_and_recording(tmp_path, "1 . 1")  # the rifle, then "Stand your ground"
    assert playthroughs.ending_of(recorded.transcript) == "Fallen"
    close_the_stand(folder)
    again, why = playthroughs.blessing(load_story(folder), recorded)
    assert "it no longer reaches its recorded ending, 'Fallen': it ends at 'Home'" in why
    assert playthroughs.ending_of(again.transcript) == "Home"


def test_a_replay_with_a_refused_input_is_not_blessed_quietly(tmp_path: Path) -> None:
    folder, recorded = story_and_recording(tmp_path, "1 . 3")  # three open choices at the square: the third
    close_the_stand(folder)
    _again, why = playthroughs.blessing(load_story(folder), recorded)
    assert "the game refused 1 input(s) ('3'" in why
    assert "it stops before any ending" in why


def test_a_change_of_text_alone_is_blessed(tmp_path: Path) -> None:
    folder, recorded = story_and_recording(tmp_path, "1 . 1")
    one = folder / "scenes" / "one.yaml"
    one.write_text(one.read_text(encoding="utf-8").replace("The night goes on.", "The night wears on."), encoding="utf-8")
    again, why = playthroughs.blessing(load_story(folder), recorded)
    assert why == "" and "The night wears on." in again.transcript


@pytest.mark.slow
def test_bless_refuses_exits_1_says_why_and_accept_shorter_writes_it(tmp_path: Path) -> None:
    folder, recorded = story_and_recording(tmp_path, "1 . 3")
    close_the_stand(folder)
    file = folder / "tests" / "playthroughs" / "walk.yaml"
    before = file.read_text(encoding="utf-8")
    refused = run_cli("test", str(folder), "--bless")
    assert refused.returncode == 1
    assert "FAIL" in refused.stdout and "not blessed: the game refused 1 input(s) ('3'" in refused.stdout
    assert "run again with --bless walk --accept-shorter" in refused.stdout
    assert file.read_text(encoding="utf-8") == before
    accepted = run_cli("test", str(folder), "--bless", "--accept-shorter")
    assert accepted.returncode == 0, accepted.stdout
    assert "blessed" in accepted.stdout and "(accepted: the game refused" in accepted.stdout
    assert file.read_text(encoding="utf-8") != before
    assert run_cli("test", str(folder), "--playthroughs").returncode == 0
    alone = run_cli("test", str(folder), "--accept-shorter")
    assert alone.returncode == 2 and "--accept-shorter only goes with --bless" in alone.stderr
