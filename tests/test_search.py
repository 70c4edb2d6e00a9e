"""The exhaustive search (engine/author/search.py) finds every trap lint finds, and the traps only the
game's state shows; its exit status and its last line agree (author review F5, issue 14.3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.author import lint, reports, search
from engine.io.loader import load_story
from tests.conftest import BROKEN, FIXTURES, run_cli
from tests.story_helpers import edited_tiny

TWO = "scenes/two.yaml"
# `square` can only be left for an ending once `armed`; nothing ever arms the player on this path,
# and the waiting room leads back: lint sees a way out (the guard is not constant), the state does not.
GUARDED_LOOP = {
    "scenes/one.yaml": [('        do: ["armed = true", "courage += 2"]\n', "")],
    TWO: [('        if: "armed and courage >= 2"', '        if: "armed"'),
          ("        goto: end_home\n        kind: historical", "        goto: end_home\n        if: armed\n        kind: historical"),
          ("        goto: end_home\n        kind: counterfactual", "        goto: waiting\n        kind: counterfactual"),
          ("  - id: end_fallen", "  - id: waiting\n    chapter: two\n    title: Waiting\n    date: 1956-10-24\n"
           "    where: A doorway\n    text: You wait.\n    note: N.\n    sources: [article]\n    next: square\n"
           "  - id: end_fallen")],
}


def test_every_trap_lint_finds_is_found() -> None:
    cases = [p for p in sorted(BROKEN.iterdir()) if (p / "expected.txt").is_file()
             and " E302 " in (p / "expected.txt").read_text(encoding="utf-8")]
    assert cases
    for folder in cases:
        story = load_story(folder)
        facts = lint.facts_of(story)
        expected = [tuple(s.id for s in members) for members in lint.scene_traps(lint.build_graph(facts), facts)]
        report = search.exhaustive(story)
        assert [t.scenes for t in report.traps] == expected, folder.name
        assert not search.exhaustive_ok(story, report)


def test_a_trap_only_the_state_shows() -> None:
    story = edited_tiny(GUARDED_LOOP)
    assert lint.findings(lint.check_traps, story) == []  # lint cannot see it
    report = search.exhaustive(story)
    assert [(t.scenes, t.path) for t in report.traps] == [(("square", "waiting"), (1, 1))]
    text = reports.format_exhaustive(story, report)
    assert "Traps (1): no ending can be reached once a player is in them" in text
    assert "scenes 'square', 'waiting'\n    choices: 1 1\n" in text


def test_a_trap_reached_beyond_the_bound_is_still_reported() -> None:
    story = load_story(BROKEN / "trap")
    report = search.exhaustive(story, max_states=2)
    assert report.bound_hit and [t.scenes for t in report.traps] == [("cellar", "stairs")]


@pytest.mark.slow
@pytest.mark.parametrize(("folder", "args", "status", "verdict"), [
    (FIXTURES / "stories" / "tiny", [], 0, "Verdict: no problems."),
    (BROKEN / "trap", [], 1, "Verdict: 1 trap, 3 unreachable scenes, 3 unreachable choices."),
    (FIXTURES / "stories" / "unreachable", [], 1, "Verdict: 1 unreachable scene, 1 unreachable choice."),
    (FIXTURES / "stories" / "stuck", [], 1, "Verdict: 1 stuck scene, 1 unreachable choice."),
    (FIXTURES / "stories" / "loop", ["--max-states", "50"], 1, "Verdict: stopped at the bound of 50 states."),
])
def test_exit_status_and_last_line_agree(folder: Path, args: list[str], status: int, verdict: str) -> None:
    result = run_cli("test", str(folder), "--exhaustive", *args)
    assert "Traceback" not in result.stderr
    assert (result.returncode, result.stdout.splitlines()[-1]) == (status, verdict)
    assert "No errors." not in result.stdout  # no line that contradicts the verdict
    assert result.stderr == ""  # progress goes to a terminal only, never into a pipe
