"""Regression tests for the attack review's save findings (reviews/2026-11-29/reliability.md), run
the way the review ran them: the installed CLI on the bundled story, with faults injected by
strace where the review did."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env, run_cli

HAS_STRACE = shutil.which("strace") is not None
BUNDLED = "hungary56"  # the bundled story's id: its saves under --saves D are in D/hungary56/


def play(saves: Path, stdin: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("play", "--saves", str(saves), *extra, stdin=stdin)


def play_under_strace(saves: Path, stdin: str, inject: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    command = ["strace", "-f", "-o", "/dev/null", *inject, sys.executable, "-m", "engine", "play",
               "--saves", str(saves), *extra]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=REPO, env=cli_env(), timeout=120)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_STRACE, reason="needs strace")
@pytest.mark.parametrize("inject", [
    ["-e", "trace=fsync", "-e", "inject=fsync:signal=SIGKILL:when=1"],
    ["-e", "trace=fsync", "-e", "inject=fsync:signal=SIGKILL:when=2"],
    ["-e", "trace=fsync", "-e", "inject=fsync:signal=SIGINT:when=1"],
    ["-e", "trace=fsync", "-e", "inject=fsync:error=ENOSPC:when=1"],
    ["-e", "trace=link,linkat", "-e", "inject=link,linkat:signal=SIGKILL:when=1"],
    ["-e", "trace=rename,renameat,renameat2", "-e", "inject=rename,renameat,renameat2:signal=SIGKILL:when=1"],
    ["-e", "trace=rename,renameat,renameat2", "-e", "inject=rename,renameat,renameat2:signal=SIGKILL:when=2"],
], ids=["kill-at-fsync", "kill-at-folder-fsync", "ctrl-c-at-fsync", "enospc-at-fsync", "kill-at-link",
        "kill-at-first-rename", "kill-at-second-rename"])
def test_m1_the_first_autosave_of_a_session_never_empties_the_autosave_slot(tmp_path: Path, inject: list[str]) -> None:
    saves = tmp_path / "D"
    slots = saves / BUNDLED  # one subfolder per story (review 2026-12-06, NM8)
    assert play(saves, "1\n2\n").returncode == 0
    before = (slots / "autosave.json").read_bytes()
    stopped = play_under_strace(saves, "1\n", inject, "--continue")
    if "fsync:signal" in inject[-1] and "when=1" in inject[-1]:  # stopped before the new one was durable
        assert (slots / "autosave.json").read_bytes() == before
    if "ENOSPC" in inject[-1]:
        assert "Autosave failed" in stopped.stdout
    resumed = play(saves, "quit\n", "--continue")
    assert resumed.returncode == 0, resumed.stderr
    assert "there is no save" not in resumed.stderr + resumed.stdout
    assert "Progress saved" in resumed.stdout


@pytest.mark.slow
def test_m2_a_failed_autosave_never_says_progress_saved(tmp_path: Path) -> None:
    saves = tmp_path / "saves-is-a-file"
    saves.write_text("not a folder\n", encoding="utf-8")
    result = play(saves, "1\nquit\n")
    shown = result.stdout + result.stderr
    assert "Autosave failed" in shown
    assert "Progress saved" not in shown
    assert "NOT saved" in shown


@pytest.mark.slow
@pytest.mark.parametrize("digits", [4_300, 4_000, 17], ids=["4300-digits", "4000-digits", "past-2^53"])
def test_m3_a_save_with_a_huge_integer_is_refused_at_load_not_crashing_the_next_autosave(
        tmp_path: Path, digits: int) -> None:
    saves = tmp_path / "D"
    slots = saves / BUNDLED  # one subfolder per story (review 2026-12-06, NM8)
    assert play(saves, "1\n").returncode == 0
    autosave = slots / "autosave.json"
    text = autosave.read_text(encoding="utf-8")
    huge = re.sub(r'"courage":\s*0', '"courage": ' + "9" * digits, text)  # JSON cannot write such a number
    assert huge != text
    autosave.write_text(huge, encoding="utf-8")
    result = play(saves, "1\nquit\n", "--continue")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert "variable 'courage'" in result.stderr and "past the limits" in result.stderr


def test_m3_a_save_whose_state_cannot_be_encoded_is_a_save_error(tmp_path: Path) -> None:
    from engine.core import machine
    from engine.core.errors import SaveError
    from engine.io.loader import load_story
    from engine.io.saves import SaveStore
    from tests.conftest import TINY

    story = load_story(TINY)
    state = machine.new_game(story)
    huge = type(state)(state.scene, {**state.variables, "courage": 10**5000}, state.visits, state.path, 1)
    with pytest.raises(SaveError, match="cannot write the save"):
        SaveStore(tmp_path).autosave(story, huge)
    assert list(tmp_path.iterdir()) == []


def special_saves(saves: Path) -> None:
    """The review's M8 folder: a slot linked to /dev/zero, a FIFO slot and a 4 GB sparse slot."""
    saves.mkdir(parents=True, exist_ok=True)
    (saves / "zero.json").symlink_to("/dev/zero")
    os.mkfifo(saves / "fifo.json")
    with open(saves / "big.json", "wb") as handle:
        handle.truncate(4 * 2**30)


