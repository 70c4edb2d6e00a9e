"""Docs are product: every CLI command appears in README.md's Commands table."""

from __future__ import annotations

import pytest
from story_helpers import ROOT

from engine.cli import COMMAND_MODULES


@pytest.mark.parametrize("command", COMMAND_MODULES)
def test_command_is_in_readme(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| `hungary56 {command}" in readme
