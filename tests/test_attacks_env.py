"""Regression tests for the second attack review's findings about the environment and shared folders
(reviews/2026-12-06/reliability.md): the cache folder, HOME and XDG values, output encodings, saves
folders given by HUNGARY56_SAVES or shared by two players; each run the way the review ran it."""

from __future__ import annotations

import json
import os
import random
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env

STARTER = REPO / "examples" / "starter"


def run(*args: str, stdin: str = "", cwd: Path, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine", *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", cwd=cwd, env=env, timeout=timeout)


def scratch_env(home: Path, **extra: str) -> dict[str, str]:
    """The review's common.sh: HOME and the XDG folders inside the scratch folder."""
    env = cli_env(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
                  XDG_CACHE_HOME=str(home / ".cache"))
    env.pop("HUNGARY56_CACHE_DIR", None)
    env.pop("HUNGARY56_NO_CACHE", None)
    env.update(extra)
    return env


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "story"
    shutil.copytree(STARTER, folder)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("mode", [0o2775, 0o1777, 0o755], ids=["class-share", "sticky", "dot"])
def test_nm11_the_cache_never_chmods_a_folder_it_did_not_make(story: Path, home: Path, tmp_path: Path,
                                                              mode: int) -> None:
    # cache_folder_chmod.sh: HUNGARY56_CACHE_DIR = a class share (2775), a sticky folder (1777) or `.`
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, mode)
    result = run("lint", str(story), cwd=shared, env=scratch_env(home, HUNGARY56_CACHE_DIR="." if mode == 0o755 else str(shared)))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(shared.stat().st_mode) == mode
    if mode & 0o022:  # others may write there: not used, said once
        assert result.stderr.count("not using the cache folder") == 1 and list(shared.iterdir()) == []


@pytest.mark.slow
def test_nm11_a_symlink_at_the_cache_path_is_not_followed(story: Path, home: Path, tmp_path: Path) -> None:
    # cache_folder_chmod.sh: a symlink planted at the cache path -> a folder of the victim's
    victim = tmp_path / "victim"
    victim.mkdir()
    os.chmod(victim, 0o755)
    (home / ".cache").mkdir()
    os.symlink(victim, home / ".cache" / "hungary56")
    result = run("lint", str(story), cwd=home, env=scratch_env(home))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(victim.stat().st_mode) == 0o755 and list(victim.iterdir()) == []


def _mutations(value: object, rng: random.Random) -> object:
    """The value with one inner value replaced by one of another type (cache_tamper.sh)."""
    spots: list[tuple[object, object]] = []
    stack = [value]
    while stack:
        node = stack.pop()
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        for key, item in items:
            spots.append((node, key))
            stack.append(item)
    parent, key = rng.choice(spots)
    parent[key] = rng.choice([1.5, "left", [], {}, None, True, 7, [1, 2]])  # type: ignore[index]
    return value


