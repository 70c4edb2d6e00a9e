"""Inline text that reads the game state: `{name}` and `{if cond}...{elif cond}...{else}...{end}`.

A text field that holds a brace (a scene's text, a variant's text, a choice's label or history, an
ending's epilogue) is compiled once, at build time, into a Template: plain strings, insertions of
an expression's value, and branches whose arms each have a condition (the same language as a
choice's `if`). `{{` and `}}` stand for literal braces. The compiler (engine/core/build.py) parses
and type-checks it with every problem at its file:line:col; engine/core/machine.py renders it.

Nothing here reads files or prints. Templates are plain frozen values (their compiled closures are
rebuilt when unpickled), so the story cache (engine/io/cache.py) stores them like the rest.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from engine.core import evaluate, expr
from engine.core.bounds import (
    DEPTH_CODE,
    MAX_DEPTH,
    MAX_PARTS,
    MAX_RENDERED,
    PARTS_CODE,
    TOO_LONG,
    Budget,
    TemplateLimitError,
    TooLong,
    spend,
)
from engine.core.errors import EvaluationError, ExpressionError, Location

# (offset in the text, line, column) of the start of each source line of a multi-line text, so that a
# problem at an offset is reported where it stands in the file (engine/io/yamlio.py computes them).
Anchors = tuple[tuple[int, int, int], ...]

KEYWORDS = ("if", "elif", "else", "end")
_TAG = re.compile(r"\s*(if|elif|else|end)\b\s*")
def locate(location: Location, anchors: Anchors, offset: int) -> Location:
    """The file position of the character at `offset` of a text that starts at `location`
    (a binary search of the anchors: a text of 40,000 lines, each with an insertion, compiles in
    linear time, not quadratic)."""
    index = bisect.bisect_right(anchors, (offset, float("inf"), float("inf"))) - 1
    if index < 0:
        return location.shifted(offset)
    start, line, column = anchors[index]
    return attrs.evolve(location, line=line, column=column + offset - start)


@attrs.frozen(eq=False)
class Expression:
    """An expression inside a text: its source, where it stands, its tree and its compiled form."""

    source: str
    node: expr.Node
    location: Location
    evaluate: Callable[[expr.Env], Any] = attrs.field(repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_expression, (self.source, self.node, self.location))


def _expression(source: str, node: expr.Node, location: Location) -> Expression:
    return Expression(source, node, location, evaluate.compile_node(node))


@attrs.frozen
class Insert:
    """`{name}`: the value of an expression (an int or a str) put into the text."""

    expression: Expression


@attrs.frozen
class Arm:
    """One arm of a branch: `{if c}`, `{elif c}` (a condition) or `{else}` (none), and its parts."""

    condition: Expression | None
    parts: tuple[Part, ...]
    location: Location  # where its tag stands: also its name in coverage reports
    keyword: str = "if"


@attrs.frozen
class Branch:
    """`{if ...}...{end}`: the first arm whose condition holds is shown (nothing if none does)."""

    arms: tuple[Arm, ...]
    location: Location


Part = str | Insert | Branch


@attrs.frozen
class Template:
    source: str
    parts: tuple[Part, ...]
    location: Location


def has_markup(text: str) -> bool:
    """Whether a text needs compiling: only one with a brace does."""
    return "{" in text or "}" in text


# --- parsing ----------------------------------------------------------------------------------


class _Frame:
    def __init__(self, location: Location, keyword: str, condition: Expression | None, tag_location: Location) -> None:
        self.location = location  # of the branch's {if}
        self.arms: list[Arm] = []
        self.keyword = keyword
        self.condition = condition
        self.tag_location = tag_location
        self.parts: list[Part] = []

    def close_arm(self) -> None:
        self.arms.append(Arm(self.condition, tuple(self.parts), self.tag_location, self.keyword))
        self.parts = []


def parse(text: str, location: Location, anchors: Anchors = ()) -> Template:
    """Compile a text; raises ExpressionError whose `location` is where the problem stands."""

    def at(offset: int) -> Location:
        return locate(location, anchors, offset)

    def fail(message: str, offset: int) -> ExpressionError:
        return ExpressionError(message, offset, at(offset))

    def expression(source: str, offset: int, what: str) -> Expression:
        if not source.strip():
            raise fail(f"{what} needs an expression, as in {{if armed}} or {{courage}}", offset)
        try:
            node = expr.parse_condition(source)
        except ExpressionError as exc:
            raise fail(exc.message, offset + exc.column) from None
        return Expression(source, node, at(offset), evaluate.compile_node(node))

    top: list[Part] = []
    stack: list[_Frame] = []
    buffer: list[str] = []
    count = 0

    def parts() -> list[Part]:
        return stack[-1].parts if stack else top

    def flush() -> None:
        if buffer:
            parts().append("".join(buffer))
            buffer.clear()

    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char == "}":
            if text.startswith("}}", i):
                buffer.append("}")
                i += 2
                continue
            raise fail("'}' without an opening '{' (write '}}' for a brace in the text)", i)
        if char != "{":
            buffer.append(char)
            i += 1
            continue
        if text.startswith("{{", i):
            buffer.append("{")
            i += 2
            continue
        close = text.find("}", i + 1)
        opening = text.find("{", i + 1)
        if close < 0 or (0 <= opening < close):
            raise fail("'{' is never closed with '}' (write '{{' for a brace in the text)", i)
        inside = text[i + 1:close]
        start = i + 1
        count += 1
        if count > MAX_PARTS:
            raise TemplateLimitError(f"this text holds more than {MAX_PARTS:,} insertions and tags; split it "
                                     "into variants or scenes", at(i), PARTS_CODE)
        flush()
        match = _TAG.match(inside)
        keyword = match.group(1) if match else ""
        if keyword in ("if", "elif") and match is not None:
            condition = expression(inside[match.end():], start + match.end(), f"{{{keyword}}}")
            if keyword == "if":
                if len(stack) >= MAX_DEPTH:
                    raise TemplateLimitError(f"{{if}} nested deeper than {MAX_DEPTH} levels (this one is at level "
                                             f"{len(stack) + 1})", at(i), DEPTH_CODE)
                stack.append(_Frame(at(i), "if", condition, at(i)))
            else:
                if not stack:
                    raise fail("{elif} without an {if} before it", i)
                frame = stack[-1]
                if frame.keyword == "else":
                    raise fail("{elif} after {else}: {else} must be the last arm", i)
                frame.close_arm()
                frame.keyword, frame.condition, frame.tag_location = "elif", condition, at(i)
        elif keyword in ("else", "end") and match is not None:
            if inside[match.end():].strip():
                raise fail(f"{{{keyword}}} takes nothing after it", start + match.end())
            if not stack:
                raise fail(f"{{{keyword}}} without an {{if}} before it", i)
            frame = stack[-1]
            if keyword == "else":
                if frame.keyword == "else":
                    raise fail("a second {else} in the same {if}", i)
                frame.close_arm()
                frame.keyword, frame.condition, frame.tag_location = "else", None, at(i)
            else:
                frame.close_arm()
                stack.pop()
                parts().append(Branch(tuple(frame.arms), frame.location))
        else:
            lead = len(inside) - len(inside.lstrip())
            parts().append(Insert(expression(inside, start + lead if inside.strip() else start, "'{}'")))
        i = close + 1
    flush()
    if stack:
        frame = stack[-1]
        raise ExpressionError("{if} is never closed with {end}", 0, frame.location)
    return Template(text, tuple(top), location)


# --- checking ---------------------------------------------------------------------------------


def check(template: Template, variables: Mapping[str, str], scenes: Mapping[str, object]) -> Iterator[ExpressionError]:
    """Type-check every expression: insertions are ints or strs, conditions are true/false.
    Yields one ExpressionError, with its location, per problem."""
    for part in walk(template.parts):
        if isinstance(part, Insert):
            expression = part.expression
            kind = _type(expression, variables, scenes)
            if isinstance(kind, ExpressionError):
                yield kind
            elif kind == "bool":
                source = expression.source.strip()
                yield ExpressionError(f"{{{source}}} is true or false, which cannot be put into the text: "
                                      f"write {{if {source}}}...{{else}}...{{end}}", 0, expression.location)
        elif isinstance(part, Arm) and part.condition is not None:
            kind = _type(part.condition, variables, scenes)
            if isinstance(kind, ExpressionError):
                yield kind
            elif kind != "bool":
                yield ExpressionError(f"the condition of {{{part.keyword}}} must be true or false, but this is "
                                      f"{expr._a(kind)}", 0, part.condition.location)


def _type(expression: Expression, variables: Mapping[str, str], scenes: Mapping[str, object]) -> str | ExpressionError:
    try:
        return expr.type_of(expression.node, variables, scenes)
    except ExpressionError as exc:
        return ExpressionError(exc.message, 0, expression.location.shifted(exc.column))


def walk(parts: Sequence[Part]) -> Iterator[Part | Arm]:
    """Every insertion, branch and arm, depth first."""
    for part in parts:
        if isinstance(part, str):
            continue
        yield part
        if isinstance(part, Branch):
            for arm in part.arms:
                yield arm
                yield from walk(arm.parts)


def arms(template: Template | None) -> list[Arm]:
    return [] if template is None else [p for p in walk(template.parts) if isinstance(p, Arm)]


def expressions(template: Template | None) -> Iterator[Expression]:
    if template is None:
        return
    for part in walk(template.parts):
        if isinstance(part, Insert):
            yield part.expression
        elif isinstance(part, Arm) and part.condition is not None:
            yield part.condition


def names_read(template: Template | None) -> set[str]:
    """The variables a text reads."""
    return {n for e in expressions(template) for n in expr.names_in(e.node)}


# --- rendering --------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t]{2,}")
_BLANKS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _holds(condition: Expression, env: expr.Env, strict: bool) -> bool:
    try:
        return bool(condition.evaluate(env))
    except EvaluationError:
        if strict:
            raise
        return False  # a value a damaged save could hold: the arm is not shown


def _render(parts: Sequence[Part], env: expr.Env, out: list[str], shown: list[Location] | None, strict: bool,
            dependent: list[str] | None = None, budget: Budget | None = None) -> None:
    budget = budget or Budget()
    for part in parts:
        if isinstance(part, str):
            spend(budget, part, out)
        elif isinstance(part, Insert):
            try:
                spend(budget, _show(part.expression.evaluate(env)), out)
            except EvaluationError:
                if strict:
                    raise
        else:
            for arm in part.arms:
                if arm.condition is None or _holds(arm.condition, env, strict):
                    if shown is not None:
                        shown.append(arm.location)
                    if dependent is None:
                        _render(arm.parts, env, out, shown, strict, None, budget)
                    else:  # what an arm shows depends on the state: gather it on its own as well
                        inner: list[str] = []
                        try:
                            _render(arm.parts, env, inner, shown, strict, None, budget)
                        finally:
                            out.extend(inner)
                            dependent.extend(inner)
                            dependent.append(" ")
                    break


def _rendered(parts: Sequence[Part], env: expr.Env, shown: list[Location] | None, strict: bool,
              dependent: list[str] | None = None) -> list[str]:
    """The pieces of the text for this state, cut at MAX_RENDERED characters (EvaluationError when
    `strict`, so that `hungary56 test` reports the text; a marker at the cut for the player)."""
    out: list[str] = []
    try:
        _render(parts, env, out, shown, strict, dependent)
    except TooLong:
        if strict:
            raise EvaluationError(f"this text grows past {MAX_RENDERED:,} characters") from None
        out.append(TOO_LONG)
    return out


def tidy(text: str) -> str:
    """What an empty arm leaves behind: doubled spaces, a run of blank lines, space at the ends."""
    return _BLANKS.sub("\n\n", _SPACES.sub(" ", text)).strip()


def render(template: Template, env: expr.Env, shown: list[Location] | None = None, strict: bool = False) -> str:
    """The text for this state. `shown` collects the locations of the arms shown (for coverage);
    `strict` lets an expression that cannot be evaluated raise EvaluationError (for play-testing)."""
    return tidy("".join(_rendered(template.parts, env, shown, strict)))


def arms_shown(template: Template, env: expr.Env, shown: list[Location], strict: bool = False) -> None:
    """Collect in `shown` the locations of the arms this state shows, without making the text
    (play-tests ask only which branches a run saw; tidying the text was most of their time)."""
    _rendered(template.parts, env, shown, strict)


def render_split(template: Template, env: expr.Env) -> tuple[str, str]:
    """The text for this state, and the part of it that the state decided (the arms shown)."""
    dependent: list[str] = []
    out = _rendered(template.parts, env, None, False, dependent)
    return tidy("".join(out)), tidy("".join(dependent))


def text(source: str, template: Template | None, env: expr.Env) -> str:
    """A text field as the player reads it: compiled if it has markup, else as written."""
    return source if template is None else render(template, env)


# --- the author's views -----------------------------------------------------------------------


def outline(template: Template | None, source: str = "") -> str:
    """The text with every branch shown, for the walkthrough and the author:
    `[if armed: the rifle | otherwise: your hands]`, and `[courage]` for an insertion."""
    if template is None:
        return source
    return tidy(_outline(template.parts))


def outline_source(source: str) -> str:
    """`outline` of a text given as written (a story's texts were checked when it loaded; a text
    that does not parse is returned as it is)."""
    if not has_markup(source):
        return source
    try:
        return outline(parse(source, Location("")))
    except ExpressionError:
        return source


def _outline(parts: Sequence[Part]) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Insert):
            out.append(f"[{part.expression.source.strip()}]")
        else:
            pieces = []
            for arm in part.arms:
                body = tidy(_outline(arm.parts)) or "(nothing)"
                head = "otherwise" if arm.condition is None else f"if {arm.condition.source.strip()}"
                pieces.append(f"{head}: {body}")
            if part.arms[-1].condition is not None:
                pieces.append("otherwise: (nothing)")
            out.append("[" + " | ".join(pieces) + "]")
    return "".join(out)


def plain_text(template: Template | None, source: str) -> str:
    """The words every reader gets: the text outside every branch (insertions left out)."""
    if template is None:
        return source
    return tidy("".join(p for p in template.parts if isinstance(p, str)))


def branch_text(template: Template | None) -> str:
    """The words that depend on the state: every arm's text, once each."""
    if template is None:
        return ""
    out: list[str] = []
    for part in walk(template.parts):
        if isinstance(part, Arm):
            out.extend(p for p in part.parts if isinstance(p, str))
    return tidy(" ".join(out))
