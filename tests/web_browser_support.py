"""Driving the built site in headless Chromium with Selenium and Debian's chromedriver."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, and CI must run the browser tests (.ci/run installs it)")
    pytest.skip(f"{what} is missing here; CI runs this test")


def browser_tools() -> tuple[str, str]:
    """Chromium and chromedriver, or a skip (a failure in CI)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        _missing("selenium (pip install -e '.[test]')")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or (CHROMEDRIVER if Path(CHROMEDRIVER).is_file() else None)
    if chromium is None or driver is None:
        _missing("chromium or chromium-driver (apt-get install chromium chromium-driver)")
    assert chromium is not None and driver is not None
    return chromium, driver


def open_browser(profile: Path, downloads: Path | None = None) -> Any:
    """A fresh headless Chromium with no background traffic (the network here is closed)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = browser_tools()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-extensions", "--window-size=1100,900", f"--user-data-dir={profile}"):
        options.add_argument(argument)
    if downloads is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


def wait_for(condition: Callable[[], Any], timeout: float = 60, what: str = "the page") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def wait_ready(driver: Any, timeout: float = 90) -> None:
    """Until the engine has started (data-ready on <body>); a failure shows the page's own message."""
    state = wait_for(lambda: driver.execute_script("return document.body.dataset.ready") != "false" and
                     driver.execute_script("return document.body.dataset.ready"), timeout, "the engine to start")
    if state != "true":
        progress = driver.execute_script("return document.getElementById('progress').textContent")
        raise AssertionError(f"the engine did not start: {progress}\n{browser_log(driver)}")


def browser_log(driver: Any) -> str:
    try:
        return "\n".join(entry["message"] for entry in driver.get_log("browser"))
    except Exception:  # a driver without logs
        return ""


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it stands (WCAG 2 A and AA, best practices)."""
    if not AXE.is_file():
        _missing("axe-core (npm ci --prefix tests/browser)")
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then((r) => done(JSON.stringify(r.violations)))"
        ".catch((e) => done(JSON.stringify([{id: 'axe-error', help: String(e), nodes: []}])));")
    violations: list[dict[str, Any]] = json.loads(result)
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['id']}: {v.get('help', '')} at {[n.get('target') for n in v.get('nodes', [])][:3]}"
                     for v in violations)
