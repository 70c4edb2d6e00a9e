"""The compiler's reader of one YAML mapping (Fields) and its problem list (Problems).

Fields gives typed access to the keys of one record, reporting unknown keys (with a did-you-mean),
missing required keys and values of the wrong type, each at its path:line:col.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from engine.core import diagnostics, expr, template
from engine.core.dates import TIME, valid_date
from engine.core.errors import ExpressionError, Location, Problem
from engine.core.model import Condition, Effect
from engine.core.nodes import YList, YMap

ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


PLACEHOLDER = "TODO"  # what `hungary56 new scene` leaves to fill in (engine/author/scaffold.py)


def is_placeholder(value: str) -> bool:
    return PLACEHOLDER in value and value.lstrip().startswith(PLACEHOLDER)


class Problems:
    """Collects problems while a story is built, so that every one is reported at once.

    Every code must be registered in engine/core/diagnostics.py, which also gives its severity.
    """

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def report(self, location: Location, message: str, code: str) -> None:
        self.items.append(diagnostics.problem(location, code, message))

    error = warning = report

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]


_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}


_YES, _NO = ("yes", "y", "on", "true"), ("no", "n", "off", "false")


def bool_hint(value: Any) -> str:
    """For a true/false value written as a word YAML reads as text: which word to write."""
    if isinstance(value, str) and value.strip().lower() in _YES + _NO:
        meant = "true" if value.strip().lower() in _YES else "false"
        return f": {value.strip()!r} is text here; write {meant} (without quotes)"
    return ""


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (YMap, dict)):
        return "a mapping"
    if isinstance(value, (YList, list)):
        return "a list"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    return "a string"


@functools.lru_cache(maxsize=64)  # the few tuples of allowed keys of the format, each met thousands of times
def _as_set(allowed: tuple[str, ...]) -> frozenset[str]:
    return frozenset(allowed)


class Fields:
    """Typed access to one YAML mapping: reports unknown keys (with a did-you-mean) and bad types."""

    def __init__(self, node: Any, what: str, problems: Problems, allowed: Iterable[str], where: Location) -> None:
        self.problems = problems
        self.what = what
        if not isinstance(node, YMap):
            problems.error(getattr(node, "loc", where), f"{what} must be a mapping of keys, not {describe(node)}", "E101")
            node = YMap(getattr(node, "loc", where))
            broken = True
        else:
            broken = False
        self.node: YMap = node
        if what == "a scene" and isinstance(node.get("id"), str):
            self.what = what = f"scene {node['id']!r}"
        allowed = tuple(allowed)
        # keys an unknown key probably meant: not also reported as missing (one mistake, one problem)
        self.misspelt: set[str] = set(allowed) if broken else set()  # not a mapping: E101 says it all
        known = _as_set(allowed)
        for key in node:
            if key not in known:
                hint = expr.suggest(key, list(allowed))
                if hint:
                    self.misspelt.update(k for k in allowed if hint == f" (did you mean {k!r}?)")
                problems.error(node.key_loc(key), f"unknown key {key!r} in {what}{hint}", "E102")

    @property
    def loc(self) -> Location:
        return self.node.loc

    def has(self, key: str) -> bool:
        return key in self.node and self.node[key] is not None

    def at(self, key: str) -> Location:
        return self.node.value_loc(key)

    def get(self, key: str, kind: type, required: bool, default: Any) -> Any:
        if not self.has(key):
            if required and key not in self.misspelt:
                self.problems.error(self.node.loc, f"{self.what} is missing required key {key!r}", "E103")
            return default
        value = self.node[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # `version: 1` or `title: 1956` mean the text the author typed
        if not ok:
            self.problems.error(
                self.at(key), f"{key!r} in {self.what} must be {_TYPE_NAMES[kind]}, not {describe(value)}"
                + (bool_hint(value) if kind is bool else ""), "E104"
            )
            return default
        return value

    def text(self, key: str, required: bool = True) -> str:
        value: str = self.get(key, str, required, "")
        if required and self.has(key) and isinstance(self.node[key], str) and not value.strip():
            self.problems.error(self.at(key), f"{key!r} in {self.what} is empty", "E105")
        if is_placeholder(value):
            shown = value.strip().splitlines()[0]
            self.problems.error(
                self.at(key), f"{key!r} in {self.what} still holds the placeholder {shown!r}: write it", "E109"
            )
        return value.strip("\n") if key in ("text", "note", "epilogue", "history", "summary", "outcome") else value

    def compiled(self, key: str, text: str) -> template.Template | None:
        """`text` (the value of `key`) compiled, when it has inline markup such as {name} or {if ...}."""
        if not template.has_markup(text):
            return None
        try:
            return template.parse(text, self.at(key), self.node.text_anchors.get(key, ()))
        except ExpressionError as exc:
            self.problems.error(exc.location or self.at(key), exc.message, getattr(exc, "code", "E210"))
            return None

    def integer(self, key: str, required: bool = False, default: int = 0) -> int:
        result: int = self.get(key, int, required, default)
        return result

    def number(self, key: str, low: float, high: float) -> float:
        """A required decimal number between low and high (a coordinate)."""
        if not self.has(key):
            if key not in self.misspelt:
                self.problems.error(self.node.loc, f"{self.what} is missing required key {key!r}", "E103")
            return 0.0
        value = self.node[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.problems.error(self.at(key), f"{key!r} in {self.what} must be a number from {low} to {high}, not {value!r}", "E104")
            return 0.0
        return float(value)

    def boolean(self, key: str, default: bool = False) -> bool:
        result: bool = self.get(key, bool, False, default)
        return result

    def items(self, key: str, required: bool = False) -> YList:
        value = self.get(key, list, required, None)
        return value if value is not None else YList(self.at(key))

    def mapping(self, key: str, required: bool = False) -> YMap:
        value = self.get(key, dict, required, None)
        return value if value is not None else YMap(self.at(key))

    def strings(self, key: str) -> tuple[str, ...]:
        return self.located_strings(key)[0]

    def located_strings(self, key: str) -> tuple[tuple[str, ...], tuple[Location, ...]]:
        """The items of a list of strings, and where each one stands (for the linter's messages)."""
        values = self.items(key)
        out, locs = [], []
        for value, loc in zip(values, values.item_locs):
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                out.append(str(value))
                locs.append(loc)
            else:
                self.problems.error(loc, f"items of {key!r} in {self.what} must be strings", "E104")
        return tuple(out), tuple(locs)

    def identifier(self, key: str, required: bool = True) -> str:
        value = self.text(key, required)
        if is_placeholder(value):
            return ""  # reported by text(); not also an unknown scene
        if value and not ID.match(value):
            self.problems.error(
                self.at(key), f"{key!r} must be letters, digits and _ (starting with a letter): {value!r}", "E106"
            )
        return value

    def date(self, key: str, required: bool = True) -> str:
        value = self.text(key, required)
        if value and not valid_date(value):
            self.problems.error(self.at(key), f"{key!r} must be a date such as 1956-10-23, not {value!r}", "E107")
            return ""
        return value

    def time(self, key: str) -> str:
        value = self.text(key, False)
        if value and not TIME.match(value):
            self.problems.error(self.at(key), f"'time' must be HH:MM on a 24-hour clock, not {value!r}", "E107")
            return ""
        return value

    def choice_of(self, key: str, options: tuple[str, ...], required: bool = True) -> str:
        value = self.text(key, required)
        if value and value not in options:
            self.problems.error(
                self.at(key),
                f"{key!r} must be one of {', '.join(options)}, not {value!r}{expr.suggest(value, list(options))}",
                "E108",
            )
            return ""
        return value


# --- conditions and effects ---------------------------------------------------------------------

_Parsed = TypeVar("_Parsed")


def _parse(
    value: Any, location: Location, problems: Problems, parse: Callable[[str], _Parsed], what: str, example: str
) -> _Parsed | None:
    """Parse one condition or effect, reporting a wrong type or a syntax error at its column."""
    if not isinstance(value, str):
        problems.error(location, f"{what} must be a string such as \"{example}\", not {describe(value)}", "E104")
        return None
    try:
        return parse(value)
    except ExpressionError as exc:
        problems.error(location.shifted(exc.column), exc.message, "E200")
        return None


# The same source always parses to the same immutable tree: stories repeat their conditions and
# effects a lot, and sharing the trees saves both the parsing and the memory.
_parse_condition = functools.lru_cache(maxsize=1 << 15)(expr.parse_condition)
_parse_effect = functools.lru_cache(maxsize=1 << 15)(expr.parse_effect)


def build_condition(value: Any, location: Location, problems: Problems) -> Condition | None:
    if isinstance(value, bool):
        value = "true" if value else "false"
    node = _parse(value, location, problems, _parse_condition, "a condition", "courage >= 2")
    return None if node is None else Condition(value, node, location)

def build_effect(value: Any, location: Location, problems: Problems) -> Effect | None:
    assignment = _parse(value, location, problems, _parse_effect, "an effect", "courage += 1")
    return None if assignment is None else Effect(value, assignment, location)


def effects(fields: Fields, key: str, problems: Problems) -> tuple[Effect, ...]:
    if fields.has(key) and isinstance(fields.node[key], str):
        values = YList(fields.at(key))
        values.append(fields.node[key])
        values.item_locs.append(fields.at(key))
    else:
        values = fields.items(key)
    found = (build_effect(v, loc, problems) for v, loc in zip(values, values.item_locs))
    return tuple(e for e in found if e is not None)
