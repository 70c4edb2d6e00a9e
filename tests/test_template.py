"""Inline text (engine/core/template.py): parsing, locations, type checks, rendering, the cache."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from engine.core import machine, template
from engine.core.errors import ExpressionError, Location, StoryError
from tests.conftest import TINY, run_cli
from tests.story_helpers import edited_tiny

HERE = Location("s.yaml", 3, 9)


def render(text: str, **variables: object) -> str:
    return template.render(template.parse(text, HERE), (variables, {}))  # type: ignore[arg-type]


def test_insert_and_branches() -> None:
    text = "You carry {if armed}the rifle{elif courage > 2}a stone{else}nothing{end}, {name}."
    assert render(text, armed=True, courage=0, name="Feri") == "You carry the rifle, Feri."
    assert render(text, armed=False, courage=3, name="Feri") == "You carry a stone, Feri."
    assert render(text, armed=False, courage=0, name="Feri") == "You carry nothing, Feri."


def test_nested_branches_and_literal_braces() -> None:
    text = "{if a}A{if b}B{else}b{end}{end}{{x}}"
    assert render(text, a=True, b=False) == "Ab{x}"
    assert render(text, a=False, b=True) == "{x}"


def test_an_empty_branch_leaves_no_double_space_or_blank_paragraph() -> None:
    assert render("You walk {if fast}fast{end} home.", fast=False) == "You walk home."
    assert render("One.\n\n{if x}Two.{end}\n\nThree.", x=False) == "One.\n\nThree."


@pytest.mark.parametrize(("text", "column", "message"), [
    ("a } b", 11, "'}' without an opening '{'"),
    ("a {b", 11, "'{' is never closed"),
    ("{if x}y", 9, "{if} is never closed with {end}"),
    ("{else}", 9, "{else} without an {if}"),
    ("{end}", 9, "{end} without an {if}"),
    ("{if x}a{else}b{else}c{end}", 23, "a second {else}"),
    ("{if x}a{else}b{elif y}c{end}", 23, "{elif} after {else}"),
    ("{}", 10, "needs an expression"),
    ("{if x > }a{end}", 17, "ends too soon"),
])
def test_syntax_errors_point_at_the_column(text: str, column: int, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        template.parse(text, HERE)
    assert caught.value.location == Location("s.yaml", 3, column)
    assert message in caught.value.message


def test_type_checks_report_every_problem() -> None:
    compiled = template.parse("{if courage}x{end} {armed} {curage} {name}", HERE)
    problems = list(template.check(compiled, {"courage": "int", "armed": "bool", "name": "str"}, {}))
    assert [p.message.split(",")[0] for p in problems] == [
        "the condition of {if} must be true or false",
        "{armed} is true or false",
        "unknown variable 'curage' (did you mean 'courage'?)",
    ]


def test_outline_shows_every_branch() -> None:
    compiled = template.parse("You carry {if armed}the rifle{else}nothing{end}; {if hurt}you limp{end}.", HERE)
    assert template.outline(compiled) == (
        "You carry [if armed: the rifle | otherwise: nothing]; [if hurt: you limp | otherwise: (nothing)]."
    )


def test_compiled_story_renders_text_labels_and_epilogues_and_survives_pickling() -> None:
    story = edited_tiny({
        "scenes/one.yaml": [("    text: The night goes on.",
                             "    text: >\n      The night goes on{if armed}, the rifle on your shoulder{end}.\n"
                             "      Courage: {courage}.")],
        "scenes/two.yaml": [("      - label: Go home\n", "      - label: \"Go home{if armed}, rifle and all{end}\"\n"),
                            ("epilogue: You lived.}", "epilogue: \"You lived{if armed}, and kept the rifle{end}.\"}")],
    })
    story = pickle.loads(pickle.dumps(story))
    state = machine.new_game(story)
    state = machine.choose(story, state, 0)  # take the rifle
    assert machine.visible_text(story, state)[0] == "The night goes on, the rifle on your shoulder. Courage: 2."
    state = machine.choose(story, state, 0)
    assert [o.label for o in machine.offers(story, state)][1] == "Go home, rifle and all"
    state = machine.choose(story, state, 1)
    assert machine.epilogue_text(story.scenes[state.scene], state) == "You lived, and kept the rifle."


def test_a_bad_template_stops_the_story_loading_at_its_line() -> None:
    with pytest.raises(StoryError) as caught:
        edited_tiny({"scenes/one.yaml": [("    text: The night goes on.",
                                          "    text: |\n      The night goes on.\n      Then {if armed}more.")]})
    problem = caught.value.problems[0]
    assert (problem.code, str(problem.location)) == ("E210", "scenes/one.yaml:33:12")


def _inline_tiny(tmp_path: Path) -> Path:
    """The tiny story with inline text in a scene text, a label, a history note and an epilogue."""
    folder = tmp_path / "story"
    shutil.copytree(TINY, folder)
    edits = {
        "scenes/one.yaml": [("    text: The night goes on.",
                             "    text: >\n      The night goes on{if armed}, the rifle heavy on your shoulder{end}.")],
        "scenes/two.yaml": [("      - label: Go home\n", "      - label: \"Go home{if armed}, rifle and all{end}\"\n"),
                            ("        history: Most went home.", "        history: \"Most went home{if armed}, some armed{end}.\""),
                            ("epilogue: You lived.}", "epilogue: \"You lived{if armed}, and hid the rifle{else}, unarmed{end}.\"}")],
    }
    for path, pairs in edits.items():
        text = (folder / path).read_text(encoding="utf-8")
        for old, new in pairs:
            text = text.replace(old, new)
        (folder / path).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.slow
def test_player_shows_inline_text_for_the_state(tmp_path: Path) -> None:
    folder = _inline_tiny(tmp_path)
    armed = run_cli("play", str(folder), "--saves", str(tmp_path / "s"), stdin="1\n\n2\nquit\n")
    assert "The night goes on, the rifle heavy on your shoulder." in armed.stdout
    assert "2. Go home, rifle and all" in armed.stdout
    assert "Most went home, some armed." in armed.stdout
    assert "You lived, and hid the rifle." in armed.stdout
    # unarmed, "Stand your ground" is not open: the menu numbers "Go home" 1 (no gap)
    unarmed = run_cli("play", str(folder), "--saves", str(tmp_path / "t"), stdin="2\n\n1\nquit\n")
    assert "The night goes on.\n" in unarmed.stdout
    assert "1. Go home\n" in unarmed.stdout and "You lived, unarmed." in unarmed.stdout
    assert "{" not in armed.stdout + unarmed.stdout


@pytest.mark.slow
def test_teacher_mode_and_walkthrough_show_inline_text(tmp_path: Path) -> None:
    folder = _inline_tiny(tmp_path)
    teacher = run_cli("play", str(folder), "--teacher", "--saves", str(tmp_path / "s"), stdin="1\n\n\n2\n\nquit\n")
    assert "The class chose: 2. Go home, rifle and all" in teacher.stdout
    assert "{" not in teacher.stdout
    walk = run_cli("walkthrough", str(folder), "--format", "md").stdout
    assert "[HISTORICAL] Go home\\[if armed: , rifle and all | otherwise: (nothing)\\]" in walk
    assert "You lived\\[if armed: , and hid the rifle | otherwise: , unarmed\\]." in walk
