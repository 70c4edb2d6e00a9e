"""`hungary56 lint`: check a story and report every problem at once, with file:line:column."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from engine.commands.common import add_story_argument, describe, quiet_stdout, story_dir

if TYPE_CHECKING:
    from engine.core.errors import Problem

FORMATS = ("text", "json", "github")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "lint", help="check a story for errors",
        description="Check a story and report every problem, as 'path:line:col: error|warning CODE message'. "
        "Exits 1 if there is any error. The codes are listed in docs/authoring.md.",
    )
    add_story_argument(parser)
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default); json: a list of {path, line, column, severity, code, message}; "
                        "github: GitHub Actions annotations (::error file=...,line=...::message)")
    parser.add_argument("--watch", action="store_true",
                        help="keep running: lint again whenever a story file changes (only changed files are read "
                        "again); stop with Ctrl-C")
    parser.add_argument("--explain", metavar="CODE",
                        help="explain one code (such as E302): what it means and how to fix it; checks no story")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from engine.author.relint import lint_folder

    if args.explain is not None:
        return explain(args.explain)
    folder = story_dir(args)
    if args.watch:
        return watch(args, folder)
    # new and changed files are built again; the others' findings come from the cache (engine/io/cache.py)
    problems = lint_folder(folder, _recordings(folder))
    errors = sum(1 for p in problems if p.severity == "error")
    code = 1 if errors else 0
    try:
        print(_report(args, problems, errors))
        sys.stdout.flush()
    except BrokenPipeError:  # `hungary56 lint | head -1`: the verdict is the exit status, whatever was read
        quiet_stdout()
    return code


def watch(args: argparse.Namespace, folder: Path, interval: float = 0.3) -> int:
    """Lint, then again after every change to the story's files, until Ctrl-C (exit status 0)."""
    import time
    from datetime import datetime

    from engine.author.relint import lint_folder
    from engine.io.loader import files_snapshot

    before: dict[str, tuple[int, int]] | None = None
    try:
        while True:
            now = files_snapshot(folder, recordings=True)
            if now != before:
                if before is not None:
                    changed = sorted(set(now) ^ set(before) | {p for p in now if p in before and now[p] != before[p]})
                    names = ", ".join(Path(p).name for p in changed[:3]) + (" ..." if len(changed) > 3 else "")
                    print(f"\n--- {datetime.now():%H:%M:%S}: {names} changed ---", flush=True)
                before = now
                problems = lint_folder(folder, _recordings(folder))
                errors = sum(1 for p in problems if p.severity == "error")
                print(_report(args, problems, errors), flush=True)
            time.sleep(interval)
    except KeyboardInterrupt:
        return 0


def _report(args: argparse.Namespace, problems: list[Problem], errors: int) -> str:
    import json

    if args.format == "json":
        return json.dumps([
            {"path": p.location.path, "line": p.location.line, "column": p.location.column,
             "severity": p.severity, "code": p.code, "message": p.message}
            for p in problems
        ], ensure_ascii=False, indent=2)
    warnings = sum(1 for p in problems if p.severity == "warning")
    notes = len(problems) - errors - warnings
    summary = f"{_count(errors, 'error')}, {_count(warnings, 'warning')}" + (f", {_count(notes, 'note')}" if notes else "")
    if args.format == "github":
        lines = [f"Linting {describe(args)}"] + [_annotation(p) for p in problems] + [summary]
        return "\n".join(lines)
    lines = [f"Linting {describe(args)}"] + [p.format(with_code=True) for p in problems] + [summary]
    return "\n".join(lines)


def _annotation(problem: Problem) -> str:
    """One GitHub Actions workflow command: an annotation on the file and line in a pull request."""
    level = {"error": "error", "warning": "warning"}.get(problem.severity, "notice")
    loc = problem.location
    place = f"file={_escape_property(loc.path)}"
    if loc.line > 0:
        place += f",line={loc.line}" + (f",col={loc.column}" if loc.column > 0 else "")
    return f"::{level} {place},title={_escape_property(problem.code)}::{_escape_data(problem.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _recordings(folder: Path) -> int:
    """How many recorded playthroughs the story folder keeps (tests/playthroughs/*.yaml)."""
    try:
        return sum(1 for _ in (folder / "tests" / "playthroughs").glob("*.yaml"))
    except OSError:
        return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def explain(code: str) -> int:
    """Print the registry's explanation of a code (as `ruff rule` does); an unknown code lists the known ones."""
    from engine.core import diagnostics
    from engine.core.errors import UsageError

    entry = diagnostics.get(code.strip().upper())
    if entry is None:
        known = "\n".join(f"  {d.code}  {d.summary}" for d in diagnostics.DIAGNOSTICS.values())
        raise UsageError(f"unknown code {code!r}; the codes are:\n{known}")
    print(diagnostics.explain(entry.code), end="")
    return 0
