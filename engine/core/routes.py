"""`next:` as a list of routes, `{if: CONDITION, goto: SCENE}`, the first that holds wins, the last the default.

Compiled into automatic choices whose guards exclude one another (route i holds when its own
condition does and no earlier one's does; the default when none does), so that exactly one is
open in every state: the state machine (engine/core/machine.py), the random and exhaustive
play-tests and the linter's graph need nothing new. Each choice keeps its route's own condition
(`Choice.route`), which the type checks and the author tools read.
"""

from __future__ import annotations

from engine.core.errors import Location
from engine.core.fields import Fields, Problems, build_condition
from engine.core.format import ROUTE_KEYS
from engine.core.model import Choice, Condition
from engine.core.nodes import YList


def build_routes(node: YList, location: Location, problems: Problems, what: str) -> tuple[tuple[Choice, ...], str]:
    """The automatic choices of a `next:` list, and the default route's target."""
    if not node:
        problems.error(location, f"{what} has an empty 'next' list: give a scene id, or routes ending in a default",
                       "E115")
        return (), ""
    entries: list[tuple[Condition | None, str, Location, Location]] = []
    for number, (item, loc) in enumerate(zip(node, node.item_locs), 1):
        f = Fields(item, f"route {number} of {what}", problems, ROUTE_KEYS, loc)
        if not isinstance(f.node, dict) or not f.node:
            continue
        condition = build_condition(f.node["if"], f.at("if"), problems) if f.has("if") else None
        last = number == len(node)
        if f.has("if") and last:
            problems.error(f.at("if"), f"the last route of {what} has an 'if': the last route is the default, taken "
                           "when no other holds, so leave out its 'if' (or add a route without one)", "E115")
        elif not f.has("if") and not last and "if" not in f.misspelt:
            problems.error(f.loc, f"route {number} of {what} has no 'if': only the last route may be without one "
                           "(it is the default; the routes after it could never be taken)", "E115")
        entries.append((condition, f.identifier("goto"), f.loc, f.at("goto") if f.has("goto") else f.loc))
    choices: list[Choice] = []
    before: list[str] = []  # the sources of the earlier routes' conditions
    for index, (condition, goto, loc, goto_loc) in enumerate(entries):
        own = condition.source if condition is not None else ""
        guard = _guard(before, own, loc)
        choices.append(Choice(index, "Continue", goto, guard, (), "", "", loc, auto=True, goto_location=goto_loc,
                              route=condition))
        if own:
            before.append(own)
    return tuple(choices), entries[-1][1] if entries else ""


def _guard(before: list[str], own: str, location: Location) -> Condition | None:
    """`own and not (earlier) and ...`, parsed (each part parsed already, so it cannot fail)."""
    parts = [f"({own})"] if own else []
    parts += [f"not ({source})" for source in before]
    if not parts:
        return None
    quiet = Problems()
    return build_condition(" and ".join(parts), location, quiet)

