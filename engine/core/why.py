"""Why a choice is not open, in words a class can read: from the labels the story gives its
variables ("only when 'Carrying a weapon' is yes"), never the raw condition."""

from __future__ import annotations

from engine.core import expr
from engine.core.model import Story

_OPS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "==": "exactly", "!=": "not"}


def hidden_reason(story: Story | None, condition: object) -> str:
    """Why a choice is closed, in words from the variables' labels, never the raw condition."""
    node = getattr(condition, "node", None)
    if story is None or node is None:
        return "it opens only on another path through the story"
    if _leaves(node) <= 3:
        words = _condition_words(story, node)
        if words:
            return f"only {words}"
    labels = _labels_in(story, node)
    if labels:
        named = ", ".join(f"'{label}'" for label in labels[:-1]) + (" and " if len(labels) > 1 else "") + f"'{labels[-1]}'"
        return f"it depends on earlier choices ({named})"
    return "it opens only on another path through the story"


def _leaves(node: object) -> int:

    if isinstance(node, expr.Binary) and node.op in ("and", "or"):
        return _leaves(node.left) + _leaves(node.right)
    if isinstance(node, expr.Unary) and node.op == "not":
        return _leaves(node.operand)
    return 1


def _labels_in(story: Story, node: object) -> list[str]:
    """The labels of the variables a condition reads, in order, each once (None if any has none)."""

    labels: list[str] = []
    for name in expr.names_in(node):  # type: ignore[arg-type]
        variable = story.variables.get(name)
        if variable is None or not variable.label:
            return []
        if variable.label not in labels:
            labels.append(variable.label)
    return labels



def _condition_words(story: Story, node: object, negate: bool = False) -> str | None:
    """A condition as "when 'Armed' is yes and 'Courage' is at least 2"; None if any part has no label."""

    if isinstance(node, expr.Unary) and node.op == "not":
        return _condition_words(story, node.operand, not negate)
    if isinstance(node, expr.Binary) and node.op in ("and", "or"):
        op = {"and": "or", "or": "and"}[node.op] if negate else node.op
        parts = []
        for side in (node.left, node.right):
            words = _condition_words(story, side, negate)
            if words is None:
                return None
            body = words.removeprefix("when ")
            inner = isinstance(side, expr.Binary) and side.op in ("and", "or") and side.op != node.op
            parts.append(f"({body})" if inner else body)
        return f"when {parts[0]} {op} {parts[1]}"
    if isinstance(node, expr.Call) and node.function in ("visited", "visits"):
        scene = story.scenes.get(node.scene)
        if scene is None:
            return None
        return f"when {'not ' if negate else ''}after the scene '{scene.title}'"
    name, op, value = None, "", None
    if isinstance(node, expr.Name):
        name = node.name
    elif isinstance(node, expr.Binary) and isinstance(node.left, expr.Name) and isinstance(node.right, expr.Literal):
        name, op, value = node.left.name, node.op, node.right.value
    variable = story.variables.get(name) if name else None
    if variable is None or not variable.label:
        return None
    if not op:
        if variable.type == "bool":
            return f"when '{variable.label}' is {'no' if negate else 'yes'}"
        op, value = ("==", 0) if negate else (">", 0)
    elif negate:
        op = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}.get(op, op)
    if op not in _OPS:
        return None
    if isinstance(value, bool):
        value = "yes" if value else "no"
    return f"when '{variable.label}' is {_OPS[op]} {value}"
