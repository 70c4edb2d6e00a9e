"""The safe located YAML reader: strict types, duplicate keys, tags, aliases, nesting, locations."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.io.yamlio import YList, YMap, parse_yaml


def test_keeps_yes_no_on_off_dates_and_times_as_strings():
    value, problems = parse_yaml("a: yes\nb: no\nc: on\nd: off\ne: 1956-10-23\nf: 20:00\ng: 010\nh: true\ni: 3\nj: 1.5\n", "f.yaml")
    assert problems == []
    assert dict(value) == {"a": "yes", "b": "no", "c": "on", "d": "off", "e": "1956-10-23", "f": "20:00",
                           "g": "010", "h": True, "i": 3, "j": 1.5}


def test_every_node_knows_where_it_is():
    value, _ = parse_yaml("scenes:\n  - id: bem\n    text: 'Ő'\n  - id: radio\n", "s.yaml")
    assert isinstance(value, YMap) and isinstance(value["scenes"], YList)
    first = value["scenes"][0]
    assert str(first.loc) == "s.yaml:2:5"
    assert str(first.key_loc("text")) == "s.yaml:3:5"
    assert str(first.value_loc("text")) == "s.yaml:3:12"  # inside the quote
    assert [str(loc) for loc in value["scenes"].item_locs] == ["s.yaml:2:5", "s.yaml:4:5"]


def test_duplicate_keys_are_errors_naming_both_lines():
    _, problems = parse_yaml("id: a\ntitle: x\nid: b\n", "d.yaml")
    assert [p.format() for p in problems] == ["d.yaml:3:1: error: duplicate key 'id' (first defined at line 1)"]


@pytest.mark.parametrize("text", [
    "a: !!python/object/apply:os.system ['echo hi']\n",
    "a: !!python/name:os.system\n",
    "a: !custom x\n",
])
def test_python_and_custom_tags_are_refused(text):
    _, problems = parse_yaml(text, "t.yaml")
    assert problems and "not allowed" in problems[0].message
    assert problems[0].location.line == 1


def test_billion_laughs_is_refused_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    _, problems = parse_yaml("\n".join(lines), "lol.yaml")
    assert problems and "aliases expand" in problems[0].message


def test_small_aliases_work():
    value, problems = parse_yaml("base: &b [1, 2]\ncopy: *b\n", "a.yaml")
    assert problems == [] and list(value["copy"]) == [1, 2]


def test_syntax_error_is_located():
    _, problems = parse_yaml("a: [1, 2\nb: 3\n", "bad.yaml")
    assert problems[0].format().startswith("bad.yaml:2:2: error: invalid YAML")


def test_a_bom_is_ignored():
    value, problems = parse_yaml("\ufeffa: 1\n", "bom.yaml")
    assert problems == [] and value["a"] == 1


def test_merge_keys_are_refused_with_a_reason():
    _, problems = parse_yaml("a: &a {x: 1}\nb:\n  <<: *a\n", "m.yaml")
    assert "merge keys" in problems[0].message


@pytest.mark.slow
@pytest.mark.parametrize("text", ["[" * 200_000 + "]" * 200_000, "- " * 200_000 + "x"], ids=["flow", "block"])
def test_absurd_nesting_is_an_error_not_a_segfault(text):
    # The C composer would overflow the stack; run in a child so a crash would show as one.
    code = "import sys; from engine.io.yamlio import parse_yaml; print(parse_yaml(sys.stdin.read(), 'deep.yaml')[1][0].message)"
    result = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    # Our own depth guard, or (with a newer libyaml) its own limit: either way a message, not a crash.
    assert "nesting deeper than 100 levels" in result.stdout or "maximum nesting depth" in result.stdout


@pytest.mark.parametrize("text, where", [
    ("a: &x [*x]\n", "r.yaml:1:4"),
    ("a: &x {b: *x}\n", "r.yaml:1:4"),
    ("a:\n  - &x\n    - ok\n    - [1, [2, *x]]\n", "r.yaml:2:5"),
])
def test_a_recursive_alias_is_a_located_error(text, where):
    value, problems = parse_yaml(text, "r.yaml")
    assert value is None
    assert [str(p.location) for p in problems] == [where]
    assert "refers to its own anchor" in problems[0].message


def test_an_alias_used_twice_is_not_mistaken_for_recursion():
    value, problems = parse_yaml("a: &x [1]\nb: [*x, *x, [*x]]\nc: *x\n", "d.yaml")
    assert problems == [] and value["b"] == [[1], [1], [[1]]]


def test_a_long_chain_of_aliases_is_refused_as_too_deep():
    text = "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 300))
    value, problems = parse_yaml(text, "c.yaml")
    assert value is None
    assert [p.format() for p in problems] == ["c.yaml:101:7: error: aliases nest this deeper than 100 levels"]


def _nodes(node) -> int:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return 1 + sum(_nodes(k) + _nodes(v) for k, v in node.value)
    if isinstance(node, yaml.SequenceNode):
        return 1 + sum(_nodes(item) for item in node.value)
    return 1


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=3), inner, max_size=5),
    max_leaves=40,
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(_VALUES, st.sampled_from([None, True, False]), st.sampled_from([
    "", "{a, b, c}", "[a, [b, {c}]]", "- \n- \n-\n", "? a\n? b\n", "a:\nb:\nc:\n", "{? : , : }", "[[[]]]",
]))
def test_the_separator_count_bounds_the_node_count(value, flow, extra):
    """M4: only a text with many separators can hold many nodes, so only it is walked event by event."""
    import yaml

    from engine.io.yamlio import _SEPARATORS, StoryLoader

    for text in (yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True), extra):
        try:
            root = yaml.compose(text, Loader=StoryLoader)
        except yaml.YAMLError:
            continue
        count = 0 if root is None else _nodes(root)
        assert count <= 2 * sum(text.count(c) for c in _SEPARATORS) + 2, text


@pytest.mark.slow
def test_a_file_of_too_many_tiny_nodes_is_refused_before_it_is_composed():
    from engine.io.yamlio import MAX_EXPANDED_NODES

    text = "x: [" + ",".join(["1"] * (MAX_EXPANDED_NODES + 10)) + "]\n"
    value, problems = parse_yaml(text, "n.yaml")
    assert value is None
    [problem] = problems
    assert problem.format().startswith("n.yaml:1:") and "more than 2,000,000 values" in problem.message
    assert "aliases" not in problem.message
