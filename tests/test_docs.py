"""Docs are part of the product: every command is documented, and CI runs what the README says."""

from __future__ import annotations

import re
from typing import Any

from engine.cli import COMMAND_MODULES, build_parser
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    return [b.strip() for b in blocks[:2]]


def test_readme_gives_the_two_commands():
    play, test = readme_commands()
    assert "pip install -e ." in play and play.endswith("hungary56")
    assert "pip install -e '.[test]'" in test and "pytest" in test


def test_ci_runs_exactly_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_every_cli_command_is_in_the_readme_and_has_help():
    parser = build_parser()
    subparsers: dict[str, Any] = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr,assignment]
    assert set(subparsers) == set(COMMAND_MODULES)
    for name, sub in subparsers.items():
        assert f"`hungary56 {name}" in README, f"README.md does not document `hungary56 {name}`"
        assert sub.description, name


def test_every_in_game_command_is_in_the_readme():
    """The README and the classroom guide read from the same table as `help` and Tab completion."""
    from engine.core.commands import TABLE

    guide = (REPO / "docs" / "classroom.md").read_text(encoding="utf-8")
    for command in TABLE:
        assert f"`{command.name}" in README, command.name
        if command.modes == frozenset({"teacher"}):
            assert f"`{command.name}" in guide, command.name


def test_docs_exist_and_are_linked():
    for doc in ("docs/format.md", "docs/architecture.md"):
        assert (REPO / doc).is_file(), doc
        assert doc in README, doc
