"""H3: the story cache never runs or trusts what another user could have written.

The review planted a pickle that runs `os.system`, as user `nobody`, in a shared
HUNGARY56_CACHE_DIR, under the right key: the next `play` ran it. The cache now holds JSON only,
reads it only from a folder that is the user's alone, and ignores entries that are not the
user's own, that others could write, or that are not regular files.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.io import cache, loader
from tests.conftest import REPO as ROOT
from tests.conftest import TINY


class Planted:
    """Unpickling this runs a shell command that leaves a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


def entry_name(path: Path, cwd: Path) -> str:
    shown = os.path.relpath(path, cwd)
    shown = shown if not shown.startswith("..") else str(path)
    return f"f-{cache.file_key(shown, path.read_bytes())}.json"


def play(story: Path, cache_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, cache.DIR_ENV: str(cache_dir), "PYTHONPATH": str(ROOT), "HUNGARY56_SAVES": str(cache_dir.parent / "saves")}
    env.pop(cache.DISABLE_ENV, None)
    return subprocess.run([sys.executable, "-m", "engine", "play", str(story)], cwd=ROOT, env=env, input="quit\n",
                          capture_output=True, text=True, timeout=60)


def plant_everywhere(story: Path, folder: Path, marker: Path) -> None:
    """A pickle under every name the engine could read: the old whole-story name and each file's entry."""
    payload = pickle.dumps(Planted(marker))
    import hashlib

    old = hashlib.sha256(str(story.resolve()).encode()).hexdigest()[:32]
    (folder / f"{old}.pickle").write_bytes(b"hungary56-story-cache 1\n" + payload)
    for path in story.glob("*/*.yaml"):
        (folder / entry_name(path, ROOT)).write_bytes(payload)
    files = [*sorted((story / "story").glob("*.yaml")), *sorted((story / "scenes").glob("*.yaml"))]
    keys = []
    for path in files:
        shown = os.path.relpath(path, ROOT)
        shown = shown if not shown.startswith("..") else str(path)
        keys.append(cache.file_key(shown, path.read_bytes()))
    (folder / f"s-{cache.story_key(keys)}.json").write_bytes(payload)  # and the whole story's


