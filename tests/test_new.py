"""`hungary56 new scene`: a commented skeleton appended to a scene file, keeping what was there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from engine.author.scaffold import append_scene, scene_skeleton
from engine.core.errors import Hungary56Error
from engine.io.yamlio import parse_yaml
from tests.conftest import REPO as ROOT
from tests.conftest import TINY, run_cli


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "story"
    shutil.copytree(TINY, folder)
    return folder


def lint_lines(folder: Path) -> list[str]:
    problems = json.loads(run_cli("lint", str(folder), "--format", "json").stdout)
    return [f"{p['code']} {p['message']}" for p in problems]


@pytest.mark.slow
def test_new_scene_is_appended_keeping_the_file(story: Path) -> None:
    before = (story / "scenes" / "one.yaml").read_text(encoding="utf-8")
    result = run_cli("new", "scene", "cellar", "--chapter", "one", str(story))
    assert result.returncode == 0, result.stderr
    assert "added scene 'cellar' to chapter 'one'" in result.stdout
    after = (story / "scenes" / "one.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)
    assert "yaml-language-server" not in after  # appending adds no second modeline
    lines = lint_lines(story)  # every placeholder the skeleton leaves is an error until it is written (author F2)
    assert [line.split(" in ")[0] for line in lines] == [
        "E109 'title'", "E109 'where'", "E109 'text'", "E109 'note'", "E109 'label'", "E109 'id'", "E109 'goto'",
        "E109 'history'",  # a choice's id is written too: N380 asks for ids (the review of #25, §3)
    ]
    assert "E109 'goto' in choice 1 of 'cellar' still holds the placeholder 'TODO': write it" in lines


def test_every_field_is_present_and_explained() -> None:
    text = scene_skeleton("cellar", "one", "1956-10-23")
    from engine.core.format import CHOICE_KEYS, SCENE_KEYS
    for key in SCENE_KEYS + CHOICE_KEYS:
        lines = [line for line in text.splitlines() if line.lstrip(" #-").startswith(f"{key}:")]
        if key in ("next", "ending"):
            assert f"`{key}" in text
            continue
        assert lines, key
        assert all("  # " in line for line in lines), lines


@pytest.mark.slow
def test_once_filled_in_the_scene_lints_clean(story: Path) -> None:
    assert run_cli("new", "scene", "cellar", "--chapter", "two", str(story)).returncode == 0
    path = story / "scenes" / "two.yaml"
    text = path.read_text(encoding="utf-8").replace("sources: []", "sources: [article]").replace("goto: TODO", "goto: end_home")
    text = text.replace("TODO ", "Written ")
    path.write_text(text.replace("        goto: end_home\n        kind: historical",
                                 "        goto: cellar\n        kind: historical", 1), encoding="utf-8")
    result = run_cli("lint", str(story))
    assert (result.returncode, result.stdout) == (0, f"Linting {story}\n0 errors, 0 warnings\n")


@pytest.mark.slow
def test_new_file_is_created_with_a_schema_modeline(story: Path) -> None:
    result = run_cli("new", "scene", "attic", "--chapter", "two", str(story), "--file", "scenes/attic.yaml")
    assert result.returncode == 0, result.stderr
    path = story / "scenes" / "attic.yaml"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.endswith("$schema=../schema/scene.schema.json")  # relative to the story, never site-packages
    schema = path.parent / first.split("$schema=")[1]
    assert schema.resolve() == (story / "schema" / "scene.schema.json").resolve()
    assert schema.read_text(encoding="utf-8") == (ROOT / "schema" / "scene.schema.json").read_text(encoding="utf-8")
    value, problems = parse_yaml(path.read_text(encoding="utf-8"), "attic.yaml")
    assert problems == []
    validator = jsonschema.Draft202012Validator(json.loads(schema.read_text(encoding="utf-8")))
    # the editor marks exactly what lint reports (E109): the placeholders left to fill in
    assert {e.path[-1] for e in validator.iter_errors(value)} == {"title", "where", "text", "note", "label", "id", "goto", "history"}


@pytest.mark.slow
def test_a_story_with_todos_can_still_grow(story: Path) -> None:
    assert run_cli("new", "scene", "cellar", "--chapter", "one", str(story)).returncode == 0
    assert run_cli("new", "scene", "attic", "--chapter", "one", str(story)).returncode == 0
    assert {line.split(" ")[0] for line in lint_lines(story)} == {"E109"}
    assert len(lint_lines(story)) == 16  # 8 placeholders each


@pytest.mark.slow
@pytest.mark.parametrize(("args", "message"), [
    (["gate", "--chapter", "one"], "scene 'gate' already exists, at"),
    (["cellar", "--chapter", "tow"], "unknown chapter 'tow' (did you mean 'two'?); the chapters are: one, two"),
    (["1cellar", "--chapter", "one"], "must be letters, digits and _"),
    (["cellar", "--chapter", "one", "--file", "../elsewhere.yaml"], "--file must be a .yaml file directly in"),
    (["cellar", "--chapter", "one", "--file", "scenes/notes.txt"], "--file must be a .yaml file directly in"),
])
def test_refusals_are_clear_and_change_nothing(story: Path, args: list[str], message: str) -> None:
    before = {p: p.read_bytes() for p in story.rglob("*") if p.is_file()}
    result = run_cli("new", "scene", *args[:1], str(story), *args[1:])
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in story.rglob("*") if p.is_file()} == before


@pytest.mark.slow
def test_unreadable_story_is_refused(story: Path) -> None:
    (story / "scenes" / "two.yaml").write_text("scenes: [\n", encoding="utf-8")
    result = run_cli("new", "scene", "cellar", "--chapter", "one", str(story))
    assert result.returncode == 1
    assert "scenes/two.yaml:2:1: error: invalid YAML" in result.stderr
    assert "fix the files above first" in result.stderr


def test_flow_style_list_is_refused() -> None:
    with pytest.raises(Hungary56Error, match="must be the last thing in the file"):
        append_scene("scenes: [{id: a}]\n", "b", "one", "1956-10-23", "x.yaml")
    with pytest.raises(Hungary56Error):
        append_scene("scenes:\n  - id: a\nother: 1\n", "b", "one", "1956-10-23", "x.yaml")


def test_append_follows_the_file_s_indentation() -> None:
    text = append_scene("# my comment\nscenes:\n- id: a  # keep me\n", "b", "one", "1949", "x.yaml")
    assert text.startswith("# my comment\nscenes:\n- id: a  # keep me\n")
    assert "\n- id: b  #" in text
    assert 'date: "1949"' in text
    value, problems = parse_yaml(text, "x.yaml")
    assert problems == [] and [s["id"] for s in value["scenes"]] == ["a", "b"]


# --- `new story DIR`: a working starter story ----------------------------------------------------------

@pytest.mark.slow
def test_new_story_lints_plays_and_replays(tmp_path: Path) -> None:
    made = run_cli("new", "story", "my-story", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "Made a new story in my-story" in made.stdout
    folder = tmp_path / "my-story"
    lint = run_cli("lint", cwd=folder)
    assert (lint.returncode, lint.stdout) == (0, "Linting . (the current folder)\n0 errors, 0 warnings\n")
    replay = run_cli("test", "--playthroughs", cwd=folder)
    assert replay.returncode == 0 and "ok   tests/playthroughs/historical-path.yaml" in replay.stdout
    played = run_cli("play", "--saves", str(tmp_path / "saves"), stdin="1\n1\n", cwd=folder)
    assert played.returncode == 0 and "THE END" in played.stdout
    assert "id: my_story" in (folder / "story" / "story.yaml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_new_story_has_editor_settings_that_resolve(tmp_path: Path) -> None:
    assert run_cli("new", "story", str(tmp_path / "s")).returncode == 0
    folder = tmp_path / "s"
    settings = json.loads((folder / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    for schema, globs in settings["yaml.schemas"].items():
        schema_file = folder / schema
        assert schema_file.is_file(), schema
        for glob in globs:
            for path in folder.glob(glob):
                value, problems = parse_yaml(path.read_text(encoding="utf-8"), path.name)
                assert problems == []
                jsonschema.validate(value, json.loads(schema_file.read_text(encoding="utf-8")))
                first = path.read_text(encoding="utf-8").splitlines()[0]  # the modeline works where it sits
                assert (path.parent / first.split("$schema=")[1]).resolve() == schema_file.resolve()


@pytest.mark.slow
def test_new_scene_in_a_new_story_points_at_its_own_schema(tmp_path: Path) -> None:
    assert run_cli("new", "story", "s", cwd=tmp_path).returncode == 0
    assert run_cli("new", "scene", "cellar", "--chapter", "radio", "--file", "scenes/cellar.yaml",
                   cwd=tmp_path / "s").returncode == 0
    first = (tmp_path / "s" / "scenes" / "cellar.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/scene.schema.json"


@pytest.mark.slow
def test_new_story_refuses_a_folder_in_use_or_in_a_package(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    done = run_cli("new", "story", "full", cwd=tmp_path)
    assert done.returncode == 1 and "already exists and is not an empty folder" in done.stderr
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["notes.txt"]
    inside = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "mine"
    done = run_cli("new", "story", str(inside))
    assert done.returncode == 2 and "inside the installed package" in done.stderr
    assert not inside.exists()
