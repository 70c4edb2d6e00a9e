"""Story dates and clock times: `StoryDate` parses `1956`, `1956-10` or `1956-10-23` (real calendar days only) with an optional HH:MM."""

from __future__ import annotations

import functools
import re

import attrs

DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_days(year: int, month: int) -> int:
    """The days in a month of the Gregorian calendar (calendar.monthrange's, without importing calendar)."""
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 29 if month == 2 and leap else _MONTH_DAYS[month - 1]


@attrs.frozen(kw_only=True, order=True)
class StoryDate:
    """A point in story time, as precise as the author gave it. Orders partial dates before the days they contain."""

    year: int
    month: int = 0  # 0: the whole year
    day: int = 0  # 0: the whole month
    minutes: int = -1  # minutes after midnight; -1: no time given

    @classmethod
    def parse(cls, date: str, time: str = "") -> StoryDate | None:
        """The date, or None when it is not a real calendar date (1956-02-31) or the time is not HH:MM."""
        match = DATE.match(date)
        if not match:
            return None
        year, month, day = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
        if match.group(2) and not 1 <= month <= 12:
            return None
        if match.group(3) and not 1 <= day <= month_days(year, month):
            return None
        minutes = -1
        if time:
            clock = TIME.match(time)
            if not clock:
                return None
            minutes = int(clock.group(1)) * 60 + int(clock.group(2))
        return cls(year=year, month=month, day=day, minutes=minutes)

    @property
    def key(self) -> str:
        """A sortable text key: partial dates sort before the full dates they contain."""
        minutes = max(self.minutes, 0)
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d} {minutes // 60:02d}:{minutes % 60:02d}"

    def __str__(self) -> str:
        text = f"{self.year:04d}" + (f"-{self.month:02d}" if self.month else "") + (f"-{self.day:02d}" if self.day else "")
        return text + (f" {self.minutes // 60:02d}:{self.minutes % 60:02d}" if self.minutes >= 0 else "")


def valid_date(value: str) -> bool:
    return StoryDate.parse(value) is not None


@functools.lru_cache(maxsize=4096)  # a story has few distinct dates; the linter asks for each scene's
def date_key(date: str, time: str = "") -> str:
    """A sortable key for story time ("" for a date that is not one)."""
    parsed = StoryDate.parse(date)
    if parsed is None:
        return ""
    if time and StoryDate.parse(date, time) is None:
        return parsed.key
    return (StoryDate.parse(date, time) or parsed).key


@functools.lru_cache(maxsize=4096)  # a story has few distinct dates and times, and many scenes
def point(date: str, time: str = "") -> tuple[int, ...]:
    """(year, month, day, minutes) as far as they are given; a missing part ends the tuple."""
    parsed = StoryDate.parse(date, time) or StoryDate.parse(date)
    if parsed is None:
        return ()
    known = [parsed.year]
    if parsed.month:
        known.append(parsed.month)
        if parsed.day:
            known.append(parsed.day)
            if parsed.minutes >= 0:
                known.append(parsed.minutes)
    return tuple(known)
