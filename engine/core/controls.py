"""Control characters: what no text from a story, a save or a file name may send to a terminal.

C0 controls other than tab and newline (ESC starts every escape sequence: clear screen, window
title, clipboard writes, cursor moves that forge a line), DEL, C1 controls (U+009B is a one-byte
CSI) and the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder
what is shown.
"""

from __future__ import annotations

import re

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The same and newline and tab too: for text that must stay on one line (a path in a message).
LINE_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def strip_controls(text: str) -> str:
    """The text without its control characters (newline and tab are kept)."""
    return CONTROLS.sub("", text) if CONTROLS.search(text) else text


def escape_controls(text: str, one_line: bool = False) -> str:
    """The text with each control character shown as \\x1b or \\u202e (and, with one_line,
    newlines and tabs too), so that printing it shows it instead of obeying it."""
    pattern = LINE_CONTROLS if one_line else CONTROLS
    return pattern.sub(_escaped, text) if pattern.search(text) else text
