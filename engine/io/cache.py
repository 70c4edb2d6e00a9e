"""The compiled-story cache: a pickle of the built Story, keyed by every file's path and contents.

A cache entry is only a shortcut. It is ignored when stale (any story file, the engine's own
model code or the Python version changed), corrupted or unreadable, and a failure to write it
is ignored too: loading never fails because of the cache, and the folder is safe to delete.
The cache lives in the user's own cache folder ($XDG_CACHE_HOME/hungary56, else
~/.cache/hungary56; $HUNGARY56_CACHE_DIR overrides it), never beside a story, because a pickle
must only ever be read from a folder the user alone writes to.
"""

from __future__ import annotations

import copyreg
import functools
import hashlib
import io
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs

from engine import __version__
from engine.core import errors, expr, model, template
from engine.core.model import Story

DISABLE_ENV = "HUNGARY56_NO_CACHE"
DIR_ENV = "HUNGARY56_CACHE_DIR"
_MAGIC = b"hungary56-story-cache 1\n"
# The modules whose code decides what a built Story looks like: any edit to them makes every
# entry stale, so a developer never runs on a Story built by older code.
_ENGINE_MODULES = (
    "io/cache.py", "core/build.py", "core/dates.py", "core/diagnostics.py", "core/errors.py", "core/expr.py", "core/evaluate.py", "core/fields.py",
    "core/format.py", "core/model.py", "core/references.py",
    "core/nodes.py", "core/template.py", "io/loader.py", "io/yamlio.py",
)


def _by_fields(cls: type) -> Callable[[Any], Any]:
    names = tuple(field.name for field in attrs.fields(cls))

    def reduce(value: Any) -> tuple[Any, ...]:
        return (cls, tuple(getattr(value, name) for name in names))

    return reduce


def _dispatch_table() -> dict[type, Callable[[Any], Any]]:
    """Pickle the engine's frozen values as (class, field values): half the size and twice as fast
    to read back as attrs' default of one dict per object. Classes with their own __reduce__
    (Condition, Effect: their compiled closures are rebuilt) keep it."""
    table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    for module in (errors, expr, model, template):
        for value in vars(module).values():
            if (isinstance(value, type) and attrs.has(value) and value.__module__ == module.__name__
                    and "__reduce__" not in vars(value)):
                table[value] = _by_fields(value)
    return table


def _dumps(story: Story) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch_table()
    pickler.dump(story)
    return buffer.getvalue()


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "") in ("", "0")


def cache_dir() -> Path:
    explicit = os.environ.get(DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hungary56"


@functools.lru_cache(maxsize=1)  # the code a process runs does not change under it
def _engine_fingerprint() -> bytes:
    digest = hashlib.sha256(f"{__version__} {sys.version}".encode())
    here = Path(__file__).resolve().parent.parent  # the engine package
    for name in _ENGINE_MODULES:
        try:
            digest.update(name.encode() + b"\0" + (here / name).read_bytes())
        except OSError:
            digest.update(name.encode() + b"\0missing")
    return digest.digest()


def story_key(files: Iterable[tuple[str, bytes]]) -> str:
    """A hash of the engine, and of each file's shown path (it is in every Location) and bytes."""
    digest = hashlib.sha256(_engine_fingerprint())
    for shown, data in files:
        encoded = shown.encode("utf-8", "surrogateescape")
        digest.update(len(encoded).to_bytes(8, "big") + encoded + len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def entry_path(root: Path) -> Path:
    """One entry per story folder, so a stale entry is replaced rather than left to pile up."""
    name = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir() / f"{name}.pickle"


def get(root: Path, key: str) -> Story | None:
    """The cached Story for this key, or None if there is none usable (for whatever reason)."""
    if not enabled():
        return None
    try:
        data = entry_path(root).read_bytes()
    except OSError:
        return None
    header = _MAGIC + key.encode() + b"\n"
    if not data.startswith(header):
        return None
    try:
        story = pickle.loads(data[len(header):])
    except Exception:  # noqa: BLE001 - a damaged pickle can raise almost anything; it is only a cache
        return None
    return story if isinstance(story, Story) else None


def put(root: Path, key: str, story: Story) -> None:
    """Store a Story; silently gives up if the cache folder cannot be written."""
    if not enabled():
        return
    target = entry_path(root)
    temp = ""
    try:
        payload = _dumps(story)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC + key.encode() + b"\n" + payload)
        os.replace(temp, target)
    except Exception:  # noqa: BLE001 - unpicklable, unwritable, disk full: the load goes on without it
        if temp:
            try:
                os.unlink(temp)
            except OSError:
                pass
