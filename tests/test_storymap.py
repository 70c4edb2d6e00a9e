"""The story map (engine/author/storymap.py): golden DOT and Mermaid for the tiny story, real Graphviz, escaping."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.author import storymap
from engine.core.errors import UnknownNameError
from engine.io.loader import load_story
from tests.conftest import GOLDEN, TINY, check_golden

CASES = [("dot", None), ("mermaid", None), ("dot", "one"), ("mermaid", "one")]


def golden_name(fmt: str, chapter: str | None) -> str:
    return f"tiny{'-' + chapter if chapter else ''}.{'dot' if fmt == 'dot' else 'mmd'}"


@pytest.mark.parametrize(("fmt", "chapter"), CASES, ids=[golden_name(*c) for c in CASES])
def test_matches_golden(fmt: str, chapter: str | None) -> None:
    text = storymap.render(load_story(TINY), fmt, chapter)
    check_golden(GOLDEN / golden_name(fmt, chapter), text)


def render_svg(dot_text: str) -> str:
    dot = shutil.which("dot")
    assert dot, "Graphviz 'dot' is needed (apt-get install graphviz; listed in .ci/apt-packages)"
    done = subprocess.run([dot, "-Tsvg"], input=dot_text, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr.lower(), done.stderr
    return done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("chapter", [None, "one", "two"])
def test_dot_renders_with_graphviz(chapter: str | None) -> None:
    svg = render_svg(storymap.render(load_story(TINY), "dot", chapter))
    assert "<svg" in svg
    assert "At the gate" in svg if chapter != "two" else "The square" in svg


_NODE = re.compile(r'^(s_\w+|story_start)(\[".*"\]|\(\[".*"\]\)|\[/".*"/\]|\(\(".*"\)\))(:::\w+)?$')
_EDGE = re.compile(r'^(s_\w+|story_start) (==>|-->|-\.->)(\|".*"\|)? (s_\w+)$')
_QUOTED = re.compile(r'"([^"]*)"')


def check_mermaid(text: str) -> tuple[set[str], list[tuple[str, str, str]]]:
    """A structural check of the subset of Mermaid the map uses; returns its nodes and edges."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("%%")]
    assert lines[0] == "flowchart TD"
    nodes: set[str] = set()
    edges = []
    depth = 0
    for line in lines[1:]:
        if line.startswith("subgraph "):
            assert re.match(r'^subgraph c_\w+\[".*"\]$', line), line
            depth += 1
        elif line == "end":
            depth -= 1
            assert depth >= 0
        elif line.startswith(("classDef ", "style ")):
            continue
        elif match := _EDGE.match(line):
            edges.append((match.group(1), match.group(2), match.group(4)))
        else:
            match = _NODE.match(line)
            assert match, f"not a node, edge or subgraph: {line}"
            nodes.add(match.group(1))
        for label in _QUOTED.findall(line):
            assert not set(label) & set('<>&'), label  # such characters are written as #entity;
    assert depth == 0
    for source, _arrow, target in edges:
        assert source in nodes and target in nodes, (source, target)
    return nodes, edges


def test_mermaid_structure_and_styles() -> None:
    nodes, edges = check_mermaid(storymap.render(load_story(TINY), "mermaid"))
    assert nodes == {"story_start", "s_gate", "s_street", "s_square", "s_end_fallen", "s_end_home"}
    arrows = {(s, t, a) for s, a, t in edges}
    assert ("s_gate", "s_street", "==>") in arrows  # historical: thick
    assert ("s_gate", "s_street", "-->") in arrows  # plausible: normal
    assert ("s_square", "s_end_home", "-.->") in arrows  # counterfactual: dotted
    assert ("s_street", "s_square", "==>") in arrows  # automatic `next`: thick


def test_chapter_map_has_stubs_for_scenes_outside() -> None:
    smap = storymap.build(load_story(TINY), "one")
    assert [n.id for c in smap.clusters for n in c.nodes] == ["gate", "street"]
    assert [(n.id, n.stub) for n in smap.stubs] == [("square", True)]
    assert smap.start == "gate"
    assert storymap.build(load_story(TINY), "two").start == ""


def test_unknown_chapter_is_a_usage_error() -> None:
    with pytest.raises(UnknownNameError, match="no chapter 'three'.*one, two"):
        storymap.build(load_story(TINY), "three")


def test_condition_and_kind_on_edges() -> None:
    edges = storymap.build(load_story(TINY)).edges
    fight = next(e for e in edges if e.target == "end_fallen")
    assert fight.label == "1. Stand your ground [if armed and courage >= 2]"
    assert fight.style == "plausible"
    assert [e.style for e in edges if e.source == "street"] == ["auto"]


@pytest.fixture
def awkward_story(tmp_path: Path) -> Path:
    """The tiny story with quotes, backslashes, #, <, >, & and a Mermaid keyword as an id."""
    story = tmp_path / "awkward"
    shutil.copytree(TINY, story)
    scenes = story / "scenes" / "one.yaml"
    text = scenes.read_text(encoding="utf-8")
    text = text.replace("title: At the gate", 'title: "The \\"gate\\" \\\\ of <Radio> & #1 {x} [y] |z|"')
    text = text.replace("label: Take the rifle", "label: 'Take the \"rifle\" -> now; end'")
    text = text.replace("id: street", "id: end").replace("goto: street", "goto: end")
    scenes.write_text(text, encoding="utf-8")
    return story


@pytest.mark.slow
def test_special_characters_are_escaped(awkward_story: Path) -> None:
    story = load_story(awkward_story)
    dot = storymap.render(story, "dot")
    assert r'label="The \"gate\" \\ of <Radio> & #1 {x} [y] |z|"' in dot
    svg = render_svg(dot)
    assert "The &quot;gate&quot; \\ of &lt;Radio&gt; &amp; #1" in svg
    mermaid = storymap.render(story, "mermaid")
    nodes, _ = check_mermaid(mermaid)
    assert "s_end" in nodes
    assert '"The #quot;gate#quot; \\ of #lt;Radio#gt; #amp; #35;1 {x} [y] |z|"' in mermaid
    assert '|"1. Take the #quot;rifle#quot; -#gt; now; end"|' in mermaid


def test_long_labels_are_shortened_at_a_word() -> None:
    assert storymap.shorten("Cross the Danube with the crowd to Parliament before dark") == "Cross the Danube with the crowd…"
    assert len(storymap.shorten("x" * 100)) == storymap.LABEL_WIDTH
