"""Linting from the cache's per-file facts finds exactly what linting the built story finds: for every
fixture, after every kind of edit, with damaged entries; and it really is what runs after an edit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.author import relint
from engine.author.facts import decode_facts, facts_json, scene_facts
from engine.core.errors import Problem
from engine.core.model import Scene
from engine.io import cache, loader
from tests.conftest import BROKEN, REPO, STORIES, TINY, cli_env, run_cli

FOLDERS = sorted([*STORIES.iterdir(), *(p for p in BROKEN.iterdir() if p.is_dir()), REPO])


def long_way(root: Path, recordings: int = 0) -> list[Problem]:
    files, problems = loader.read_story(root)
    return relint.the_long_way(files, problems, recordings)


def shown(problems: list[Problem]) -> list[str]:
    return [p.format(with_code=True) for p in problems]


def forget_findings(cache_dir: Path) -> None:
    """Drop the whole-story findings, so that the next lint goes through the files' facts."""
    for entry in cache_dir.glob("l-*.json"):
        if json.loads(entry.read_text(encoding="utf-8")).get("kind") != "facts":
            entry.unlink()


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_facts_find_what_the_built_story_shows(folder: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder.parent)  # paths as the CLI shows them
    root = Path(folder.name)
    expected = shown(long_way(root, recordings=2))
    first = shown(relint.lint_folder(root, recordings=2))  # builds every file, stores its facts
    forget_findings(cache_dir)
    quick = None
    if root.joinpath("story").is_dir():
        files, problems = loader.read_story(root)
        quick = relint.from_facts(files, 2) if not problems else None  # every file's facts read back
    assert first == expected
    if quick is not None:
        assert shown(quick) == expected
    assert shown(relint.lint_folder(root, recordings=2)) == expected


def test_clean_stories_are_linted_from_facts(cache_dir: Path) -> None:
    """The quick way is really taken (else the test above would pass without it)."""
    for folder in (TINY, REPO, STORIES / "loop", STORIES / "unreachable"):
        files, problems = loader.read_story(folder)
        assert problems == [] and relint.from_facts(files, 0) is not None, folder
        stored = [e for e in cache_dir.glob("l-*.json") if json.loads(e.read_text(encoding="utf-8")).get("kind") == "facts"]
        assert stored, "no file's facts were kept"


def test_after_an_edit_only_that_file_is_built_again(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    story = tmp_path / "story"
    shutil.copytree(TINY, story)
    relint.lint_folder(story)
    two = story / "scenes" / "two.yaml"
    two.write_text(two.read_text(encoding="utf-8").replace("title: Fallen", "title: Fell"), encoding="utf-8")
    built: list[str] = []
    from engine.core import build as compiler

    real = compiler.build_scene_file
    def build(path: str, doc: object) -> tuple[list[Scene], list[Problem]]:
        built.append(path)
        return real(path, doc)

    monkeypatch.setattr(compiler, "build_scene_file", build)
    assert shown(relint.lint_folder(story)) == shown(long_way(story))
    assert [Path(p).name for p in built] == ["two.yaml"]


# Edits an author makes to one file between two lints, each undone or kept by the next.
EDITS: list[tuple[str, str, str]] = [
    ("scenes/two.yaml", "title: Fallen", "title: Fell"),
    ("scenes/two.yaml", "  - id: end_home\n", "  - id: end_hom\n"),  # a link from one.yaml breaks (E120)
    ("scenes/two.yaml", "  - id: end_fallen\n", "  - id: street\n"),  # a duplicate id (E112)
    ("scenes/two.yaml", '        if: "armed and courage >= 2"\n', '        if: "false"\n'),  # never taken
    ("scenes/two.yaml", "    note: Most stayed.\n", ""),  # W340
    ("scenes/two.yaml", "    date: 1956-10-24\n", "    date: 1956-10-20\n"),  # back in time (E350)
    ("scenes/two.yaml", "    sources: [article]\n", "    sources: [nowhere]\n"),  # E321
    ("scenes/two.yaml", "scenes:\n", "scenes: [\n"),  # cannot be parsed
    ("scenes/one.yaml", "    next: square", "    next: end_home"),  # square becomes unreachable
    ("scenes/one.yaml", 'do: ["armed = true", "courage += 2"]', 'do: ["courage += 2"]'),  # armed: set by nothing
    ("scenes/one.yaml", "kind: historical", "kind: counterfactual"),
    ("story/story.yaml", "  armed: {type: bool", "  armd: {type: bool"),  # declarations: every file again
    ("story/story.yaml", "start: gate", "start: street"),
]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(range(len(EDITS))), st.booleans()), min_size=1, max_size=6))
def test_any_series_of_edits_lints_as_the_built_story(tmp_path: Path, cache_dir: Path,
                                                      steps: list[tuple[int, bool]]) -> None:
    story = tmp_path / f"story-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(TINY, story)
    relint.lint_folder(story)
    for number, undo in steps:
        name, old, new = EDITS[number]
        path = story / name
        text = path.read_text(encoding="utf-8")
        if undo and not new:  # a deletion cannot be undone by a replace: "".replace inserts between every letter
            continue
        path.write_text(text.replace(new, old) if undo else text.replace(old, new), encoding="utf-8")
        with_cache = shown(relint.lint_folder(story))
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(cache.DISABLE_ENV, "1")
            assert with_cache == shown(long_way(story)), (name, old, new, undo)


