"""The one exception root of the engine, its located subclasses, and the problem list."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from engine.core.controls import escape_controls


@attrs.frozen(order=True)
class Location:
    """Where something stands in a story file: a path relative to the story, 1-based line and column."""

    path: str
    line: int = 0
    column: int = 0

    def shifted(self, columns: int) -> Location:
        return attrs.evolve(self, column=self.column + columns)

    def __str__(self) -> str:
        # A file name can hold ESC or a newline: shown escaped, it can neither drive the terminal
        # nor forge a line that an editor or a CI problem matcher would read.
        path = escape_controls(self.path, one_line=True)
        if self.line <= 0:
            return path
        return f"{path}:{self.line}:{self.column}"


@attrs.frozen
class Problem:
    """One thing wrong with a story: an error stops it loading, a warning does not."""

    location: Location
    message: str
    code: str = "E000"
    severity: str = "error"

    def format(self, with_code: bool = False) -> str:
        if with_code:
            return f"{self.location}: {self.severity} {self.code} {self.message}"
        return f"{self.location}: {self.severity}: {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.message)


class Hungary56Error(Exception):
    """Root of every error the engine raises on purpose; the CLI turns these into messages."""

    exit_code = 1

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: error: {self.message}"


class StoryError(Hungary56Error):
    """A story could not be loaded; carries every problem found, not only the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        first = self.problems[0] if self.problems else None
        super().__init__(
            f"{len(self.problems)} problem(s) in the story",
            first.location if first else None,
        )

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems)


class ExpressionError(Hungary56Error):
    """A condition or effect that does not parse or does not type-check; column is inside the source."""

    def __init__(self, message: str, column: int = 0, location: Location | None = None) -> None:
        super().__init__(message, location)
        self.column = column


class EvaluationError(Hungary56Error):
    """A well-formed expression that failed at run time (e.g. a value of the wrong type from a save)."""


class RuleError(Hungary56Error):
    """A move the state machine does not allow: a choice not on offer, or one whose guard is false."""


class SaveError(Hungary56Error):
    """A save that cannot be written or read: corrupted, foreign, too new, or pointing nowhere."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message, Location(path) if path else None)
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SlotNameError(SaveError):
    """A save slot name that would escape the saves folder or cannot be a file name."""


class WebBuildError(Hungary56Error):
    """The browser build could not be made: Pyodide missing or not the pinned one, a site not written."""


class UnknownNameError(Hungary56Error):
    """A name the story or the engine does not know: a chapter, a scene, an output format."""

    exit_code = 2


class UsageError(Hungary56Error):
    """A command-line or in-game command used the wrong way."""

    exit_code = 2
