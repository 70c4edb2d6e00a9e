"""The static site `hungary56 web` writes: the page, the engine's play path as a zip, the built story
as JSON, the pinned Pyodide core, and a service worker that keeps it all for offline use.

Every file is made in memory first (`site_files`), so the same bytes go to a folder
(`write_site`), a SCORM package (`engine/web/scorm.py`) or a test, and each is written through
`write_atomically`. Nothing on the page comes from another origin: the Content-Security-Policy
allows the site itself only (and 'wasm-unsafe-eval', which WebAssembly needs).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import zipfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from engine.core.errors import WebBuildError
from engine.core.model import Story
from engine.io.atomic import write_atomically
from engine.web import pyodide
from engine.web.built import first_screen, story_document

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'")
STATIC = ("app.js", "engine.js", "style.css")
# The engine's play path: the rules, the story codec and the saves, and the adapter; no YAML, no
# compiler's readers of files, no terminal.
_ENGINE_PARTS = ("__init__.py", "core/", "io/__init__.py", "io/codec.py", "io/saves.py", "io/atomic.py",
                 "web/__init__.py", "web/adapter.py", "web/screens.py", "web/built.py")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip's bytes depend on its contents only


def static_text(name: str) -> str:
    return resources.files("engine.web").joinpath("static").joinpath(name).read_text(encoding="utf-8")


def _engine_sources() -> Iterator[tuple[str, bytes]]:
    root = resources.files("engine")
    for part in _ENGINE_PARTS:
        if part.endswith("/"):
            folder = root.joinpath(part.rstrip("/"))
            for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
                if item.name.endswith(".py"):
                    yield f"engine/{part}{item.name}", item.read_bytes()
        else:
            yield f"engine/{part}", root.joinpath(part).read_bytes()


def _attrs_sources() -> Iterator[tuple[str, bytes]]:
    """attrs, the one third-party package the rules need, as its pure-Python source."""
    import attr
    import attrs

    for module in (attr, attrs):
        folder = Path(module.__file__ or "").parent
        for path in sorted(folder.rglob("*")):
            if path.is_file() and (path.suffix in (".py", ".pyi") or path.name == "py.typed"):
                if "__pycache__" not in path.parts:
                    yield f"{module.__name__}/{path.relative_to(folder).as_posix()}", path.read_bytes()


def engine_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*_engine_sources(), *_attrs_sources()]:
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _block_html(block: dict[str, Any]) -> str:
    tag = "h2" if block["style"] == "heading" else "p"
    return f'<{tag} class="b-{html.escape(block["style"])}">{html.escape(block["text"])}</{tag}>'


def index_html(story: Story, version: str) -> str:
    """The page, with the opening scene already in it: text before Python has started."""
    first = first_screen(story)
    scene = "\n".join(_block_html(block) for block in first["blocks"])
    choices = "\n".join(
        f'<li><button type="button" class="choice" data-choice="{html.escape(c["id"])}" disabled>'
        f'<span class="num">{c["number"]}.</span> {html.escape(c["label"])}</button></li>'
        for c in first["choices"]
    )
    page = static_text("index.html")
    for key, value in (("CSP", html.escape(CSP)), ("TITLE", html.escape(story.title)),
                       ("SCENE", scene), ("CHOICES", choices), ("FIRST", html.escape(first["scene"])),
                       ("VERSION", html.escape(version)), ("STORY_ID", html.escape(story.id))):
        page = page.replace("{{" + key + "}}", value)
    return page


def site_files(story: Story, pyodide_path: str | None = None, scorm: bool = False) -> dict[str, bytes]:
    """Every file of the site, by its path in the site."""
    files: dict[str, bytes] = {f"pyodide/{name}": data for name, data in pyodide.pyodide_files(pyodide_path).items()}
    files["engine.zip"] = engine_zip()
    files["story.json"] = json.dumps(story_document(story), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    for name in STATIC:
        files[name] = static_text(name).encode("utf-8")
    if scorm:
        files["scorm.js"] = static_text("scorm.js").encode("utf-8")
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    version = digest.hexdigest()[:16]
    files["index.html"] = index_html(story, version).encode("utf-8")
    if scorm:
        files["index.html"] = files["index.html"].replace(
            b'<script type="module" src="app.js"></script>',
            b'<script src="scorm.js"></script>\n<script type="module" src="app.js"></script>')
    listed = sorted([*files, "./"])
    worker = static_text("sw.js").replace("__VERSION__", version).replace("__FILES__", json.dumps(listed))
    files["sw.js"] = worker.encode("utf-8")
    return files


def write_site(files: dict[str, bytes], out: Path) -> None:
    """The site's files into the folder `out` (created; files already there are replaced)."""
    if out.exists() and not out.is_dir():
        raise WebBuildError(f"{out}: exists and is not a folder")
    try:
        for name, data in sorted(files.items()):
            write_atomically(out / name, data, durable=False)
    except OSError as exc:
        raise WebBuildError(f"{out}: cannot write the site ({exc.strerror or exc})") from None


def transfer_size(files: dict[str, bytes]) -> tuple[int, int]:
    """The site's size raw and gzipped (as a server that compresses would send it)."""
    import gzip

    raw = sum(len(data) for data in files.values())
    packed = sum(len(gzip.compress(data, 9)) for data in files.values())
    return raw, packed
