"""Helpers for the browser build's tests: the pinned Pyodide from tests/browser, and a stand-in for it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.web import pyodide
from tests.conftest import REPO

NODE_PYODIDE = REPO / "tests" / "browser" / "node_modules" / "pyodide"


def real_pyodide() -> Path:
    """tests/browser/node_modules/pyodide (`npm ci --prefix tests/browser` brings it): a skip
    outside CI when it is missing, a failure in CI (.ci/run installs it)."""
    if not (NODE_PYODIDE / "pyodide.asm.wasm").is_file():
        if os.environ.get("CI"):
            pytest.fail("tests/browser/node_modules/pyodide is missing: .ci/run must run 'npm ci --prefix tests/browser'")
        pytest.skip("Pyodide is not installed for the tests: run 'npm ci --prefix tests/browser'")
    return NODE_PYODIDE


def fake_pyodide(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Stand-in files for Pyodide's (the tests of the site writer do not need the real 14 MB)."""
    files = {name: f"fake {name}".encode() for name in pyodide.FILES}
    monkeypatch.setattr(pyodide, "pyodide_files", lambda path=None: dict(files))
    return files
