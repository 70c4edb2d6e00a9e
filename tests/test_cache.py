"""The compiled-story cache: used when fresh, rebuilt when stale, ignored when broken."""

from __future__ import annotations

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


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.DIR_ENV, str(folder))
    monkeypatch.delenv(cache.DISABLE_ENV, raising=False)
    return folder


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object) -> None:
        raise AssertionError("the story was parsed again instead of coming from the cache")

    monkeypatch.setattr(loader, "parse_document", fail)


def test_a_second_load_comes_from_the_cache_and_plays_the_same(story: Path, cache_dir: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    first = loader.load_story(story)
    assert cache.entry_path(story).is_file()
    no_parsing(monkeypatch)
    second = loader.load_story(story)
    assert repr(second) == repr(first)
    # The compiled conditions and effects were rebuilt: the cached story plays.
    state = machine.choose(second, machine.new_game(second), 0)
    assert state.variables == {"courage": 2, "armed": True}
    assert "The rifle is heavy on your shoulder." in machine.visible_text(second, state)


def test_a_changed_file_makes_the_entry_stale(story: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loader.load_story(story)
    scenes = story / "scenes" / "two.yaml"
    scenes.write_text(scenes.read_text(encoding="utf-8").replace("title: The square", "title: The big square"),
                      encoding="utf-8")
    changed = loader.load_story(story)
    assert changed.scenes["square"].title == "The big square"
    no_parsing(monkeypatch)
    assert loader.load_story(story).scenes["square"].title == "The big square"


def test_a_new_file_makes_the_entry_stale(story: Path, cache_dir: Path) -> None:
    loader.load_story(story)
    (story / "scenes" / "three.yaml").write_text(
        (story / "scenes" / "two.yaml").read_text(encoding="utf-8").replace("id: ", "id: x_").replace("goto: ", "goto: x_"),
        encoding="utf-8",
    )
    assert "x_square" in loader.load_story(story).scenes


@pytest.mark.parametrize("damage", [b"", b"garbage", b"hungary56-story-cache 1\n", "header"], ids=repr)
def test_a_corrupted_entry_is_ignored_and_replaced(story: Path, cache_dir: Path, damage: object) -> None:
    expected = repr(loader.load_story(story))
    entry = cache.entry_path(story)
    if damage == "header":  # the right key, then a pickle cut short
        data = entry.read_bytes()
        damage = data[: len(data) // 2]
    assert isinstance(damage, bytes)
    entry.write_bytes(damage)
    assert repr(loader.load_story(story)) == expected
    assert entry.read_bytes() != damage


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
    entry = cache.entry_path(story)
    entry.unlink()
    entry.mkdir()  # reading a folder fails with an OSError, whoever runs the test
    assert loader.load_story(story).id == "tiny"


def test_the_cache_can_be_switched_off(story: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.DISABLE_ENV, "1")
    loader.load_story(story)
    assert not cache.entry_path(story).exists()


def test_a_broken_story_is_never_cached(story: Path, cache_dir: Path) -> None:
    scenes = story / "scenes" / "two.yaml"
    scenes.write_text(scenes.read_text(encoding="utf-8").replace("goto: end_home", "goto: nowhere"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(StoryError) as caught:
            loader.load_story(story)
        assert any("nowhere" in p.message for p in caught.value.problems)
    assert not cache.entry_path(story).exists()


def test_the_cli_fills_and_uses_the_cache(story: Path, cache_dir: Path) -> None:
    env = {**os.environ, cache.DIR_ENV: str(cache_dir)}
    env.pop(cache.DISABLE_ENV, None)
    outputs = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-m", "engine", "lint", str(story)], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] and outputs[0].strip()
    assert [p.name for p in cache_dir.iterdir()] == [cache.entry_path(story).name]
