"""The player's settings (when the reveal comes, colour theme, text width), kept in the user's
config folder, and the colour themes with the contrast they are checked for (WCAG AA, 4.5:1)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import attrs

REVEALS = {
    "choice": "after each choice",
    "chapter": "at the end of each chapter",
    "debrief": "only in the debrief",
}
THEMES = {"auto": "for the terminal's background, asked of the terminal", "dark": "for a dark background",
          "light": "for a light background", "none": "no colour"}
MIN_WIDTH, MAX_WIDTH = 30, 200
FILE = "settings.json"


@attrs.frozen
class Settings:
    reveal: str = "choice"
    theme: str = "auto"  # detected at start (engine/play/background.py)
    width: int = 0  # 0: the terminal's width, up to 100 columns

    def describe(self) -> list[tuple[str, str, str]]:
        """(name, value, what it means) for each setting, as the Settings screen shows them."""
        width = str(self.width) if self.width else "auto"
        return [
            ("reveal", self.reveal, f"what really happened is shown {REVEALS[self.reveal]} "
                                    f"(choice, chapter or debrief)"),
            ("theme", self.theme, f"colours {THEMES[self.theme]} (auto, dark, light or none)"),
            ("width", width, f"text width in columns (auto, or {MIN_WIDTH} to {MAX_WIDTH})"),
        ]

    def changed(self, name: str, value: str) -> Settings:
        """A copy with one setting changed; raises ValueError with a message the player can read."""
        name, value = name.strip().lower(), value.strip().lower()
        if name == "reveal":
            if value not in REVEALS:
                raise ValueError(f"reveal can be {', '.join(REVEALS)}, not {value!r}")
            return attrs.evolve(self, reveal=value)
        if name == "theme":
            if value not in THEMES:
                raise ValueError(f"theme can be {', '.join(THEMES)}, not {value!r}")
            return attrs.evolve(self, theme=value)
        if name == "width":
            if value in ("auto", "0"):
                return attrs.evolve(self, width=0)
            # every digit counts (`0100000000000` is not 100); more than 4 is past MAX_WIDTH anyway
            if not value.isdecimal() or len(value) > 4 or not MIN_WIDTH <= int(value) <= MAX_WIDTH:
                raise ValueError(f"width can be auto or a number from {MIN_WIDTH} to {MAX_WIDTH}, not {value!r}")
            return attrs.evolve(self, width=int(value))
        raise ValueError(f"there is no setting {name!r}: the settings are reveal, theme and width")

    def cycled(self, name: str) -> Settings:
        """The next value of a setting (the Settings screen steps through them)."""
        if name == "reveal":
            order = list(REVEALS)
            return attrs.evolve(self, reveal=order[(order.index(self.reveal) + 1) % len(order)])
        if name == "theme":
            order = list(THEMES)
            return attrs.evolve(self, theme=order[(order.index(self.theme) + 1) % len(order)])
        widths = [0, 60, 72, 80, 100]
        at = widths.index(self.width) if self.width in widths else 0
        return attrs.evolve(self, width=widths[(at + 1) % len(widths)])


def settings_path() -> Path:
    from engine.io.paths import user_config_dir

    return user_config_dir() / FILE


MAX_SETTINGS_BYTES = 64 * 1024


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings; anything missing, unreadable or odd falls back to the default."""
    from engine.io.atomic import read_regular

    try:  # a regular file of at most 64 KiB (never /dev/zero, never waiting on a FIFO)
        raw: Any = json.loads(read_regular(path or settings_path(), MAX_SETTINGS_BYTES))
    except (OSError, ValueError, RecursionError):  # 100,000 nested brackets too
        return Settings()
    settings = Settings()
    if not isinstance(raw, dict):
        return settings
    for name in ("reveal", "theme", "width"):
        value = raw.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            try:
                settings = settings.changed(name, str(value))
            except ValueError:
                continue
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings (atomically); raises OSError when the folder cannot be written."""
    from engine.io.saves import write_atomically

    target = path or settings_path()
    data = json.dumps(attrs.asdict(settings), indent=1).encode("utf-8")
    write_atomically(target, data)
    return target


# --- colour ---------------------------------------------------------------------------------------

# xterm's 256-colour palette: 16-231 a 6x6x6 cube, 232-255 a grey ramp. Those colours are the same
# in every terminal that has the palette (the first 16 are not: each theme of a terminal redefines
# them), so the contrast below is what the reader really gets.
_CUBE = (0, 95, 135, 175, 215, 255)


def xterm_rgb(index: int) -> tuple[int, int, int]:
    if 16 <= index <= 231:
        n = index - 16
        return _CUBE[n // 36], _CUBE[(n // 6) % 6], _CUBE[n % 6]
    if 232 <= index <= 255:
        level = 8 + 10 * (index - 232)
        return level, level, level
    raise ValueError(f"colour {index} is not in the fixed part of the palette")


# Each theme: the background it is made for (the usual terminal defaults, both checked) and, per
# style, a 256-colour index (-1: the terminal's own foreground) and bold. Plain text keeps the
# terminal's own foreground colour.
THEME_BACKGROUNDS = {
    "dark": ((0, 0, 0), (30, 30, 30)),
    "light": ((255, 255, 255), (240, 240, 240)),
}
THEME_STYLES: dict[str, dict[str, tuple[int, bool]]] = {
    "dark": {  # titles: bold in the terminal's own colour, never near-white on a background that is not dark
        "heading": (-1, True), "chapter": (-1, True), "meta": (117, False), "warning": (210, True),
        "error": (210, False), "hint": (248, False), "choice": (222, True), "choice-off": (248, False),
        "chosen": (222, False), "vote": (117, False),
        "historical": (120, True), "plausible": (153, True), "counterfactual": (219, True), "personal": (180, True), "rule": (245, False),
    },
    "light": {
        "heading": (16, True), "chapter": (16, True), "meta": (24, False), "warning": (124, True),
        "error": (124, False), "hint": (240, False), "choice": (94, True), "choice-off": (240, False),
        "chosen": (94, False), "vote": (24, False),
        "historical": (22, True), "plausible": (19, True), "counterfactual": (90, True), "personal": (94, True), "rule": (240, False),
    },
}


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else float(((c + 0.055) / 1.055) ** 2.4)

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def style_codes(theme: str) -> dict[str, str]:
    """Escape codes for each style of a theme ('none': no codes)."""
    codes: dict[str, str] = {}
    for style, (index, bold) in THEME_STYLES.get(theme, {}).items():
        codes[style] = ("\x1b[1m" if bold else "") + (f"\x1b[38;5;{index}m" if index >= 0 else "")
    return codes


RESET = "\x1b[0m"


def escapes_allowed(stream: Any, no_color_flag: bool = False) -> bool:
    """Colour only on a terminal, never with --no-color, NO_COLOR (non-empty) or TERM=dumb."""
    if no_color_flag or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
