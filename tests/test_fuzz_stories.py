"""Damaged stories end in a StoryError whose every problem is located, or in a valid story: never
in another exception, and within bounded time and memory (the hostile cases run in a
subprocess under a memory limit)."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.core.errors import StoryError
from engine.core.model import Story
from engine.io.loader import load_story
from tests.conftest import REPO as ROOT
from tests.conftest import TINY

FILES = {name: (TINY / name).read_bytes() for name in ("story/story.yaml", "scenes/one.yaml", "scenes/two.yaml")}
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True, scope="module")
def no_cache() -> Iterator[None]:
    """Fuzzed stories must be built, not fetched from the story cache."""
    old = os.environ.get("HUNGARY56_NO_CACHE")
    os.environ["HUNGARY56_NO_CACHE"] = "1"
    yield
    if old is None:
        del os.environ["HUNGARY56_NO_CACHE"]
    else:
        os.environ["HUNGARY56_NO_CACHE"] = old


def outcome(files: dict[str, bytes]) -> Story | StoryError:
    """Write a story folder, load it, and check the promise: a Story, or located problems."""
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        try:
            return load_story(root)
        except StoryError as exc:
            assert exc.problems, "a StoryError without problems"
            for problem in exc.problems:
                location = problem.location
                assert location.path and location.line > 0 and location.column > 0, problem.format()
                assert problem.message and "Traceback" not in problem.message
            return exc


# --- structural mutations: parse the YAML, damage the data, write it back ----------------------

odd_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
    st.just("x" * 100_000), st.just("é\u202e\u0000\ufeff"), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.integers(1, 60).map(lambda depth: _nest(depth)),
)


def _nest(depth: int) -> Any:
    value: Any = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, prefix + (index,))
    return found


@st.composite
def structurally_damaged(draw: st.DrawFn) -> dict[str, bytes]:
    files = dict(FILES)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        data = yaml.load(files[name], Loader=yaml.CSafeLoader)
        path = draw(st.sampled_from(_paths(data)))
        action = draw(st.sampled_from(["delete", "replace", "rename"]))
        if not path:
            data = draw(odd_values)
        else:
            parent = data
            for key in path[:-1]:
                parent = parent[key]
            if action == "delete":
                del parent[path[-1]]
            elif action == "rename" and isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=10))] = parent.pop(path[-1])
            else:
                parent[path[-1]] = draw(odd_values)
        files[name] = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9).encode("utf-8")
    return files


@pytest.mark.slow
@SETTINGS
@given(structurally_damaged())
def test_structural_damage(files: dict[str, bytes]) -> None:
    event(type(outcome(files)).__name__)


# --- textual mutations: bytes and YAML syntax -----------------------------------------------------

HOSTILE_SNIPPETS = [
    b"!!python/object/apply:os.system [\"echo pwned\"]",
    b"!!python/name:os.system",
    b"!!binary aGVsbG8=",
    b"!custom {a: 1}",
    b"&a [1, 2, *a]",
    b"*undefined",
    b"{<<: {a: 1}}",
    b"[[[[[[[[[[",
    b"\t- tabbed",
    b"\xff\xfe\xfd",
    b"\xef\xbb\xbf",
    b"\x00",
    b"%YAML 1.1\n---\n",
    b"--- \n---\n",
    b"? [complex, key]\n: value",
    b"key: 0o17\nother: 1_000\nwhen: 12:30:00\nyes_no: yes",
    b"'unterminated",
    b"|\n  block\n bad",
    b"a: &x b\nc: *x",
]


@st.composite
def textually_damaged(draw: st.DrawFn) -> dict[str, bytes]:
    files = dict(FILES)
    name = draw(st.sampled_from(sorted(files)))
    data = bytearray(files[name])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "snippet", "truncate", "delete", "bom", "tab"]))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif kind == "snippet":
            data[at:at] = draw(st.sampled_from(HOSTILE_SNIPPETS))
        elif kind == "truncate":
            del data[at:]
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 50))]
        elif kind == "bom":
            data[0:0] = b"\xef\xbb\xbf"
        else:
            line_start = data.rfind(b"\n", 0, at) + 1
            data[line_start:line_start] = b"\t"
    files[name] = bytes(data)
    return files


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(textually_damaged())
def test_textual_damage(files: dict[str, bytes]) -> None:
    event(type(outcome(files)).__name__)


# --- named hostile cases -----------------------------------------------------------------------

LAUGHS = b"scenes:\n" + b"".join(
    b"  - &l%d [" % i + b", ".join([b"*l%d" % (i - 1)] * 9 if i else [b"'lol'"] * 9) + b"]\n" for i in range(10)
)


@pytest.mark.parametrize("name, content", [
    ("scenes/one.yaml", LAUGHS),
    ("scenes/one.yaml", b"scenes: " + b"[" * 5_000 + b"]" * 5_000),
    ("scenes/one.yaml", b"scenes:\n" + b"".join(b" " * i + b"- \n" for i in range(1, 3_000))),
    ("scenes/one.yaml", b"scenes:\n  - !!python/object/apply:os.system ['touch pwned']\n"),
    ("story/story.yaml", b"\xef\xbb\xbf" + FILES["story/story.yaml"]),
    ("story/story.yaml", FILES["story/story.yaml"].replace(b"title: A tiny", b"title: \xff tiny")),
    ("scenes/two.yaml", FILES["scenes/two.yaml"].replace(b"    title: The square", b"\ttitle: The square")),
    ("scenes/two.yaml", b""),
    ("story/story.yaml", b""),
    ("story/story.yaml", b"# only a comment\n"),
    ("scenes/two.yaml", b"scenes: {id: square}"),
    ("scenes/two.yaml", b"- just\n- a list\n"),
    ("scenes/two.yaml", b"scenes:\n  - id: square\n    title: " + b"x" * 1_000_000 + b"\n"),
], ids=["billion-laughs", "deep-flow", "deep-block", "python-tag", "bom", "bad-utf8", "tab", "empty-scenes",
        "empty-story", "comment-only-story", "scenes-not-a-list", "top-level-list", "megabyte-line"])
def test_hostile_files(name: str, content: bytes) -> None:
    result = outcome({**FILES, name: content})
    if name == "story/story.yaml" and content.startswith(b"\xef\xbb\xbf"):
        assert isinstance(result, Story)  # a BOM is harmless
    elif "pwned" in content.decode("utf-8", "replace"):
        assert isinstance(result, StoryError)
        assert not Path("pwned").exists()


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.slow
@pytest.mark.parametrize("content", [
    b"scenes: " + b"[" * 200_000 + b"]" * 200_000,
    b"scenes: " + b"{a: " * 100_000 + b"1" + b"}" * 100_000,
    LAUGHS.replace(b"range", b"") + b"  - &big [" + b", ".join([b"*l9"] * 50) + b"]\n",
    b"a: &x [*x]\n",  # H1: an 11-byte recursive alias
    b"a: &x {b: *x}\n",
    b"a0: &a0 [x]\n" + b"".join(b"a%d: &a%d [*a%d]\n" % (i, i, i - 1) for i in range(1, 100_000)),
], ids=["200k-brackets", "100k-mappings", "more-laughs", "recursive-alias", "recursive-mapping-alias",
        "100k-alias-chain"])
def test_what_would_crash_the_c_parser_is_refused_in_bounded_memory(tmp_path: Path, content: bytes) -> None:
    """The C composer overflows its stack near 100,000 levels; this must be an error, not a crash."""
    for name, data in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    (tmp_path / "scenes" / "one.yaml").write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "engine", "lint", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
        timeout=120, preexec_fn=_limit_memory, env={**os.environ, "HUNGARY56_NO_CACHE": "1"},
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert re.search(r"scenes/one\.yaml:\d+:\d+: error", result.stdout), result.stdout[-2000:]


@pytest.mark.parametrize("content, message", [
    (FILES["story/story.yaml"].replace(b"title: A tiny", b"title: \xff tiny"), "not valid UTF-8"),
    (b"", "no story definition found"),
], ids=["bad-utf8", "empty"])
def test_a_broken_story_file_is_reported_once_at_a_line(content: bytes, message: str) -> None:
    result = outcome({**FILES, "story/story.yaml": content})
    assert isinstance(result, StoryError)
    [problem] = result.problems
    assert message in problem.message
    assert problem.location.path.endswith("story/story.yaml") and problem.location.line >= 1


# --- escape sequences in every text field --------------------------------------------------------

def _string_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _string_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _string_paths(value, (*path, index))
    elif isinstance(node, str):
        yield path


def _strings_of(value: Any, seen: set[int]) -> Iterator[str]:
    """Every string inside a built Story (attrs values, tuples, dicts), each object once."""
    import attrs

    if isinstance(value, str):
        yield value
        return
    if id(value) in seen:
        return
    seen.add(id(value))
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _strings_of(getattr(value, field.name), seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_of(key, seen)
            yield from _strings_of(item, seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings_of(item, seen)


CONTROL_TEXT = st.lists(st.sampled_from(["\x1b[2J", "\x1b]0;t\x07", "\x9b", "\x9d", "\u202e", "\x7f", "\x08",
                                         "\r", "\x00", "\x1b[1A", "ok", " "]), min_size=1, max_size=6).map("".join)


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_escape_sequences_in_any_text_field_never_reach_the_built_story(data: st.DataObject) -> None:
    from engine.core.controls import CONTROLS

    name = data.draw(st.sampled_from(sorted(FILES)))
    document = yaml.load(FILES[name], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    paths = list(_string_paths(document))
    path = data.draw(st.sampled_from(paths))
    target = document
    for step in path[:-1]:
        target = target[step]
    payload = data.draw(CONTROL_TEXT)
    position = data.draw(st.integers(0, len(target[path[-1]])))
    target[path[-1]] = target[path[-1]][:position] + payload + target[path[-1]][position:]
    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=False)
    result = outcome({**FILES, name: text.encode("utf-8")})
    if isinstance(result, Story):
        dirty = [s for s in _strings_of(result, set()) if CONTROLS.search(s)]
        assert not dirty, dirty[:3]
        if CONTROLS.search(payload):
            assert any(w.code == "W109" for w in result.warnings)
