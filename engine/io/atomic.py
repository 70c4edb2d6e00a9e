"""Every file the engine writes goes through `write_atomically`; every file it reads that a
hostile folder could plant goes through `read_regular`.

`write_atomically` writes a temporary file created in the target's own folder with
O_CREAT|O_EXCL|O_NOFOLLOW (so a planted symlink or file in its place is never written through),
with the permissions the umask gives (0666 & ~umask, or the replaced file's own mode), fsyncs it,
renames it over the target (a symlink at the target is replaced, its destination untouched) and
fsyncs the folder. Whatever stops it half-way (an error, Ctrl-C, a kill at any step) leaves the
old file or the new one, never a torn one; the temporary file is removed on every exit path the
process survives.

It refuses (NotRegularFile) a target that exists and is not a regular file or a symlink (a
device node such as /dev/null, a FIFO, a socket: never replaced by a file), an existing file that
`owned` says is not the engine's own (a student's essay where a transcript or a map was asked
for), and, with `within` (the story folder), a target whose folder is reached through a symlink
or lies outside `within`. It creates missing folders, but never a missing home folder (HOME).

`read_regular` is the one way to read a file the engine did not write itself (story files, the
files a story ships under `saves/` and `tests/`, settings, cache entries, saves, recordings): it
opens without blocking (a FIFO cannot hang it), checks with fstat that it has a regular file
below a size limit (not /dev/zero, a device or a 4 GB file) and reads at most that; with
`within`, a path that is, or passes through, a symlink leading out of that folder is refused
unread. `read_head` reads the first bytes of a regular file of any size (to recognise one).
"""

from __future__ import annotations

import errno
import functools
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
    """A path that should be a regular file is a FIFO, a device, a folder or far too large, or
    reached through a symlink out of the folder it must stay in."""


class NotOurs(OSError):
    """An existing file the engine was asked to replace was not written by it."""


def _outside(path: Path, within: Path | str) -> bool:
    """Whether `path`, with every symlink followed, leaves the folder `within`."""
    root = os.path.realpath(within)
    real = os.path.realpath(path)
    return real != root and not real.startswith(root.rstrip(os.sep) + os.sep)


def _linked_folders(folder: Path, within: Path | str) -> Path | None:
    """The first folder from `within` down to `folder` that is a symlink, if any (checked with
    lstat, not followed); `folder` itself when it is not inside `within` at all."""
    here = Path(os.path.abspath(folder))
    for root in dict.fromkeys((Path(os.path.abspath(within)), Path(os.path.realpath(within)))):
        try:
            steps = here.relative_to(root).parts
        except ValueError:
            continue
        current = root
        for step in steps:
            current = current / step
            try:
                if stat.S_ISLNK(os.lstat(current).st_mode):
                    return current
            except FileNotFoundError:
                return None
        return folder if _outside(here, root) else None
    return folder


def make_folders(folder: Path) -> None:
    """mkdir -p, except that a missing home folder is never created: with HOME=/nonexistent (the
    home of daemons and `nobody`), writing under it fails instead of making /nonexistent. A folder
    the environment names outright (XDG_DATA_HOME, HUNGARY56_SAVES, ...) is made, as XDG says."""
    if folder.is_dir():
        return
    home = os.environ.get("HOME", "")
    if home and os.path.isabs(home) and not os.path.isdir(home):
        absolute = os.path.abspath(folder)
        named = [os.path.abspath(value) for name in _NAMED_FOLDERS if os.path.isabs(value := os.environ.get(name, ""))]
        if _under(absolute, os.path.abspath(home)) and not any(_under(absolute, root) for root in named):
            raise FileNotFoundError(errno.ENOENT, "the home folder does not exist (HOME)", home)
    folder.mkdir(parents=True, exist_ok=True)


