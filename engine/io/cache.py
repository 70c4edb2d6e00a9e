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
FORMAT = 4  # bump when the encoding (engine/io/codec.py) changes
MAX_ENTRY_BYTES = 512 * 1024 * 1024


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "") in ("", "0")


def cache_dir() -> Path:
    explicit = os.environ.get(DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored (never ./relcache here)
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hungary56"


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else -1


def _source_files(top: Path) -> list[tuple[str, os.stat_result]]:
    """Every Python module under `top` (the engine package), relative to it, with its stat, sorted."""
    found: list[tuple[str, os.stat_result]] = []
    folders = [str(top)]
    while folders:
        folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    found.append((os.path.relpath(entry.path, top), entry.stat()))
    return sorted(found)


def engine_sources(root: Path | None = None) -> list[str]:
    """Every Python module of the engine package, as paths relative to it, sorted: what the cache's
    fingerprint covers (a change to any of them, even a view's, makes every entry stale)."""
    return [name for name, _ in _source_files(root or Path(__file__).resolve().parent.parent)]


@functools.lru_cache(maxsize=1)  # the code a process runs does not change under it
def _engine_fingerprint() -> bytes:
    return fingerprint_of(Path(__file__).resolve().parent.parent)


def fingerprint_of(here: Path) -> bytes:
    """A hash of every engine module's name, size and modification time (as Python's own bytecode
    cache decides a module changed; reading the sources cost 4 ms on every start), the story
    format's version, the engine's and Python's: no hand-kept list of the modules that shape built
    values to forget one in."""
    digest = _hash(f"{FORMAT} {__version__} {sys.version}".encode())
    for name, info in _source_files(here):
        digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
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
    """The cache folder if no one but the user may write to it, else None (said once on stderr).

    It is looked at with lstat: a symlink planted at its path is never followed. A folder the cache
    did not create is never chmod'ed (a class share, a sticky /tmp-like folder or `.` keeps its
    mode); one that others may write to is not used. The cache makes only its own folder (0700)
    and a missing ~/.cache, never a missing home folder."""
    folder = cache_dir()
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        if not create:
            return None
        try:
            from engine.io.atomic import make_folders

            make_folders(folder.parent)
            folder.mkdir(mode=0o700)
            info = os.lstat(folder)
        except OSError:
            return None
    except OSError:
        return None
    why = ("it is a symlink" if stat.S_ISLNK(info.st_mode)
           else "it is not a folder of yours" if not stat.S_ISDIR(info.st_mode) or info.st_uid != _uid()
           else f"others may write to it (make it private with `chmod 700`, or point {DIR_ENV} at a folder "
                "of your own)" if info.st_mode & 0o022 else "")
    if why:
        _refuse(folder, why)  # never read from it nor write to it
        return None
    return folder


_refused: set[str] = set()


def _refuse(folder: Path, why: str) -> None:
    """Say once per folder why the cache is not used (only when the user chose the folder)."""
    if str(folder) not in _refused and os.environ.get(DIR_ENV):
        _refused.add(str(folder))
        try:
            print(f"hungary56: not using the cache folder {folder}: {why}; going on without the cache",
                  file=sys.stderr)
        except (OSError, ValueError):
            pass


def _read(name: str) -> Any:
    """An entry's decoded JSON, or None if it is missing or cannot be trusted."""
    folder = _private_folder(create=False)
    if folder is None:
        return None
    from engine.io.atomic import read_checked

    def trusted(info: os.stat_result) -> bool:  # the user's own file, that no one else could have written
        return info.st_uid == _uid() and not info.st_mode & 0o022

    try:
        data = read_checked(folder / name, MAX_ENTRY_BYTES, trusted, touch_after=_DAY)
    except OSError:
        return None  # missing, a symlink, a FIFO, a device, another user's file, too large
    original = _unsealed(data)
    if original is None:
        return None  # changed since it was written (by hand, a bit flip): never decoded
    try:
        return json.loads(original)
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
        data = _sealed(data)
        if len(data) > MAX_ENTRY_BYTES:
            return  # an entry `_read` would refuse: never written
        write_atomically(folder / name, data, durable=False)  # also on Ctrl-C: no half-written file left
        os.chmod(folder / name, 0o600)  # the user's alone, whatever the umask
        _written += len(data)
    except (OSError, ValueError, TypeError, RecursionError, MemoryError):
        pass  # unwritable, disk full, a value JSON cannot hold, too large: the load goes on without it


def _sealed(data: bytes) -> bytes:
    """An entry's JSON object with a last member `"sum"`, a digest of the object without it: an
    entry changed after it was written (a value of another type put in by hand: reliability review
    2026-12-06, NL5) is ignored instead of decoded into a story that fails later. Still plain JSON."""
    return data[:-1] + b',"sum":"' + _hash(data, digest_size=16).hexdigest().encode() + b'"}'


_SEAL = len(b',"sum":"') + 32 + len(b'"}')


def _unsealed(data: bytes) -> bytes | None:
    """The JSON object `_sealed` made `data` from, or None if the digest does not match."""
    if len(data) <= _SEAL or not data.startswith(b"{") or data[-_SEAL:-34] != b',"sum":"':
        return None
    original = data[:-_SEAL] + b"}"
    return original if data[-34:-2] == _hash(original, digest_size=16).hexdigest().encode() else None


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
    except Exception:  # noqa: BLE001 - damaged in any way: it will be written again
        return None
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
    except Exception:  # noqa: BLE001 - loading never fails because of the cache
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
