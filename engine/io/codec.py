"""The story cache's encoding: the model's values as plain JSON data and back, so that reading a cache entry can never run code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.core import expr, model, template
from engine.core.errors import Location, Problem
from engine.core.nodes import YList, YMap

# --- values <-> plain data ----------------------------------------------------------------------
#
# A value of the model is a list: [tag, field, field, ...] in the order of its class's __init__.
# Tag 0 is a tuple, 1 a Location in the entry's own file [1, line, column], 2 any other Location
# [2, path, line, column] (in an entry of several files, `path` is the number of the path in the
# entry's list of paths, so that each is written once); 3 and 4 a located mapping and list (story files); 5 a plain mapping
# of text keys [5, [key, value], ...] (a whole story's variables, glossary, scenes). Every other
# list is tagged too, so a string, number, true/false or null is never mistaken for one.

_CLASSES: tuple[type, ...] = (
    model.Scene, model.Choice, model.Condition, model.Effect, model.Variant, model.Account, model.Ending,
    Problem, expr.Literal, expr.Name, expr.Call, expr.Unary, expr.Binary, expr.Assignment,
    template.Template, template.Insert, template.Branch, template.Arm, template.Expression,
    model.Story, model.Variable, model.Card, model.Chapter, model.Entry, model.Place, model.Fact,
)
# Classes whose constructor also takes what is compiled from the others: made by a factory from these.
_FACTORIES: dict[type, tuple[Callable[..., Any], tuple[str, ...]]] = {
    template.Expression: (template._expression, ("source", "node", "location")),
}
_FIRST_CLASS = 10
_TAGS = {cls: number for number, cls in enumerate(_CLASSES, _FIRST_CLASS)}


def _init_fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        import attrs

        names = _FIELDS[cls] = (_FACTORIES[cls][1] if cls in _FACTORIES
                                else tuple(field.name for field in attrs.fields(cls) if field.init))
    return names


_FIELDS: dict[type, tuple[str, ...]] = {}


def encode(value: Any, shown: str, paths: list[str] | None = None) -> Any:
    """A model value (or a located document) as plain JSON data; `shown` is the entry's own file.
    With `paths` (an entry of several files), every other file's path is written once, there."""
    return _Encoder(shown, paths).encode(value)


class _Encoder:
    def __init__(self, shown: str, paths: list[str] | None = None) -> None:
        self.shown = shown
        self.paths = paths
        self.numbers: dict[str, int] = {}
        self.sources: set[tuple[int, str]] = set()  # conditions and effects whose tree is written

    def encode(self, value: Any) -> Any:
        kind = type(value)
        if kind is str or kind is int or kind is bool or kind is float or value is None:
            return value
        encode = self.encode
        if kind is tuple:
            return [0, *[encode(item) for item in value]]
        if kind is Location:
            if value.path == self.shown:
                return [1, value.line, value.column]
            if self.paths is None:
                return [2, value.path, value.line, value.column]
            number = self.numbers.get(value.path)
            if number is None:
                number = self.numbers[value.path] = len(self.paths)
                self.paths.append(value.path)
            return [2, number, value.line, value.column]
        if kind is YMap:
            return [3, encode(value.loc), [
                [key, encode(item), encode(value.key_loc(key)), encode(value.value_loc(key))]
                for key, item in value.items()
            ]]
        if kind is YList:
            return [4, encode(value.loc), [encode(item) for item in value], [encode(loc) for loc in value.item_locs]]
        if kind is dict:
            if not all(type(key) is str for key in value):
                raise TypeError("the story cache holds mappings of text keys only")
            return [5, *[[key, encode(item)] for key, item in value.items()]]
        tag = _TAGS.get(kind)
        if tag is None:
            raise TypeError(f"the story cache cannot hold a {kind.__name__}")
        if tag in _EXPRESSIONS:
            # Each distinct source's tree is written once per entry; later ones refer to it (null).
            memo = (tag, value.source)
            if memo in self.sources:
                return [tag, value.source, None, encode(value.location)]
            self.sources.add(memo)
        return [tag, *[encode(getattr(value, name)) for name in _init_fields(kind)]]


def decoder(shown: str, paths: list[str] | None = None) -> Callable[[Any], Any]:
    """The inverse of `encode` for one file's entry. Raises (ValueError, TypeError, IndexError,
    KeyError) on data `encode` cannot have written."""
    if paths is not None and not (type(paths) is list and all(type(path) is str for path in paths)):
        raise ValueError("a damaged list of paths")
    return _Decoder(shown, paths or []).decode


