"""Unit tests of the condition/effect language: parsing, errors with columns, types, evaluation."""

from __future__ import annotations

import pytest

from engine.core import evaluate, expr
from engine.core.errors import ExpressionError

VARS = {"courage": "int", "armed": "bool", "name": "str"}
SCENES = {"radio": object(), "bem": object()}


@pytest.mark.parametrize(
    "source, values, visits, expected",
    [
        ("1 + 2 - 3 == 0", {}, {}, True),
        ("courage >= 2", {"courage": 2}, {}, True),
        ("courage > 2", {"courage": 2}, {}, False),
        ("not armed", {"armed": False}, {}, True),
        ("armed or courage - 1 < 0", {"armed": False, "courage": 0}, {}, True),
        ("armed and courage == 1", {"armed": True, "courage": 1}, {}, True),
        ("visited(radio)", {}, {"radio": 1}, True),
        ("visited(bem)", {}, {"radio": 1}, False),
        ("visits(radio) == 2", {}, {"radio": 2}, True),
        ('name == "Zsuzsa"', {"name": "Zsuzsa"}, {}, True),
        ("name + 'x' == 'ax'", {"name": "a"}, {}, True),
        ("-courage == -3", {"courage": 3}, {}, True),
        ("(courage + 1) >= 2 and not (armed)", {"courage": 1, "armed": False}, {}, True),
        ("true and not false", {}, {}, True),
    ],
)
def test_evaluates(source, values, visits, expected):
    node = expr.parse_condition(source)
    assert expr.type_of(node, VARS, SCENES) == "bool"
    assert evaluate.evaluate(node, values, visits) == expected


@pytest.mark.parametrize(
    "source, column, message",
    [
        ("courage >=", 10, "expression ends too soon"),
        ("(courage", 8, "'(' at column 1 is never closed"),
        ("courage = 1", 8, "'=' assigns; to compare use '=='"),
        ("1 < courage < 3", 12, "comparisons cannot be chained"),
        ('name == "Zs', 8, "unexpected character '\"'"),
        ("seen(radio)", 0, "unknown function 'seen'"),
        ("courage * 2", 8, "unexpected character '*'"),
        ("", 0, "empty condition"),
        ("courage courage", 8, "unexpected 'courage'"),
    ],
)
def test_syntax_errors_name_the_column(source, column, message):
    with pytest.raises(ExpressionError) as caught:
        expr.parse_condition(source)
    assert caught.value.column == column
    assert message in caught.value.message


@pytest.mark.parametrize(
    "source, column, message",
    [
        ("curage > 1", 0, "unknown variable 'curage' (did you mean 'courage'?)"),
        ("armed + 1 > 0", 6, "cannot use '+' between a bool and an int"),
        ("name > 3", 5, "cannot use '>' between a str and an int"),
        ("courage and armed", 0, "'and' joins true/false values, not an int"),
        ("not courage", 0, "'not' needs a bool, not an int"),
        ("visited(radoi)", 8, "visited() names unknown scene 'radoi' (did you mean 'radio'?)"),
        ("armed < true", 6, "cannot order true/false values"),
    ],
)
def test_type_errors_name_the_column(source, column, message):
    with pytest.raises(ExpressionError) as caught:
        expr.type_of(expr.parse_condition(source), VARS, SCENES)
    assert caught.value.column == column
    assert message in caught.value.message


@pytest.mark.parametrize(
    "source, message, column",
    [
        ("courage = true", "'courage' is an int, but this value is a bool", 10),
        ("armed += 1", "'+=' needs an int variable; 'armed' is a bool", 0),
        ("cuorage += 1", "unknown variable 'cuorage' (did you mean 'courage'?)", 0),
    ],
)
def test_effect_checks(source, message, column):
    with pytest.raises(ExpressionError) as caught:
        expr.check_assignment(expr.parse_effect(source), VARS, SCENES)
    assert message in caught.value.message
    assert caught.value.column == column


@pytest.mark.parametrize("source", ["1 += 2", "courage", "courage == 1", "courage +", "= 3"])
def test_bad_effects(source):
    with pytest.raises(ExpressionError):
        expr.parse_effect(source)


def test_effect_parses_and_names_its_parts():
    effect = expr.parse_effect("courage += 1 + 2")
    assert (effect.target, effect.op, effect.value_column) == ("courage", "+=", 11)
    assert evaluate.evaluate(effect.value, {}) == 3


def test_deep_nesting_is_refused_not_a_crash():
    with pytest.raises(ExpressionError, match="nested deeper"):
        expr.parse_condition("(" * 500 + "1" + ")" * 500)
    with pytest.raises(ExpressionError, match="nested deeper"):
        expr.parse_condition("not " * 300 + "true")


def test_names_and_scenes_are_collected():
    node = expr.parse_condition("courage > 1 and visited(radio) or not armed")
    assert sorted(expr.names_in(node)) == ["armed", "courage"]
    assert list(expr.scenes_in(node)) == ["radio"]


def test_numbers_past_the_int_limit_are_refused_when_parsed_and_when_computed():
    from engine.core.errors import EvaluationError, ExpressionError
    from engine.core.expr import MAX_INT, parse_condition

    with pytest.raises(ExpressionError, match="number too large"):
        parse_condition(f"courage > {MAX_INT + 1}")
    node = parse_condition(f"courage + {MAX_INT} > 0")
    with pytest.raises(EvaluationError, match="the number grows past"):
        evaluate.evaluate(node, {"courage": 1})
    assert evaluate.evaluate(node, {"courage": 0}) is True
