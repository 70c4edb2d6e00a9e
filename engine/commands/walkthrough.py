"""`hungary56 walkthrough`: the teacher's handout of a whole story, as Markdown or one HTML page."""

from __future__ import annotations

import argparse

from engine.commands.common import add_story_argument, load


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "walkthrough", help="write a teacher's handout of the whole story",
        description="Write a teacher's handout: timeline, chapters with summaries and reading times, the "
        "historical path with every choice and its annotation, notes, contested accounts, discussion "
        "questions, source cards, glossary and sources.",
    )
    add_story_argument(parser)
    parser.add_argument("--format", choices=("md", "html", "pdf"), default=None,
                        help="md (Markdown), html (one self-contained page that prints cleanly) or pdf (printed "
                        "through Chromium); default: from the -o file's extension, else md")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.classroom.handout import render_walkthrough
    from engine.commands.handout import emit, output_format
    from engine.core.errors import UsageError

    fmt = output_format(args.format, args.output)
    if fmt == "pdf" and not args.output:
        raise UsageError("a PDF needs a file: give -o FILE.pdf")
    text = render_walkthrough(load(args), "html" if fmt == "pdf" else fmt)
    emit(text, fmt, args.output)
    return 0
