"""The linter: the real CLI over broken stories (exact output), JSON output, and each check alone."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from engine.author import graphs, lint
from engine.core.errors import Problem
from tests.conftest import BROKEN, REPO, TINY, check_golden, run_cli
from tests.story_helpers import edited_tiny

CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_broken_story_lint_output(case: str) -> None:
    folder = BROKEN / case
    # No STORY_DIR, as an author runs it inside the story (F1): the current folder, named on the first line.
    result = run_cli("lint", cwd=folder)
    assert "Traceback" not in result.stderr + result.stdout
    header, _, report = result.stdout.partition("\n")
    assert header == "Linting . (the current folder)"
    check_golden(folder / "expected.txt", report)
    problems = [line for line in report.splitlines() if " error " in line or " warning " in line]
    assert problems, f"lint found nothing wrong with the broken case {case}"
    has_error = any(" error " in line for line in problems)
    assert result.returncode == (1 if has_error else 0)


@pytest.mark.slow
def test_valid_story_lints_clean() -> None:
    result = run_cli("lint", str(TINY))
    assert (result.returncode, result.stdout) == (0, f"Linting {TINY.relative_to(REPO)}\n0 errors, 0 warnings\n")


@pytest.mark.slow
def test_json_format_lists_every_problem() -> None:
    result = run_cli("lint", ".", "--format", "json", cwd=BROKEN / "errors_and_warnings")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    text = (BROKEN / "errors_and_warnings" / "expected.txt").read_text(encoding="utf-8").splitlines()[:-1]
    assert [f"{p['path']}:{p['line']}:{p['column']}: {p['severity']} {p['code']} {p['message']}" for p in problems] == text
    assert set(problems[0]) == {"path", "line", "column", "severity", "code", "message"}


@pytest.mark.slow
def test_json_format_of_a_clean_story_is_an_empty_list() -> None:
    result = run_cli("lint", str(TINY), "--format", "json")
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


@pytest.mark.slow
def test_missing_folder_is_a_clean_error() -> None:
    result = run_cli("lint", "no-such-story")
    assert result.returncode == 1
    assert "no such story folder" in result.stdout
    assert "Traceback" not in result.stderr


# --- each check on its own --------------------------------------------------------------------

ONE, TWO, STORY = "scenes/one.yaml", "scenes/two.yaml", "story/story.yaml"


def run_check(check: lint.SceneCheck | lint.Check, edits: dict[str, list[tuple[str, str]]] | None = None) -> list[Problem]:
    return lint.findings(check, edited_tiny(edits))


def codes(problems: list[Problem]) -> list[tuple[str, str, int]]:
    return [(p.code, p.location.path, p.location.line) for p in problems]


def test_every_check_passes_the_valid_story() -> None:
    story = edited_tiny()
    for check in lint.CHECKS:
        assert lint.findings(check, story) == [], check.__name__


def test_graph_is_walked_once_with_successors_and_predecessors() -> None:
    graph = lint.build_graph(lint.facts_of(edited_tiny()))
    assert graph.successors["gate"] == ("street",)
    assert set(graph.predecessors["end_home"]) == {"square"}
    assert graph.reachable == graph.can_end == {"gate", "street", "square", "end_fallen", "end_home"}


ATTIC = ("    ending: {title: Home, kind: stayed, epilogue: You lived.}",
         "    ending: {title: Home, kind: stayed, epilogue: You lived.}\n  - id: attic\n    chapter: two\n"
         "    title: Attic\n    date: 1956-10-24\n    where: Attic\n    text: Dust.\n    note: N.\n"
         "    sources: [article]\n    next: attic\n")


def test_check_unreachable() -> None:
    assert codes(run_check(lint.check_unreachable, {TWO: [ATTIC]})) == [("W300", TWO, 42)]


def test_check_traps_reports_a_loop_once() -> None:
    problems = run_check(lint.check_traps, {TWO: [ATTIC]})
    assert codes(problems) == [("E302", TWO, 42)]
    assert "only leads to itself" in problems[0].message


def test_check_traps_ignores_scenes_that_only_lead_into_a_dead_end() -> None:
    edits = {TWO: [('        if: "armed and courage >= 2"', "        if: false"),
                   ("        goto: end_home\n        kind: historical", '        goto: end_home\n        if: "1 > 2"\n        kind: historical'),
                   ("        goto: end_home\n        kind: counterfactual", '        goto: end_home\n        if: "not true"\n        kind: counterfactual')]}
    assert run_check(lint.check_traps, edits) == []
    assert codes(run_check(lint.check_dead_ends, edits)) == [("E301", TWO, 2)]


def test_check_dead_ends_warns_about_a_choice_that_can_never_be_taken() -> None:
    problems = run_check(lint.check_dead_ends, {TWO: [('        if: "armed and courage >= 2"', '        if: "false or 1 > 2"')]})
    assert [(p.code, p.location.line, p.location.column) for p in problems] == [("W302", 13, 14)]


def test_constant_guards() -> None:
    from engine.core.expr import parse_condition
    assert lint.constant(parse_condition("not (1 < 2)")) is False
    assert lint.constant(parse_condition("armed and false")) is None
    assert lint.constant(parse_condition("visited(gate)")) is None


def test_check_variables() -> None:
    edits = {STORY: [("  armed: {type: bool, initial: false, description: Carrying a rifle.}",
                      "  armed: {type: bool, initial: false, description: Carrying a rifle.}\n"
                      "  hope: {type: int, initial: 0, description: Unused.}\n"
                      "  anger: {type: int, initial: 0, description: Written only.}\n"
                      "  fear: {type: int, initial: 0, description: Read by an effect.}")],
             ONE: [('do: ["armed = true", "courage += 2"]', 'do: ["armed = true", "courage += 2", "anger = fear + 1"]')]}
    problems = run_check(lint.check_variables, edits)
    assert [(p.code, p.message) for p in problems] == [
        ("W310", "variable 'hope' is declared but never used"),
        ("W311", "variable 'anger' is set but never read (in a condition or a text)"),
    ]


def test_check_references_points_at_the_item() -> None:
    edits = {ONE: [("    terms: [ÁVH]", "    terms: [ÁVH, MEFESZ]"), ("    note: Fighting spread.\n    sources: [article]",
                   "    note: Fighting spread.\n    sources: [article, artcle]\n    contested:\n"
                   "      - {who: Radio, account: Hooligans., source: radio}")]}
    problems = run_check(lint.check_references, edits)
    assert [(p.code, str(p.location)) for p in problems] == [
        ("E320", "scenes/one.yaml:14:18"), ("E321", "scenes/one.yaml:36:24"), ("E321", "scenes/one.yaml:38:51"),
    ]
    assert "did you mean 'article'?" in problems[1].message


def test_check_annotations_skips_automatic_choices() -> None:
    edits = {ONE: [("        kind: historical\n        history: Many did.\n", "")]}
    problems = run_check(lint.check_annotations, edits)
    assert [(p.code, p.severity) for p in problems] == [("E330", "error"), ("W331", "warning")]


def test_check_notes() -> None:
    problems = run_check(lint.check_notes, {TWO: [("    note: Many died.\n    sources: [article]\n", "")]})
    assert {p.code for p in problems} == {"W340", "W341"}


@pytest.mark.parametrize(("gate", "street", "flashback", "bad"), [
    ("21:00", "20:00", "", True),
    ("21:00", "20:00", "    flashback: true\n", False),
    ("21:00", "", "", False),      # no time: same day is not earlier
    ("21:00", "22:00", "", False),
])
def test_check_chronology(gate: str, street: str, flashback: str, bad: bool) -> None:
    street_time = f'    time: "{street}"\n' if street else ""
    edits = {ONE: [('    time: "21:00"\n', f'    time: "{gate}"\n'),
                   ('    time: "23:00"\n', street_time + flashback)]}
    problems = run_check(lint.check_chronology, edits)
    assert [p.code for p in problems] == (["E350", "E350"] if bad else [])


def test_chronology_compares_partial_dates_at_their_precision() -> None:
    edits = {ONE: [('    date: 1956-10-23\n    time: "23:00"', "    date: \"1956\"")]}
    assert run_check(lint.check_chronology, edits) == []
    edits = {ONE: [('    date: 1956-10-23\n    time: "23:00"', "    date: \"1949\"")]}
    assert [p.code for p in run_check(lint.check_chronology, edits)] == ["E350", "E350"]


def test_check_chapters() -> None:
    edits = {STORY: [("    first: square\n", "    first: gate\n  - id: three\n    title: Three\n    date: 1956-10-25\n    first: square\n")]}
    problems = run_check(lint.check_chapters, edits)
    assert sorted(p.code for p in problems) == ["W360", "W360", "W361"]


def test_lint_reports_each_problem_once_in_file_order() -> None:
    story = edited_tiny({TWO: [("    note: Many died.\n", "")]})
    twice = lint.lint_story(story, lint.CHECKS + (lint.check_notes,))
    assert twice == lint.lint_story(story) == sorted(twice, key=Problem.sort_key)
    assert len(twice) == 1


def test_loader_codes_carry_through() -> None:
    problems = lint.lint(lambda: edited_tiny({TWO: [('if: "armed and courage >= 2"', 'if: "armed + 1"')]}))
    assert [(p.code, p.severity) for p in problems] == [("E201", "error")]


# --- traps as strongly connected components (code review §6: the trap check was quadratic) ------


class CountingEdges(list[int]):
    """A node's edge list that counts how often the walk reads it."""

    reads = 0

    def __iter__(self) -> Iterator[int]:
        CountingEdges.reads += 1
        return super().__iter__()


