"""The browser build's site writer, Pyodide pin, server and SCORM package, in-process (no browser)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from engine.core.errors import SaveError, WebBuildError
from engine.io.loader import bundled_story_dir, load_story
from engine.web import pyodide, scorm, serve, site
from engine.web.built import first_screen, story_document, story_from_json
from tests.conftest import REPO, run_cli
from tests.web_support import fake_pyodide, real_pyodide

STATIC = REPO / "engine" / "web" / "static"


@pytest.fixture(scope="module")
def story():
    return load_story(bundled_story_dir())


@pytest.fixture
def files(story, monkeypatch):
    fake_pyodide(monkeypatch)
    return site.site_files(story)


def test_the_pin_is_the_one_the_browser_tests_install():
    package = json.loads((REPO / "tests" / "browser" / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((REPO / "tests" / "browser" / "package-lock.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["pyodide"] == pyodide.VERSION
    assert lock["packages"]["node_modules/pyodide"]["version"] == pyodide.VERSION
    assert lock["packages"]["node_modules/pyodide"]["integrity"] == pyodide.INTEGRITY


def test_the_real_pyodide_files_match_their_pinned_hashes():
    files = pyodide.from_folder(real_pyodide())
    assert sorted(files) == sorted(pyodide.FILES)


def test_a_pyodide_file_of_another_version_is_refused(tmp_path: Path):
    for name in pyodide.FILES:
        (tmp_path / name).write_bytes(b"not pyodide")
    with pytest.raises(WebBuildError, match="not the one of Pyodide"):
        pyodide.from_path(tmp_path)


def test_a_tarball_whose_integrity_differs_is_refused(tmp_path: Path):
    tarball = tmp_path / "pyodide.tgz"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("package/pyodide.mjs")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"abc"))
    tarball.write_bytes(buffer.getvalue())
    with pytest.raises(WebBuildError, match="integrity"):
        pyodide.from_path(tarball)


def test_no_pyodide_and_no_npm_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HUNGARY56_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv(pyodide.PYODIDE_ENV, raising=False)
    monkeypatch.setattr(pyodide.shutil, "which", lambda name: None)
    with pytest.raises(WebBuildError, match="--pyodide PATH"):
        pyodide.pyodide_files()
    with pytest.raises(WebBuildError, match="no such folder"):
        pyodide.pyodide_files(str(tmp_path / "missing"))


def test_the_site_has_every_file_and_only_the_pinned_pyodide_ones(files):
    assert {"index.html", "app.js", "engine.js", "style.css", "sw.js", "engine.zip", "story.json"} <= set(files)
    assert {name for name in files if name.startswith("pyodide/")} == {f"pyodide/{n}" for n in pyodide.FILES}


def test_the_engine_zip_holds_the_play_path_and_attrs_only(files):
    names = zipfile.ZipFile(io.BytesIO(files["engine.zip"])).namelist()
    assert "engine/web/adapter.py" in names and "engine/core/machine.py" in names and "engine/io/saves.py" in names
    assert "attrs/__init__.py" in names and "attr/__init__.py" in names
    for forbidden in ("engine/play/", "engine/author/", "engine/classroom/", "engine/commands/", "engine/io/yamlio.py",
                      "engine/io/loader.py", "yaml/"):
        assert not [n for n in names if n.startswith(forbidden)], forbidden


def test_the_story_json_is_the_built_story(files, story):
    shipped = story_from_json(files["story.json"].decode("utf-8"))
    assert (shipped.id, shipped.start, list(shipped.scenes)) == (story.id, story.start, list(story.scenes))
    assert [c.id for c in shipped.chapters] == [c.id for c in story.chapters]
    assert json.loads(json.dumps(story_document(shipped))) == json.loads(files["story.json"])
    with pytest.raises(SaveError):
        story_from_json('{"format": "something else"}')


def test_the_opening_scene_is_in_the_page_before_python_starts(files, story):
    page = files["index.html"].decode("utf-8")
    first = first_screen(story)
    scene = story.scenes[story.start]
    assert f'data-scene="{first["scene"]}"' in page
    assert f">{scene.title}<" in page.replace("&#x27;", "'")
    choices = re.findall(r'<button type="button" class="choice" data-choice="([^"]+)" disabled>', page)
    assert choices == [c["id"] for c in first["choices"]] and choices
    assert "{{" not in page


def test_the_page_allows_its_own_origin_only(files):
    page = files["index.html"].decode("utf-8")
    assert 'http-equiv="Content-Security-Policy"' in page
    assert "default-src &#x27;self&#x27;" in page and "wasm-unsafe-eval" in page
    for name in ("index.html", "app.js", "engine.js", "sw.js", "style.css"):
        text = files[name].decode("utf-8")
        assert not re.search(r"https?://", text), f"{name} names another site"


def test_story_text_reaches_the_page_as_text_only():
    for name in ("app.js", "engine.js"):
        script = (STATIC / name).read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in script, f"{name} uses {sink}"


def test_the_page_is_built_for_assistive_technology(files):
    page = files["index.html"].decode("utf-8")
    assert "<main" in page and 'aria-live="polite"' in page and '<html lang="en"' in page
    for action in ("continue", "new-game", "chapters", "endings", "next", "download-save", "open-save",
                   "download-transcript", "settings", "saves"):
        assert f'data-action="{action}"' in page, action


def test_the_service_worker_keeps_every_file_of_this_build(files):
    worker = files["sw.js"].decode("utf-8")
    files_line = re.search(r"const FILES = (\[.*?\]);", worker)
    cache_line = re.search(r'const CACHE = "hungary56-([0-9a-f]+)"', worker)
    assert files_line is not None and cache_line is not None
    listed = json.loads(files_line.group(1))
    assert set(listed) == (set(files) - {"sw.js"}) | {"./"}
    version = cache_line.group(1)
    assert f'data-version="{version}"' in files["index.html"].decode("utf-8")


def test_the_build_is_reproducible(story, monkeypatch):
    fake_pyodide(monkeypatch)
    first, second = site.site_files(story), site.site_files(story)
    assert {n: hashlib.sha256(d).hexdigest() for n, d in first.items()} == \
        {n: hashlib.sha256(d).hexdigest() for n, d in second.items()}


def test_write_site_writes_every_file(files, tmp_path: Path):
    site.write_site(files, tmp_path / "site")
    for name, data in files.items():
        assert (tmp_path / "site" / name).read_bytes() == data
    (tmp_path / "plain").write_text("x")
    with pytest.raises(WebBuildError, match="not a folder"):
        site.write_site(files, tmp_path / "plain")


def test_the_server_sends_wasm_as_wasm_with_the_policy(files):
    files = {**files, "pyodide/pyodide.asm.wasm": b"\0asm"}
    server = serve.serve_in_background(files)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with urllib.request.urlopen(base + "pyodide/pyodide.asm.wasm") as answer:
            assert answer.headers["Content-Type"] == "application/wasm"
            assert "wasm-unsafe-eval" in answer.headers["Content-Security-Policy"]
        with urllib.request.urlopen(base + "?mode=teacher") as answer:
            assert answer.read() == files["index.html"]
            assert answer.headers["Content-Type"].startswith("text/html")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "../../etc/passwd")
        assert missing.value.code == 404
    finally:
        server.shutdown()
        server.server_close()
    assert server.server_address[0] == "127.0.0.1"


def test_the_scorm_package_has_a_manifest_and_reports_completion(story, monkeypatch):
    fake_pyodide(monkeypatch)
    files = site.site_files(story, scorm=True)
    assert b'<script src="scorm.js"></script>' in files["index.html"]
    package = zipfile.ZipFile(io.BytesIO(scorm.package(story, files)))
    names = package.namelist()
    assert "imsmanifest.xml" in names and "index.html" in names and "scorm.js" in names
    root = ET.fromstring(package.read("imsmanifest.xml"))
    ns = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
    version = root.find("cp:metadata/cp:schemaversion", ns)
    resource = root.find("cp:resources/cp:resource", ns)
    assert version is not None and version.text == "1.2" and resource is not None
    assert resource.get("href") == "index.html" and resource.get("{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype") == "sco"
    assert {f.get("href") for f in resource.findall("cp:file", ns)} == set(files)
    assert "LMSSetValue(\"cmi.core.lesson_status\", \"completed\")" in files["scorm.js"].decode("utf-8")


@pytest.mark.slow
def test_the_command_needs_a_destination_and_says_so():
    result = run_cli("web")
    assert result.returncode == 2 and "-o DIR" in result.stderr


@pytest.mark.slow
def test_the_command_refuses_a_missing_pyodide_clearly(tmp_path: Path):
    result = run_cli("web", "-o", str(tmp_path / "site"), "--pyodide", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "--pyodide" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_command_writes_a_site_and_a_scorm_package(tmp_path: Path):
    folder = real_pyodide()
    result = run_cli("web", "-o", str(tmp_path / "site"), "--pyodide", str(folder))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "pyodide" / "pyodide.asm.wasm").is_file()
    assert "compressed" in result.stdout
    result = run_cli("web", "--scorm", "-o", str(tmp_path / "lesson.zip"), "--pyodide", str(folder))
    assert result.returncode == 0, result.stderr
    assert "imsmanifest.xml" in zipfile.ZipFile(tmp_path / "lesson.zip").namelist()


def test_the_browser_build_imports_the_core_and_io_only():
    from tests.test_layout import imports_of

    for path in sorted((REPO / "engine" / "web").glob("*.py")):
        bad = [name for name in imports_of(path)
               if name.startswith("engine.") and not name.startswith(("engine.core", "engine.io", "engine.web"))]
        assert bad == [], f"{path.name} imports {bad}: engine/web may use engine.core and engine.io only"


@pytest.mark.slow
def test_the_command_serves_on_localhost_and_says_where(tmp_path: Path):
    import subprocess
    import sys

    from tests.conftest import cli_env

    folder = real_pyodide()
    process = subprocess.Popen([sys.executable, "-m", "engine", "web", "--serve", "--port", "0", "--pyodide", str(folder)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=cli_env())
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://localhost:(\d+)/", line)
        assert found, line + (process.stderr.read() if process.poll() is not None and process.stderr else "")
        with urllib.request.urlopen(f"http://127.0.0.1:{found.group(1)}/pyodide/pyodide.asm.wasm") as answer:
            assert answer.headers["Content-Type"] == "application/wasm"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
def test_pyodide_is_fetched_once_with_npm_checked_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import shutil

    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    monkeypatch.setenv("HUNGARY56_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv(pyodide.PYODIDE_ENV, raising=False)
    assert pyodide.fetch_needed() and not pyodide.fetch_needed("some/folder")
    files = pyodide.pyodide_files()
    assert sorted(files) == sorted(pyodide.FILES)
    kept = pyodide.cache_folder()
    assert sorted(p.name for p in kept.iterdir()) == sorted(pyodide.FILES)  # the tarball itself is not kept
    monkeypatch.setattr(pyodide, "fetch", lambda: pytest.fail("fetched again"))
    assert not pyodide.fetch_needed() and pyodide.pyodide_files() == files