_NAMED_FOLDERS = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "HUNGARY56_SAVES", "HUNGARY56_CACHE_DIR")


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def temporary_name(name: str) -> str:
    """The hidden, unpredictable name of a file being written: `.NAME.RANDOM.tmp`."""
    return f".{name}.{os.urandom(6).hex()}.tmp"  # what secrets.token_hex(6) does, without importing hmac


def write_atomically(path: Path | str, data: bytes | str,
                     before_replace: Callable[[int], None] | None = None, durable: bool = True,
                     within: Path | str | None = None, owned: Callable[[bytes], bool] | None = None) -> None:
    """Replace `path` with `data` (str is written as UTF-8) so that it holds the old or the new
    content, never a mix, and only names the new content once it is on disk.

    `before_replace(folder_fd)` runs once the new content is durable and before it takes the
    target's name (the autosave uses it to keep the previous autosave). Raises OSError.
    `durable=False` skips the fsyncs, for files that are only a shortcut (the story cache): still
    old or new, never torn, but after a power cut maybe neither.
    `within`: the folder (a story's) the file must stay in, through no symlinked folder.
    `owned(first bytes)`: whether an existing file may be replaced (NotOurs if not).
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if within is not None:
        linked = _linked_folders(target.parent, within)
        if linked is not None:
            raise NotRegularFile(errno.ELOOP, "the folder is a symlink, or leads out of the story folder", str(linked))
    make_folders(target.parent)
    if within is not None and _linked_folders(target.parent, within) is not None:  # made meanwhile
        raise NotRegularFile(errno.ELOOP, "the folder is a symlink, or leads out of the story folder", str(target.parent))
    folder = os.open(target.parent, _DIRECTORY | (getattr(os, "O_NOFOLLOW", 0) if within is not None else 0))
    try:
        _check_target(folder, target, owned)
        _write_in(folder, target.name, payload, before_replace, durable)
    finally:
        os.close(folder)


def _check_target(folder: int, target: Path, owned: Callable[[bytes], bool] | None) -> None:
    """Refuse to replace a device, a FIFO, a socket or a folder, and a file `owned` disowns."""
    try:
        info = os.stat(target.name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        try:  # /dev/stdout, a link to /dev/null: never replaced by a file, even as root
            pointed = os.stat(target.name, dir_fd=folder)
        except OSError:
            return  # a dangling link: replaced, its destination never made
        if not stat.S_ISREG(pointed.st_mode):
            raise NotRegularFile(errno.EINVAL, "it is a link to something that is not a regular file (a device, a "
                                               "pipe or a folder); it was left as it was", str(target))
        return  # the link itself is replaced, its destination never touched
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(errno.EINVAL, "it exists and is not a regular file (a device, a pipe or a folder); "
                                           "it was left as it was", str(target))
    if owned is not None and info.st_size:
        fd = os.open(target.name, _READ | getattr(os, "O_NOFOLLOW", 0), dir_fd=folder)
        try:
            head = os.read(fd, HEAD_BYTES)
        finally:
            os.close(fd)
        if not owned(head):
            raise NotOurs(errno.EEXIST, "it exists and was not written by hungary56; give another file name "
                                        "(the file was left as it was)", str(target))


HEAD_BYTES = 4096


def same_first_line(data: bytes | str) -> Callable[[bytes], bool]:
    """An `owned` test for outputs: an existing file is the engine's own output of the same kind when
    it is empty, or its first line is the first line of what is about to replace it (`digraph story
    {`, a walkthrough's title), or both first lines start with the same 40 characters (an SVG map
    whose size changed, `<!DOCTYPE html>...`)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    first = payload.split(b"\n", 1)[0].strip()

    def owned(head: bytes) -> bool:
        old = head.split(b"\n", 1)[0].strip()
        return not head.strip() or old == first or (len(first) >= 40 and old[:40] == first[:40])

    return owned


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
    try:  # already a hard link of it (a kill between the two renames of a first autosave): a copy
        kept = os.stat(copy_name, dir_fd=folder, follow_symlinks=False)
        if (kept.st_ino, kept.st_dev) == (info.st_ino, info.st_dev):
            return  # (a rename over it would do nothing and leave the temporary link: review 2026-12-06 NL4)
    except FileNotFoundError:
        pass
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



