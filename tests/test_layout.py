"""The package's folders are its architecture: the core imports nothing from the shell, and only the CLI turns errors into usage messages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

ENGINE = REPO / "engine"
SHELL_PACKAGES = ("engine.io", "engine.play", "engine.author", "engine.classroom", "engine.commands", "engine.cli")
# libraries that touch the terminal, files or the process: the core is handed what it needs instead
SHELL_LIBRARIES = (
    "yaml", "prompt_toolkit", "colorama", "jinja2", "jsonschema", "os", "io", "sys", "pathlib", "shutil",
    "tempfile", "subprocess", "platformdirs", "pickle", "json",
)


def imports_of(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


CORE = sorted((ENGINE / "core").glob("*.py"))


@pytest.mark.parametrize("path", CORE, ids=[p.name for p in CORE])
def test_the_core_imports_nothing_from_the_shell(path: Path) -> None:
    bad = [
        name for name in imports_of(path)
        if name.startswith(SHELL_PACKAGES) or name.split(".")[0] in SHELL_LIBRARIES
    ]
    assert bad == [], f"{path.relative_to(REPO)} imports {bad}: the core must stay pure"


def test_the_import_check_catches_a_shell_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom engine.play import session\nfrom engine.core import expr\n")
    assert imports_of(sample)[:2] == ["os", "engine.play"]


def test_only_the_cli_raises_usage_errors() -> None:
    users = [
        str(path.relative_to(REPO)) for path in ENGINE.rglob("*.py")
        if "UsageError" in path.read_text(encoding="utf-8")
        and path.parent.name != "commands" and path.name not in ("cli.py", "errors.py")
    ]
    assert users == [], f"modules outside engine/commands raise UsageError: {users}"


MODULES = sorted(ENGINE.rglob("*.py"))
ARCHITECTURE = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ENGINE)) for p in MODULES])
def test_every_module_is_in_the_architecture_document(path: Path) -> None:
    assert f"`{path.relative_to(REPO).as_posix()}`" in ARCHITECTURE, (
        f"{path.relative_to(REPO)} is missing from docs/architecture.md's table of modules"
    )


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ENGINE)) for p in MODULES])
def test_no_module_is_over_450_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 450, f"{path.relative_to(REPO)} has {lines} lines: split it by what its parts do"


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ENGINE)) for p in MODULES])
def test_every_module_opens_with_a_line_on_its_role(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring and len(docstring.split()) >= 3, f"{path.relative_to(REPO)} does not say what it is for"
