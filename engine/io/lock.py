"""Advisory locks on a saves folder, so that two sessions sharing it never lose each other's work.

A session holds `session_lock(folder)` from its start to its end: a second session on the same
folder (another window, or another student on a class share) is told that the folder is in use
instead of rotating the first one's autosave away. `short_lock(folder, name)` is held only around
a read-modify-write (the record of endings found), so two endings reached at the same moment are
both kept. Both are `flock` locks on hidden files in the folder (`.lock`, `.NAME.lock`), created
with O_NOFOLLOW (a planted symlink is never followed) and released by the kernel when the process
ends, however it ends. Where locks are not available (Windows, a file system without them, a
read-only folder) the lock is skipped: the old behaviour, never an error.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SESSION_LOCK = ".lock"
_FLAGS = (os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
          | getattr(os, "O_CLOEXEC", 0))


class FolderInUse(Exception):
    """Another process holds the lock."""


def _open(folder: Path, name: str) -> int | None:
    """The lock file's descriptor, or None when it cannot be made (a read-only folder, no folder)."""
    try:
        fd = os.open(Path(folder) / name, _FLAGS, 0o666)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
    except OSError:
        os.close(fd)
        return None
    return fd


def session_lock(folder: Path) -> int | None:
    """Take the folder's session lock without waiting: its descriptor (keep it open for the whole
    session; closing it, or the process ending, releases it), None when locks are not available.
    Raises FolderInUse when another session holds it."""
    if fcntl is None:  # pragma: no cover
        return None
    fd = _open(folder, SESSION_LOCK)
    if fd is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise FolderInUse(str(folder)) from None
        return None  # a file system without locks: go on as before
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


@contextlib.contextmanager
def short_lock(folder: Path, name: str) -> Iterator[None]:
    """Hold `.NAME.lock` in `folder` (waiting for another process to let it go) while the block runs."""
    fd = _open(folder, f".{name}.lock") if fcntl is not None else None
    try:
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        release(fd)
