"""`hungary56 walkthrough`: the teacher's handout of a whole story, as Markdown or one HTML page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.commands.common import add_story_argument, load


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "walkthrough", help="write a teacher's handout of the whole story",
        description="Write a teacher's handout: timeline, chapters with summaries and reading times, the "
        "historical path with every choice and its annotation, notes, contested accounts, discussion "
        "questions, source cards, glossary and sources.",
    )
    add_story_argument(parser)
    parser.add_argument("--format", choices=("md", "html"), default=None,
                        help="md (Markdown) or html (one self-contained page that prints cleanly); "
                        "default: from the -o file's extension, else md")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.classroom.handout import render_walkthrough
    from engine.core.errors import UsageError
    from engine.io.atomic import write_atomically

    fmt = args.format
    if fmt is None:
        fmt = "html" if args.output and Path(args.output).suffix.lower() in (".html", ".htm") else "md"
    text = render_walkthrough(load(args), fmt)
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        write_atomically(Path(args.output), text.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    print(f"Wrote {args.output}", file=sys.stderr)
    return 0