@pytest.mark.slow
def test_nl5_a_tampered_cache_entry_of_the_users_own_never_crashes_play(story: Path, home: Path) -> None:
    # cache_tamper.sh: the user's own `s-` entry, one value changed to another type (5 of 150 crashed)
    env = scratch_env(home)
    assert run("play", str(story), stdin="quit\n", cwd=home, env=env).returncode == 0
    [entry] = (home / ".cache" / "hungary56").glob("s-*.json")
    original = json.loads(entry.read_bytes())
    # the review's `TypeError: 'float' object is not iterable`: the first scene's choices a float
    tampered = json.loads(json.dumps(original))
    stack = [tampered["story"]]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            if node[:2] == [10, "gate"]:
                index = next(i for i, item in enumerate(node) if isinstance(item, list) and item[:1] == [0]
                             and len(item) > 1 and isinstance(item[1], list) and item[1][:1] == [11])
                node[index] = 1.5
                break
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    else:
        raise AssertionError("the first scene was not found in the entry")
    entry.write_text(json.dumps(tampered), encoding="utf-8")
    os.chmod(entry, 0o600)
    result = run("play", str(story), stdin="1\n1\nquit\n", cwd=home, env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    rng = random.Random(27)
    for _ in range(15):
        tampered = _mutations(json.loads(json.dumps(original)), rng)
        entry.write_text(json.dumps(tampered), encoding="utf-8")
        os.chmod(entry, 0o600)
        result = run("play", str(story), stdin="1\n1\nquit\n", cwd=home, env=env)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
        assert "Home before dawn" in result.stdout


@pytest.mark.slow
def test_nl6_a_relative_xdg_cache_home_is_ignored(story: Path, home: Path, tmp_path: Path) -> None:
    # xdg_relative_and_missing_home.sh (a): XDG_CACHE_HOME=relcache made ./relcache/hungary56
    here = tmp_path / "here"
    here.mkdir()
    env = scratch_env(home, XDG_CACHE_HOME="relcache", XDG_CONFIG_HOME="relconfig", XDG_DATA_HOME="reldata")
    result = run("play", str(story), stdin="1\nquit\n", cwd=here, env=env)
    assert result.returncode == 0, result.stderr
    assert list(here.iterdir()) == []
    assert (home / ".cache" / "hungary56").is_dir()


@pytest.mark.slow
def test_nl6_a_missing_home_is_never_created(story: Path, tmp_path: Path) -> None:
    # xdg_relative_and_missing_home.sh (b): HOME=/nonexistent was created by the first write
    missing = tmp_path / "nonexistent"
    env = cli_env(HOME=str(missing))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "HUNGARY56_CACHE_DIR", "HUNGARY56_NO_CACHE"):
        env.pop(name, None)
    result = run("play", str(story), stdin="1\nsettings theme light\nquit\n", cwd=tmp_path, env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert not missing.exists()
    assert "NOT saved" in result.stdout + result.stderr


@pytest.mark.slow
def test_nm8_two_stories_never_share_an_autosave_under_hungary56_saves(story: Path, home: Path, tmp_path: Path) -> None:
    # saves_env_shared.sh: HUNGARY56_SAVES set for all stories; a 7-turn game of the bundled story,
    # then two one-choice sessions of another story left that game in neither slot
    shared = tmp_path / "D"
    env = scratch_env(home, HUNGARY56_SAVES=str(shared))
    first = run("play", stdin="1\n" * 7 + "quit\n", cwd=home, env=env)
    assert first.returncode == 0, first.stderr
    bundled = json.loads((shared / "hungary56" / "autosave.json").read_text(encoding="utf-8"))
    for _ in range(2):
        other = run("play", str(story), stdin="1\nquit\n", cwd=home, env=env)
        assert other.returncode == 0, other.stderr
        assert "another story" not in other.stderr  # no saved game of another story offered
    assert json.loads((shared / "hungary56" / "autosave.json").read_text(encoding="utf-8")) == bundled
    assert (shared / "starter" / "autosave.json").is_file()
    resumed = run("play", "--continue", stdin="quit\n", cwd=home, env=env)
    assert resumed.returncode == 0 and "Traceback" not in resumed.stderr


@pytest.mark.slow
def test_nm8_saves_left_flat_by_an_older_version_are_moved_to_their_storys_subfolder(
        story: Path, home: Path, tmp_path: Path) -> None:
    # the migration: the old flat layout keeps working (a save loads by name, --continue resumes)
    shared = tmp_path / "D"
    env = scratch_env(home, HUNGARY56_SAVES=str(shared))
    assert run("play", str(story), stdin="1\nsave mine\nquit\n", cwd=home, env=env).returncode == 0
    for path in (shared / "starter").iterdir():  # what hungary56 0.1.0 left: everything flat in D
        path.rename(shared / path.name)
    (shared / "starter").rmdir()
    (shared / "notes.json").write_text('{"not": "a save"}', encoding="utf-8")
    loaded = run("play", str(story), "--load", "mine", stdin="quit\n", cwd=home, env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "Shots" in loaded.stdout  # the scene after the first choice
    assert sorted(p.name for p in (shared / "starter").iterdir() if not p.name.startswith(".")) == [
        "autosave-previous.json", "autosave.json", "mine.json"]
    assert not (shared / "mine.json").exists() and not (shared / "autosave.json").exists()
    assert (shared / "notes.json").is_file()  # not a save of this story: left where it was
    assert run("play", str(story), "--continue", stdin="quit\n", cwd=home, env=env).returncode == 0


@pytest.mark.slow
def test_nl3_a_second_session_on_a_shared_saves_folder_is_told_it_is_in_use(story: Path, home: Path) -> None:
    # shared_saves_folder.sh (1): two players on one story folder (its saves/ the default); A's last
    # state ended up in neither slot and A's --continue resumed B's game
    (story / "saves").mkdir()
    env = scratch_env(home)
    first = subprocess.Popen([sys.executable, "-m", "engine", "play", str(story)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=home, env=env)
    try:
        assert first.stdin is not None
        first.stdin.write("2\n")  # A stays at the back
        first.stdin.flush()
        autosave = story / "saves" / "autosave.json"
        for _ in range(200):
            if autosave.exists():
                break
            subprocess.run(["sleep", "0.05"], check=False)
        second = run("play", str(story), stdin="1\n1\nquit\n", cwd=home, env=env)
        assert second.returncode == 2 and "Traceback" not in second.stderr
        assert "is in use by another game of this story" in second.stderr
        first.stdin.write("quit\n")
        first.stdin.flush()
        first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    resumed = run("play", str(story), "--continue", stdin="quit\n", cwd=home, env=env)
    assert resumed.returncode == 0 and "Shots" in resumed.stdout  # A's own game, after A's choice
    state = json.loads((story / "saves" / "autosave.json").read_text(encoding="utf-8"))["state"]
    assert state["path"] == [["gate", "stay_back"]]


def _add_endings(folder: str, start: int) -> None:
    from engine.play.start import EndingsRecord

    record = EndingsRecord(Path(folder))
    for number in range(start, start + 15):
        record.add(f"ending_{number}")


def test_nl3_endings_reached_at_the_same_moment_are_all_kept(tmp_path: Path) -> None:
    # shared_saves_folder.sh (2): EndingsRecord.add is read-modify-write; one ending lost in 4 of 60
    import multiprocessing

    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_add_endings, args=(str(tmp_path), 100 * n)) for n in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    found = (tmp_path / "endings-found.txt").read_text(encoding="utf-8").split()
    assert sorted(found) == sorted(f"ending_{100 * n + k}" for n in range(6) for k in range(15))


@pytest.mark.slow
def test_nl4_a_first_autosave_over_a_hard_linked_previous_leaves_no_temporary_file(story: Path, home: Path,
                                                                                  tmp_path: Path) -> None:
    # keep_copy_leftover.sh: autosave-previous.json already a hard link of autosave.json (a SIGKILL
    # between the two renames of a first autosave); the next normal session left
    # .autosave-previous.json.*.tmp behind
    saves = tmp_path / "D"
    env = scratch_env(home)
    assert run("play", str(story), "--saves", str(saves), stdin="1\nquit\n", cwd=home, env=env).returncode == 0
    slots = saves / "starter"
    (slots / "autosave-previous.json").unlink(missing_ok=True)
    os.link(slots / "autosave.json", slots / "autosave-previous.json")
    result = run("play", str(story), "--saves", str(saves), "--continue", stdin="1\nquit\n", cwd=home, env=env)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in slots.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
@pytest.mark.parametrize("command", [["walkthrough"], ["handout", "guide"], ["graph"], ["stats"], ["test"],
                                     ["lint"], ["saves"], ["play"]])
def test_nm12_a_standard_output_that_cannot_encode_the_story_never_crashes_a_command(
        home: Path, tmp_path: Path, encoding: str, command: list[str]) -> None:
    # stdout_encoding.sh: walkthrough, handout, graph, stats and test died of UnicodeEncodeError on
    # the bundled story ('charmap' codec can't encode character '\u0171')
    env = scratch_env(home, PYTHONIOENCODING=encoding, HUNGARY56_SAVES=str(tmp_path / "D"))
    result = subprocess.run([sys.executable, "-m", "engine", *command], input=b"quit\n", capture_output=True,
                            cwd=home, env=env, timeout=300)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    assert b"Traceback" not in result.stderr and b"UnicodeEncodeError" not in result.stderr
    result.stdout.decode(encoding)  # all of it in the stream's own encoding
