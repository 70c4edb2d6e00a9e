"""Saves that are damaged, foreign or hostile give a SaveError with a clear message and are left
untouched; every valid game state survives a round trip."""

from __future__ import annotations

import json
import os
import string
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core import machine
from engine.core.errors import SaveError, SlotNameError
from engine.core.model import GameState, Step
from engine.io.loader import load_story
from engine.io.saves import SaveStore, check_slot, decode, encode
from tests.conftest import TINY

STORY = load_story(TINY)
SCENES = sorted(STORY.scenes)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
WHEN = datetime(1956, 10, 23, 15, 0)


def valid_document() -> dict[str, Any]:
    state = machine.choose(STORY, machine.new_game(STORY), 0)
    document: dict[str, Any] = json.loads(encode(STORY, state, WHEN))
    return document


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths_of(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths_of(child, prefix + (index,))
    return found


@st.composite
def damaged_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid save with one part deleted or replaced by a value of any type."""
    document = valid_document()
    path = draw(st.sampled_from(paths_of(document)[1:]))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(json_values)
    return document


def check(data: bytes) -> None:
    """decode either accepts a state the story can continue from, or raises SaveError."""
    try:
        state, _ = decode(STORY, data)
    except SaveError as exc:
        assert exc.message and "Traceback" not in exc.message
        return
    assert state.scene in STORY.scenes
    machine.offers(STORY, state)
    machine.visible_text(STORY, state)


@SETTINGS
@given(st.binary(max_size=2000))
def test_garbage_bytes(data: bytes) -> None:
    check(data)


@SETTINGS
@given(json_values)
def test_any_json(value: Any) -> None:
    check(json.dumps(value).encode())


@SETTINGS
@given(damaged_documents())
def test_damaged_saves(document: dict[str, Any]) -> None:
    check(json.dumps(document).encode())


@SETTINGS
@given(st.data())
def test_truncated_and_flipped(data: st.DataObject) -> None:
    valid = encode(STORY, machine.new_game(STORY), WHEN)
    cut = data.draw(st.integers(0, len(valid)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(1, 255)), max_size=3))
    damaged = bytearray(valid)
    for position, mask in flips:
        damaged[position] ^= mask
    check(bytes(damaged[:cut]))


@pytest.mark.parametrize("data, message", [
    (b"", "corrupted or truncated"),
    (b"{\"format\": \"hungary56-save\"", "corrupted or truncated"),
    (b"\xff\xfe garbage", "corrupted or truncated"),
    (b"[" * 100_000, "corrupted or truncated"),
    (b"{\"format\": \"hungary56-save\", \"format_version\": 1, \"story\": {\"id\": \"tiny\"}, \"state\": {\"turn\": "
     + b"9" * 5000 + b"}}", "corrupted or truncated"),
    (b"{\"format\": \"something-else\"}", "not a hungary56 save"),
    (b"{\"format\": \"hungary56-save\", \"format_version\": 99}", "newer hungary56"),
    (b"{\"format\": \"hungary56-save\", \"format_version\": 1, \"story\": {\"id\": \"other\"}}", "another story ('other')"),
], ids=["empty", "truncated", "not-utf8", "deep", "huge-number", "foreign-format", "too-new", "other-story"])
def test_clear_messages(data: bytes, message: str) -> None:
    with pytest.raises(SaveError, match=message.replace("(", r"\(").replace(")", r"\)")):
        decode(STORY, data)


def test_a_missing_scene_is_named() -> None:
    document = valid_document()
    document["state"]["scene"] = "the_cut_scene"
    with pytest.raises(SaveError, match="scene 'the_cut_scene', which this version of the story no longer has"):
        decode(STORY, json.dumps(document).encode())


def test_a_variable_of_the_wrong_type_is_named() -> None:
    document = valid_document()
    document["state"]["variables"]["courage"] = "brave"
    with pytest.raises(SaveError, match="variable 'courage' the value 'brave', but it must be a whole number"):
        decode(STORY, json.dumps(document).encode())


@pytest.mark.parametrize("content", [b"", b"{", b"\x00" * 100, b"{\"format\": \"hungary56-save\"}",
                                     json.dumps({**valid_document(), "story": {"id": "other"}}).encode()],
                         ids=["empty", "truncated", "nul", "no-version", "other-story"])
def test_a_bad_save_file_is_left_untouched(tmp_path: Path, content: bytes) -> None:
    store = SaveStore(tmp_path)
    target = store.path("slot")
    target.write_bytes(content)
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    with pytest.raises(SaveError) as caught:
        store.load(STORY, "slot")
    assert str(target) in str(caught.value)
    assert target.read_bytes() == content
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slot.json"]
    # Listing the saves names the broken one instead of failing.
    [info] = store.list(STORY)
    assert info.slot == "slot" and info.problem


@st.composite
def game_states(draw: st.DrawFn) -> GameState:
    variables = {
        "courage": draw(st.integers(-(2**53 - 1), 2**53 - 1)),  # the range expr.MAX_INT allows
        "armed": draw(st.booleans()),
    }
    visits = draw(st.dictionaries(st.sampled_from(SCENES), st.integers(0, 10**9), max_size=5))
    path = draw(st.lists(st.builds(Step, st.sampled_from(SCENES), st.integers(0, 10)), max_size=20))
    return GameState(draw(st.sampled_from(SCENES)), variables, visits, path, draw(st.integers(0, 10**9)))


@pytest.mark.slow
@SETTINGS
@given(game_states())
def test_every_state_survives_a_round_trip(state: GameState) -> None:
    decoded, saved_at = decode(STORY, encode(STORY, state, WHEN))
    assert decoded == state
    assert saved_at == "1956-10-23T15:00:00"


bad_slot_names = st.one_of(
    st.builds(lambda a, b: f"{a}../{b}", st.text(string.ascii_letters, max_size=5), st.text(max_size=5)),
    st.builds(lambda a: f"/{a}", st.text(max_size=10)),
    st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=5), st.text(max_size=5)),
    st.builds(lambda a, b: f"{a}/{b}", st.text(max_size=5), st.text(max_size=5)),
    st.builds(lambda a, b: f"{a}\\{b}", st.text(max_size=5), st.text(max_size=5)),
    st.sampled_from(["", ".", "..", "-x", "a" * 65, "con sole", "é"]),
)


@SETTINGS
@given(bad_slot_names)
def test_slot_names_that_escape_or_cannot_be_files_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(SlotNameError):
        check_slot(name)
    store = SaveStore(tmp_path / "saves")
    with pytest.raises(SlotNameError):
        store.save(STORY, machine.new_game(STORY), name)
    with pytest.raises(SlotNameError):
        store.load(STORY, name)
    assert not (tmp_path / "saves").exists() or not any((tmp_path / "saves").iterdir())
