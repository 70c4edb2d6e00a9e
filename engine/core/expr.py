"""The condition and effect language: tokenizer, parser, type checker and value bounds (evaluation: core/evaluate.py).

Nothing here uses Python's eval. Expressions are parsed once, checked against the declared
variables, then compiled to closures so that a random playthrough evaluates them cheaply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

import attrs

from engine.core.errors import EvaluationError, ExpressionError

Value = int | bool | str
# What an evaluator reads: variable values and visit counts by scene id.
Env = tuple[Mapping[str, Value], Mapping[str, int]]
Evaluator = Callable[[Env], Value]

TYPES = ("int", "bool", "str")
KEYWORDS = {"and", "or", "not", "true", "false"}
FUNCTIONS = {"visited": "bool", "visits": "int"}
MAX_LENGTH = 2_000
MAX_DEPTH = 50
# Every value a story computes stays within these, so that no loop of effects (`s += s`,
# `n += n + 1`) can exhaust memory or make a save that cannot be written or read back: an
# integer is one that every JSON reader keeps exactly (2^53 - 1), a string a few pages of text.
MAX_INT = 2**53 - 1
MAX_STRING = 100_000


def bounded(value: Value) -> Value:
    """The value, or EvaluationError when it is an integer or a string past the limits."""
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise EvaluationError(f"the text grows past {MAX_STRING:,} characters (the limit for a string variable)")
    elif isinstance(value, int) and not -MAX_INT <= value <= MAX_INT:
        raise EvaluationError(f"the number grows past ±{MAX_INT:,} (the limit for an int variable)")
    return value

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<number>\d+)
      | (?P<string>"[^"\\]*"|'[^'\\]*')
      | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
      | (?P<op>\+=|-=|==|!=|<=|>=|[-+<>()=])
    """,
    re.VERBOSE,
)


# what an author coming from another language most likely meant
_HINTS = {
    "&": ": write 'and' (as in 'armed and courage >= 2')",
    "|": ": write 'or' (as in 'armed or courage >= 2')",
    "!": ": write 'not' (as in 'not armed'); '!=' means 'is not equal to'",
}
_COMMA = {
    "condition": ": to join conditions, write 'and' or 'or'",
    "effect": ": several effects are a list, one effect per item: do: [\"courage += 1\", \"suspicion += 1\"]",
}


def _with_comma_hint(exc: ExpressionError, what: str) -> ExpressionError:
    if exc.message == "unexpected character ','":
        return ExpressionError(exc.message + _COMMA[what], exc.column)
    return exc


@attrs.frozen
class Token:
    kind: str
    text: str
    column: int  # 0-based offset inside the expression


