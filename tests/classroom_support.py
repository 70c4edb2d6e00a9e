"""Helpers for the classroom tests: the shared paths and CLI runner of conftest, and their golden folder."""

from __future__ import annotations

from tests.conftest import ARTIFACTS, GOLDEN, REPO, STORIES
from tests.conftest import check_golden as _check_golden
from tests.conftest import cli_env as env
from tests.conftest import run_cli as cli

__all__ = ["ARTIFACTS", "REPO", "STORIES", "check_golden", "cli", "env"]


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/classroom/NAME (`pytest --update-goldens` rewrites it)."""
    _check_golden(GOLDEN / "classroom" / name, actual)
