"""The JSON Schemas for story and scene files: they accept every real story file, reject what the
loader rejects by shape, list exactly the keys the loader accepts, and ship in the wheel."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from engine.core import format as model
from engine.io.yamlio import parse_yaml
from tests.conftest import REPO as ROOT
from tests.conftest import TINY

SCHEMAS = ROOT / "schema"
STORY_DIRS = [ROOT, TINY, ROOT / "examples" / "starter"]
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return loaded


def story_files() -> list[tuple[str, Path]]:
    found = []
    for folder in STORY_DIRS:
        for kind, sub in (("story", "story"), ("scene", "scenes")):
            found += [(kind, p) for p in sorted((folder / sub).glob("*.yaml"))]
    return found


def read(path: Path) -> Any:
    value, problems = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    assert not problems, problems
    return value


@pytest.mark.parametrize("name", ["story", "scene"])
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    document = schema(name)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)


FILES = story_files()


@pytest.mark.parametrize(("kind", "path"), FILES, ids=[str(p.relative_to(ROOT)) for _k, p in FILES])
def test_every_story_file_matches_its_schema(kind: str, path: Path) -> None:
    validator = jsonschema.Draft202012Validator(schema(kind))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(read(path))]
    assert errors == []


def test_the_bundled_scenes_are_checked_when_they_exist() -> None:
    scenes = list((ROOT / "scenes").glob("*.yaml"))
    if not scenes:
        pytest.skip("the bundled story has no scenes yet")
    assert any(p == s for _k, p in FILES for s in scenes)


EDITED = [(k, p) for k, p in FILES if not p.is_relative_to(TINY)]  # test fixtures need no editor support


@pytest.mark.parametrize(("kind", "path"), EDITED, ids=[str(p.relative_to(ROOT)) for _k, p in EDITED])
def test_modeline_points_at_the_schema(kind: str, path: Path) -> None:
    match = MODELINE.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path} does not start with a yaml-language-server modeline"
    folder = path.parent  # the starter's modelines work where it sits too ('new story' repoints them)
    assert (folder / match.group(1)).resolve() == (SCHEMAS / f"{kind}.schema.json").resolve()


def keys(document: dict[str, Any], *path: str) -> set[str]:
    node = document
    for step in path:
        node = node[step]
    return set(node["properties"])


def test_schema_keys_are_the_loaders_keys() -> None:
    story, scene = schema("story"), schema("scene")
    assert keys(story) == set(model.STORY_KEYS)
    assert keys(story, "$defs", "chapter") == set(model.CHAPTER_KEYS)
    assert keys(story, "$defs", "variable") == set(model.VARIABLE_KEYS)
    assert keys(story, "$defs", "card") == set(model.CARD_KEYS)
    assert keys(story, "$defs", "source") == set(model.SOURCE_KEYS)
    assert keys(scene, "$defs", "scene") == set(model.SCENE_KEYS)
    assert keys(scene, "$defs", "choice") == set(model.CHOICE_KEYS)
    assert keys(scene, "$defs", "ending") == set(model.ENDING_KEYS)
    assert keys(scene, "$defs", "variant") == set(model.VARIANT_KEYS)
    assert keys(scene, "$defs", "account") == set(model.ACCOUNT_KEYS)
    assert scene["$defs"]["choice"]["properties"]["kind"]["enum"] == list(model.ANNOTATION_KINDS)
    assert scene["$defs"]["ending"]["properties"]["kind"]["enum"] == list(model.ENDING_KINDS)
    assert story["$defs"]["variable"]["properties"]["type"]["enum"] == list(model.VARIABLE_TYPES)


@pytest.mark.parametrize(("edit", "fragment"), [
    (("    title: In the street", "    titel: In the street"), "'titel' was unexpected"),
    (("    next: square", "    next: square\n    ending: {title: x, kind: fallen, epilogue: y}"), "is valid under each of"),
    (('    time: "23:00"', '    time: "25:00"'), "does not match"),
    (("        kind: plausible", "        kind: likely"), "is not one of"),
])
def test_schema_rejects_what_the_loader_rejects(edit: tuple[str, str], fragment: str) -> None:
    text = (TINY / "scenes" / "one.yaml").read_text(encoding="utf-8").replace(*edit)
    value, _problems = parse_yaml(text, "one.yaml")
    messages = [e.message for e in jsonschema.Draft202012Validator(schema("scene")).iter_errors(value)]
    assert any(fragment in m for m in messages), messages
