"""Where a player's files live, never in the current folder: saves (per story), settings.

Saves: `--saves DIR`, then $HUNGARY56_SAVES (each with one subfolder per story id, DIR/STORY-ID/,
so that two stories never share an autosave; saves left flat in DIR by an older hungary56 are
moved into their story's subfolder), then a writable `saves/` in the story folder (the
repository's top-level `saves/` for the bundled story in a checkout; not a symlink), else the
user's data folder, one subfolder per story id. Settings: the user's config folder. Both follow platformdirs
(XDG_DATA_HOME / XDG_CONFIG_HOME on Linux, Application Support on macOS, AppData on Windows).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

APP = "hungary56"
SAVES_ENV = "HUNGARY56_SAVES"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def user_data_dir() -> Path:
    quick = _linux_xdg("XDG_DATA_HOME", ".local/share")
    if quick is not None:
        return quick
    try:
        import platformdirs
    except ImportError:  # an environment without it still gets the usual place
        return _fallback("XDG_DATA_HOME", ".local/share", "Library/Application Support", "LOCALAPPDATA")
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def user_config_dir() -> Path:
    quick = _linux_xdg("XDG_CONFIG_HOME", ".config")
    if quick is not None:
        return quick
    try:
        import platformdirs
    except ImportError:
        return _fallback("XDG_CONFIG_HOME", ".config", "Library/Application Support", "LOCALAPPDATA")
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def _linux_xdg(variable: str, default: str) -> Path | None:
    """platformdirs' answer in the usual case on Linux, without importing it (it brings tempfile,
    shutil and random, a tenth of a start): $VARIABLE when it is an absolute path, else
    $HOME/`default` when HOME is one. None (ask platformdirs) anywhere else: another system,
    Android, no usable HOME."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or "ANDROID_DATA" in os.environ:
        return None
    base = os.environ.get(variable, "")
    if os.path.isabs(base):
        return Path(base) / APP
    home = os.environ.get("HOME", "")
    if os.path.isabs(home):
        return Path(os.path.expanduser(f"~/{default}")) / APP
    return None


def _fallback(xdg: str, unix: str, mac: str, windows: str) -> Path:
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get(windows) or home / "AppData" / "Local") / APP
    if sys.platform == "darwin":
        return home / mac / APP
    base = os.environ.get(xdg)
    return (Path(base) if base and os.path.isabs(base) else home / unix) / APP


def story_folder_name(story_id: str) -> str:
    """A folder name for a story id (ids are already plain, but a hostile one cannot climb out)."""
    name = _UNSAFE.sub("_", story_id).strip(".") or "story"
    return name[:64]


def writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def saves_dir(story_dir: Path | None, story_id: str, explicit: str | None = None) -> Path:
    """The folder of this story's saves (see the module's docstring for the order)."""
    chosen = explicit or os.environ.get(SAVES_ENV)
    if chosen:
        base = Path(chosen).expanduser()
        folder = base / story_folder_name(story_id)
        from engine.io.saves import migrate_flat

        migrate_flat(base, folder, story_id)
        return folder
    if story_dir is not None:
        # the story's own saves/, unless it is a symlink (or leads out of the story folder): a story
        # that ships `saves -> ~/.local/share/hungary56/saves/other` must not write over another
        # story's games (reliability review 2026-12-06, NM7)
        root = Path(story_dir).resolve()
        local = root / "saves"
        if not local.is_symlink() and writable_dir(local) and local.resolve().parent == root:
            return local
    return user_data_dir() / "saves" / story_folder_name(story_id)
