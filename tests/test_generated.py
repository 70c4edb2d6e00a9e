"""Files made from the engine's own descriptions (engine/author/generate.py) are up to date, and the
JSON Schema agrees with lint on every story in tests/fixtures/ (issue 14.5, author review F7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest

from engine.author import generate, lint, schema
from engine.io.loader import load_story, read_document, story_files
from tests.conftest import FIXTURES, REPO

# codes for what one file's shape shows; the schema must reject every file that has one
SHAPE_CODES = {"E101", "E102", "E103", "E104", "E105", "E106", "E107", "E108", "E109", "E110", "E330"}


def test_every_generated_file_is_up_to_date() -> None:
    stale = [str(p.relative_to(REPO)) for p in generate.stale()]
    assert stale == [], "run: python -m engine.author.generate"


def test_a_stale_file_is_noticed(tmp_path: Path) -> None:
    for relative in ("docs/authoring.md", "docs/format.md"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        text = (REPO / relative).read_text(encoding="utf-8")
        (tmp_path / relative).write_text(text.replace("| `E302` |", "| `E302` | stale |"), encoding="utf-8")
    (tmp_path / "schema").mkdir()
    for name in schema.SCHEMAS:
        (tmp_path / "schema" / f"{name}.schema.json").write_text(schema.schema_text(name), encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in generate.stale(tmp_path)] == ["docs/authoring.md"]


def stories() -> list[Path]:
    return sorted(p.parent for p in FIXTURES.rglob("story") if p.is_dir() and (p.parent / "scenes").is_dir())


def schema_errors(folder: Path) -> list[str]:
    found = []
    story_paths, scene_paths = story_files(folder)
    for kind, paths in (("story", story_paths), ("scene", scene_paths)):
        validator = jsonschema.Draft202012Validator(schema.schema(kind))
        for path in paths:
            value, problems = read_document(path)
            if problems:
                continue  # not YAML: no schema applies (lint says E001)
            found += [f"{path.name}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
                      for e in validator.iter_errors(_plain(value))]
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


STORIES = stories()


@pytest.mark.parametrize("folder", STORIES, ids=[p.relative_to(FIXTURES).as_posix() for p in STORIES])
def test_schema_and_lint_agree(folder: Path) -> None:
    problems = lint.lint(lambda: load_story(folder))
    codes = {p.code for p in problems if p.severity == "error"}
    rejected = schema_errors(folder)
    if rejected:  # whatever the schema rejects, lint rejects
        assert codes, rejected
    if codes & SHAPE_CODES:  # and a shape error lint finds, the editor shows too
        assert rejected, sorted(codes)


def test_the_review_cases_agree() -> None:
    """A choice without `kind` (E330), `version: 1.0` (a text, as everywhere), story `id: mmo-56` (E106)."""
    scene = schema.schema("scene")
    choice = {"label": "Go", "goto": "home", "history": "h"}
    assert not jsonschema.Draft202012Validator(scene["$defs"]["choice"] | {"$defs": scene["$defs"]}).is_valid(choice)
    story = jsonschema.Draft202012Validator(schema.schema("story"))
    assert story.is_valid({"version": 1.0})
    assert not story.is_valid({"id": "mmo-56"})
    assert story.is_valid(None)  # an empty file: lint's W101 is a warning


@pytest.mark.parametrize(("edit", "code"), [
    (("version: \"1\"", "version: 1.0"), None),
    (("id: tiny", "id: mmo-56"), "E106"),
])
def test_lint_reads_story_keys_as_the_schema_does(tmp_path: Path, edit: tuple[str, str], code: str | None) -> None:
    import shutil

    folder = tmp_path / "story"
    shutil.copytree(FIXTURES / "stories" / "tiny", folder)
    path = folder / "story" / "story.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    codes = [p.code for p in lint.lint(lambda: load_story(folder)) if p.severity == "error"]
    assert codes == ([code] if code else [])
    assert bool(schema_errors(folder)) == bool(code)


def test_a_field_added_to_the_format_appears_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a field is one edit in engine/core/format.py: the skeleton, the schema and the docs follow."""
    import attrs

    from engine.author import scaffold
    from engine.core import format as spec

    place = spec.Field(key="place", type="id", doc="a place from the gazetteer", example="radio_building")
    mood = spec.Field(key="mood", type="text", doc="how the scene feels", required=True)
    scene = attrs.evolve(spec.SCENE, fields=(*spec.SCENE.fields, place, mood))
    monkeypatch.setattr(spec, "SCENE", scene)
    monkeypatch.setitem(spec.RECORDS, "scene", scene)
    skeleton = scaffold.scene_skeleton("cellar", "one", "1956-10-23")
    assert '    # place: "radio_building"  # optional: a place from the gazetteer\n' in skeleton
    assert "    mood: TODO  # how the scene feels\n" in skeleton
    properties = schema.schema("scene")["$defs"]["scene"]
    assert "place" in properties["properties"] and "mood" in properties["required"]
    assert "| `mood` | text | yes | how the scene feels |" in schema.field_table("scene")