def tokenize(source: str) -> list[Token]:
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters", 0)
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            char = source[pos]
            hint = " (strings need matching quotes)" if char in "\"'" else _HINTS.get(char, "")
            raise ExpressionError(f"unexpected character {char!r}{hint}", pos)
        kind = match.lastgroup or ""
        if kind != "space":
            text = match.group()
            if kind == "name" and text in KEYWORDS:
                kind = text
            tokens.append(Token(kind, text, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


# --- the syntax tree -------------------------------------------------------------------------


@attrs.frozen
class Literal:
    value: Value
    column: int


@attrs.frozen
class Name:
    name: str
    column: int


@attrs.frozen
class Call:
    function: str
    scene: str
    column: int
    scene_column: int


@attrs.frozen
class Unary:
    op: str
    operand: Node
    column: int


@attrs.frozen
class Binary:
    op: str
    left: Node
    right: Node
    column: int


Node = Literal | Name | Call | Unary | Binary


@attrs.frozen
class Assignment:
    """One effect: `target op value`, op being =, += or -=."""

    target: str
    op: str
    value: Node
    column: int
    value_column: int


_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.pos = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        if self.current.kind != kind:
            found = self.current.text or "the end"
            raise ExpressionError(f"expected {what}, found {found!r}" if self.current.text else
                                  f"expected {what}, found the end", self.current.column)
        return self.advance()

    def finish(self) -> None:
        if self.current.kind != "end":
            raise ExpressionError(f"unexpected {self.current.text!r}", self.current.column)

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"expression nested deeper than {MAX_DEPTH} levels", self.current.column)
        try:
            return self.disjunction()
        finally:
            self.depth -= 1

    def disjunction(self) -> Node:
        node = self.conjunction()
        while self.current.kind == "or":
            token = self.advance()
            node = Binary("or", node, self.conjunction(), token.column)
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while self.current.kind == "and":
            token = self.advance()
            node = Binary("and", node, self.negation(), token.column)
        return node

    def negation(self) -> Node:
        if self.current.kind == "not":
            token = self.advance()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError(f"expression nested deeper than {MAX_DEPTH} levels", token.column)
            try:
                return Unary("not", self.negation(), token.column)
            finally:
                self.depth -= 1
        return self.comparison()

    def comparison(self) -> Node:
        node = self.sum()
        if self.current.kind == "op" and self.current.text in _COMPARISONS:
            token = self.advance()
            node = Binary(token.text, node, self.sum(), token.column)
            if self.current.kind == "op" and self.current.text in _COMPARISONS:
                raise ExpressionError("comparisons cannot be chained; join them with 'and'", self.current.column)
        elif self.current.kind == "op" and self.current.text in ("=", "+=", "-="):
            raise ExpressionError(f"{self.current.text!r} assigns; to compare use '=='", self.current.column)
        return node

    def sum(self) -> Node:
        node = self.unary()
        while self.current.kind == "op" and self.current.text in ("+", "-"):
            token = self.advance()
            node = Binary(token.text, node, self.unary(), token.column)
        return node

    def unary(self) -> Node:
        if self.current.kind == "op" and self.current.text == "-":
            token = self.advance()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError(f"expression nested deeper than {MAX_DEPTH} levels", token.column)
            try:
                return Unary("-", self.unary(), token.column)
            finally:
                self.depth -= 1
        return self.atom()

    def atom(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            if len(token.text) > 18 or int(token.text) > MAX_INT:
                raise ExpressionError(f"number too large (at most {MAX_INT:,})", token.column)
            return Literal(int(token.text), token.column)
        if token.kind == "string":
            self.advance()
            return Literal(token.text[1:-1], token.column)
        if token.kind in ("true", "false"):
            self.advance()
            return Literal(token.kind == "true", token.column)
        if token.kind == "name":
            self.advance()
            if self.current.kind == "op" and self.current.text == "(":
                return self.call(token)
            return Name(token.text, token.column)
        if token.kind == "op" and token.text == "(":
            self.advance()
            node = self.expression()
            self.expect_close(token)
            return node
        if token.kind == "end":
            raise ExpressionError("expression ends too soon", token.column)
        raise ExpressionError(f"unexpected {token.text!r}", token.column)

    def expect_close(self, opening: Token) -> None:
        if not (self.current.kind == "op" and self.current.text == ")"):
            raise ExpressionError(f"'(' at column {opening.column + 1} is never closed", self.current.column)
        self.advance()

    def call(self, name: Token) -> Node:
        opening = self.advance()
        if name.text not in FUNCTIONS:
            raise ExpressionError(
                f"unknown function {name.text!r} (known: {', '.join(sorted(FUNCTIONS))})", name.column
            )
        scene = self.expect("name", "a scene id")
        self.expect_close(opening)
        return Call(name.text, scene.text, name.column, scene.column)


def parse_condition(source: str) -> Node:
    """Parse a condition; raises ExpressionError with the column inside `source`."""
    if not source.strip():
        raise ExpressionError("empty condition", 0)
    try:
        parser = _Parser(source)
        node = parser.expression()
        parser.finish()
    except ExpressionError as exc:
        raise _with_comma_hint(exc, "condition") from None
    return node


def parse_effect(source: str) -> Assignment:
    """Parse one effect: `name = expr`, `name += expr` or `name -= expr`."""
    try:
        return _parse_effect(source)
    except ExpressionError as exc:
        raise _with_comma_hint(exc, "effect") from None


def _parse_effect(source: str) -> Assignment:
    parser = _Parser(source)
    target = parser.current
    if target.kind != "name":
        raise ExpressionError("an effect starts with a variable name, as in 'courage += 1'", target.column)
    parser.advance()
    op = parser.current
    if not (op.kind == "op" and op.text in ("=", "+=", "-=")):
        found = repr(op.text) if op.text else "the end"
        raise ExpressionError(f"expected '=', '+=' or '-=' after {target.text!r}, found {found}", op.column)
    parser.advance()
    value_column = parser.current.column
    value = parser.expression()
    parser.finish()
    return Assignment(target.text, op.text, value, target.column, value_column)


# --- static checks ---------------------------------------------------------------------------


def suggest(name: str, known: Iterator[str] | list[str] | set[str] | Mapping[str, object]) -> str:
    """A ' (did you mean ...?)' hint, or ''."""
    import difflib  # only when a name is wrong: not on every start

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def type_of(node: Node, variables: Mapping[str, str], scenes: Mapping[str, object]) -> str:
    """The type of an expression, checking names, scene ids and operand types as it goes."""
    if isinstance(node, Literal):
        return "bool" if isinstance(node.value, bool) else "int" if isinstance(node.value, int) else "str"
    if isinstance(node, Name):
        if node.name not in variables:
            raise ExpressionError(f"unknown variable {node.name!r}{suggest(node.name, variables)}", node.column)
        return variables[node.name]
    if isinstance(node, Call):
        if node.scene not in scenes:
            raise ExpressionError(
                f"{node.function}() names unknown scene {node.scene!r}{suggest(node.scene, scenes)}",
                node.scene_column,
            )
        return FUNCTIONS[node.function]
    if isinstance(node, Unary):
        operand = type_of(node.operand, variables, scenes)
        wanted = "bool" if node.op == "not" else "int"
        if operand != wanted:
            raise ExpressionError(f"'{node.op}' needs {_a(wanted)}, not {_a(operand)}", node.column)
        return wanted
    left = type_of(node.left, variables, scenes)
    right = type_of(node.right, variables, scenes)
    if node.op in ("and", "or"):
        for side, kind in ((node.left, left), (node.right, right)):
            if kind != "bool":
                raise ExpressionError(f"'{node.op}' joins true/false values, not {_a(kind)}", side.column)
        return "bool"
    if left != right:
        raise ExpressionError(f"cannot use '{node.op}' between {_a(left)} and {_a(right)}", node.column)
    if node.op in ("==", "!="):
        return "bool"
    if node.op in ("<", "<=", ">", ">="):
        if left == "bool":
            raise ExpressionError(f"cannot order true/false values with '{node.op}'", node.column)
        return "bool"
    if node.op == "+" and left in ("int", "str"):
        return left
    if node.op == "-" and left == "int":
        return "int"
    raise ExpressionError(f"cannot use '{node.op}' on {left} values", node.column)


def _a(type_name: str) -> str:
    return f"an {type_name}" if type_name == "int" else f"a {type_name}"


def check_assignment(effect: Assignment, variables: Mapping[str, str], scenes: Mapping[str, object]) -> None:
    if effect.target not in variables:
        raise ExpressionError(
            f"unknown variable {effect.target!r}{suggest(effect.target, variables)}", effect.column
        )
    target = variables[effect.target]
    value = type_of(effect.value, variables, scenes)
    if effect.op != "=" and target != "int" and not (effect.op == "+=" and target == "str"):
        raise ExpressionError(f"'{effect.op}' needs an int variable; {effect.target!r} is {_a(target)}", effect.column)
    if value != target:
        raise ExpressionError(
            f"{effect.target!r} is {_a(target)}, but this value is {_a(value)}", effect.value_column
        )


def names_in(node: Node) -> Iterator[str]:
    """Variables an expression reads."""
    if isinstance(node, Name):
        yield node.name
    elif isinstance(node, Unary):
        yield from names_in(node.operand)
    elif isinstance(node, Binary):
        yield from names_in(node.left)
        yield from names_in(node.right)


def scenes_in(node: Node) -> Iterator[str]:
    """Scene ids an expression asks about through visited()/visits()."""
    if isinstance(node, Call):
        yield node.scene
    elif isinstance(node, Unary):
        yield from scenes_in(node.operand)
    elif isinstance(node, Binary):
        yield from scenes_in(node.left)
        yield from scenes_in(node.right)
