"""Compiled conditions (engine/core/evaluate.py) give what a plain tree walk gives, value or error,
whatever the shape of the tree and whatever odd values the variables hold."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.core import evaluate, expr
from engine.core.errors import EvaluationError, ExpressionError

pytestmark = pytest.mark.slow  # every test here drives a real program (or searches at length)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EvaluationError(f"expected a number, got {value!r}")
    return value


def walk(node: expr.Node, env: Any) -> Any:
    """The language's meaning, one node at a time: the reference the closures must match."""
    if isinstance(node, expr.Literal):
        return node.value
    if isinstance(node, expr.Name):
        if node.name not in env[0]:
            raise EvaluationError(f"variable {node.name!r} has no value")
        return env[0][node.name]
    if isinstance(node, expr.Call):
        count = env[1].get(node.scene, 0)
        return count > 0 if node.function == "visited" else count
    if isinstance(node, expr.Unary):
        operand = walk(node.operand, env)
        return not operand if node.op == "not" else expr.bounded(-_int(operand))
    if node.op == "and":
        return bool(walk(node.left, env)) and bool(walk(node.right, env))
    if node.op == "or":
        return bool(walk(node.left, env)) or bool(walk(node.right, env))
    left, right = walk(node.left, env), walk(node.right, env)
    try:
        if node.op == "-":
            return expr.bounded(_int(left) - _int(right))
        if node.op == "+":
            return expr.bounded(left + right)
        return {"==": lambda: left == right, "!=": lambda: left != right, "<": lambda: left < right,
                "<=": lambda: left <= right, ">": lambda: left > right, ">=": lambda: left >= right}[node.op]()
    except TypeError as exc:
        raise EvaluationError(f"cannot apply '{node.op}': {exc}") from None


def outcome(function: Any, *args: Any) -> tuple[str, Any]:
    try:
        return ("value", function(*args))
    except EvaluationError as exc:
        return ("error", exc.message)


ATOMS = ["courage", "armed", "name", "nobody", "0", "1", "2", "9007199254740991", "true", "false", "'x'",
         '""', "visited(gate)", "visits(gate)", "visits(street)"]
OPS = ["==", "!=", "<", "<=", ">", ">=", "+", "-", "and", "or"]
sources = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(OPS), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda s: f"(not {s})"), inner.map(lambda s: f"-({s})")),
    max_leaves=6)
values = st.one_of(st.integers(-2**54, 2**54), st.booleans(), st.text(max_size=3))
variables = st.dictionaries(st.sampled_from(["courage", "armed", "name"]), values)
visits = st.fixed_dictionaries({}, optional={"gate": st.integers(0, 3), "street": st.integers(0, 3)})


@settings(max_examples=2000, deadline=None)
@given(sources, variables, visits)
def test_a_compiled_condition_means_what_the_tree_says(source: str, values_: dict[str, Any],
                                                        visits_: dict[str, int]) -> None:
    try:
        node = expr.parse_condition(source)
    except ExpressionError:  # past the nesting limit, say: nothing to compile
        return
    env = (values_, visits_)
    assert outcome(evaluate.compile_node(node), env) == outcome(walk, node, env)
