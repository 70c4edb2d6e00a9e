"""Every file the engine writes goes through `write_atomically`; every file it reads that a
hostile folder could plant goes through `read_regular`.

`write_atomically` writes a temporary file created in the target's own folder with
O_CREAT|O_EXCL|O_NOFOLLOW (so a planted symlink or file in its place is never written through),
with the permissions the umask gives (0666 & ~umask, or the replaced file's own mode), fsyncs it,
renames it over the target (a symlink at the target is replaced, its destination untouched) and
fsyncs the folder. Whatever stops it half-way (an error, Ctrl-C, a kill at any step) leaves the
old file or the new one, never a torn one; the temporary file is removed on every exit path the
process survives.

`read_regular` opens without blocking (a FIFO cannot hang it), checks with fstat that it has a
regular file below a size limit (not /dev/zero, a device or a 4 GB file) and reads at most that.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from collections.abc import Callable
from pathlib import Path

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class NotRegularFile(OSError):
    """A path that should be a regular file is a FIFO, a device, a folder or far too large."""


def temporary_name(name: str) -> str:
    """The hidden, unpredictable name of a file being written: `.NAME.RANDOM.tmp`."""
    return f".{name}.{os.urandom(6).hex()}.tmp"  # what secrets.token_hex(6) does, without importing hmac


def write_atomically(path: Path | str, data: bytes | str,
                     before_replace: Callable[[int], None] | None = None, durable: bool = True) -> None:
    """Replace `path` with `data` (str is written as UTF-8) so that it holds the old or the new
    content, never a mix, and only names the new content once it is on disk.

    `before_replace(folder_fd)` runs once the new content is durable and before it takes the
    target's name (the autosave uses it to keep the previous autosave). Raises OSError.
    `durable=False` skips the fsyncs, for files that are only a shortcut (the story cache): still
    old or new, never torn, but after a power cut maybe neither.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(target.parent, _DIRECTORY)
    try:
        _write_in(folder, target.name, payload, before_replace, durable)
    finally:
        os.close(folder)


def _write_in(folder: int, name: str, payload: bytes, before_replace: Callable[[int], None] | None,
              durable: bool = True) -> None:
    mode = 0o666
    try:
        existing = os.stat(name, dir_fd=folder, follow_symlinks=False)
        if stat.S_ISREG(existing.st_mode):
            mode = stat.S_IMODE(existing.st_mode)  # an edited scene keeps its permissions
    except FileNotFoundError:
        pass
    for _ in range(100):
        temporary = temporary_name(name)
        try:
            fd = os.open(temporary, _CREATE, mode, dir_fd=folder)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 collisions of 48 random bits
        raise FileExistsError(errno.EEXIST, "cannot create a temporary file", name)
    try:
        try:
            if mode != 0o666:
                os.fchmod(fd, mode)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace(folder)
        _rename(folder, temporary, name)
    except BaseException:
        _remove_quietly(folder, temporary)
        raise
    if not durable:
        return
    try:
        os.fsync(folder)  # the rename itself is durable once the folder is
    except OSError:
        pass  # some file systems cannot fsync a folder; the data itself is on disk


_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{6,16}\.tmp$")
STALE_SECONDS = 3600


def sweep_temporaries(folder: Path | str, older_than: float = STALE_SECONDS) -> int:
    """Remove the temporary files (`.NAME.RANDOM.tmp`) that writers killed before they could
    clean up left in `folder`, if they are older than an hour (a younger one may be another
    process's write in progress); returns how many. Never fails."""
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        try:
            if (_TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False)
                    and now - entry.stat(follow_symlinks=False).st_mtime > older_than):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def keep_copy(folder: int, name: str, copy_name: str) -> None:
    """Atomically make `copy_name` (in the folder open as `folder`) a copy of the regular file
    `name`, if there is one: a hard link when the file system allows it, else a copy. `name`
    itself is never moved, so it exists throughout. Raises OSError."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        return
    temporary = temporary_name(copy_name)
    try:
        os.link(name, temporary, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
    except OSError:  # no hard links here (FAT, some network shares): copy the bytes
        fd = os.open(name, _READ | getattr(os, "O_NOFOLLOW", 0), dir_fd=folder)
        try:
            data = _read_fd(fd, info.st_size, name)
        finally:
            os.close(fd)
        _write_in(folder, copy_name, data, None)
        return
    _rename(folder, temporary, copy_name)



def _rename(folder: int, temporary: str, name: str) -> None:
    """Give the temporary file its name (the one rename of the engine); on any failure or interrupt
    the temporary is removed, so no exit path leaves it behind."""
    try:
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        _remove_quietly(folder, temporary)
        raise


def _remove_quietly(folder: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=folder)
    except OSError:
        pass

def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; NotRegularFile for anything else
    (FIFO, device, folder, socket, larger file), OSError when it cannot be read."""
    fd = os.open(path, _READ)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise NotRegularFile(errno.EFBIG, "file too large", str(path))
        return _read_fd(fd, limit, str(path))
    finally:
        os.close(fd)


def _read_fd(fd: int, limit: int, shown: str) -> bytes:
    """At most `limit` bytes from fd; NotRegularFile if there are more (it grew while read)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise NotRegularFile(errno.EFBIG, "file too large", shown)
    return b"".join(chunks)


class AtomicTextFile:
    """A text stream for a file written as a session goes (a transcript): every flush replaces the
    whole file with write_atomically, so it is complete up to the last flush whatever stops the
    process, and never written through a symlink. A failed flush calls `on_error` once and the
    stream then drops what follows: a full disk ends the file, not the game."""

    def __init__(self, path: Path | str, on_error: Callable[[OSError], None]) -> None:
        self.path = Path(path)
        self.on_error = on_error
        self.parts: list[str] = []
        self.failed = False

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        if self.failed:
            return
        try:
            write_atomically(self.path, "".join(self.parts))
        except OSError as exc:
            self.failed = True
            self.on_error(exc)

    def close(self) -> None:
        self.flush()

    def __enter__(self) -> AtomicTextFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
