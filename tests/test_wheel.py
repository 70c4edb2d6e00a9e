"""The wheel: built, installed into a fresh venv outside the repository, and played from there."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow  # every test here builds and installs wheels

_NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", ".ci-venv", "node_modules", "__pycache__", "*.egg-info",
                                      "build", "dist", "saves", ".mypy_cache", ".ruff_cache", ".pytest_cache")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """`python -m build` on a clean copy of the sources: (sdist, wheel, what it printed on stderr)."""
    work = tmp_path_factory.mktemp("build")
    shutil.copytree(REPO, work / "src", ignore=_NOT_SOURCES, symlinks=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    done = subprocess.run([sys.executable, "-m", "build", "-o", str(work / "dist"), str(work / "src")],
                          capture_output=True, text=True, cwd=work, env=env, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [sdist] = (work / "dist").glob("hungary56-*.tar.gz")
    [wheel] = (work / "dist").glob("hungary56-*.whl")
    return sdist, wheel, done.stderr


@pytest.fixture(scope="module")
def installed(built: tuple[Path, Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    wheel = built[1]
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


# --- packaging (item 8): licences, metadata, no build warnings, an sdist that can run its tests -------

def test_build_prints_no_warning(built: tuple[Path, Path, str]):
    warnings = [line for line in built[2].splitlines()
                if "warning" in line.lower() or "deprecat" in line.lower() or "!!" in line]
    assert warnings == []


def test_wheel_metadata_names_both_licences_and_the_project_urls(built: tuple[Path, Path, str]):
    with zipfile.ZipFile(built[1]) as wheel:
        names = wheel.namelist()
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        text = wheel.read(metadata).decode("utf-8")
    assert "License-Expression: MIT AND CC-BY-SA-4.0" in text
    assert "License-File: LICENSE" in text and "License-File: LICENSES/CC-BY-SA-4.0.txt" in text
    assert any(n.endswith(".dist-info/licenses/LICENSES/CC-BY-SA-4.0.txt") for n in names)
    for url in ("Homepage", "Documentation", "Changelog", "Issues"):
        assert f"Project-URL: {url}, https://" in text
    assert "Classifier: Topic :: Education" in text
    requires = [line for line in text.splitlines() if line.startswith("Requires-Dist:")]
    # jsonschema for the tests alone; check-jsonschema is a peer the benchmarks compare with
    assert [r for r in requires if "jsonschema" in r and "extra ==" not in r] == []
    assert [r for r in requires if r.startswith("Requires-Dist: jsonschema")] == ['Requires-Dist: jsonschema>=4.17; extra == "test"']
    assert [r for r in requires if "check-jsonschema" in r] == ['Requires-Dist: check-jsonschema>=0.28; extra == "bench"']
    assert "engine/bundled/examples/starter/scenes/one.yaml" in names  # for `hungary56 new story`
    assert not any("/tests/" in n or n.startswith("tests/") for n in names)


def test_sdist_holds_the_tests_docs_and_examples(built: tuple[Path, Path, str]):
    with tarfile.open(built[0]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    wanted = [p for folder in ("tests", "docs", "examples") for p in (REPO / folder).rglob("*")
              if p.is_file() and not {"node_modules", "__pycache__"} & set(p.parts)]
    missing = sorted(str(p.relative_to(REPO)) for p in wanted if str(p.relative_to(REPO)) not in names)
    assert missing == []
    for name in ("LICENSE", "LICENSES/CC-BY-SA-4.0.txt", "action.yml", ".pre-commit-hooks.yaml", "README.md"):
        assert name in names


def test_licence_texts_are_the_standard_ones():
    mit = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License\n") and "WITHOUT WARRANTY OF ANY KIND" in mit
    cc = (REPO / "LICENSES" / "CC-BY-SA-4.0.txt").read_text(encoding="utf-8")
    assert cc.startswith("Attribution-ShareAlike 4.0 International")
    for section in ("Section 1 -- Definitions.", "Section 3 -- License Conditions.",
                    "Section 8 -- Interpretation.", "Creative Commons may be contacted at creativecommons.org."):
        assert section in cc


def test_nothing_outside_the_tests_imports_jsonschema():
    """jsonschema is a test dependency only: the engine must start without it."""
    for path in (REPO / "engine").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "jsonschema" for n in names), path


def test_installed_wheel_writes_the_web_site(installed: Path, tmp_path: Path):
    """The page, its script and styles ship as package data, and the engine zip is made from the installed package."""
    from tests.web_support import real_pyodide

    result = _run(installed, tmp_path, "web", "-o", str(tmp_path / "site"), "--pyodide", str(real_pyodide()))
    assert result.returncode == 0, result.stderr
    for name in ("index.html", "app.js", "engine.js", "style.css", "sw.js", "engine.zip", "story.json"):
        assert (tmp_path / "site" / name).is_file(), name
    with zipfile.ZipFile(tmp_path / "site" / "engine.zip") as archive:
        assert "engine/web/adapter.py" in archive.namelist()
