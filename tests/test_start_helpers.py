"""What the start path does instead of importing a heavier module gives that module's very answer.

(A warm piped start no longer imports calendar, shutil or platformdirs: tests/test_cold_start.py.)
"""
from __future__ import annotations

import calendar
import os
import shutil
import sys
from pathlib import Path

import pytest

from engine.cli import build_parser
from engine.core.dates import StoryDate, month_days
from engine.io import paths
from engine.io.tty import terminal_size


def test_month_days_is_the_calendar_s() -> None:
    for year in (0, 1, 4, 100, 200, 400, 1900, 1953, 1956, 2000, 2024, 2100, 9999):
        for month in range(1, 13):
            assert month_days(year, month) == calendar.monthrange(year, month)[1], (year, month)
    assert StoryDate.parse("1956-02-29") is not None and StoryDate.parse("1957-02-29") is None
    assert StoryDate.parse("1900-02-29") is None and StoryDate.parse("2000-02-29") is not None


@pytest.mark.parametrize("columns, lines", [("100", "40"), ("", ""), ("0", "-3"), ("wide", "30"), (None, None)])
def test_terminal_size_is_shutil_s(columns: str | None, lines: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("COLUMNS", columns), ("LINES", lines)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    for fallback in ((80, 24), (33, 7)):
        assert terminal_size(fallback) == shutil.get_terminal_size(fallback)


def test_the_help_is_as_wide_as_argparse_makes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    for columns in ("60", "120"):
        monkeypatch.setenv("COLUMNS", columns)
        ours = build_parser().format_help()
        plain = argparse.ArgumentParser(prog="hungary56", description=build_parser().description)
        assert max(len(line) for line in ours.splitlines()) <= int(columns) - 2
        assert ours.splitlines()[2:4] == plain.format_help().splitlines()[2:4]  # the description, wrapped alike


@pytest.mark.skipif(sys.platform != "linux", reason="the quick answer is for Linux; elsewhere platformdirs answers")
@pytest.mark.parametrize("env", [
    {},
    {"XDG_CONFIG_HOME": "/x/conf/", "XDG_DATA_HOME": "/x/data"},
    {"XDG_CONFIG_HOME": "relative/conf", "XDG_DATA_HOME": ""},
    {"XDG_CONFIG_HOME": "", "XDG_DATA_HOME": "", "HOME": "/home/someone/"},
    {"XDG_CONFIG_HOME": "", "XDG_DATA_HOME": "", "HOME": "relative-home"},
], ids=["home", "xdg", "relative-xdg", "trailing-slash-home", "relative-home"])
def test_the_user_folders_are_platformdirs_s(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    platformdirs = pytest.importorskip("platformdirs")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert paths.user_config_dir() == Path(platformdirs.user_config_dir(paths.APP, appauthor=False))
    assert paths.user_data_dir() == Path(platformdirs.user_data_dir(paths.APP, appauthor=False))


def test_an_unusual_home_is_left_to_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", "")
    monkeypatch.setenv("HOME", "relative-home")
    assert paths._linux_xdg("XDG_CONFIG_HOME", ".config") is None
    monkeypatch.setenv("HOME", "/home/someone")
    monkeypatch.setenv("ANDROID_DATA", "/data")
    assert paths._linux_xdg("XDG_CONFIG_HOME", ".config") is None
    monkeypatch.delenv("ANDROID_DATA")
    expected = Path("/home/someone/.config/hungary56") if sys.platform == "linux" else None
    assert paths._linux_xdg("XDG_CONFIG_HOME", ".config") == expected
    assert os.path.isabs(str(paths.user_config_dir()))


def test_day_text_is_datetime_s() -> None:
    from datetime import date

    from engine.core.render import date_words, day_text

    patterns = ("%A %d %B %Y", "%B %Y", "%d %B %Y", "%a %j %U %w")
    for year in (1, 2, 99, 999, 1582, 1900, 1953, 1956, 2000, 2024, 9999):
        for month in range(1, 13):
            for day in (1, 13, 28, 29, 30, 31):
                try:
                    expected = [date(year, month, day).strftime(p) for p in patterns]
                except ValueError:
                    with pytest.raises(ValueError):
                        day_text(year, month, day, patterns[0])
                    continue
                assert [day_text(year, month, day, p) for p in patterns] == expected, (year, month, day)
    for year, month, day in ((0, 1, 1), (10000, 1, 1), (1956, 0, 1), (1956, 13, 1), (1956, 10, 0), (1956, 10, 32)):
        with pytest.raises(ValueError):
            date(year, month, day)
        with pytest.raises(ValueError):
            day_text(year, month, day, "%Y")
    assert date_words("1956-10-23") == "23 October 1956" and date_words("1956-02-30") == "1956-02-30"


@pytest.mark.parametrize("plain, term", [(True, "xterm"), (False, "dumb")], ids=["plain", "term-dumb"])
def test_the_plain_paths_let_colorama_fix_a_windows_console(plain: bool, term: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """colorama's job (code review 2026-12-06): colour on the paths prompt-toolkit does not drive."""
    import sys
    import types

    from engine.play import terminal

    calls: list[str] = []
    fake = types.ModuleType("colorama")
    fake.just_fix_windows_console = lambda: calls.append("fixed")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "colorama", fake)
    monkeypatch.setattr(terminal, "colour_wanted", lambda stream, flag: not flag)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("TERM", term)
    monkeypatch.setattr(sys, "platform", "linux")
    terminal.make_console(no_color=False, plain=plain)
    assert calls == []  # not on Linux: nothing imported
    monkeypatch.setattr(sys, "platform", "win32")
    terminal.make_console(no_color=False, plain=plain)
    assert calls == ["fixed"]
    terminal.make_console(no_color=True, plain=plain)
    assert calls == ["fixed"]  # no colour wanted: nothing to fix