@pytest.mark.slow
def test_a_planted_pickle_in_a_shared_folder_never_runs(story: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # like /tmp: anyone may add files
    marker = tmp_path / "pwned"
    plant_everywhere(story, shared, marker)
    for _ in range(2):
        result = play(story, shared)
        assert result.returncode == 0, result.stderr
        assert "The rifle" in result.stdout or "Goodbye" in result.stdout
    assert not marker.exists()


def forged(story: Path, cache_dir: Path, cwd: Path) -> list[Path]:
    """Load once, then rewrite the entries that hold a scene's title (the file's and the whole
    story's: valid JSON, right keys) so that they change it."""
    loader.load_story(story)
    targets = [cache_dir / entry_name(story / "scenes" / "two.yaml", cwd), *cache_dir.glob("s-*.json")]
    assert len(targets) == 2
    for target in targets:  # sealed again (engine/io/cache.py `_sealed`), as only a forger who knows how would
        raw = target.read_bytes().replace(b"The square", b"FORGED")
        target.write_bytes(cache._sealed(raw[:-cache._SEAL] + b"}"))
    return targets


def test_the_forgery_used_below_would_be_read_if_it_were_trusted(story: Path, cache_dir: Path) -> None:
    forged(story, cache_dir, Path.cwd())
    assert loader.load_story(story).scenes["square"].title == "FORGED"  # the user's own, private entry


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_an_entry_others_could_write_is_ignored_and_rebuilt(story: Path, cache_dir: Path, mode: int) -> None:
    targets = forged(story, cache_dir, Path.cwd())
    for target in targets:
        os.chmod(target, mode)
    assert loader.load_story(story).scenes["square"].title == "The square"
    for target in targets:
        assert target.stat().st_mode & 0o077 == 0 and "FORGED" not in target.read_text(encoding="utf-8")


def test_an_entry_of_another_user_is_ignored(story: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    targets = forged(story, cache_dir, Path.cwd())
    if os.geteuid() == 0:
        for target in targets:
            os.chown(target, 65534, 65534)  # nobody
    else:  # as anyone else, pretend the entry's owner is another user
        real = os.fstat
        monkeypatch.setattr(cache.os, "fstat", lambda fd: os.stat_result(
            (*real(fd)[:4], os.getuid() + 1, *real(fd)[5:])))
    assert loader.load_story(story).scenes["square"].title == "The square"


def test_a_folder_of_another_user_is_not_used_at_all(story: Path, cache_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    forged(story, cache_dir, Path.cwd())
    monkeypatch.setattr(cache, "_uid", lambda: os.getuid() + 1)  # the folder is now someone else's
    before = sorted(p.name for p in cache_dir.iterdir())
    assert loader.load_story(story).scenes["square"].title == "The square"
    assert sorted(p.name for p in cache_dir.iterdir()) == before  # nothing written there either


def test_a_folder_open_to_others_is_left_as_it_is_and_not_used(story: Path, cache_dir: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # review 2026-12-06 NM11: it used to be chmod'ed 0700, a class share or a sticky folder with it
    cache_dir.mkdir(mode=0o777)
    os.chmod(cache_dir, 0o777)
    loader.load_story(story)
    loader.load_story(story)
    assert cache_dir.stat().st_mode & 0o777 == 0o777 and list(cache_dir.iterdir()) == []
    assert capsys.readouterr().err.count("not using the cache folder") == 1


def test_a_symlinked_or_special_entry_is_ignored(story: Path, cache_dir: Path, tmp_path: Path) -> None:
    targets = forged(story, cache_dir, Path.cwd())
    for number, target in enumerate(targets):
        outside = tmp_path / f"outside-{number}.json"
        target.rename(outside)
        target.symlink_to(outside)
    assert loader.load_story(story).scenes["square"].title == "The square"
    for target in targets:
        target.unlink()
        os.mkfifo(target)  # reading a FIFO would wait for a writer for ever
    assert loader.load_story(story).scenes["square"].title == "The square"


@pytest.mark.slow
def test_no_pickle_is_ever_imported(story: Path, cache_dir: Path) -> None:
    code = ("import sys; from engine.io.loader import load_story; load_story(sys.argv[1]); load_story(sys.argv[1]);"
            "print('pickle' in sys.modules)")
    env = {**os.environ, cache.DIR_ENV: str(cache_dir), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code, str(story)], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
    assert all(json.loads(p.read_bytes()) for p in cache_dir.iterdir())


# --- L10 and the cache half of L9, as the review ran them: the CLI on a story with a warm cache ------------


def limited() -> None:
    """A 384 MiB address space: reading /dev/zero, or even 512 MiB of it, ends in a MemoryError at once."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (384 << 20, 384 << 20))


def cli(story: Path, cache_dir: Path, *command: str, strace: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, cache.DIR_ENV: str(cache_dir), "PYTHONPATH": str(ROOT),
           "HUNGARY56_SAVES": str(cache_dir.parent / "saves"), "NO_COLOR": "1"}
    env.pop(cache.DISABLE_ENV, None)
    prefix = ["strace", "-f", "-o", "/dev/null", *strace] if strace else []
    return subprocess.run([*prefix, sys.executable, "-m", "engine", *command, str(story)], cwd=ROOT, env=env,
                          input="quit\n", capture_output=True, text=True, timeout=60,
                          preexec_fn=None if strace else limited)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["dev-zero-symlink", "fifo"])
def test_l10_an_entry_that_is_dev_zero_or_a_fifo_neither_crashes_nor_hangs_the_load(
        story: Path, tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "cache"
    assert cli(story, folder, "play").returncode == 0
    assert cli(story, folder, "lint").returncode == 0
    entries = sorted(p.name for p in folder.iterdir())
    assert any(n.startswith("f-") for n in entries) and any(n.startswith("l-") for n in entries)
    for name in entries:  # every entry the new cache reads, under its own name
        (folder / name).unlink()
        if kind == "fifo":
            os.mkfifo(folder / name)  # reading it would wait for a writer for ever
        else:
            (folder / name).symlink_to("/dev/zero")  # reading it whole would never end
    for command in ("play", "lint"):
        result = cli(story, folder, command)  # subprocess.TimeoutExpired if it hangs
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert "Goodbye" in cli(story, folder, "play").stdout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_l9_a_cache_entry_a_killed_writer_left_half_written_is_swept(story: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    killed = cli(story, folder, "play", strace=("-e", "trace=rename,renameat,renameat2",
                                                "-e", "inject=rename,renameat,renameat2:signal=SIGKILL:when=1"))
    assert killed.returncode != 0  # the review's way of leaving one: SIGKILL at the rename
    left = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert left and all(p.name.startswith(".f-") for p in left)
    fresh = folder / f".f-{'2' * 40}.json.0123456789ab.tmp"
    fresh.write_text("another process's entry in progress", encoding="utf-8")
    for path in left:
        os.utime(path, (0, 0))  # more than an hour ago
    assert cli(story, folder, "play").returncode == 0
    assert not any(path.exists() for path in left)
    assert fresh.exists()  # maybe still being written: kept
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == [fresh.name]


def test_l9_ctrl_c_while_an_entry_is_written_leaves_no_temporary_file(
        story: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.io import atomic

    class CtrlC:
        def __getattr__(self, name: str) -> object:
            if name == "write":
                def interrupted(*_args: object) -> int:
                    raise KeyboardInterrupt
                return interrupted
            return getattr(os, name)

    monkeypatch.setattr(atomic, "os", CtrlC())
    with pytest.raises(KeyboardInterrupt):
        loader.load_story(story)
    monkeypatch.setattr(atomic, "os", os)
    assert cache_dir.is_dir() and not any(p.name.endswith(".tmp") for p in cache_dir.iterdir())
