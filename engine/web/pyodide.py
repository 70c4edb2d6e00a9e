"""The pinned Pyodide core the browser build ships: the one place that names its version and hashes.

Pyodide's API and file names change between releases, so the project pins exactly one: its npm
tarball's integrity (the sha512 `npm` itself checks) and the sha256 of each file the site ships.
`pyodide_files()` finds them, in this order: `--pyodide PATH` (a folder holding the files, such as
`node_modules/pyodide`, or the `.tgz`), then the copy kept in the user's cache folder, then a
tarball fetched once with the ordinary npm client (`npm pack`, from whatever registry npm is set
up for) into that cache. Every file is checked against its pinned hash before it is used.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from engine.core.errors import WebBuildError
from engine.io.atomic import read_regular, write_atomically

VERSION = "314.0.8"
PACKAGE = f"pyodide@{VERSION}"
TARBALL = f"pyodide-{VERSION}.tgz"
INTEGRITY = "sha512-74Wq1kXOC+CCEzAfxuRAO701nAcCMLjf8NrwvWpu8S41dVMXwXmLQ05dYB+F4e46AdnGo0oq7YHSVUpHsoarLQ=="
# The files a page needs (of the package's 14), each with its sha256.
FILES = {
    "pyodide.mjs": "1bb8cc14f9405aaa7cd4e00c12edd0a8539de9cc026618d6ee5a9663f367dc70",
    "pyodide.asm.mjs": "22514b8be6980e28a02c8b1d6387ce8dfe666fc4edf8d547cff5dce29ff4d972",
    "pyodide.asm.wasm": "e14d49ceca9b4a0e274ea918f3a898de2d3880b6e5573a6cfe1a2267ecc70329",
    "python_stdlib.zip": "2bd3394a145bfbbe5bbc9d9d6ab9136abbb986c6fef6c142b3a2962227aa5c28",
    "pyodide-lock.json": "5dc2fc119108bc148c7457dc86e7675b5c87e1cafd420b9c34c1eaef7b36c010",
}
PYODIDE_ENV = "HUNGARY56_PYODIDE"
MAX_FILE_BYTES = 64 * 1024 * 1024


def cache_folder() -> Path:
    """Where the checked files are kept between builds: the user's cache folder (platformdirs)."""
    explicit = os.environ.get("HUNGARY56_CACHE_DIR")
    if explicit:
        return Path(explicit) / f"pyodide-{VERSION}"
    import platformdirs

    return Path(platformdirs.user_cache_dir("hungary56", appauthor=False)) / f"pyodide-{VERSION}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def integrity(data: bytes) -> str:
    """A tarball's integrity as npm writes it (`sha512-` and the base64 digest)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _check(name: str, data: bytes, where: str) -> bytes:
    if _sha256(data) != FILES[name]:
        raise WebBuildError(f"{where}: {name} is not the one of Pyodide {VERSION} this hungary56 pins "
                            "(a different version, or a damaged file)")
    return data


def from_folder(folder: Path) -> dict[str, bytes]:
    """The pinned files from a folder (an unpacked package, or a cache copy), each checked."""
    files = {}
    for name in FILES:
        path = folder / name
        try:
            data = read_regular(path, MAX_FILE_BYTES)
        except OSError as exc:
            raise WebBuildError(f"{folder}: cannot read Pyodide's {name} ({exc.strerror or exc})") from None
        files[name] = _check(name, data, str(folder))
    return files


def from_tarball(path: Path) -> dict[str, bytes]:
    """The pinned files from the npm tarball, whose integrity is checked first."""
    try:
        data = read_regular(path, 4 * MAX_FILE_BYTES)
    except OSError as exc:
        raise WebBuildError(f"{path}: cannot read the Pyodide tarball ({exc.strerror or exc})") from None
    if integrity(data) != INTEGRITY:
        raise WebBuildError(f"{path}: this is not the npm tarball of {PACKAGE} (its integrity hash differs)")
    import io

    files = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for name in FILES:
            try:
                member = archive.extractfile(f"package/{name}")
            except KeyError:
                member = None
            if member is None:
                raise WebBuildError(f"{path}: the tarball has no package/{name}")
            files[name] = _check(name, member.read(), str(path))
    return files


def from_path(path: Path) -> dict[str, bytes]:
    """`--pyodide PATH`: a folder holding the files, or the `.tgz`."""
    if path.is_dir():
        return from_folder(path)
    if path.is_file():
        return from_tarball(path)
    raise WebBuildError(f"--pyodide {path}: no such folder or tarball")


def _keep(files: dict[str, bytes]) -> None:
    """A copy in the cache folder, so the next build needs neither the network nor --pyodide."""
    folder = cache_folder()
    try:
        for name, data in files.items():
            write_atomically(folder / name, data, durable=False)
    except OSError:
        pass  # a cache that cannot be written only costs the next build a fetch


def fetch() -> dict[str, bytes]:
    """The pinned tarball, fetched with `npm pack` into the cache folder and checked."""
    npm = shutil.which("npm")
    if npm is None:
        raise WebBuildError(
            f"Pyodide {VERSION} is not in the cache ({cache_folder()}) and npm is not installed to fetch it: "
            f"install npm, or give the files with --pyodide PATH (a folder such as node_modules/pyodide, "
            f"or {TARBALL})")
    folder = cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run([npm, "pack", PACKAGE, "--pack-destination", str(folder), "--silent"],
                              capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise WebBuildError(f"could not fetch {PACKAGE} with npm ({exc}); give the files with --pyodide PATH") from None
    tarball = folder / TARBALL
    if done.returncode != 0 or not tarball.is_file():
        reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no tarball written"]
        raise WebBuildError(f"could not fetch {PACKAGE} with npm ({reason[0]}); with no network, give the "
                            "files with --pyodide PATH (a folder such as node_modules/pyodide, or the .tgz)")
    try:
        return from_tarball(tarball)
    finally:
        tarball.unlink(missing_ok=True)


def fetch_needed(path: str | None = None) -> bool:
    """Whether `pyodide_files(path)` will have to fetch the tarball (nothing given, nothing kept)."""
    if path or os.environ.get(PYODIDE_ENV):
        return False
    return not all((cache_folder() / name).is_file() for name in FILES)


def pyodide_files(path: str | None = None) -> dict[str, bytes]:
    """The pinned files a site ships: from `path`, $HUNGARY56_PYODIDE, the cache, or fetched once."""
    chosen = path or os.environ.get(PYODIDE_ENV)
    if chosen:
        return from_path(Path(chosen))
    folder = cache_folder()
    if all((folder / name).is_file() for name in FILES):
        try:
            return from_folder(folder)
        except WebBuildError:
            pass  # a damaged cache copy is fetched again
    files = fetch()
    _keep(files)
    return files
