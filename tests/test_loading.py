"""Loading stories: the tiny fixture loads; broken ones report every problem with file:line:col."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.core.errors import StoryError
from engine.io.loader import load_story
from tests.conftest import TINY


def test_tiny_story_loads(tiny_story):
    assert tiny_story.id == "tiny"
    assert list(tiny_story.scenes) == ["gate", "street", "square", "end_fallen", "end_home"]
    gate = tiny_story.scenes["gate"]
    assert gate.choices[0].kind == "plausible" and gate.choices[0].effects[0].source == "armed = true"
    assert tiny_story.scenes["street"].choices[0].auto
    assert tiny_story.scenes["end_home"].ending.kind == "stayed"
    assert "Ő" in tiny_story.scenes["end_home"].text
    assert tiny_story.chapters[1].setup[0].source == "courage = 2"


@pytest.fixture
def story_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "story"
    shutil.copytree(TINY, target)
    monkeypatch.chdir(tmp_path)
    return target


def problems_after(story: Path, file: str, old: str, new: str) -> list[str]:
    path = story / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(StoryError) as caught:
        load_story(story)
    return [p.format() for p in caught.value.problems]


@pytest.mark.parametrize(
    "file, old, new, expected",
    [
        ("scenes/one.yaml", "goto: street\n        do", "goto: stret\n        do",
         ["story/scenes/one.yaml:17:15: error: choice 1 of 'gate' goes to unknown scene 'stret' (did you mean 'street'?)"]),
        ("scenes/one.yaml", 'do: ["armed = true", "courage += 2"]', 'do: ["armed = 1", "courage += 2"]',
         ["story/scenes/one.yaml:18:23: error: 'armed' is a bool, but this value is an int"]),
        ("scenes/two.yaml", 'if: "armed and courage >= 2"', 'if: "armed and curage >= 2"',
         ["story/scenes/two.yaml:13:24: error: unknown variable 'curage' (did you mean 'courage'?)"]),
        ("scenes/two.yaml", 'if: "armed and courage >= 2"', 'if: "armed and (courage >= 2"',
         ["story/scenes/two.yaml:13:37: error: '(' at column 11 is never closed"]),
        ("scenes/one.yaml", "    where: Múzeum körút", "    wher: Múzeum körút",
         # one mistake, one problem: the misspelt key is not also reported as missing
         ["story/scenes/one.yaml:30:5: error: unknown key 'wher' in scene 'street' (did you mean 'where'?)"]),
        ("scenes/one.yaml", "kind: historical", "kind: historic",
         ["story/scenes/one.yaml:23:15: error: 'kind' must be one of historical, plausible, counterfactual, personal, "
          "not 'historic' (did you mean 'historical'?)"]),
        ("scenes/two.yaml", "  - id: end_home", "  - id: end_fallen",
         ["story/scenes/two.yaml:33:5: error: scene 'end_fallen' is already defined at story/scenes/two.yaml:24:5",
          "story/scenes/two.yaml:17:15: error: choice 2 of 'square' goes to unknown scene 'end_home'",
          "story/scenes/two.yaml:21:15: error: choice 3 of 'square' goes to unknown scene 'end_home'"]),
        ("scenes/one.yaml", 'time: "23:00"', 'time: "25:00"',
         ["story/scenes/one.yaml:29:12: error: 'time' must be HH:MM on a 24-hour clock, not '25:00'"]),
        ("story/story.yaml", "courage: {type: int, initial: 0", "courage: {type: int, initial: no",
         ["story/story/story.yaml:6:33: error: 'initial' of int variable 'courage' cannot be a string"]),
    ],
    ids=["broken-goto", "effect-type", "unknown-variable", "unclosed-paren", "unknown-key", "bad-kind",
         "duplicate-scene", "bad-time", "bad-initial"],
)
def test_located_errors(story_copy, file, old, new, expected):
    found = problems_after(story_copy, file, old, new)
    assert sorted(found) == sorted(expected)


def test_every_problem_is_reported_at_once(story_copy):
    (story_copy / "scenes" / "three.yaml").write_text(
        "scenes:\n  - id: x\n    chapter: nowhere\n    title: X\n    date: 1956-13-01\n    where: Y\n"
        "    text: Z\n    next: gate\n    ending: {title: A, kind: fled, epilogue: B}\n", encoding="utf-8")
    with pytest.raises(StoryError) as caught:
        load_story(story_copy)
    lines = [p.format() for p in caught.value.problems]
    assert lines == [
        "story/scenes/three.yaml:2:5: error: scene 'x' needs exactly one of 'choices', 'next' or 'ending' (it has next, ending)",
        # at the key at fault, saying what to do (#25)
        "story/scenes/three.yaml:3:14: error: scene 'x' names unknown chapter 'nowhere' (declare it under 'chapters' "
        "in story.yaml)",
        "story/scenes/three.yaml:5:11: error: 'date' must be a date such as 1956-10-23, not '1956-13-01'",
        "story/scenes/three.yaml:9:30: error: 'kind' must be one of exile, arrested, stayed, fallen, other, not 'fled' "
        "(did you mean 'fallen'?) (or, in a story that is not history, say 'fiction: true' in story.yaml and use "
        "kinds of your own)",
    ]


def test_not_a_story_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoryError) as caught:
        load_story(tmp_path / "empty")
    assert str(caught.value) == "empty: error: not a story folder: it has no story/ or scenes/ folder"
    with pytest.raises(StoryError, match="no such story folder"):
        load_story(tmp_path / "missing")


def test_invalid_utf8_and_tabs_are_located(story_copy):
    (story_copy / "scenes" / "bad.yaml").write_bytes(b"scenes:\n  - id: \xff\xfe\n")
    (story_copy / "scenes" / "tabs.yaml").write_text("scenes:\n\t- id: x\n", encoding="utf-8")
    with pytest.raises(StoryError) as caught:
        load_story(story_copy)
    assert [p.format() for p in caught.value.problems] == [
        "story/scenes/bad.yaml:2:9: error: the file is not valid UTF-8 (save it as UTF-8)",
        "story/scenes/tabs.yaml:2:1: error: a tab indents this line; YAML needs spaces",
    ]
