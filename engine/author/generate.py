"""The files made from the engine's own descriptions, and the one way to write them again.

- schema/story.schema.json and schema/scene.schema.json, from engine/core/format.py (engine/author/schema.py);
- the field tables of docs/format.md, from engine/core/format.py;
- the lint-code table of docs/authoring.md, from engine/core/diagnostics.py.

Run `python -m engine.author.generate` after changing format.py or diagnostics.py (tests/test_generated.py
fails while a committed file is stale); `--check` only reports the stale files.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path

from engine.core import diagnostics
from engine.io.atomic import write_atomically

ROOT = Path(__file__).resolve().parent.parent.parent  # the source checkout
_BLOCK = re.compile(r"(<!-- generated: (?P<name>[^(>]+?) \([^)]*\) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.DOTALL)


def _blocks(text: str, makers: dict[str, Callable[[], str]], path: str) -> str:
    """The text with each generated block (between its markers) made again."""
    seen = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in makers:
            raise KeyError(f"{path}: no generator for the block {name!r}")
        seen.add(name)
        return match.group(1) + makers[name]() + match.group(4)

    result = _BLOCK.sub(replace, text)
    missing = set(makers) - seen
    if missing:
        raise KeyError(f"{path}: the generated block(s) {', '.join(sorted(missing))} are missing")
    return result


def _markdown_makers() -> dict[str, dict[str, Callable[[], str]]]:
    from engine.author import schema

    return {
        "docs/authoring.md": {"lint codes": diagnostics.markdown_table},
        "docs/format.md": {f"fields of {name}": functools.partial(schema.field_table, name) for name in schema.DOCUMENTED},
    }


def outputs(root: Path = ROOT) -> dict[Path, str]:
    """Every generated file's path and the text it should have."""
    from engine.author import schema

    found = {root / "schema" / f"{name}.schema.json": schema.schema_text(name) for name in schema.SCHEMAS}
    for relative, makers in _markdown_makers().items():
        path = root / relative
        found[path] = _blocks(path.read_text(encoding="utf-8"), makers, relative)
    return found


def stale(root: Path = ROOT) -> list[Path]:
    return [path for path, text in outputs(root).items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.author.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list the stale files; exit 1 if there are any")
    args = parser.parse_args(argv)
    old = stale()
    for path in old:
        print(f"{'stale' if args.check else 'wrote'} {path.relative_to(ROOT)}")
        if not args.check:
            write_atomically(path, outputs()[path])
    if not old:
        print("every generated file is up to date")
    return 1 if args.check and old else 0


if __name__ == "__main__":
    sys.exit(main())
