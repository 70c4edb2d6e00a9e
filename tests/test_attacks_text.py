"""Regression tests for the second attack review's hostile-text findings (reviews/2026-12-06/reliability.md):
a small lint-clean story cannot crash or stall a command through its inline text, each test run the
way the review ran it (a copy of examples/starter holding the hostile text, under a memory limit)."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env

STARTER = REPO / "examples" / "starter"
LIMIT = 1_500_000 * 1024  # the review's `ulimit -v 1500000`
GATE_TEXT = """    text: |
      The crowd presses against the gate of the radio building. Somewhere ahead, a delegation
      has gone inside to ask for the students' demands to be read on the air.

      Above you, men of the ÁVH look down from the windows.
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def limited_cli(*args: str, stdin: str = "", timeout: float = 90, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args], input=stdin, capture_output=True, text=True, encoding="utf-8",
        cwd=REPO, env=cli_env(**{"HUNGARY56_NO_CACHE": "1", **extra}), timeout=timeout, preexec_fn=_limit_memory,
    )


def story_with(tmp_path: Path, text_field: str, variables: str = "") -> Path:
    """examples/starter with the first scene's text replaced by `text_field` (a YAML `text:` entry)."""
    folder = tmp_path / "S"
    shutil.copytree(STARTER, folder)
    scenes = folder / "scenes" / "one.yaml"
    source = scenes.read_text(encoding="utf-8")
    assert GATE_TEXT in source
    scenes.write_text(source.replace(GATE_TEXT, text_field), encoding="utf-8")
    if variables:
        (folder / "story" / "variables.yaml").write_text(
            (folder / "story" / "variables.yaml").read_text(encoding="utf-8") + variables, encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("depth", [990, 1200])
def test_nm1_if_nested_a_thousand_deep_is_a_located_error_in_every_command(tmp_path: Path, depth: int) -> None:
    # template_nesting.sh: a 16 KB scene text "{if true}"*990 + "deep" + "{end}"*990
    story = story_with(tmp_path, '    text: "' + "{if true}" * depth + "deep" + "{end}" * depth + '"\n')
    for command in ("lint", "play", "test", "walkthrough", "stats", "graph"):
        result = limited_cli(command, str(story), stdin="quit\n")
        shown = result.stdout + result.stderr
        assert result.returncode == 1, (command, shown[-2000:])
        assert "Traceback" not in shown and "RecursionError" not in shown, (command, shown[-2000:])
        assert "scenes/one.yaml:9:462: error" in shown and "nested deeper than 50 levels" in shown, shown
        assert command != "lint" or "E212" in shown


def test_nm1_fifty_levels_of_if_still_work() -> None:
    from engine.core import template
    from engine.core.errors import Location

    source = "{if true}" * 50 + "deep" + "{end}" * 50
    assert template.render(template.parse(source, Location("x")), ({}, {})) == "deep"


@pytest.mark.slow
@pytest.mark.parametrize("lines", [40_000])
def test_nm2_a_text_of_forty_thousand_lines_each_with_an_insertion_lints_quickly(tmp_path: Path, lines: int) -> None:
    # template_lines_quadratic.sh: a block text of N lines, each `{courage}` (40,000: 40-91 s before)
    story = story_with(tmp_path, "    text: |\n" + "      {courage}\n" * lines)
    started = time.monotonic()
    result = limited_cli("lint", str(story))
    assert time.monotonic() - started < 20
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "E213" in result.stdout  # more than 1,000 insertions in one text


def test_nm2_locating_an_insertion_is_linear_in_the_lines_of_its_text() -> None:
    # the same 40,000-line text with 999 insertions spread over it (under the E213 bound): each
    # insertion located by a binary search, not a scan of every line before it
    from engine.core import template
    from engine.core.errors import Location

    lines = ["      {courage}" if n % 40 == 0 else "      words" for n in range(40_000)]
    source = "\n".join(line.strip() for line in lines)
    anchors, offset = [], 0
    for number, line in enumerate(source.split("\n")):
        anchors.append((offset, number + 2, 7))
        offset += len(line) + 1
    started = time.monotonic()
    parsed = template.parse(source, Location("s.yaml", 1, 11), tuple(anchors))
    assert time.monotonic() - started < 2
    last = [p for p in parsed.parts if isinstance(p, template.Insert)][-1]
    assert last.expression.location.line == 39_962 and last.expression.location.column == 8


def string_variable(size: int) -> str:
    return f"  s:\n    type: str\n    initial: \"{'x' * size}\"\n    description: A long text.\n"


@pytest.mark.slow
@pytest.mark.parametrize("count", [2_000, 10_000])
def test_nm3_ten_thousand_insertions_of_a_long_variable_are_refused_by_lint(tmp_path: Path, count: int) -> None:
    # template_insert_amplification.sh: `{s} ` x 2,000 / 10,000 with s a 99,990-character initial value
    story = story_with(tmp_path, '    text: "' + "{s} " * count + '"\n', string_variable(99_990))
    for command in ("lint", "play"):
        started = time.monotonic()
        result = limited_cli(command, str(story), stdin="quit\n")
        assert time.monotonic() - started < 30
        shown = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in shown and "MemoryError" not in shown
        assert "scenes/one.yaml:9:4012: error" in shown and "more than 1,000 insertions" in shown
        assert command != "lint" or "E213" in shown


@pytest.mark.slow
def test_nm3_what_a_text_renders_to_is_bounded_whatever_its_variables_hold(tmp_path: Path) -> None:
    # under the insertion bound, 900 x 99,990 characters would still be 90 MB a display
    story = story_with(tmp_path, '    text: "' + "{s} " * 900 + '"\n', string_variable(99_990))
    assert limited_cli("lint", str(story)).returncode == 0
    result = limited_cli("play", str(story), stdin="quit\n")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "the rest of this text is longer than hungary56 shows" in " ".join(result.stdout.split())
    assert len(result.stdout) < 3_000_000
    tested = limited_cli("test", str(story))
    assert tested.returncode == 1 and "Traceback" not in tested.stderr
    assert "grows past 1,000,000 characters" in tested.stdout + tested.stderr


@pytest.mark.slow
def test_nm4_aliases_of_one_long_string_cannot_multiply_the_story_text(tmp_path: Path) -> None:
    # alias_string_amplification.sh: one 1 MB text aliased (`text: *big`) by 2,000 scenes, a 1.3 MB
    # file; with the cache on, lint died of MemoryError at 4 GB and `stats` ran for hours
    story = story_with(tmp_path, '    text: &big "' + "word " * 200_000 + '"\n')
    scene = ("  - id: s{n}\n    chapter: radio\n    title: S\n    date: 1956-10-23\n    where: W\n    text: *big\n"
             "    note: N.\n    sources: [article]\n    next: home\n")
    with (story / "scenes" / "one.yaml").open("a", encoding="utf-8") as file:
        file.write("".join(scene.format(n=n) for n in range(2_000)))
    assert (story / "scenes" / "one.yaml").stat().st_size < 1_500_000
    for command in ("lint", "stats"):
        started = time.monotonic()
        result = limited_cli(command, str(story), HUNGARY56_NO_CACHE="0", HUNGARY56_CACHE_DIR=str(tmp_path / "cache"))
        assert time.monotonic() - started < 30
        shown = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in shown and "MemoryError" not in shown, shown[-2000:]
        assert "scenes/one.yaml:" in shown and "aliases expand this file" in shown, shown[-2000:]


@pytest.mark.slow
def test_nm5_showing_a_one_word_text_of_8_mb_is_linear(tmp_path: Path) -> None:
    # long_word_text.sh: a lint-clean scene whose text is one 8 MB word; each display (and each
    # `look`) took 14-18 s in textwrap
    story = story_with(tmp_path, '    text: "' + "x" * 8_000_000 + '"\n')
    started = time.monotonic()
    result = limited_cli("play", str(story), stdin="look\nlook\nquit\n", timeout=120)
    assert time.monotonic() - started < 30
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.stdout.count("x" * 60) > 3 * 8_000_000 // 80


def test_nl9_zalgo_text_is_a_few_lines_not_pages_of_blank_ones() -> None:
    # misc_low.sh (2): a 180 KB text of combining marks made 1,156 near-blank wrapped lines
    from engine.core.render import Block, wrap_blocks

    zalgo = " ".join("Ha" + "\u0301\u0316\u0334" * 300 + "lt" for _ in range(100))
    assert len(zalgo.encode("utf-8")) > 180_000
    lines = wrap_blocks([Block("text", zalgo)], 80)
    assert len(lines) < 20
    assert all(line.count("\u0301") <= 4 * 100 for _, line in lines)


def test_nl9_q_at_more_leaves_as_ctrl_c_does(tmp_path: Path) -> None:
    # misc_low.sh (2): ~50 `-- more --` pages that only Enter, Space or Ctrl-C left; `quit` was not taken
    from tests.test_reader_player import play

    out, _session = play(["q"], tmp_path, rows=8, width=30)
    assert "Smoke drifts over the street." not in " ".join(out.split())  # the pages after the first: not shown


def test_nl9_quit_at_more_leaves_a_dumb_terminal_too() -> None:
    import io

    from engine.play.pager import ReaderLeft
    from engine.play.terminal import LineConsole, TextOutput

    console = LineConsole(TextOutput(io.StringIO(), colour=False, width=40), io.StringIO("quit\n"), height=8)
    with pytest.raises(ReaderLeft):
        console.more()
