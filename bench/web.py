"""The browser build's figures (issue #21), each beside Pyodide's own empty start in the same run.

Headless Chromium (Debian's chromium and chromedriver, through Selenium) loads the site built for
the bundled story from a server on 127.0.0.1: the transfer size, the time to the first text (the
first contentful paint of the pre-rendered scene), the time until the choices are active on a cold
load (a new profile) and a warm one (the same profile again: service worker and cache), and the
time per step of a recorded playthrough in the page, beside the same adapter in CPython.
"""

from __future__ import annotations

import gzip
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NODE_PYODIDE = ROOT / "tests" / "browser" / "node_modules" / "pyodide"
PLAYTHROUGH = ROOT / "tests" / "playthroughs" / "historical-path.yaml"


def _browser(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-extensions", f"--user-data-dir={profile}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(180)
    return driver


def _wait_ready(driver: Any) -> None:
    deadline = time.monotonic() + 180
    while driver.execute_script("return document.body.dataset.ready") == "false":
        if time.monotonic() > deadline:
            raise RuntimeError("the page did not become ready")
        time.sleep(0.02)


def _page_load(driver: Any, url: str) -> tuple[float, float, float]:
    """(first contentful paint, choices active, Python started) in ms from the navigation's start."""
    driver.get(url)
    _wait_ready(driver)
    mark = "const m = performance.getEntriesByName(arguments[0])[0]; return m ? m.startTime : -1"
    return (float(driver.execute_script(mark, "first-contentful-paint")),
            float(driver.execute_script(mark, "hungary56-ready")), float(driver.execute_script(mark, "hungary56-python")))


def _offline_copy_kept(driver: Any, count: int) -> None:
    """Until the service worker has kept every file (a warm load is one that finds them there)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        kept = driver.execute_async_script(
            "const done = arguments[0]; navigator.serviceWorker.ready.then(async () => {"
            " let n = 0; for (const name of await caches.keys()) n += (await (await caches.open(name)).keys()).length;"
            " done(n); });")
        if kept >= count:
            return
        time.sleep(0.1)


def _empty_start(driver: Any, url: str) -> float:
    """Pyodide's own start with nothing of the engine (engine.js's emptyStart), in ms."""
    driver.get(url + "style.css")  # a page of the site's origin that runs no script
    return float(driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import(arguments[0] + 'engine.js').then((m) => m.emptyStart()).then(done)", url))


def _steps_in_page(driver: Any, url: str, inputs: list[Any]) -> float:
    """ms per step of the playthrough, through the adapter in the page."""
    return float(driver.execute_async_script(
        "const [url, inputs, done] = arguments;"
        "import(url + 'engine.js').then(async (engine) => {"
        "  const game = await engine.newGame({}); game.start('');"
        "  const t0 = performance.now();"
        "  for (const item of inputs) typeof item === 'string' ? game.send(item) : game.choose(item.choice);"
        "  done((performance.now() - t0) / inputs.length); });", url, inputs))


def _steps_in_cpython(story_json: str, inputs: list[Any]) -> float:
    from engine.web.adapter import Web

    web = Web(story_json)
    web.start()
    t0 = time.perf_counter()
    for item in inputs:
        web.send(item) if isinstance(item, str) else web.choose(item["choice"])
    return (time.perf_counter() - t0) * 1000 / len(inputs)


def bench_web(report: Any, story: Any, runs: int) -> None:
    import yaml

    from engine.web import serve, site

    missing = [tool for tool in ("chromium", "chromedriver") if shutil.which(tool) is None]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    pyodide_path = os.environ.get("HUNGARY56_PYODIDE") or (str(NODE_PYODIDE) if NODE_PYODIDE.is_dir() else None)
    if missing or pyodide_path is None:
        print(f"  skipped: needs {', '.join(missing) or 'Pyodide (npm ci --prefix tests/browser)'}")
        return
    files = site.site_files(story, pyodide_path)
    packed = sum(len(gzip.compress(data, 9)) for data in files.values())
    pyodide_packed = sum(len(gzip.compress(data, 9)) for name, data in files.items() if name.startswith("pyodide/"))
    report.row("web: transfer, gzipped", f"{packed / 1e6:.2f} MB", f"Pyodide's core alone {pyodide_packed / 1e6:.2f} MB",
               packed / pyodide_packed, "<= 8 MB", packed <= 8e6)
    inputs = list(yaml.safe_load(PLAYTHROUGH.read_text(encoding="utf-8"))["inputs"])
    server = serve.serve_in_background(files)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    paints, colds, warms, empties_cold, empties_warm, steps, ours = [], [], [], [], [], [], []
    try:
        for _ in range(runs):
            with tempfile.TemporaryDirectory(prefix="hungary56-web-") as profile:
                driver = _browser(Path(profile) / "empty")
                try:
                    empties_cold.append(_empty_start(driver, url))
                    empties_warm.append(_empty_start(driver, url))
                finally:
                    driver.quit()
                driver = _browser(Path(profile) / "site")
                try:
                    paint, cold, python = _page_load(driver, url)
                    paints.append(paint)
                    colds.append(cold)
                    ours.append(cold - python)
                    _offline_copy_kept(driver, len(files))
                    warms.append(_page_load(driver, url)[1])
                    steps.append(_steps_in_page(driver, url, inputs))
                finally:
                    driver.quit()
    finally:
        server.shutdown()
        server.server_close()
    native = statistics.median(_steps_in_cpython(files["story.json"].decode("utf-8"), inputs) for _ in range(3))
    median = statistics.median
    report.row("web: first text (pre-rendered scene)", f"{median(paints):.0f} ms",
               f"Pyodide empty start {median(empties_cold):.0f} ms", median(paints) / median(empties_cold),
               "<= 1 s", median(paints) <= 1000)
    report.row("web: choices active, cold", f"{median(colds):.0f} ms", f"Pyodide empty start {median(empties_cold):.0f} ms",
               median(colds) / median(empties_cold), "<= 6 s", median(colds) <= 6000)
    report.row("web: choices active, warm", f"{median(warms):.0f} ms", f"Pyodide empty start {median(empties_warm):.0f} ms",
               median(warms) / median(empties_warm), "<= 4 s", median(warms) <= 4000)
    report.row("  of which the engine, once Python runs", f"{median(ours):.0f} ms", f"choices active {median(colds):.0f} ms",
               median(ours) / median(colds), "", None)
    report.row("web: time per step", f"{median(steps):.1f} ms", f"CPython, same adapter {native:.1f} ms",
               median(steps) / native, "<= 20 ms", median(steps) <= 20)
