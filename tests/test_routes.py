"""`next:` as a list of routes (issue #25): the first route whose condition holds wins, the last is the
default; compiled into automatic choices whose guards exclude one another."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.core import machine
from engine.io.loader import load_story
from tests.conftest import TINY, run_cli

ROUTES = """    next:
      - if: armed and courage >= 2
        goto: square
      - if: "visited(gate)"
        goto: end_home
      - goto: end_fallen
"""


def routed(tmp_path: Path, routes: str = ROUTES) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    path = folder / "scenes" / "one.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("    next: square\n") == 1
    path.write_text(text.replace("    next: square\n", routes), encoding="utf-8")
    return folder


def test_routes_compile_to_automatic_choices_with_exclusive_guards(tmp_path: Path) -> None:
    story = load_story(routed(tmp_path))
    street = story.scenes["street"]
    assert [c.goto for c in street.choices] == ["square", "end_home", "end_fallen"]
    assert all(c.auto for c in street.choices) and street.next == "end_fallen"
    assert [c.route.source if c.route else None for c in street.choices] == [
        "armed and courage >= 2", "visited(gate)", None]
    armed = machine.choose(story, machine.new_game(story), 0)  # rifle: armed, courage 2
    assert machine.open_choices(story, armed) == [0]
    assert machine.choose(story, armed, 0).scene == "square"
    unarmed = machine.choose(story, machine.new_game(story), 1)
    assert machine.open_choices(story, unarmed) == [1]  # exactly one route is open: first match wins
    # the game asks for "the automatic choice" (0) and goes where the routes say
    after = machine.choose(story, unarmed, 0)
    assert after.scene == "end_home" and after.path[-1] == machine.Step("street", 1)


@pytest.mark.slow
def test_a_routed_scene_plays_through_the_real_player(tmp_path: Path) -> None:
    folder = routed(tmp_path)
    result = run_cli("play", str(folder), "--saves", str(tmp_path / "saves"), stdin="2\n\n\n\n")
    assert result.returncode == 0, result.stderr
    assert "Home" in result.stdout and "You lived." in result.stdout


@pytest.mark.slow
def test_a_routed_story_lints_clean_and_tests_without_stuck_scenes(tmp_path: Path) -> None:
    folder = routed(tmp_path)
    lint = run_cli("lint", str(folder))
    assert lint.returncode == 0 and " error " not in lint.stdout, lint.stdout
    test = run_cli("test", str(folder), "--exhaustive")
    assert test.returncode == 0, test.stdout
    assert "stuck" not in test.stdout.lower()


@pytest.mark.slow
@pytest.mark.parametrize(("routes", "expected"), [
    ("    next:\n      - {if: armed, goto: square}\n      - {if: courage > 1, goto: end_home}\n",
     "error E115 the last route of scene 'street' has an 'if'"),
    ("    next:\n      - {goto: square}\n      - {goto: end_home}\n",
     "error E115 route 1 of scene 'street' has no 'if'"),
    ("    next:\n      - {if: armd, goto: square}\n      - {goto: end_home}\n",
     "scenes/one.yaml:38:14: error E202 unknown variable 'armd' (did you mean 'armed'?)"),
    ("    next:\n      - {if: armed, goto: squar}\n      - {goto: end_home}\n",
     "error E120 'next' of 'street' goes to unknown scene 'squar' (did you mean 'square'?)"),
    ("    next: []\n", "error E115"),
])
def test_route_mistakes_are_reported_where_they_are(tmp_path: Path, routes: str, expected: str) -> None:
    result = run_cli("lint", str(routed(tmp_path, routes)))
    assert result.returncode == 1
    assert expected in result.stdout, result.stdout


@pytest.mark.slow
def test_the_story_map_labels_routes_by_their_own_condition(tmp_path: Path) -> None:
    result = run_cli("graph", str(routed(tmp_path)), "--format", "mermaid")
    assert "continue [if visited(gate)]" in result.stdout
    assert "continue [otherwise]" in result.stdout


@pytest.mark.slow
def test_a_menu_whose_guards_can_all_be_false_is_a_warning_with_the_state(tmp_path: Path) -> None:
    """The review's guard gap (#15): `> 3` and `< 3`, nothing for 3."""
    from engine.author import lint

    folder = routed(tmp_path, "    next: square\n")
    path = folder / "scenes" / "two.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("        goto: end_home\n        kind: historical", "        goto: end_home\n        if: courage < 3\n"
                        "        kind: historical", 1)
    text = text.replace("        goto: end_home\n        kind: counterfactual", "        goto: end_home\n"
                        "        if: courage > 3\n        kind: counterfactual", 1)
    path.write_text(text, encoding="utf-8")
    found = lint.findings(lint.check_open_menu, load_story(folder))
    assert [p.code for p in found] == ["W303"]
    assert "when armed = false, courage = 3 none holds" in found[0].message
    result = run_cli("lint", str(folder))
    assert result.returncode == 0 and "warning W303 every choice of scene 'square' has an 'if'" in result.stdout


def test_a_menu_whose_guards_cover_every_case_is_not_reported(tmp_path: Path) -> None:
    from engine.author import lint

    folder = routed(tmp_path, "    next: square\n")
    path = folder / "scenes" / "two.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("        goto: end_home\n        kind: historical", "        goto: end_home\n        if: courage <= 3\n"
                        "        kind: historical", 1)
    text = text.replace("        goto: end_home\n        kind: counterfactual", "        goto: end_home\n"
                        "        if: courage > 3\n        kind: counterfactual", 1)
    path.write_text(text, encoding="utf-8")
    assert lint.findings(lint.check_open_menu, load_story(folder)) == []


def test_the_scene_schema_accepts_routes_and_rejects_a_route_without_goto(tmp_path: Path) -> None:
    import jsonschema
    import yaml

    from engine.author.schema import schema

    document = yaml.load((routed(tmp_path) / "scenes" / "one.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    jsonschema.validate(document, schema("scene"))
    document["scenes"][1]["next"] = [{"if": "armed"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema("scene"))


def test_map_labels_show_inline_text_as_words_not_markup() -> None:
    from engine.author.storymap import plain_label

    assert plain_label('Sleep{if comrade != "nobody"}, and {comrade} keeps watch{else} alone{end}') == \
        "Sleep, and ‹comrade› keeps watch alone"
