"""`hungary56 graph`: the story map as Graphviz DOT or Mermaid, for the whole story or one chapter."""

from __future__ import annotations

import argparse

from engine.commands.common import add_story_argument, load


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "graph", help="draw the story map (Graphviz DOT or Mermaid)",
        description="Print the story map: scenes grouped by chapter, one edge per choice. Historical "
        "choices and automatic links are bold, counterfactual ones dashed, conditions shown as [if ...]. "
        "Render DOT with Graphviz: hungary56 graph | dot -Tsvg -o map.svg",
    )
    add_story_argument(parser)
    parser.add_argument("--format", choices=("dot", "mermaid"), default="dot", help="output format (default: dot)")
    parser.add_argument("--chapter", metavar="ID", help="only this chapter, with stubs for scenes outside it")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from engine.author.storymap import render
    from engine.core.errors import Hungary56Error
    from engine.io.atomic import same_first_line, write_atomically

    text = render(load(args), args.format, args.chapter)
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        # never over a device or a FIFO, nor over a file that is not a map of the same kind
        write_atomically(Path(args.output), text, owned=same_first_line(text))
    except OSError as exc:
        raise Hungary56Error(f"{args.output}: cannot write the map: {exc.strerror or exc}") from None
    return 0