class _Decoder:
    # A class rather than a recursive closure: a closure that calls itself is a reference cycle,
    # which would keep each load's locations alive until the next full collection.

    def __init__(self, shown: str, paths: list[str]) -> None:
        self.shown = shown
        self.paths = paths
        self.locations: dict[tuple[int, int], Location] = {}
        self.elsewhere: dict[tuple[int, int, int], Location] = {}
        self.trees: dict[tuple[int, str], Any] = {}

    def decode(self, value: Any) -> Any:
        if type(value) is not list:
            if type(value) is dict:
                raise ValueError("a mapping where a value was expected")
            return value
        decode = self.decode
        tag = value[0]
        if tag == 0:
            return tuple([decode(item) for item in value[1:]])
        if tag == 1:
            return self.location(value)
        if tag == 2:
            where, line, column = value[1], value[2], value[3]
            if type(line) is not int or type(column) is not int:
                raise ValueError("a damaged location")
            if type(where) is int:  # the number of a path in the entry's list of paths
                loc = self.elsewhere.get((where, line, column))
                if loc is None:
                    if not 0 <= where < len(self.paths):
                        raise ValueError("a location in an unknown file")
                    loc = self.elsewhere[(where, line, column)] = Location(self.paths[where], line, column)
                return loc
            if type(where) is not str:
                raise ValueError("a damaged location")
            return Location(where, line, column)
        if tag == 3:
            mapping = YMap(decode(value[1]))
            for key, item, key_loc, value_loc in value[2]:
                if type(key) is not str:
                    raise ValueError("a mapping key that is not a string")
                mapping[key] = decode(item)
                mapping.key_locs[key] = decode(key_loc)
                mapping.value_locs[key] = decode(value_loc)
            return mapping
        if tag == 4:
            sequence = YList(decode(value[1]))
            sequence.extend(decode(item) for item in value[2])
            sequence.item_locs.extend(decode(loc) for loc in value[3])
            if len(sequence) != len(sequence.item_locs):
                raise ValueError("a list whose locations do not match its items")
            return sequence
        if tag == 5:
            plain: dict[str, Any] = {}
            for key, item in value[1:]:
                if type(key) is not str:
                    raise ValueError("a mapping key that is not a string")
                plain[key] = decode(item)
            return plain
        if type(tag) is not int or tag < _FIRST_CLASS:
            raise ValueError(f"unknown tag {tag!r}")
        if tag in _EXPRESSIONS and type(value[1]) is str and len(value) == 4:
            # A condition or effect is its source: the same source always parses to the same
            # (immutable) tree, so each distinct one is decoded once and shared.
            memo = (tag, value[1])
            if value[2] is None:  # written earlier in this entry
                tree = self.trees[memo]
            else:
                tree = _TREES.get(memo)
                if tree is None:
                    if len(_TREES) > 100_000:
                        _TREES.clear()
                    tree = _TREES[memo] = decode(value[2])
                self.trees[memo] = tree
            return _CLASSES[tag - _FIRST_CLASS](value[1], tree, self.location(value[3]))
        return _builders()[tag - _FIRST_CLASS](value, decode, self.location)

    def location(self, value: Any) -> Location:
        if type(value) is not list or value[0] != 1:
            return self.decode(value)
        line, column = value[1], value[2]
        loc = self.locations.get((line, column))
        if loc is None:
            if type(line) is not int or type(column) is not int:
                raise ValueError("a location that is not two numbers")
            loc = self.locations[(line, column)] = Location(self.shown, line, column)
        return loc


_EXPRESSIONS = {_TAGS[model.Condition], _TAGS[model.Effect]}
_TREES: dict[tuple[int, str], Any] = {}
_SCALARS = {"str", "int", "bool", "Value", "expr.Value"}
_BUILDERS: list[Callable[[list[Any], Callable[[Any], Any], Callable[[Any], Location]], Any]] = []


def _builders() -> list[Callable[[list[Any], Callable[[Any], Any], Callable[[Any], Location]], Any]]:
    """One function per class that calls its constructor straight from the entry's list: a plain
    field is passed as it is, a location and any other value go through the decoder. (Made from
    the classes' own field declarations, once per process; no entry's data is ever code.)"""
    if not _BUILDERS:
        import attrs

        for number, cls in enumerate(_CLASSES):
            fields = [field for field in attrs.fields(cls) if field.init]
            maker: Any = cls
            if cls in _FACTORIES:
                maker, names = _FACTORIES[cls]
                fields = [field for field in attrs.fields(cls) if field.name in names]
            arguments = []
            for index, field in enumerate(fields, 1):
                kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", "")
                if kind in _SCALARS:
                    arguments.append(f"v[{index}]")
                elif kind == "Location":
                    arguments.append(f"loc(v[{index}])")
                else:
                    arguments.append(f"dec(v[{index}])")
            source = (f"def build(v, dec, loc):\n"
                      f"    if len(v) != {len(fields) + 1}:\n        raise ValueError('a damaged value')\n"
                      f"    return cls({', '.join(arguments)})\n")
            namespace: dict[str, Any] = {"cls": maker}
            exec(compile(source, f"<story cache: {cls.__name__}>", "exec"), namespace)  # noqa: S102 - our own source
            _BUILDERS.append(namespace["build"])
            assert len(_BUILDERS) == number + 1
    return _BUILDERS
