"""The wheel: built, installed into a fresh venv outside the repository, and played from there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(work / "dist"), str(REPO)], check=True, cwd=work, timeout=300)
    [wheel] = (work / "dist").glob("hungary56-*.whl")
    venv = work / "venv"
    # The venv sees the test environment's packages, so no download is needed; the project
    # itself comes only from the wheel (the repository is not on its path).
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True, timeout=300)
    return venv


def test_installed_wheel_plays_the_bundled_story(installed: Path, tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HUNGARY56_SAVES")}
    env["NO_COLOR"] = "1"
    result = subprocess.run([str(installed / "bin" / "hungary56"), "play"], input="timeline\nquit\n",
                            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Operation Whirlwind" in result.stdout
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import engine; print(engine.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert str(REPO) not in where.stdout, "the test must run the installed copy, not the checkout"
    lint = subprocess.run([str(installed / "bin" / "python"), "-m", "engine", "lint"], capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=60)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_installed_wheel_ships_the_schemas(installed: Path, tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = ("import engine, pathlib; d = pathlib.Path(engine.__file__).parent / 'bundled' / 'schema'; "
            "print(sorted(p.name for p in d.glob('*.json')))")
    result = subprocess.run([str(installed / "bin" / "python"), "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=60)
    assert result.stdout.strip() == "['scene.schema.json', 'story.schema.json']", result.stderr


def _run(installed: Path, cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HUNGARY56_SAVES")}
    env["NO_COLOR"] = "1"
    return subprocess.run([str(installed / "bin" / "hungary56"), *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_installed_wheel_never_writes_into_itself(installed: Path, tmp_path: Path):
    """F1 as the review found it: `new scene` and `record` without a folder wrote into site-packages."""
    code = "import engine, pathlib; print(pathlib.Path(engine.__file__).parent / 'bundled')"
    bundled = Path(subprocess.run([str(installed / "bin" / "python"), "-c", code], capture_output=True,
                                  text=True, cwd=tmp_path, timeout=60).stdout.strip())
    before = {p: p.read_bytes() for p in bundled.rglob("*") if p.is_file()}
    scene = _run(installed, tmp_path, "new", "scene", "forgot_dir", "--chapter", "ch05_radio")
    assert scene.returncode == 2 and "is not a story folder" in scene.stderr
    named = _run(installed, tmp_path, "new", "scene", "forgot_dir", "--chapter", "ch05_radio", str(bundled))
    assert named.returncode == 2 and "inside the installed package" in named.stderr
    record = _run(installed, tmp_path, "record", "--name", "forgot", "--choices", "1")
    assert record.returncode == 2 and "is not a story folder" in record.stderr
    assert {p: p.read_bytes() for p in bundled.rglob("*") if p.is_file()} == before
    assert _run(installed, tmp_path, "play", stdin="quit\n").returncode == 0


def test_installed_wheel_makes_a_working_story(installed: Path, tmp_path: Path):
    made = _run(installed, tmp_path, "new", "story", "mine")
    assert made.returncode == 0, made.stderr
    story = tmp_path / "mine"
    modeline = (story / "scenes" / "one.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert modeline == "# yaml-language-server: $schema=../schema/scene.schema.json"
    assert (story / "schema" / "scene.schema.json").is_file()
    lint = _run(installed, story, "lint")
    assert (lint.returncode, lint.stdout) == (0, "Linting . (the current folder)\n0 errors, 0 warnings\n")
    assert _run(installed, story, "test", "--playthroughs").returncode == 0
    added = _run(installed, story, "new", "scene", "cellar", "--chapter", "radio", "--file", "scenes/cellar.yaml")
    assert added.returncode == 0, added.stderr
    first = (story / "scenes" / "cellar.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert "site-packages" not in first and first.endswith("=../schema/scene.schema.json")