def ring_operations(size: int) -> tuple[int, int]:
    """(successor look-ups, edge-list reads) for the trap check of a ring of `size` nodes that never ends."""
    calls = 0

    def successors(node: int) -> tuple[int, ...]:
        nonlocal calls
        calls += 1
        return ((node + 1) % size,)

    CountingEdges.reads = 0
    real = graphs._components
    groups = graphs.traps(range(size), successors, can_end=())
    assert [sorted(g) for g in groups] == [list(range(size))]
    edges = [CountingEdges([(n + 1) % size]) for n in range(size)]
    assert [sorted(c) for c in real(edges)] == [list(range(size))]
    return calls, CountingEdges.reads


def test_the_trap_check_is_linear() -> None:
    small, large = ring_operations(2_000), ring_operations(4_000)
    assert large[0] <= 2 * small[0] and large[1] <= 2 * small[1]
    assert small[0] <= 2 * 2_000 and small[1] <= 2 * 2_000  # a few operations per node, not per pair


def test_a_deep_chain_into_a_trap_needs_no_recursion() -> None:
    size = 50_000  # far past Python's recursion limit
    chain = {n: (n + 1,) for n in range(size)} | {size: (size,)}
    assert graphs.traps(chain, lambda n: chain[n], can_end=()) == [[size]]


