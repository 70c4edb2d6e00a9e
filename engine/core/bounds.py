"""The bounds on inline text (engine/core/template.py), so that a small lint-clean story cannot crash
or stall a command through it (reliability review 2026-12-06, NM1 and NM3).

`{if}` nests as deep as an expression may (E212, with the level), a text holds at most MAX_PARTS
insertions and tags (E213), and whatever one text renders to is cut at MAX_RENDERED characters,
whatever its variables hold (each may be 100,000 characters): an EvaluationError for play-tests,
a visible marker at the cut for the player.
"""

from __future__ import annotations

from engine.core import expr
from engine.core.errors import ExpressionError, Location

MAX_DEPTH = expr.MAX_DEPTH
MAX_PARTS = 1_000
MAX_RENDERED = 1_000_000
TOO_LONG = " [...] (the rest of this text is longer than hungary56 shows)"
DEPTH_CODE, PARTS_CODE = "E212", "E213"


class TemplateLimitError(ExpressionError):
    """A text past one of the bounds above; `code` is its diagnostic."""

    def __init__(self, message: str, location: Location, code: str) -> None:
        super().__init__(message, 0, location)
        self.code = code


class Budget:
    """What is left of MAX_RENDERED for one text being rendered."""

    def __init__(self) -> None:
        self.left = MAX_RENDERED


class TooLong(Exception):
    """The budget is spent: the text is cut here."""


def spend(budget: Budget, piece: str, out: list[str]) -> None:
    """Append `piece` to `out`, or as much of it as the budget allows and raise TooLong."""
    budget.left -= len(piece)
    if budget.left < 0:
        out.append(piece[:len(piece) + budget.left])
        raise TooLong
    out.append(piece)
