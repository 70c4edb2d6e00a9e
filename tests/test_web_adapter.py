"""The browser's Python adapter, in CPython: what the page is answered, saves in the terminal's format,
the transcript, and the events the same as in-process `step` (the browser tests replay them in Pyodide)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.io import saves
from engine.io.loader import bundled_story_dir, load_story
from engine.web.built import story_document
from tests.conftest import REPO, run_cli

pytest.importorskip("engine.core.game", reason="the adapter drives engine.core.game (issue #20), not on this branch yet")

from engine.web.adapter import Web  # noqa: E402

PLAYTHROUGHS = sorted((REPO / "tests" / "playthroughs").glob("*.yaml"))


@pytest.fixture(scope="module")
def story() -> Any:
    return load_story(bundled_story_dir())


@pytest.fixture(scope="module")
def story_json(story) -> str:
    return json.dumps(story_document(story), ensure_ascii=False)


def inputs_of(path: Path) -> list[Any]:
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["inputs"])


def play(web: Web, inputs: list[Any]) -> list[dict[str, Any]]:
    answers = [json.loads(web.start())]
    for item in inputs:
        answers.append(json.loads(web.choose(item["choice"]) if isinstance(item, dict) else web.send(item)))
    return answers


def test_the_first_answer_shows_the_opening_scene_with_its_choices_as_buttons(story, story_json):
    answer = json.loads(Web(story_json).start())
    first = story.scenes[story.start]
    scene = [s for s in answer["screens"] if s["kind"] == "scene"][-1]
    assert scene["scene"] == story.start and first.title in [b["text"] for b in scene["blocks"]]
    assert [c["number"] for c in answer["view"]["choices"]] == list(range(1, len(answer["view"]["choices"]) + 1))
    assert answer["view"]["choices"] and all(c["id"] for c in answer["view"]["choices"])
    assert answer["events"][0]["type"] in ("ChapterOpened", "SceneShown")


def test_a_choice_by_its_id_moves_on_and_autosaves_in_the_terminals_format(story, story_json):
    web = Web(story_json)
    start = json.loads(web.start())
    answer = json.loads(web.choose(start["view"]["choices"][0]["id"]))
    assert any(e["type"] == "Chosen" for e in answer["events"])
    autosaves = [s for s in answer["saves"] if s["slot"] == "autosave"]
    assert autosaves
    state, _ = saves.decode(story, autosaves[-1]["json"].encode("utf-8"))
    assert state.turn >= 1
    closed = json.loads(web.choose("no-such-choice"))
    assert closed["notices"][0]["kind"] == "error"


def test_a_save_from_the_page_loads_and_a_bad_one_is_refused_with_the_terminals_words(story, story_json):
    web = Web(story_json)
    web.start()
    web.send("1")
    text = web.save_json()
    state, _ = saves.decode(story, text.encode("utf-8"))
    other = Web(story_json)
    other.start()
    loaded = json.loads(other.load_save(text, "file"))
    assert loaded["view"]["scene"] == state.scene
    for bad, words in (("{", "not valid JSON"), ('{"format": "x"}', "not a hungary56 save"),
                       ('{"format": "hungary56-save", "format_version": 99}', "newer hungary56")):
        answer = json.loads(other.load_save(bad))
        assert words in answer["notices"][0]["text"], bad
    assert json.loads(other.load_save(bad))["view"]["scene"] == state.scene  # a refused save changes nothing


def test_the_autosave_the_page_kept_continues_the_game(story, story_json):
    web = Web(story_json)
    web.start()
    web.send("1")
    kept = web.save_json()
    again = json.loads(Web(story_json).start(kept))
    assert again["view"]["scene"] == json.loads(kept)["state"]["scene"]
    broken = json.loads(Web(story_json).start("not a save"))
    assert broken["notices"][0]["kind"] == "error" and broken["view"]["scene"] == story.start


def test_every_playthrough_reaches_its_end_through_the_adapter(story, story_json):
    for path in PLAYTHROUGHS:
        answers = play(Web(story_json), inputs_of(path))
        assert all(a["view"] for a in answers), path.stem
        assert not [n for a in answers for n in a["notices"] if n["kind"] == "error"], path.stem


def test_the_transcript_is_markdown_with_the_reason_after_the_choice(story, story_json):
    web = Web(story_json)
    start = json.loads(web.start())
    web.choose(start["view"]["choices"][0]["id"])
    web.reason("Because  the walls\nare thin.")
    markdown = web.transcript_markdown()
    assert markdown.startswith(f"# {story.title}: transcript")
    chosen = markdown.index("Chosen: 1.")
    assert markdown.index("Why: Because the walls are thin.") > chosen
    assert story.scenes[story.start].title in markdown


@pytest.mark.slow
def test_the_page_transcript_is_the_one_play_transcript_writes(story_json, tmp_path: Path):
    inputs = ["1", "", "1", "", "2", "notes", "1"]
    web = Web(story_json)
    play(web, inputs)
    result = run_cli("play", "--saves", str(tmp_path / "saves"), "--transcript", str(tmp_path / "t.md"),
                     stdin="\n".join([*inputs, "quit"]) + "\n")
    assert result.returncode == 0, result.stderr
    assert web.transcript_markdown() == (tmp_path / "t.md").read_text(encoding="utf-8")


def test_teacher_mode_holds_the_class_choice_until_the_reveal(story, story_json):
    web = Web(story_json, teacher=True)
    web.start()
    while json.loads(web.send(""))["view"].get("next") == "continue":
        pass
    answer = json.loads(web.send("1"))
    assert answer["view"]["next"] == "reveal" and answer["view"]["choices"] == []
    revealed = json.loads(web.send(""))
    assert any(s["kind"] == "reveal" for s in revealed["screens"])


def test_the_catalogue_lists_chapters_and_endings(story, story_json):
    catalogue = json.loads(Web(story_json).catalogue())
    assert [c["id"] for c in catalogue["chapters"]] == [c.id for c in story.chapters]
    assert {e["id"] for e in catalogue["endings"]} == {s.id for s in story.scenes.values() if s.ending is not None}
    chapter = story.chapters[1]
    answer = json.loads(Web(story_json).start_chapter(chapter.id))
    assert answer["view"]["scene"] == chapter.first


@pytest.mark.parametrize("folder", [REPO / "examples" / "starter", REPO / "tests" / "fixtures" / "stories" / "tiny"],
                         ids=["starter", "tiny"])
def test_an_authors_story_plays_to_an_ending_through_the_adapter(folder: Path):
    story = load_story(folder)
    web = Web(json.dumps(story_document(story), ensure_ascii=False))
    answer = json.loads(web.start())
    for _ in range(200):
        if answer["view"]["ending"]:
            break
        view = answer["view"]
        answer = json.loads(web.choose(view["choices"][0]["id"]) if view["choices"] else web.send(""))
    assert answer["view"]["ending"] and story.scenes[answer["view"]["ending"]].ending is not None


@pytest.mark.slow
def test_the_reasons_go_where_play_ask_why_puts_them(story_json, tmp_path: Path):
    web = Web(story_json)
    web.start()
    for line, why in (("1", "because  it is safe"), ("", None), ("1", ""), ("", None), ("2", "")):
        web.send(line)
        if why is not None:
            web.reason(why)
    result = run_cli("play", "--saves", str(tmp_path / "saves"), "--transcript", str(tmp_path / "t.md"), "--ask-why",
                     stdin="1\nbecause  it is safe\n\n1\n\n\n2\n\nquit\n")
    assert result.returncode == 0, result.stderr
    assert web.transcript_markdown() == (tmp_path / "t.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_projected_lessons_transcript_is_the_one_play_teacher_writes(story_json, tmp_path: Path):
    lines = ["vote 12 7", "", "1", "", "undo", "2", "", "card", "notes"]
    web = Web(story_json, teacher=True)
    web.start()
    for line in lines:
        web.send(line)
    result = run_cli("play", "--teacher", "--saves", str(tmp_path / "saves"), "--transcript", str(tmp_path / "t.md"),
                     stdin="\n".join([*lines, "quit"]) + "\n")
    assert result.returncode == 0, result.stderr
    assert web.transcript_markdown() == (tmp_path / "t.md").read_text(encoding="utf-8")


def test_the_page_shows_what_the_terminal_shows_less_its_typing_hints(story_json):
    """Each scene screen has no typed-command hints and no numbered menu (its choices are buttons), and a
    reveal waits for Next, over every recorded playthrough."""
    for path in PLAYTHROUGHS:
        for answer in play(Web(story_json), inputs_of(path)):
            for screen in answer["screens"]:
                styles = {block["style"] for block in screen["blocks"]}
                assert "hint" not in styles, (path.stem, screen)
                if screen["kind"] == "scene":
                    assert "choice" not in styles, (path.stem, screen)
                if screen["kind"] == "reveal":
                    assert screen["next"], (path.stem, screen)
            if any(event["type"] == "Revealed" for event in answer["events"]):
                assert any(screen["kind"] == "reveal" for screen in answer["screens"]), path.stem
