"""Loading a story pauses the cyclic garbage collector and leaves it as it found it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from engine.core.errors import StoryError
from engine.io.loader import load_story
from tests.conftest import TINY


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("folder", [TINY, TINY / "missing"], ids=["valid", "missing"])
def test_the_collector_is_left_as_it_was(enabled: bool, folder: Path) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        try:
            load_story(folder)
        except StoryError:
            pass
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_a_loaded_story_is_out_of_the_collectors_sight() -> None:
    gc.unfreeze()
    load_story(TINY)
    assert gc.get_freeze_count() > 0
