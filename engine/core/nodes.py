"""The located node tree: mappings, lists and scalars read from a story file, each with its path:line:col.

A YAML adapter (engine/io/yamlio.py) produces it; the compiler (engine/core/build.py) consumes it.
"""

from __future__ import annotations

from engine.core.errors import Location


class YMap(dict):
    """A mapping read from YAML, with the location of itself, of each key and of each value."""

    __slots__ = ("loc", "key_locs", "value_locs", "text_anchors", "no_controls")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        # set by the YAML adapter on a document whose text holds no control character and no
        # escape that could make one: the compiler need not look for them (engine/core/clean.py)
        self.no_controls = False
        self.key_locs: dict[str, Location] = {}
        self.value_locs: dict[str, Location] = {}
        # for a text value with a brace: where each of its source lines starts (engine/core/template.py)
        self.text_anchors: dict[str, tuple[tuple[int, int, int], ...]] = {}

    def key_loc(self, key: str) -> Location:
        return self.key_locs.get(key, self.loc)

    def value_loc(self, key: str) -> Location:
        return self.value_locs.get(key, self.loc)


class YList(list):
    """A sequence read from YAML, with the location of itself and of each item."""

    __slots__ = ("loc", "item_locs")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.item_locs: list[Location] = []
