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


# Runs of combining marks past MAX_MARKS on one letter (Zalgo text: 180 KB of marks made 1,156
# near-blank wrapped lines, ~50 pages of `-- more --`) are cut to MAX_MARKS when text is laid out,
# and a word longer than LONG_WORD characters is cut into pieces of the line's width first
# (textwrap slices a long word again and again: an 8 MB word took 14-18 s a display).
MAX_MARKS = 4
LONG_WORD = 1_000
_MARKS = re.compile(f"([\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u1ab0-\u1aff"
                    f"\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{{{MAX_MARKS}}})[\u0300-\u036f\u0483-\u0489"
                    f"\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
                    f"\ufe20-\ufe2f]+")
_LONG = re.compile(f"\\S{{{LONG_WORD},}}")


def for_layout(text: str, width: int) -> str:
    """Text as it is wrapped for reading: runs of combining marks cut, very long words cut into
    pieces of `width`, in one linear pass each (short text is returned as it is)."""
    if len(text) < LONG_WORD:
        return text
    text = _MARKS.sub(r"\1", text)
    width = max(width, 1)
    return _LONG.sub(lambda m: " ".join(m.group()[i:i + width] for i in range(0, len(m.group()), width)), text)
