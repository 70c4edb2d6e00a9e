"""`hungary56 lint`: check a story and report every problem at once, with file:line:column."""

from __future__ import annotations

import argparse

from engine.commands.common import add_story_argument, story_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "lint", help="check a story for errors",
        description="Check a story and report every problem, as 'path:line:col: error|warning CODE message'. "
        "Exits 1 if there is any error. The codes are listed in docs/authoring.md.",
    )
    add_story_argument(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text (default), or json: a list of {path, line, column, severity, code, message}")
    parser.add_argument("--explain", metavar="CODE",
                        help="explain one code (such as E302): what it means and how to fix it; checks no story")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from engine.author.lint import lint
    from engine.io.loader import load_story

    if args.explain is not None:
        return explain(args.explain)
    folder = story_dir(args)
    problems = lint(lambda: load_story(folder))
    errors = sum(1 for p in problems if p.severity == "error")
    if args.format == "json":
        print(json.dumps([
            {"path": p.location.path, "line": p.location.line, "column": p.location.column,
             "severity": p.severity, "code": p.code, "message": p.message}
            for p in problems
        ], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(problem.format(with_code=True))
        warnings = len(problems) - errors
        print(f"{_count(errors, 'error')}, {_count(warnings, 'warning')}")
    return 1 if errors else 0


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
