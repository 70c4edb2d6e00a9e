"""Saves: round trips (Hypothesis), atomic writes, strict checks, files left untouched on error."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.core import machine
from engine.core.errors import SaveError, SlotNameError
from engine.core.model import GameState, Step
from engine.io.loader import load_story
from engine.io.saves import SaveStore, check_slot, decode, encode
from tests.conftest import TINY

STORY = load_story(TINY)
FIXED = datetime(1956, 10, 23, 15, 0)


def states() -> st.SearchStrategy[GameState]:
    scenes = st.sampled_from(sorted(STORY.scenes))
    return st.builds(
        GameState,
        scene=scenes,
        variables=st.fixed_dictionaries({"courage": st.integers(-10**9, 10**9), "armed": st.booleans()}),
        visits=st.dictionaries(scenes, st.integers(0, 1000)),
        path=st.lists(st.builds(Step, scenes, st.integers(0, 5)), max_size=30).map(tuple),
        turn=st.integers(0, 10**6),
    )


@settings(max_examples=200, deadline=None)
@given(states())
def test_round_trip(state):
    decoded, saved_at = decode(STORY, encode(STORY, state, FIXED))
    assert decoded == state
    assert saved_at == "1956-10-23T15:00:00"


def test_store_saves_lists_and_loads(tmp_path):
    store = SaveStore(tmp_path, clock=lambda: FIXED)
    state = machine.choose(STORY, machine.new_game(STORY), 0)
    store.save(STORY, state, "before-radio")
    assert store.load(STORY, "before-radio") == state
    [info] = store.list(STORY)
    assert (info.slot, info.scene, info.saved_at, info.turn) == ("before-radio", "street", "1956-10-23T15:00:00", 1)
    assert not list(tmp_path.glob("*.tmp")), "no temporary file may be left behind"


def test_autosave_keeps_the_previous_sessions_save(tmp_path):
    first = SaveStore(tmp_path)
    first.autosave(STORY, machine.new_game(STORY))
    second = SaveStore(tmp_path)
    moved = machine.choose(STORY, machine.new_game(STORY), 1)
    second.autosave(STORY, moved)
    second.autosave(STORY, moved)
    assert second.load(STORY, "autosave-previous").scene == "gate"
    assert second.load(STORY, "autosave").scene == "street"


@pytest.mark.parametrize("slot", ["../x", "/etc/passwd", "a/b", "x\x00y", "", ".hidden", "a" * 65, "ő", "..", "con sole"])
def test_slot_names_that_are_paths_are_refused(slot, tmp_path):
    with pytest.raises(SlotNameError):
        check_slot(slot)
    with pytest.raises(SlotNameError):
        SaveStore(tmp_path).save(STORY, machine.new_game(STORY), slot)
    assert list(tmp_path.iterdir()) == []


def _valid() -> dict:
    return json.loads(encode(STORY, machine.new_game(STORY), FIXED))


def _with(change) -> bytes:
    document = _valid()
    change(document)
    return json.dumps(document).encode()


BAD_SAVES = {
    "truncated": (encode(STORY, machine.new_game(STORY), FIXED)[:40], "corrupted or truncated"),
    "garbage": (b"\x00\xff garbage", "corrupted or truncated"),
    "empty": (b"", "corrupted or truncated"),
    "not-ours": (b'{"hello": 1}', "not a hungary56 save"),
    "newer-format": (_with(lambda d: d.update(format_version=99)), "newer hungary56"),
    "other-story": (_with(lambda d: d["story"].update(id="other")), "belongs to another story ('other')"),
    "missing-scene": (_with(lambda d: d["state"].update(scene="gone")), "no longer has"),
    "wrong-type": (_with(lambda d: d["state"]["variables"].update(armed="yes")), "must be true or false"),
    "bad-path": (_with(lambda d: d["state"].update(path=[["gate"]])), "path of choices is damaged"),
    "bad-turn": (_with(lambda d: d["state"].update(turn=-1)), "turn counter is damaged"),
    "bad-visits": (_with(lambda d: d["state"].update(visits=[])), "visit counts are damaged"),
    "list": (b"[1, 2]", "not a hungary56 save"),
}


@pytest.mark.parametrize("name", sorted(BAD_SAVES))
def test_bad_saves_are_refused_and_left_untouched(name, tmp_path):
    data, message = BAD_SAVES[name]
    target = tmp_path / "slot.json"
    target.write_bytes(data)
    before = (target.read_bytes(), target.stat().st_mtime_ns)
    with pytest.raises(SaveError) as caught:
        SaveStore(tmp_path).load(STORY, "slot")
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(target))
    assert (target.read_bytes(), target.stat().st_mtime_ns) == before


def test_missing_save(tmp_path):
    with pytest.raises(SaveError, match="no save called 'nothing'"):
        SaveStore(tmp_path).load(STORY, "nothing")


def test_unreadable_saves_are_listed_with_their_problem(tmp_path):
    (tmp_path / "broken.json").write_bytes(b"{")
    SaveStore(tmp_path).save(STORY, machine.new_game(STORY), "good")
    infos = {i.slot: i for i in SaveStore(tmp_path).list(STORY)}
    assert "corrupted" in infos["broken"].problem and infos["good"].scene == "gate"


def test_save_into_unwritable_folder_is_a_clear_error(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with pytest.raises(SaveError, match="cannot write the save"):
        SaveStore(Path(blocked)).save(STORY, machine.new_game(STORY), "x")
    assert os.path.isfile(blocked)
