"""`hungary56 lsp`: the language server for story files, over standard input and output."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "lsp", help="a language server for editors (VS Code, Neovim, Helix) over stdio",
        description="Speak the Language Server Protocol on standard input and output, for an editor to start: "
        "the linter's diagnostics as you type (the codes and positions of 'hungary56 lint'), completion of scene "
        "ids, variables and glossary terms, go to definition, hover, rename of a scene across files, and "
        "document symbols. Needs pygls (pip install 'hungary56[lsp]'). See docs/editors.md.",
    )
    parser.add_argument("--stdio", action="store_true", help="accepted for editors that pass it (stdio is the default)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.core.errors import Hungary56Error

    try:
        from engine.author.lsp import serve
    except ImportError as exc:
        raise Hungary56Error(f"the language server needs pygls: pip install 'hungary56[lsp]' ({exc})") from None
    serve()
    return 0