def test_traps_leading_into_traps_are_reported_at_the_last_one() -> None:
    graph = {"a": ("b",), "b": ("a", "c"), "c": ("d",), "d": ("c",), "e": ("e", "end"), "end": ()}
    found = graphs.traps(graph, lambda n: graph[n], can_end={"e", "end"})
    assert [sorted(g) for g in found] == [["c", "d"]]


def test_a_misspelt_story_key_is_reported_once() -> None:
    """Author review F11: `perspektive:` in story.yaml was reported twice and counted as 2 errors."""
    problems = lint.lint(lambda: edited_tiny({STORY: [("start: gate\n", "start: gate\nperspektive: A student.\n")]}))
    assert [(p.code, p.message) for p in problems] == [
        ("E102", "unknown key 'perspektive' in story/story.yaml (did you mean 'perspective'?)"),
    ]


@pytest.mark.slow
def test_a_file_that_cannot_be_read_comes_first_and_hides_its_cascade() -> None:
    """Author review F3: the E202 in another file that only follows from the unreadable one is not shown."""
    result = run_cli("lint", ".", cwd=BROKEN / "yaml_cascade")
    lines = result.stdout.splitlines()[1:]  # after the line naming the story
    assert lines[0].startswith("scenes/one.yaml:4:17: error E001 invalid YAML: a colon followed by a space")
    assert "put the text in quotes" in lines[0] and "visited()" not in result.stdout
    assert lines[-1] == "1 error, 0 warnings"


