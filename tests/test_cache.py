"""The per-file story cache: used when fresh, one file rebuilt when it changes, ignored when broken."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.core import machine
from engine.core.errors import StoryError
from engine.io import cache, loader
from tests.conftest import REPO as ROOT
from tests.conftest import TINY


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


def entry(path: Path) -> Path:
    """The cache entry of one story file."""
    shown = loader.display_path(path)
    return cache.cache_dir() / f"f-{cache.file_key(shown, path.read_bytes())}.json"


def story_entries(cache_dir: Path) -> list[Path]:
    """The whole-story entries (loader.load_files keeps one for the exact files it built)."""
    return sorted(cache_dir.glob("s-*.json"))


def forget_stories(cache_dir: Path) -> None:
    """Drop the whole-story entries, so that the next load goes through each file's entry."""
    for path in story_entries(cache_dir):
        path.unlink()


def count_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = loader.parse_document

    def counting(data: bytes, shown: str) -> tuple[object, list[object]]:
        parsed.append(Path(shown).name)
        return real(data, shown)  # type: ignore[return-value]

    monkeypatch.setattr(loader, "parse_document", counting)
    return parsed


@pytest.mark.parametrize("kind", ["file", "story"])
def test_a_second_load_comes_from_the_cache_and_plays_the_same(story: Path, cache_dir: Path,
                                                              monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    first = loader.load_story(story)
    assert all(entry(p).is_file() for p in story.glob("*/*.yaml")) and len(story_entries(cache_dir)) == 1
    if kind == "file":
        forget_stories(cache_dir)
    parsed = count_parsing(monkeypatch)
    second = loader.load_story(story)
    assert parsed == []
    assert repr(second) == repr(first)
    # The conditions and effects compile from the cached trees: the cached story plays.
    state = machine.choose(second, machine.new_game(second), 0)
    assert state.variables == {"courage": 2, "armed": True}
    assert "The rifle is heavy on your shoulder." in machine.visible_text(second, state)


def test_entries_are_plain_json_in_a_private_folder(story: Path, cache_dir: Path) -> None:
    loader.load_story(story)
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    entries = sorted(cache_dir.iterdir())
    assert len(entries) == 4  # each of the three files, and the whole story
    for path in entries:
        assert path.stat().st_mode & 0o077 == 0
        value = json.loads(path.read_bytes())
        assert value["key"] in path.name


def test_a_changed_file_alone_is_parsed_again(story: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loader.load_story(story)
    scenes = story / "scenes" / "two.yaml"
    scenes.write_text(scenes.read_text(encoding="utf-8").replace("title: The square", "title: The big square"),
                      encoding="utf-8")
    parsed = count_parsing(monkeypatch)
    changed = loader.load_story(story)
    assert parsed == ["two.yaml"]
    assert changed.scenes["square"].title == "The big square"
    assert loader.load_story(story).scenes["square"].title == "The big square"
    assert parsed == ["two.yaml"]


def test_a_change_in_one_file_is_checked_against_the_cached_others(story: Path, cache_dir: Path) -> None:
    loader.load_story(story)
    scenes = story / "scenes" / "two.yaml"
    scenes.write_text(scenes.read_text(encoding="utf-8").replace("id: square", "id: plaza"), encoding="utf-8")
    with pytest.raises(StoryError) as caught:
        loader.load_story(story)
    assert any("square" in p.message and p.code == "E120" for p in caught.value.problems)


def test_a_new_file_is_picked_up(story: Path, cache_dir: Path) -> None:
    loader.load_story(story)
    (story / "scenes" / "three.yaml").write_text(
        (story / "scenes" / "two.yaml").read_text(encoding="utf-8").replace("id: ", "id: x_").replace("goto: ", "goto: x_"),
        encoding="utf-8",
    )
    assert "x_square" in loader.load_story(story).scenes


def test_a_moved_story_does_not_reuse_locations_of_the_old_place(story: Path, cache_dir: Path, tmp_path: Path) -> None:
    loader.load_story(story)
    moved = tmp_path / "elsewhere"
    shutil.copytree(story, moved)
    again = loader.load_story(moved)
    assert str(moved) in again.scenes["square"].location.path


@pytest.mark.parametrize("damage", [
    b"", b"garbage", b"{}", b"[1, 2, 3]", b'{"key": "KEY", "kind": "scenes", "scenes": [99], "problems": [0]}',
    b'{"key": "KEY", "kind": "scenes", "scenes": [0, [10]], "problems": [0]}',
    b'{"key": "KEY", "kind": "scenes", "scenes": [0, {"a": 1}], "problems": [0]}',
    b'{"key": "KEY", "kind": "scenes", "scenes": [0, "a scene"], "problems": [0]}',
    b'{"key": "KEY", "kind": "scenes", "scenes": [0], "problems": [0, 12' + b"3" * 5000 + b"]}",
    "truncated",
], ids=lambda d: repr(d)[:40])
@pytest.mark.parametrize("kind", ["file", "story"])
def test_a_damaged_entry_is_ignored_and_replaced(story: Path, cache_dir: Path, damage: object, kind: str) -> None:
    expected = repr(loader.load_story(story))
    if kind == "file":
        forget_stories(cache_dir)  # else the load would not need the file's entry
        target = entry(story / "scenes" / "two.yaml")
    else:
        [target] = story_entries(cache_dir)
    key = target.name[2:-5]
    if damage == "truncated":
        data = target.read_bytes()
        damage = data[: len(data) // 2]
    assert isinstance(damage, bytes)
    target.write_bytes(damage.replace(b"KEY", key.encode()))
    assert repr(loader.load_story(story)) == expected
    assert json.loads(target.read_bytes())["key"] == key


def test_an_unwritable_cache_folder_does_not_stop_the_load(story: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.DIR_ENV, str(blocker / "cache"))
    monkeypatch.delenv(cache.DISABLE_ENV, raising=False)
    assert loader.load_story(story).id == "tiny"
    assert loader.load_story(story).id == "tiny"


def test_an_unreadable_entry_is_ignored(story: Path, cache_dir: Path) -> None:
    loader.load_story(story)
    target = entry(story / "scenes" / "two.yaml")
    target.unlink()
    target.mkdir()  # reading a folder fails with an OSError, whoever runs the test
    assert loader.load_story(story).id == "tiny"


def test_the_cache_can_be_switched_off(story: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.DISABLE_ENV, "1")
    loader.load_story(story)
    assert not cache_dir.exists()


def test_a_broken_story_fails_the_same_way_with_its_files_cached(story: Path, cache_dir: Path) -> None:
    scenes = story / "scenes" / "two.yaml"
    scenes.write_text(scenes.read_text(encoding="utf-8").replace("goto: end_home", "goto: nowhere")
                      .replace("kind: plausible", "kind: likely"), encoding="utf-8")
    found = []
    for _ in range(2):
        with pytest.raises(StoryError) as caught:
            loader.load_story(story)
        found.append([p.format(with_code=True) for p in caught.value.problems])
    assert found[0] == found[1]
    assert any("nowhere" in p for p in found[0]) and any("likely" in p for p in found[0])


def test_a_file_that_does_not_parse_is_never_cached(story: Path, cache_dir: Path) -> None:
    scenes = story / "scenes" / "two.yaml"
    scenes.write_text("scenes: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(StoryError):
            loader.load_story(story)
    assert not entry(scenes).exists()


def cli(story: Path, cache_dir: Path, *args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, cache.DIR_ENV: str(cache_dir), "PYTHONPATH": str(ROOT)}
    env.pop(cache.DISABLE_ENV, None)
    command = [sys.executable, "-c", code, str(story)] if code else [sys.executable, "-m", "engine", *args, str(story)]
    return subprocess.run(command, cwd=ROOT, env=env, input="quit\n", capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_the_cli_fills_and_uses_the_cache(story: Path, cache_dir: Path) -> None:
    outputs = []
    for _ in range(2):
        result = cli(story, cache_dir, "lint")
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] and outputs[0].strip()
    names = sorted(p.name[:2] for p in cache_dir.iterdir())
    # three files; the linter's facts of the two scene files (engine/author/relint.py) and its findings
    assert names == ["f-", "f-", "f-", "l-", "l-", "l-"]


@pytest.mark.slow
def test_lint_findings_are_reused_only_for_the_same_files(story: Path, cache_dir: Path) -> None:
    first = cli(story, cache_dir, "lint")
    scenes = story / "scenes" / "two.yaml"
    scenes.write_text(scenes.read_text(encoding="utf-8").replace("        history: Most went home.\n", ""), encoding="utf-8")
    second = cli(story, cache_dir, "lint")
    assert "W331" not in first.stdout and "W331" in second.stdout
    scenes.write_text((TINY / "scenes" / "two.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert cli(story, cache_dir, "lint").stdout == first.stdout


PROBE = """
import sys
from engine.io.loader import load_story
load_story(sys.argv[1])
print(sorted(m for m in ("yaml", "pickle", "hashlib") if m in sys.modules))
"""


@pytest.mark.slow
def test_a_cached_load_needs_neither_pyyaml_nor_pickle(story: Path, cache_dir: Path) -> None:
    assert "'yaml'" in cli(story, cache_dir, code=PROBE).stdout  # the first load parses (and writes)
    assert cli(story, cache_dir, code=PROBE).stdout.strip() == "[]"


@pytest.mark.parametrize("kind", ["file", "story"])
def test_the_bundled_story_comes_back_from_the_cache_the_same(cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                              kind: str) -> None:
    """Every kind of value the story holds (inline-text templates, sources, places, cards too)
    survives the round trip through each file's entry and through the whole story's."""
    folder = loader.bundled_story_dir()
    built = loader.load_story(folder)
    if kind == "file":
        forget_stories(cache_dir)
    parsed = count_parsing(monkeypatch)
    cached = loader.load_story(folder)
    assert parsed == [] and repr(cached) == repr(built)
    assert (cached.warnings, list(cached.scenes), cached.places) == (built.warnings, list(built.scenes), built.places)
    for state_of in (built, cached):
        state = machine.new_game(state_of)
        assert machine.visible_text(state_of, state)


def test_the_folder_is_kept_under_its_size_by_dropping_the_least_recently_used(story: Path, cache_dir: Path) -> None:
    loader.load_story(story)
    room = int(sum(p.stat().st_size for p in cache_dir.iterdir()) / 0.8) + 100  # the story's entries fit
    old = cache_dir / f"f-{'0' * 40}.json"
    old.write_bytes(b"{}" + b" " * 4000)
    os.chmod(old, 0o600)
    os.utime(old, (1, 1))  # used long ago
    litter = cache_dir / f".f-{'1' * 40}.json.abc123.tmp"  # a writer killed half-way, long ago
    litter.write_bytes(b"half")
    os.utime(litter, (1, 1))
    cache._written = 1  # as if this process had just written an entry
    assert cache.prune(max_bytes=room) == 2
    assert not old.exists() and not litter.exists()
    assert len(list(cache_dir.iterdir())) == 4  # the story's own entries stay
    assert cache.prune(max_bytes=1) == 0  # nothing written since: nothing scanned


def test_entries_stay_private_whatever_the_umask(story: Path, cache_dir: Path) -> None:
    previous = os.umask(0)
    try:
        loader.load_story(story)
    finally:
        os.umask(previous)
    assert all(p.stat().st_mode & 0o077 == 0 for p in cache_dir.iterdir())
    assert repr(loader.load_story(story))  # and they are used


@pytest.mark.parametrize("paths", [[], "not a list", [7], None])
def test_a_story_entry_with_a_damaged_list_of_paths_is_rebuilt(story: Path, cache_dir: Path, paths: object) -> None:
    expected = repr(loader.load_story(story))
    [target] = story_entries(cache_dir)
    value = json.loads(target.read_bytes())
    assert value["paths"], "the whole story's entry names the files its locations are in"
    value["paths"] = paths
    target.write_text(json.dumps(value), encoding="utf-8")
    assert repr(loader.load_story(story)) == expected
    rewritten = json.loads(target.read_bytes())["paths"]
    assert isinstance(rewritten, list) and rewritten and all(isinstance(path, str) for path in rewritten)


def test_the_fingerprint_covers_every_engine_module(tmp_path: Path) -> None:
    """Code review 2026-12-06 §1.5: editing the reading-time module left `lint` printing a stale E364
    message, because the cache's fingerprint named its modules by hand. Now it hashes them all."""
    import shutil

    from engine.io import cache

    engine = Path(cache.__file__).resolve().parent.parent
    assert cache.engine_sources() == sorted(str(p.relative_to(engine)) for p in engine.rglob("*.py")
                                           if "__pycache__" not in p.parts)
    copy = tmp_path / "engine"
    shutil.copytree(engine, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.fingerprint_of(copy)
    reading = copy / "core" / "reading.py"
    reading.write_text(reading.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert cache.fingerprint_of(copy) != before