def move_new(source: Path | str, target: Path | str) -> None:
    """Move a file to a name that must not exist yet (a hard link, then the old name removed), so
    that a file already at `target` is never replaced (FileExistsError). Raises OSError."""
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError:  # no hard links here: a rename, after checking that the name is free
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "already exists", str(target)) from None
        os.replace(source, target)
        return
    os.unlink(source)


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

def read_regular(path: Path | str, limit: int, within: Path | str | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; NotRegularFile for anything else
    (FIFO, device, folder, socket, larger file, and with `within` a symlink that leads out of that
    folder), OSError when it cannot be read."""
    fd = _open_regular(path, within)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise NotRegularFile(errno.EFBIG, "file too large", str(path))
        return _read_fd(fd, limit, str(path))
    finally:
        os.close(fd)


def read_head(path: Path | str, size: int = HEAD_BYTES, within: Path | str | None = None) -> bytes:
    """The first `size` bytes of a regular file of any length (to recognise what it is), with the
    checks of read_regular but no size limit."""
    fd = _open_regular(path, within)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        return os.read(fd, size)
    finally:
        os.close(fd)


def read_checked(path: Path | str, limit: int, accept: Callable[[os.stat_result], bool],
                 touch_after: float | None = None) -> bytes:
    """read_regular for a file the engine keeps for itself in a folder of its own (a cache entry):
    never through a symlink at all (O_NOFOLLOW), and only when `accept(fstat)` (its owner, its
    mode); NotRegularFile otherwise. Read in its own size (not `limit`: read(n) allocates n bytes),
    and its time refreshed when older than `touch_after` seconds (in use: not pruned)."""
    fd = os.open(path, _READ | getattr(os, "O_NOFOLLOW", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit or not accept(info):
            raise NotRegularFile(errno.EINVAL, "not a regular file of the expected owner and mode", str(path))
        if touch_after is not None and info.st_mtime < time.time() - touch_after and os.utime in os.supports_fd:
            try:
                os.utime(fd)
            except OSError:
                pass
        data = _read_fd(fd, info.st_size, str(path))
        if len(data) != info.st_size:
            raise NotRegularFile(errno.EINVAL, "changed while it was read", str(path))
        return data
    finally:
        os.close(fd)


def why_unreadable(exc: OSError) -> str:
    """What a failure of read_regular means, in the words of a message ("cannot read it: ...")."""
    if isinstance(exc, NotRegularFile):
        if exc.errno == errno.EFBIG:
            return "it is far too large"
        if exc.errno == errno.ELOOP:
            return "it is a symlink that leads out of its folder"
        return "it is not a regular file (a folder, a device or a pipe)"
    return str(exc.strerror or exc)


def _open_regular(path: Path | str, within: Path | str | None) -> int:
    if within is not None:
        # The quick way for the usual file (10,000 scene files are read at every start): not a
        # symlink itself, in a folder already found inside `within`; else every link resolved.
        try:
            link = stat.S_ISLNK(os.lstat(path).st_mode)
        except OSError:
            link = True  # let the open below say why
        if link or _folder_outside(os.fspath(path).rpartition(os.sep)[0], os.fspath(within)):
            if _outside(Path(path), within):
                raise NotRegularFile(errno.ELOOP, "a symlink that leads out of its folder", str(path))
    return os.open(path, _READ)


@functools.lru_cache(maxsize=64)
def _folder_outside(folder: str, within: str) -> bool:
    """Whether `folder`, its symlinks resolved, is outside `within` (remembered: a story's folders)."""
    return _outside(Path(folder), within)


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
