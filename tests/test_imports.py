"""The import contracts: each package imports only the layers below it, and no module imports
itself through others, counting the imports made inside functions (import-linter's "layers" and
"independence" contracts, checked over the AST)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

ENGINE = REPO / "engine"
# What each package may import from the engine (besides itself). The products (play, author,
# classroom, web) stand side by side over core and io; only commands and the CLI sit on top.
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "io": frozenset({"core"}),
    "play": frozenset({"core", "io"}),
    "author": frozenset({"core", "io"}),
    "classroom": frozenset({"core", "io"}),
    "web": frozenset({"core", "io"}),
    "commands": frozenset({"core", "io", "play", "author", "classroom", "web", "cli_helpers"}),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def engine_imports(path: Path) -> set[str]:
    """Every engine module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if (ENGINE.parent / (candidate.replace(".", "/") + ".py")).is_file()
                          or (ENGINE.parent / candidate.replace(".", "/")).is_dir() else base)
    return {name for name in found if name == "engine" or name.startswith("engine.")}


MODULES = {module_name(p): p for p in sorted(ENGINE.rglob("*.py"))}
GRAPH = {name: {i for i in engine_imports(path) if i in MODULES and i != name} for name, path in MODULES.items()}


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else "top"


PACKAGES = sorted(ALLOWED)


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_the_layers_below_it(package: str) -> None:
    bad = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items() if package_of(module) == package
        for target in targets
        if package_of(target) != package and package_of(target) not in ALLOWED[package] | {"top"}
        or (package_of(target) == "top" and target not in ("engine",) and package != "commands")
    )
    assert bad == [], f"engine/{package}/ reaches past its layer: {bad}"


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_through_others() -> None:
    assert strongly_connected(GRAPH) == []


def test_the_contract_catches_a_cycle_and_an_upward_import() -> None:
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert package_of("engine.play.session") == "play" and package_of("engine.cli") == "top"
    assert "engine.core.render" in GRAPH["engine.play.terminal"]  # lazy and top-level imports both count
