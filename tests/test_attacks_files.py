"""Regression tests for the second attack review's file findings (reviews/2026-12-06/reliability.md):
files a story ships, settings and outputs are read and written the one way (engine/io/atomic.py),
each test reproducing its defect the way the review did."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env

STARTER = REPO / "examples" / "starter"
SECRET = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-the-teachers-key\n"


def env_in(home: Path, **extra: str) -> dict[str, str]:
    """The review's common.sh: HOME, the XDG folders and the cache inside the scratch folder."""
    return cli_env(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
                   XDG_CACHE_HOME=str(home / ".cache"), HUNGARY56_CACHE_DIR=str(home / "cache"), **extra)


def h56(*args: str, stdin: str = "", home: Path, timeout: float = 60, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine", *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", cwd=home, env=env_in(home, **extra), timeout=timeout)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "story"
    shutil.copytree(STARTER, folder)
    return folder


def all_text_under(folder: Path) -> str:
    out = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            out.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


def test_nh1_a_story_cannot_copy_a_private_file_through_a_planted_endings_record(story: Path, home: Path) -> None:
    # endings_file.sh (a): mkdir story/saves; ln -s ~/.ssh/id_ed25519 story/saves/endings-found.txt;
    # printf '1\n1\nquit\n' | hungary56 play story
    key = home / ".ssh" / "id_ed25519"
    key.parent.mkdir()
    key.write_text(SECRET, encoding="utf-8")
    key.chmod(0o600)
    (story / "saves").mkdir()
    os.symlink(key, story / "saves" / "endings-found.txt")
    result = h56("play", str(story), stdin="1\n1\nquit\n", home=home)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "the-teachers-key" not in all_text_under(story)
    assert key.read_text(encoding="utf-8") == SECRET
    record = story / "saves" / "endings-found.txt"
    if record.exists() and not record.is_symlink():
        assert record.read_text(encoding="utf-8") == "home\n"  # the ending reached, nothing else


def test_nh1_only_ending_ids_of_the_story_are_kept_from_an_endings_record(story: Path, home: Path) -> None:
    (story / "saves").mkdir()
    (story / "saves" / "endings-found.txt").write_text("AWS_SECRET=abc\nnot_an_ending\n", encoding="utf-8")
    result = h56("play", str(story), stdin="1\n1\nquit\n", home=home)
    assert result.returncode == 0, result.stderr
    assert (story / "saves" / "endings-found.txt").read_text(encoding="utf-8") == "home\n"
