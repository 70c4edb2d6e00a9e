"""The terminal's size by shutil's rule, for the console adapters and the CLI's help, without importing shutil;
and standard streams that cannot die on a character their encoding lacks."""

from __future__ import annotations

import codecs
import os
import sys

FALLBACK = "hungary56-ascii"
_PLAIN = {0x201E: '"', 0x201C: '"', 0x201D: '"', 0x2018: "'", 0x2019: "'", 0x2013: "-", 0x2014: "-",
          0x2026: "...", 0x00A0: " "}


def _fallback(error: UnicodeError) -> tuple[str, int]:
    """ő -> o, „ -> ", anything else -> ?: what a stream that cannot encode a character writes instead."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    import unicodedata

    text = error.object[error.start:error.end].translate(_PLAIN)
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "".join(c if c.isascii() else "?" for c in plain), error.end


def safe_streams() -> None:
    """Make standard output and standard error write an ASCII stand-in for any character their
    encoding cannot hold (a redirected stdout on Windows is cp1252; PYTHONIOENCODING=ascii), so
    that no command dies of UnicodeEncodeError (reliability review 2026-12-06, NM12)."""
    try:
        codecs.lookup_error(FALLBACK)
    except LookupError:
        codecs.register_error(FALLBACK, _fallback)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            if codecs.lookup(stream.encoding).name not in ("utf-8", "utf-16", "utf-32"):
                reconfigure(errors=FALLBACK)
        except (LookupError, ValueError, OSError, AttributeError):
            continue


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
