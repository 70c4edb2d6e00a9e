"""The story cache: one entry of plain data per story file, keyed by that file's own contents.

An entry holds what the loader made of one file: a scene file's built scenes and the problems
found in it alone, or a story file's located document. It is JSON (lists, dicts, strings and
numbers, decoded by this module into the model's values): reading an entry can never run code,
whoever wrote it. Editing one scene file makes its entry alone stale; the other files' entries
are used as they are, and the checks that span files run again over them. A whole built story
is kept too, under the keys of exactly its files (`story_key`): a game starts from that one
entry. The linter keeps its findings for a whole set of file keys (`lint_key`) and each scene
file's lint facts (engine/author/relint.py).

An entry is only a shortcut. It is ignored when stale, corrupted, unreadable, not a regular
file, owned by another user or writable by anyone but its owner; the folder is used only when
it belongs to the user and no one else may write to it (it is created 0700, and a folder of the
user's that others could write to is made private first). Failing to write is ignored too:
loading never fails because of the cache, and the folder is safe to delete. It lives in the
user's cache folder ($XDG_CACHE_HOME/hungary56, else ~/.cache/hungary56;
$HUNGARY56_CACHE_DIR overrides it; HUNGARY56_NO_CACHE=1 turns it off).
"""

from __future__ import annotations

import functools
import json
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from engine import __version__
from engine.core import model
from engine.core.errors import Problem
from engine.io.codec import decoder, encode

try:  # blake2b without hashlib, which would load OpenSSL on the start of every game
    from _blake2 import blake2b as _hash
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b as _hash

DISABLE_ENV = "HUNGARY56_NO_CACHE"
DIR_ENV = "HUNGARY56_CACHE_DIR"
FORMAT = 3  # bump when the encoding (engine/io/codec.py) changes
MAX_ENTRY_BYTES = 512 * 1024 * 1024
# The modules whose code decides what an entry holds: an edit to any of them makes every entry
# stale, so a developer never runs on values made by older code.
def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "") in ("", "0")


