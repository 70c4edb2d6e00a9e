"""`hungary56 lint --watch` (issue #25, the live loop): lints again when a story file changes."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TINY, cli_env


def read_until(process: subprocess.Popen[str], marker: str, timeout: float = 60) -> str:
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        assert time.monotonic() < deadline, seen
        line = process.stdout.readline()
        assert line, seen
        seen += line
    return seen


@pytest.mark.slow
def test_lint_watch_reports_again_after_an_edit(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    process = subprocess.Popen([sys.executable, "-m", "engine", "lint", str(folder), "--watch"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=cli_env())
    try:
        assert "0 errors, 0 warnings" in read_until(process, "0 errors")
        one = folder / "scenes" / "one.yaml"
        one.write_text(one.read_text(encoding="utf-8").replace("next: square", "next: sqare"), encoding="utf-8")
        report = read_until(process, "1 error")
        assert "one.yaml changed ---" in report
        assert "error E120 'next' of 'street' goes to unknown scene 'sqare' (did you mean 'square'?)" in report
        one.write_text(one.read_text(encoding="utf-8").replace("next: sqare", "next: square"), encoding="utf-8")
        assert "0 errors" in read_until(process, "0 errors")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
