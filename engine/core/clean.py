"""Control characters taken out of a story document before it is compiled, each reported (W109) where it stood."""

from __future__ import annotations

from typing import Any

from engine.core.controls import CONTROLS, escape_controls, strip_controls
from engine.core.errors import Location
from engine.core.fields import Problems
from engine.core.nodes import YList, YMap


def remove_controls(document: Any, problems: Problems) -> None:
    """Take every control character (engine/core/controls.py) out of the document's strings and
    keys, in place, with a warning at each string: story text can never send an escape sequence
    to the player's terminal, a transcript or a handout."""
    if isinstance(document, YMap) and document.no_controls:
        return  # its whole text was searched at once when it was read
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, YMap):
            if any(CONTROLS.search(key) for key in node):
                _clean_keys(node, problems)
            for key, value in node.items():
                if isinstance(value, str) and CONTROLS.search(value):
                    node[key] = _cleaned(value, node.value_loc(key), problems)
                elif isinstance(value, (YMap, YList)):
                    stack.append(value)
        elif isinstance(node, YList):
            for index, item in enumerate(node):
                if isinstance(item, str) and CONTROLS.search(item):
                    node[index] = _cleaned(item, node.item_locs[index], problems)
                elif isinstance(item, (YMap, YList)):
                    stack.append(item)


def _cleaned(text: str, location: Location, problems: Problems) -> str:
    found = [escape_controls(char) for char in dict.fromkeys(CONTROLS.findall(text))]
    problems.warning(location, f"control character{'s' if len(found) > 1 else ''} {', '.join(found)} in the text: "
                     "it would send escape sequences to the player's terminal, so it is removed", "W109")
    return strip_controls(text)


def _clean_keys(node: YMap, problems: Problems) -> None:
    items = list(node.items())
    key_locs, value_locs = dict(node.key_locs), dict(node.value_locs)
    node.clear()
    node.key_locs.clear()
    node.value_locs.clear()
    for key, value in items:
        clean = _cleaned(key, key_locs.get(key, node.loc), problems) if CONTROLS.search(key) else key
        if clean in node:
            continue  # the same key once cleaned: the first one stays
        node[clean] = value
        node.key_locs[clean] = key_locs.get(key, node.loc)
        node.value_locs[clean] = value_locs.get(key, node.loc)