def cache_dir() -> Path:
    explicit = os.environ.get(DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hungary56"


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else -1


def engine_sources(root: Path | None = None) -> list[str]:
    """Every Python module of the engine package, as paths relative to it, sorted: what the cache's
    fingerprint covers (a change to any of them, even a view's, makes every entry stale)."""
    top = root or Path(__file__).resolve().parent.parent  # the engine package
    found: list[str] = []
    folders = [str(top)]
    while folders:
        folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    found.append(os.path.relpath(entry.path, top))
    return sorted(found)


@functools.lru_cache(maxsize=1)  # the code a process runs does not change under it
def _engine_fingerprint() -> bytes:
    return fingerprint_of(Path(__file__).resolve().parent.parent)


def fingerprint_of(here: Path) -> bytes:
    """A hash of the source of every engine module, the story format's version, the engine's and
    Python's: no hand-kept list of the modules that shape built values to forget one in."""
    digest = _hash(f"{FORMAT} {__version__} {sys.version}".encode())
    for name in engine_sources(here):
        try:
            digest.update(name.encode() + b"\0" + (here / name).read_bytes())
        except OSError:
            digest.update(name.encode() + b"\0missing")
    return digest.digest()


@functools.lru_cache(maxsize=1)
def _lint_fingerprint() -> bytes:
    return _hash(_engine_fingerprint() + b"lint").digest()


def file_key(shown: str, data: bytes) -> str:
    """The key of one file's entry: the engine, the file's shown path (it is in every Location) and bytes."""
    encoded = shown.encode("utf-8", "surrogateescape")
    digest = _hash(_engine_fingerprint(), digest_size=20)
    digest.update(len(encoded).to_bytes(8, "big") + encoded + len(data).to_bytes(8, "big"))
    digest.update(data)
    return digest.hexdigest()


def lint_key(file_keys: Iterable[str]) -> str:
    """The key of the linter's findings over exactly these files (in this order)."""
    return _set_key(_lint_fingerprint(), file_keys)


def _set_key(fingerprint: bytes, keys: Iterable[str]) -> str:
    digest = _hash(fingerprint, digest_size=20)
    for key in keys:
        digest.update(key.encode() + b"\n")
    return digest.hexdigest()


# --- the folder and its entries -----------------------------------------------------------------


def _private_folder(create: bool) -> Path | None:
    """The cache folder if it is the user's alone (made so if it is theirs), else None."""
    folder = cache_dir()
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        if not create:
            return None
        try:
            folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.mkdir(mode=0o700)
            info = os.stat(folder)
        except OSError:
            return None
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != _uid():
        return None  # someone else's folder: never read from it nor write to it
    if info.st_mode & 0o077:
        try:
            os.chmod(folder, 0o700)
        except OSError:
            return None
    return folder


def _read(name: str) -> Any:
    """An entry's decoded JSON, or None if it is missing or cannot be trusted."""
    folder = _private_folder(create=False)
    if folder is None:
        return None
    try:
        fd = os.open(folder / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or info.st_uid != _uid() or info.st_mode & 0o022
                or info.st_size > MAX_ENTRY_BYTES):
            return None  # a FIFO, a device, another user's file, or one others could have written
        if info.st_mtime < time.time() - _DAY and os.utime in os.supports_fd:
            try:
                os.utime(fd)  # in use: not among the least recently used that `prune` removes
            except OSError:
                pass
        data = b""  # its own size, not MAX_ENTRY_BYTES: read(n) allocates n bytes before reading
        while len(data) <= info.st_size:
            chunk = os.read(fd, info.st_size + 1 - len(data))
            if not chunk:
                break
            data += chunk
        if len(data) != info.st_size:
            return None  # replaced or changed while it was read
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def _write(name: str, value: Any) -> None:
    """Store an entry (a new file renamed into place); silently gives up if it cannot."""
    global _written
    folder = _private_folder(create=True)
    if folder is None:
        return
    from engine.io.atomic import write_atomically

    try:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
        write_atomically(folder / name, data, durable=False)  # also on Ctrl-C: no half-written file left
        os.chmod(folder / name, 0o600)  # the user's alone, whatever the umask
        _written += len(data)
    except (OSError, ValueError, TypeError, RecursionError):
        pass  # unwritable, disk full, a value JSON cannot hold: the load goes on without it


_written = 0  # bytes of entries this process wrote, since the folder was last pruned
MAX_FOLDER_BYTES = 512 * 1024 * 1024
_ENTRY = re.compile(r"^[fls]-[0-9a-f]{40}\.json$")
_DAY = 24 * 3600


def prune(max_bytes: int | None = None) -> int:
    """Keep the folder under `max_bytes` (MAX_FOLDER_BYTES): when this process has written
    entries, remove the least recently used ones (an entry in use has its time refreshed once a
    day) and the temporary files of killed writers. Returns how many files it removed."""
    global _written
    if not _written:
        return 0
    _written = 0
    folder = _private_folder(create=False)
    if folder is None:
        return 0
    from engine.io.atomic import sweep_temporaries

    removed = sweep_temporaries(folder)
    limit = MAX_FOLDER_BYTES if max_bytes is None else max_bytes
    entries = []
    try:
        for entry in os.scandir(folder):
            if _ENTRY.match(entry.name) and entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                entries.append((info.st_mtime, info.st_size, entry.path))
    except OSError:
        return removed
    total = sum(size for _time, size, _path in entries)
    for _time, size, path in sorted(entries):
        if total <= limit * 0.8:
            break
        try:
            os.unlink(path)
        except OSError:
            continue
        total -= size
        removed += 1
    return removed


# --- what the loader and the linter store ---------------------------------------------------------


def _entry(kind: str, key: str) -> dict[str, Any] | None:
    """The entry of this kind (f: a file, s: a whole story, l: the linter's) under `key`, if it is
    one: a JSON object that names its own key."""
    entry = _read(f"{kind}-{key}.json")
    return entry if type(entry) is dict and entry.get("key") == key else None


def get_file(key: str, shown: str) -> Any:
    """The cached content of one file: ("scenes", scenes, problems) or ("document", document);
    None if there is no usable entry."""
    if not enabled():
        return None
    entry = _entry("f", key)
    if entry is None:
        return None
    try:
        decode = decoder(shown)
        if entry.get("kind") == "scenes":
            scenes, problems = decode(entry["scenes"]), decode(entry["problems"])
            if (type(scenes) is not tuple or type(problems) is not tuple
                    or not all(type(s) is model.Scene for s in scenes) or not all(type(p) is Problem for p in problems)):
                return None
            return ("scenes", list(scenes), list(problems))
        if entry.get("kind") == "document":
            return ("document", decode(entry["document"]))
    except (ValueError, TypeError, IndexError, KeyError, RecursionError):
        return None  # damaged: it will be written again
    return None


def put_scenes(key: str, shown: str, scenes: list[model.Scene], problems: list[Problem]) -> None:
    _store(f"f-{key}.json", lambda: {"key": key, "kind": "scenes", "scenes": encode(tuple(scenes), shown),
                                     "problems": encode(tuple(problems), shown)})


def put_document(key: str, shown: str, document: Any) -> None:
    _store(f"f-{key}.json", lambda: {"key": key, "kind": "document", "document": encode(document, shown)})


def _store(name: str, make: Callable[[], dict[str, Any]]) -> None:
    """Write the entry `make()` returns, unless the cache is off or the value cannot be encoded
    (a cache entry is only a shortcut: not writing one loses nothing)."""
    if not enabled():
        return
    try:
        entry = make()
    except (TypeError, RecursionError):
        return
    _write(name, entry)


def story_key(file_keys: Iterable[str]) -> str:
    """The key of a whole built story made of exactly these files (in this order)."""
    return _set_key(_engine_fingerprint(), ["story", *file_keys])


def get_story(key: str) -> model.Story | None:
    """A whole built story stored under `key` (see `story_key`), or None: a game starts from one
    entry, with neither the compiler nor the other files' entries."""
    if not enabled():
        return None
    entry = _entry("s", key)
    if entry is None:
        return None
    try:
        story = decoder("", entry["paths"])(entry["story"])
    except (ValueError, TypeError, IndexError, KeyError, RecursionError):
        return None
    if type(story) is not model.Story or not all(type(s) is model.Scene for s in story.scenes.values()):
        return None
    return story


def put_story(key: str, story: model.Story) -> None:
    paths: list[str] = []  # every file's path, once: the story's locations number them
    _store(f"s-{key}.json", lambda: {"key": key, "story": encode(story, "", paths), "paths": paths})


def get_problems(key: str) -> list[Problem] | None:
    """The linter's findings stored under `key` (see `lint_key`), or None."""
    if not enabled():
        return None
    entry = _entry("l", key)
    if entry is None:
        return None
    try:
        problems = decoder("")(entry["problems"])
    except (ValueError, TypeError, IndexError, KeyError, RecursionError):
        return None
    if type(problems) is not tuple or not all(type(p) is Problem for p in problems):
        return None
    return list(problems)


def put_problems(key: str, problems: list[Problem]) -> None:
    _store(f"l-{key}.json", lambda: {"key": key, "problems": encode(tuple(problems), "")})


def get_facts(key: str, shown: str) -> tuple[Any, list[Problem]] | None:
    """A scene file's lint facts as stored (plain JSON: engine/author/facts.py decodes them) and the
    problems found in its scenes alone, under `key`; None if there is no usable entry."""
    if not enabled():
        return None
    entry = _entry("l", key)
    if entry is None or entry.get("kind") != "facts" or "facts" not in entry:
        return None
    try:
        problems = decoder(shown)(entry["problems"])
    except (ValueError, TypeError, IndexError, KeyError, RecursionError):
        return None
    if type(problems) is not tuple or not all(type(p) is Problem for p in problems):
        return None
    return entry["facts"], list(problems)


def put_facts(key: str, shown: str, facts: Any, problems: list[Problem]) -> None:
    """Store a scene file's lint facts (`facts`: plain JSON values) and its scenes' own problems."""
    _store(f"l-{key}.json", lambda: {"key": key, "kind": "facts", "facts": facts, "problems": encode(tuple(problems), shown)})
