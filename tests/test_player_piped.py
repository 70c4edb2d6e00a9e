"""The real CLI in a subprocess: piped play, saves, errors, encodings — as a player would meet them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import TINY, cli_env, run_cli

pytestmark = pytest.mark.slow  # every test here drives a real program (or searches at length)


def play(stdin: str, tmp_path: Path, *extra: str, env: dict[str, str] | None = None):
    return run_cli("play", str(TINY), "--saves", str(tmp_path / "saves"), *extra, stdin=stdin, cwd=tmp_path, env=env)


def test_piped_playthrough_prints_a_transcript(tmp_path):
    result = play("1\n\n1\n", tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Chapter one; Tuesday 23 October 1956, 21:00; Radio Budapest" in out  # no `|` in a pipe (U14)
    assert "PLAUSIBLE - some real people did this\n  Some in the crowd took arms from depots that night." in out
    assert "The rifle is heavy on your shoulder." in out
    assert "THE END: Fallen" in out and "You are remembered." in out
    assert result.stderr == ""


def test_every_in_game_command_answers(tmp_path):
    result = play("help\nnotes\nglossary\nglossary ávh\ntimeline\nhistory\n2\nhistory\nsaves\nsave mine\nload mine\n"
                  "undo\nundo\nrestart\nreload\nbogus\n7\nquit\n", tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    for expected in ["Commands", "take back your last choice", "Historical note: At the gate",
                     "ÁVH: The State Protection Authority.", ">> 23 October 1956: Chapter one",
                     "You have not made a choice yet.",
                     "1. At the gate: Help a wounded man (historical)", "Saved as 'mine'", "Loaded 'mine'.",
                     "Undone: Help a wounded man.", "Nothing to undo", "A new game.", "Story reloaded.",
                     "'bogus' is not a choice or a command. Type a choice number (1, 2)",
                     "There is no such choice here.", "Goodbye."]:
        assert expected in out, expected
    assert json.loads((tmp_path / "saves" / "tiny" / "mine.json").read_text())["state"]["scene"] == "street"


def test_continue_resumes_from_the_autosave(tmp_path):
    play("1\n", tmp_path)
    result = play("history\n", tmp_path, "--continue")
    assert "In the street" in result.stdout and "1. At the gate: Take the rifle (plausible)" in result.stdout


def test_broken_story_gives_located_errors_and_exit_1(tmp_path):
    story = tmp_path / "broken"
    shutil.copytree(TINY, story)
    scene_file = story / "scenes" / "one.yaml"
    scene_file.write_text(scene_file.read_text().replace("goto: street", "goto: nowhere", 1))
    result = run_cli("play", "broken", stdin="1\n", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "broken/scenes/one.yaml:17:15: error: choice 1 of 'gate' goes to unknown scene 'nowhere'\n"
    assert not (tmp_path / "saves").exists()


def test_corrupted_save_is_refused_and_untouched(tmp_path):
    saves = tmp_path / "saves" / "tiny"  # DIR/STORY-ID/ (reliability review 2026-12-06, NM8)
    saves.mkdir(parents=True)
    (saves / "autosave.json").write_bytes(b'{"format": "hungary56-save", "format_ver')
    result = play("quit\n", tmp_path, "--continue")
    assert result.returncode == 1
    assert "corrupted or truncated" in result.stderr and "Traceback" not in result.stderr
    assert (saves / "autosave.json").read_bytes() == b'{"format": "hungary56-save", "format_ver'


def test_bad_slot_name_on_the_command_line(tmp_path):
    result = play("", tmp_path, "--load", "../../etc/passwd")
    assert result.returncode == 1 and "cannot be a save slot" in result.stderr


def test_terminal_that_cannot_show_hungarian_letters(tmp_path):
    result = play("2\n\n2\n", tmp_path, env=cli_env(PYTHONIOENCODING="ascii"))
    assert result.returncode == 0, result.stderr
    assert "You go home. O u a e." in result.stdout
    assert "Muzeum korut" in result.stdout


def test_undecodable_and_control_input_does_not_crash(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "engine", "play", str(TINY), "--saves", str(tmp_path)],
                            input=b"\xff\xfe\n\x00\x1b[A\n" + b"9" * 10000 + b"\n1\n", capture_output=True,
                            env=cli_env(), timeout=60)
    assert result.returncode == 0
    assert b"Traceback" not in result.stderr and b"Take the rifle" in result.stdout


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("play", "saves", "lint"):
        assert command in result.stdout


def test_lint_reports_and_sets_the_exit_code(tmp_path):
    assert run_cli("lint", str(TINY)).returncode == 0
    result = run_cli("lint", str(tmp_path))
    assert result.returncode == 1 and "not a story folder" in result.stdout


def test_saves_folder_from_the_environment(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    result = run_cli("play", str(TINY), stdin="1\nsave mine\n", cwd=tmp_path,
                     env=cli_env(HUNGARY56_SAVES=str(elsewhere)))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (elsewhere / "tiny").iterdir() if not p.name.startswith(".")) == [
        "autosave.json", "mine.json"]
    listing = run_cli("saves", str(TINY), cwd=tmp_path, env=cli_env(HUNGARY56_SAVES=str(elsewhere)))
    assert "mine" in listing.stdout and "In the street (Tuesday 23 October 1956, 23:00)" in listing.stdout
    assert not (tmp_path / "saves").exists()


def test_a_reader_that_goes_away_is_not_an_error(tmp_path):
    """`hungary56 play | head`: the game ends quietly when nobody reads its output any more."""
    import subprocess
    import sys

    script = (f"yes 1 | {sys.executable} -m engine play {TINY} --saves {tmp_path} | head -3; "
              "echo \"status=${PIPESTATUS[1]}\"")
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=cli_env(), timeout=60)
    assert result.stdout.strip().endswith("status=0"), result.stdout
    assert result.stderr == ""
