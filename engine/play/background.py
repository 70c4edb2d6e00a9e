"""Which colour theme suits the terminal (U9): `COLORFGBG` when the terminal sets it, else the
background asked of the terminal itself (the OSC 11 query, answered within a fifth of a second or
not at all), else the reader is asked once and the answer kept in the settings."""

from __future__ import annotations

import os
import re
import sys
import time

from engine.play.settings import contrast

QUERY = b"\x1b]11;?\x1b\\\x1b[c"  # the background colour, then the device attributes every terminal answers
TIMEOUT = 0.2


def from_colorfgbg(value: str) -> str | None:
    """"15;0" (white on black, as rxvt and Konsole set it) -> "dark"; "0;15" -> "light"."""
    last = value.split(";")[-1].strip()
    if not last.isdecimal():
        return None
    background = int(last)
    if background in (7, *range(9, 16)):
        return "light"
    return "dark" if background <= 8 else None


def from_reply(reply: str) -> str | None:
    """The theme for an OSC 11 reply ("\\x1b]11;rgb:ffff/ffff/ffff\\x07"): light when dark text reads
    better on it than light text."""
    found = re.search(r"rgb:([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})", reply)
    if found is None:
        return None
    rgb = tuple(round(int(h, 16) * 255 / (16 ** len(h) - 1)) for h in found.groups())
    background = (rgb[0], rgb[1], rgb[2])
    return "light" if contrast(background, (0, 0, 0)) > contrast(background, (255, 255, 255)) else "dark"


def query_terminal(timeout: float = TIMEOUT) -> str:
    """The terminal's answer to the background query ("" when it has none, or this is no terminal)."""
    if sys.platform == "win32" or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return ""
    import select
    import termios
    import tty

    fd = sys.stdin.fileno()
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:
        return ""
    reply = b""
    try:
        tty.setcbreak(fd)  # no echo, no line buffering: the reply is read, never shown
        os.write(sys.stdout.fileno(), QUERY)
        deadline = time.monotonic() + timeout
        while not re.search(rb"\x1b\[\?[0-9;]*c", reply):  # the device attributes end every answer
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 256)
            if not chunk:
                break
            reply += chunk
    except OSError:
        return ""
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
    return reply.decode("ascii", "replace")


def detect() -> str | None:
    """"dark" or "light" when the terminal says so; None when it cannot tell. `COLORFGBG`, which
    the terminal sets, is read first: it costs nothing, where the query costs a round trip, and
    up to a fifth of a second where nothing answers (a start in a pty: bench/run.py)."""
    theme = from_colorfgbg(os.environ.get("COLORFGBG", ""))
    if theme is None:
        theme = from_reply(query_terminal())
    return theme


def ask() -> str:
    """Asked once, when nothing else tells: the answer is kept in the settings."""
    sys.stdout.write("Is your terminal's background dark or light? Type d or l, then Enter (Enter alone: dark) > ")
    sys.stdout.flush()
    answer = sys.stdin.readline().strip().lower()
    return "light" if answer.startswith("l") else "dark"