def limited_run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    limit = 1_500_000 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return subprocess.run([sys.executable, "-m", "engine", *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, env=cli_env(), timeout=60, preexec_fn=cap)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_m8_the_saves_listing_and_load_refuse_devices_fifos_and_huge_files(tmp_path: Path) -> None:
    saves = tmp_path / "D"
    slots = saves / BUNDLED  # one subfolder per story (review 2026-12-06, NM8)
    assert play(saves, "1\n").returncode == 0
    special_saves(slots)
    listed = limited_run("saves", "--saves", str(saves))
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr[-2000:]
    for slot in ("zero", "fifo", "big", "autosave"):
        assert slot in listed.stdout
    assert "far too large" in listed.stdout and "not a regular file" in listed.stdout
    played = limited_run("play", "--saves", str(saves), "--continue",
                         stdin="load zero\nload fifo\nload big\nquit\n")
    assert played.returncode == 0 and "Traceback" not in played.stderr, played.stderr[-2000:]
    assert played.stdout.count("Could not load") == 3
    for slot in ("zero", "fifo", "big"):
        refused = limited_run("play", "--saves", str(saves), "--load", slot, stdin="quit\n")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert "not a regular file" in refused.stderr or "far too large" in refused.stderr


@pytest.mark.slow
def test_l8_the_game_never_writes_a_save_it_would_refuse_to_read(tmp_path: Path) -> None:
    from engine.core import machine
    from engine.core.errors import SaveError
    from engine.core.model import GameState, Step
    from engine.io.loader import load_story
    from engine.io.saves import MAX_SAVE_BYTES, SaveStore
    from tests.conftest import TINY

    story = load_story(TINY)
    start = machine.new_game(story)
    store = SaveStore(tmp_path)
    # the review's 400,000-step path: a 9.6 MB compact save that loads, autosaved again at 16 MB
    path = tuple(Step("gate", 1) for _ in range(400_000))
    long_game = GameState(start.scene, start.variables, start.visits, path, 400_000)
    store.autosave(story, long_game)
    assert (tmp_path / "autosave.json").stat().st_size <= MAX_SAVE_BYTES
    assert store.load(story, "autosave") == long_game
    too_long = GameState(start.scene, start.variables, start.visits, path * 3, 1_200_000)
    with pytest.raises(SaveError, match="larger than 10 MiB"):
        store.autosave(story, too_long)
    assert store.load(story, "autosave") == long_game  # the last save that fits is kept


@pytest.mark.slow
def test_l2_the_saves_listing_never_prints_a_saved_at_with_escape_sequences(tmp_path: Path) -> None:
    saves = tmp_path / "D"
    slots = saves / BUNDLED  # one subfolder per story (review 2026-12-06, NM8)
    assert play(saves, "1\n").returncode == 0
    autosave = slots / "autosave.json"
    document = json.loads(autosave.read_text(encoding="utf-8"))
    document["saved_at"] = "2026\u001b]0;X\u0007\u001b[2J"
    autosave.write_text(json.dumps(document), encoding="utf-8")
    listed = run_cli("saves", "--saves", str(saves))
    assert listed.returncode == 0
    assert "\x1b" not in listed.stdout and "\x07" not in listed.stdout and "]0;X" not in listed.stdout
    assert "autosave" in listed.stdout


@pytest.mark.slow
def test_l13_a_save_with_a_bom_loads_and_impossible_versions_are_refused(tmp_path: Path) -> None:
    saves = tmp_path / "D"
    slots = saves / BUNDLED  # one subfolder per story (review 2026-12-06, NM8)
    assert play(saves, "1\n").returncode == 0
    autosave = slots / "autosave.json"
    original = autosave.read_bytes()
    autosave.write_bytes(b"\xef\xbb\xbf" + original)  # what Notepad writes
    assert play(saves, "quit\n", "--continue").returncode == 0
    for version in (0, -5):
        document = json.loads(original)
        document["format_version"] = version
        autosave.write_text(json.dumps(document), encoding="utf-8")
        refused = play(saves, "quit\n", "--continue")
        assert refused.returncode == 1 and "no valid format version" in refused.stderr
    document = json.loads(original)
    document["state"]["variables"]["courage"] = "brave"
    autosave.write_text(json.dumps(document), encoding="utf-8")
    refused = play(saves, "quit\n", "--continue")
    assert "must be a whole number" in refused.stderr and "a int" not in refused.stderr


@pytest.mark.slow
@pytest.mark.parametrize("redirect, code, message", [
    ("<&-", 0, ""),
    (">&-", 1, "standard output is closed"),
    (">/dev/full", 1, "No space left on device"),
], ids=["stdin-closed", "stdout-closed", "stdout-full"])
def test_l6_closed_or_full_standard_streams_end_cleanly(tmp_path: Path, redirect: str, code: int, message: str) -> None:
    command = f'printf "1\\n" | "{sys.executable}" -m engine play --saves "{tmp_path / "D"}" {redirect}'
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=REPO, env=cli_env(),
                            timeout=60)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, result.stderr
    assert message in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not HAS_STRACE, reason="needs strace")
