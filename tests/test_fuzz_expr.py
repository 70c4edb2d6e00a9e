"""The expression language never fails with anything but ExpressionError (while parsing and
checking) or EvaluationError (while evaluating a checked expression against odd values)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.core import evaluate, expr
from engine.core.errors import EvaluationError, ExpressionError

pytestmark = pytest.mark.slow  # every test here drives a real program (or searches at length)

VARIABLES = {"courage": "int", "armed": "bool", "name": "str"}
SCENES = {"gate": None, "street": None}
TOKENS = [
    "courage", "armed", "name", "nobody", "visited", "visits", "gate", "street", "(", ")", "and", "or", "not",
    "true", "false", "==", "!=", "<", "<=", ">", ">=", "+", "-", "=", "+=", "-=", "0", "1", "99999999999999999999",
    '"text"', "'x'", '"', "'", "@", "\x00", "é", "\t", "\n",
]
SETTINGS = settings(max_examples=1500, deadline=None)

token_soup = st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join)
sources = st.one_of(st.text(max_size=60), token_soup, st.integers(1, 3000).map(lambda n: "(" * n + "1" + ")" * n),
                    st.integers(1, 3000).map(lambda n: "not " * n + "armed"),
                    st.integers(1, 3000).map(lambda n: "-" * n + "1"),
                    st.just("courage + " * 1000 + "1"))
values = st.one_of(st.integers(), st.booleans(), st.text(max_size=5))


def exercise(node: expr.Node, variables: dict[str, object]) -> None:
    try:
        kind = expr.type_of(node, VARIABLES, SCENES)
    except ExpressionError:
        return
    assert kind in expr.TYPES
    list(expr.names_in(node))
    list(expr.scenes_in(node))
    try:
        evaluate.evaluate(node, variables, {"gate": 1})  # type: ignore[arg-type]
    except EvaluationError:
        pass


@SETTINGS
@given(sources, st.fixed_dictionaries({"courage": values, "armed": values, "name": values}))
def test_conditions(source: str, variables: dict[str, object]) -> None:
    try:
        node = expr.parse_condition(source)
    except ExpressionError as exc:
        assert 0 <= exc.column <= len(source)
        assert exc.message
        return
    exercise(node, variables)


@SETTINGS
@given(st.one_of(sources, token_soup.map(lambda s: "courage += " + s), token_soup.map(lambda s: "name = " + s)),
       st.fixed_dictionaries({"courage": values, "armed": values, "name": values}))
def test_effects(source: str, variables: dict[str, object]) -> None:
    try:
        effect = expr.parse_effect(source)
    except ExpressionError as exc:
        assert 0 <= exc.column <= len(source)
        return
    try:
        expr.check_assignment(effect, VARIABLES, SCENES)
    except ExpressionError:
        return
    exercise(effect.value, variables)
