"""`hungary56 stats`: how long a story is and how much its choices matter."""

from __future__ import annotations

import argparse

from engine.commands.common import add_story_argument, load


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "stats", help="words, scenes, choices and how much the choices matter",
        description="Measure a story: words per chapter and on the shortest, historical and longest paths; "
        "scenes and choices; the share of choices that lead somewhere their siblings do not and of those "
        "whose effects are read; the share of the words read that depends on earlier choices; each "
        "variable's writes and reads.",
    )
    add_story_argument(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    parser.add_argument("--runs", type=int, default=200, metavar="N",
                        help="random playthroughs for the shortest and longest paths (default: 200)")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default: 1)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from engine.author import stats
    from engine.core.errors import UsageError

    if args.runs < 0:
        raise UsageError("--runs must be 0 or more")
    data = stats.compute(load(args), args.runs, args.seed)
    if args.format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(stats.format_stats(data), end="")
    return 0
