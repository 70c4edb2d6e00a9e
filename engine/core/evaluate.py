"""Compiled evaluation of the expression language: a checked tree (core/expr.py) becomes a closure over (variables, visits).

Nothing here uses Python's eval; every value computed is bounded (expr.bounded).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping

from engine.core.errors import EvaluationError
from engine.core.expr import Call, Env, Evaluator, Literal, Name, Node, Unary, Value, bounded


def _checked_int(value: Value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EvaluationError(f"expected a number, got {value!r}")
    return value


_BINARY: dict[str, Callable[[Value, Value], Value]] = {
    # the comparisons are the operator module's C functions: `a < b` exactly, without a Python frame
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "+": lambda a, b: bounded(a + b),  # type: ignore[operator]
    "-": lambda a, b: bounded(_checked_int(a) - _checked_int(b)),
}


def compile_node(node: Node) -> Evaluator:
    """Turn a checked tree into a closure over (variables, visits)."""
    if isinstance(node, Literal):
        constant = node.value
        return lambda env: constant
    if isinstance(node, Name):
        name = node.name

        def read(env: Env) -> Value:
            try:
                return env[0][name]
            except KeyError:
                raise EvaluationError(f"variable {name!r} has no value") from None

        return read
    if isinstance(node, Call):
        scene = node.scene
        if node.function == "visited":
            return lambda env: env[1].get(scene, 0) > 0
        return lambda env: env[1].get(scene, 0)
    if isinstance(node, Unary):
        operand = compile_node(node.operand)
        if node.op == "not":
            return lambda env: not operand(env)
        return lambda env: bounded(-_checked_int(operand(env)))
    left, right = compile_node(node.left), compile_node(node.right)
    if node.op == "and":
        return lambda env: bool(left(env)) and bool(right(env))
    if node.op == "or":
        return lambda env: bool(left(env)) or bool(right(env))
    function = _BINARY[node.op]
    if isinstance(node.left, Name) and isinstance(node.right, Literal):
        # the most common guard, `courage >= 2`: one closure, no call to read the name or the constant
        name, constant, op = node.left.name, node.right.value, node.op

        def name_and_constant(env: Env) -> Value:
            try:
                value = env[0][name]
            except KeyError:
                raise EvaluationError(f"variable {name!r} has no value") from None
            try:
                return function(value, constant)
            except TypeError as exc:
                raise EvaluationError(f"cannot apply '{op}': {exc}") from None

        return name_and_constant

    def binary(env: Env) -> Value:
        try:
            return function(left(env), right(env))
        except TypeError as exc:
            raise EvaluationError(f"cannot apply '{node.op}': {exc}") from None

    return binary


def evaluate(node: Node, variables: Mapping[str, Value], visits: Mapping[str, int] | None = None) -> Value:
    """Evaluate a tree directly (for tests and one-off use); the engine uses compiled closures."""
    return compile_node(node)((variables, visits or {}))
