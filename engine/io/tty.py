"""The terminal's size by shutil's rule, for the console adapters and the CLI's help, without importing shutil."""

from __future__ import annotations

import os
import sys


def terminal_size(fallback: tuple[int, int] = (80, 24)) -> os.terminal_size:
    """shutil.get_terminal_size's answer ($COLUMNS and $LINES first, then the terminal, then
    `fallback`), without importing shutil: it brings bz2, lzma and zlib, which a start never uses."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size(fallback)
        columns = columns if columns > 0 else size.columns or fallback[0]
        lines = lines if lines > 0 else size.lines or fallback[1]
    return os.terminal_size((columns, lines))