def test_l9_temporary_files_left_by_killed_writers_are_swept(tmp_path: Path) -> None:
    saves = tmp_path / "D"
    slots = saves / BUNDLED  # one subfolder per story (review 2026-12-06, NM8)
    assert play(saves, "1\n").returncode == 0
    # the review's way of leaving one: SIGKILL at the rename
    play_under_strace(saves, "1\n", ["-e", "trace=rename,renameat,renameat2",
                                     "-e", "inject=rename,renameat,renameat2:signal=SIGKILL:when=1"], "--continue")
    left = [p for p in slots.iterdir() if p.name.endswith(".tmp")]
    assert left
    fresh = slots / ".slot.json.0123456789ab.tmp"
    fresh.write_text("another process's save in progress", encoding="utf-8")
    for path in left:
        os.utime(path, (0, 0))  # more than an hour ago
    assert play(saves, "1\nquit\n", "--continue").returncode == 0
    assert not any(path.exists() for path in left)
    assert fresh.exists()


@pytest.mark.slow
def test_l5_a_long_input_line_gets_its_hint_promptly(tmp_path: Path) -> None:
    line = "x" * 20_000_000  # 20 MB: about a minute of quadratic wrapping before the fix
    result = run_cli("play", "--saves", str(tmp_path / "D"), stdin=line + "\nquit\n", timeout=30)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not a choice or a command." in result.stdout


@pytest.mark.slow
def test_l11_a_new_game_says_that_a_saved_game_exists_and_how_to_go_back_to_it(tmp_path: Path) -> None:
    """L11: a 12-turn game, then new sessions of one choice each, used to rotate the long game out of
    both autosave slots without a word. A new game now says at start that a saved game exists, and
    `load autosave` typed first brings the long game back."""
    saves = tmp_path / "saves"
    slots = saves / BUNDLED
    long_game = play(saves, "\n".join(["1"] * 12) + "\nquit\n")
    assert long_game.returncode == 0, long_game.stderr
    kept = json.loads((slots / "autosave.json").read_text(encoding="utf-8"))["state"]
    assert len(kept["path"]) >= 10
    back = play(saves, "load autosave\nquit\n")
    assert "you have a saved game" in back.stderr and "--continue" in back.stderr, back.stderr
    assert "load autosave" in back.stderr
    restored = json.loads((slots / "autosave.json").read_text(encoding="utf-8"))["state"]
    assert (restored["scene"], restored["path"]) == (kept["scene"], kept["path"])  # the long game is back
    fresh = play(tmp_path / "empty", "quit\n")
    assert fresh.returncode == 0 and "saved game" not in fresh.stderr  # nothing to warn about