@pytest.mark.slow
def test_an_empty_file_is_listed_first_among_errors() -> None:
    """Author review F3: W101 was dropped whenever there were errors."""
    lines = run_cli("lint", ".", cwd=BROKEN / "empty_file").stdout.splitlines()[1:]  # after the story's name
    assert lines[0] == "scenes/one.yaml:1:1: warning W101 the file is empty"
    assert [line.split()[2] for line in lines[1:-1]] == ["E120", "E120"]


# --- source cards: form and locator (issue #22, N01) -------------------------------------------------

def _with_card(card: str) -> dict[str, list[tuple[str, str]]]:
    return {"story/story.yaml": [("    questions: [Would you have gone in?]\n",
                                  "    questions: [Would you have gone in?]\n    cards:\n" + card)]}


QUOTATION = ("      - quote: Nobody is to be arrested for taking part in the fighting.\n"
             "        who: Imre Nagy\n        source: article\n")


def test_a_quotation_card_without_a_locator_is_an_error() -> None:
    problems = run_check(lint.check_cards, _with_card(QUOTATION))
    assert [p.code for p in problems] == ["E370"]
    assert problems[0].severity == "error" and "locator" in problems[0].message
    assert run_check(lint.check_cards, _with_card(QUOTATION + "        locator: p. 472\n")) == []
    assert run_check(lint.check_cards, _with_card(QUOTATION + "        form: paraphrase\n")) == []


def test_the_old_slogan_key_still_reads_with_a_deprecation_warning() -> None:
    story = edited_tiny(_with_card(QUOTATION + "        slogan: true\n"))
    card = story.chapters[0].cards[0]
    assert card.form == "slogan" and card.slogan and not card.quoted
    assert [(w.code, w.severity) for w in story.warnings] == [("W116", "warning")]
    assert "form: slogan" in story.warnings[0].message


def test_a_card_form_is_one_of_three_words() -> None:
    from engine.core.errors import StoryError

    with pytest.raises(StoryError) as caught:
        edited_tiny(_with_card(QUOTATION + "        form: quote\n"))
    assert [p.code for p in caught.value.problems] == ["E108"]


def test_only_a_quotation_is_shown_in_quotation_marks() -> None:
    from engine.core.lookup import card_blocks

    for form, shown in (("quotation", "\u201cNobody"), ("paraphrase", "In summary: Nobody"), ("slogan", "Slogan: Nobody")):
        story = edited_tiny(_with_card(QUOTATION + f"        form: {form}\n        locator: p. 1\n"))
        texts = [b.text for b in card_blocks(story, story.chapters[0]) if b.style == "text"]
        assert texts[0].startswith(shown), (form, texts)
        assert ("\u201c" in texts[0]) == (form == "quotation"), form


def test_the_facts_ledger_is_read_and_its_sources_checked() -> None:
    from engine.core.errors import StoryError

    ledger = ('sources:\n  article: The reference article.\n',
              'sources:\n  article: The reference article.\nfacts:\n  "88":\n    says: dead identified by name\n'
              '    source: {source}\n    locator: p. 1\n')
    story = edited_tiny({"story/story.yaml": [(ledger[0], ledger[1].format(source="article"))]})
    assert story.facts["88"].says == "dead identified by name" and story.facts["88"].locator == "p. 1"
    with pytest.raises(StoryError) as caught:
        edited_tiny({"story/story.yaml": [(ledger[0], ledger[1].format(source="nowhere"))]})
    assert [p.code for p in caught.value.problems] == ["E121"]


def test_the_facts_ledger_survives_the_cache_codec() -> None:
    from engine.io import codec

    story = edited_tiny({"story/story.yaml": [('sources:\n  article: The reference article.\n',
                                               'sources:\n  article: The reference article.\nfacts:\n  "88":\n'
                                               '    says: dead\n    source: article\n    locator: p. 1\n')]})
    back = codec.decoder("story/story.yaml")(codec.encode(story, "story/story.yaml"))
    assert back.facts == story.facts
