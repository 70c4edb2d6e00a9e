"""The diagnostics registry: every code the engine emits is registered once, with its severity, summary and
explanation; docs/authoring.md's table is made from it; `hungary56 lint --explain CODE` prints it."""

from __future__ import annotations

import re

import pytest

from engine.core import diagnostics
from engine.core.errors import Location
from tests.conftest import REPO, run_cli

CODE = re.compile(r'"([EWN]\d{3})"')


def emitted_codes() -> dict[str, str]:
    """Every code literal in the engine's modules (but the registry itself), with a module using it."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "engine").rglob("*.py")):
        if path.name == "diagnostics.py":
            continue
        for code in CODE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, str(path.relative_to(REPO)))
    return found


def test_every_code_the_engine_emits_is_registered() -> None:
    missing = {code: where for code, where in emitted_codes().items() if code not in diagnostics.DIAGNOSTICS}
    assert missing == {}


def test_every_registered_code_is_emitted_somewhere() -> None:
    assert set(diagnostics.DIAGNOSTICS) - set(emitted_codes()) == set()


def test_an_unregistered_code_cannot_be_reported() -> None:
    with pytest.raises(KeyError):
        diagnostics.problem(Location("x.yaml", 1, 1), "E999", "no such code")


@pytest.mark.parametrize("code", list(diagnostics.DIAGNOSTICS))
def test_each_entry_is_complete(code: str) -> None:
    entry = diagnostics.DIAGNOSTICS[code]
    assert entry.severity == {"E": "error", "N": "note"}.get(code[0], "warning")
    assert entry.summary and "\n" not in entry.summary
    assert len(entry.explanation) > len(entry.summary) / 2 and entry.explanation.endswith(".")


def test_the_docs_table_is_the_registry() -> None:
    docs = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
    assert diagnostics.markdown_table() in docs
    documented = re.findall(r"^\| `([EWN]\d{3})` \|", docs, re.MULTILINE)
    assert documented == list(diagnostics.DIAGNOSTICS)


def test_severity_comes_from_the_registry() -> None:
    assert diagnostics.problem(Location("a"), "W300", "m").severity == "warning"
    assert diagnostics.problem(Location("a"), "E302", "m").severity == "error"


@pytest.mark.slow
def test_lint_explain_prints_the_registry_entry() -> None:
    result = run_cli("lint", "--explain", "e302")
    assert result.returncode == 0, result.stderr
    assert result.stdout == diagnostics.explain("E302")
    assert result.stdout.startswith("E302 (error): a trap")


@pytest.mark.slow
def test_lint_explain_of_an_unknown_code_lists_the_codes() -> None:
    result = run_cli("lint", "--explain", "E999")
    assert result.returncode == 2
    assert "unknown code 'E999'; the codes are:" in result.stderr
    assert "  E302  a trap" in result.stderr and "Traceback" not in result.stderr