def test_facts_survive_their_json_and_damaged_ones_are_refused() -> None:
    story = loader.load_story(TINY)
    facts = [scene_facts(s) for s in story.scenes.values() if s.location.path.endswith("one.yaml")]
    rows = json.loads(json.dumps(facts_json(facts)))
    decoded = decode_facts(rows, facts[0].path)
    # read back, lists stay lists (a tuple each would cost a call): equal as what they hold
    assert json.dumps(facts_json(decoded)) == json.dumps(facts_json(facts))
    assert [(s.location, s.where(s.choices[0])) for s in decoded] == [(s.location, s.where(s.choices[0])) for s in facts]
    damaged: list[Any] = [json.loads(json.dumps(facts_json(facts))) for _ in range(9)]
    damaged[0]["scenes"][0][0] = 7  # an id that is a number
    damaged[1]["scenes"][7][0] = ["1956"]  # a story time that is text
    damaged[2]["choices"][5][0] = [["x"]]  # a set name that is a list
    damaged[3]["scenes"][3] = damaged[3]["scenes"][3][:-1]  # a column cut short
    damaged[4] = [["gate", 2, 5]]  # not columns at all
    damaged[5]["counts"][0] += 1  # more choices than there are
    damaged[6]["counts"] = [-1, *damaged[6]["counts"][1:]]
    damaged[7]["scenes"][10][0] = "street"  # the scenes named: a text, not a list
    del damaged[8]["choices"]
    for rows in damaged:
        with pytest.raises(ValueError):
            decode_facts(rows, "scenes/one.yaml")


def test_a_damaged_facts_entry_is_built_again(tmp_path: Path, cache_dir: Path) -> None:
    story = tmp_path / "story"
    shutil.copytree(TINY, story)
    expected = shown(relint.lint_folder(story))
    entries = [e for e in cache_dir.glob("l-*.json") if json.loads(e.read_text(encoding="utf-8")).get("kind") == "facts"]
    assert len(entries) == 2
    for entry in entries:
        value = json.loads(entry.read_text(encoding="utf-8"))
        value["facts"] = [["forged"]]
        entry.write_text(json.dumps(value), encoding="utf-8")
    forget_findings(cache_dir)
    assert shown(relint.lint_folder(story)) == expected


@pytest.mark.slow
def test_the_cli_relints_an_edited_story_as_it_lints_a_new_one(tmp_path: Path) -> None:
    story = tmp_path / "story"
    shutil.copytree(TINY, story)
    with_cache = cli_env(HUNGARY56_CACHE_DIR=str(tmp_path / "cache"))
    with_cache.pop(cache.DISABLE_ENV, None)
    first = run_cli("lint", str(story), env=with_cache)
    two = story / "scenes" / "two.yaml"
    two.write_text(two.read_text(encoding="utf-8").replace("    note: Most stayed.\n", ""), encoding="utf-8")
    again = run_cli("lint", str(story), env=with_cache)
    fresh = run_cli("lint", str(story), env=cli_env(HUNGARY56_NO_CACHE="1"))
    assert first.returncode == again.returncode == fresh.returncode == 0
    assert "W340" in again.stdout and again.stdout == fresh.stdout and "W340" not in first.stdout


def test_every_edit_applies_to_the_tiny_story() -> None:
    """Else the series of edits above would edit nothing and prove nothing."""
    for name, old, new in EDITS:
        assert old in (TINY / name).read_text(encoding="utf-8") and old != new, (name, old)


@pytest.mark.parametrize("given", [".", "tiny", "./tiny/", "{abs}", "{abs}/../tiny", "../stories/tiny", "{abs}/scenes/.."])
def test_files_are_shown_as_display_path_shows_them(given: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """read_story() names each file without display_path() per file: the same names, from any folder."""
    checked = 0
    for cwd in (STORIES, TINY, REPO):
        monkeypatch.chdir(cwd)
        root = Path(given.format(abs=TINY)) if given != "." else Path(".")
        if not (root / "story").is_dir():
            continue
        files, _problems = loader.read_story(root)
        paths = [p for folder in loader.story_files(root) for p in folder]
        assert [f.shown for f in files] == [loader.display_path(p) for p in paths], (cwd, given)
        checked += 1
    assert checked, f"{given} is a story folder from none of the working folders"
