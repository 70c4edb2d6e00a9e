"""Safe YAML reading that keeps the file:line:column of every node and refuses risky YAML."""

from __future__ import annotations

import re
from typing import Any

import yaml

from engine.core.controls import CONTROLS
from engine.core.errors import Location, Problem
from engine.core.nodes import YList, YMap

try:  # the C parser is several times faster; the pure-Python one behaves the same
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

# A file whose aliases would expand past this many nodes is refused (the "billion laughs").
MAX_EXPANDED_NODES = 2_000_000
# ... or whose aliases would expand its text past this many characters (2,000 scenes aliasing one
# 1 MB string are 2 GB of story text in a 1.3 MB file: reliability review 2026-12-06, NM4).
MAX_EXPANDED_CHARS = 50 * 1024 * 1024
MAX_DEPTH = 100

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class StoryLoader(_BaseLoader):
    """A safe loader whose implicit types are only true/false, null, decimal ints and floats.

    yes/no/on/off, dates, times such as 20:00 (YAML 1.1 would read 1200) and octal-looking
    numbers all stay strings, so an author gets what they wrote.
    """

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


StoryLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
StoryLoader.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
StoryLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
StoryLoader.add_implicit_resolver(
    _FLOAT, re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"), list("-+0123456789.")
)


_QUOTED = ("'", '"')


def _loc(path: str, node: yaml.Node) -> Location:
    mark = node.start_mark
    shift = 1 if isinstance(node, yaml.ScalarNode) and node.style in ("'", '"') else 0
    return Location(path, mark.line + 1, mark.column + 1 + shift)


class _Recursive(Exception):
    """An anchored node that contains an alias to itself."""

    def __init__(self, node: yaml.Node) -> None:
        super().__init__()
        self.node = node


class _TooDeep(_Recursive):
    """A node whose aliases nest it deeper than MAX_DEPTH (a chain of anchors)."""


class _Converter:
    """Turns a composed node graph into YMap/YList/scalars, collecting problems as it goes."""

    def __init__(self, path: str, aliases: bool = True, text: str = "") -> None:
        self.path = path
        self.text = text
        self._lines: list[str] | None = None
        self.problems: list[Problem] = []
        # Only an alias reaches a node twice; without anchors the memo would only cost time.
        self.aliases = aliases
        self.memo: dict[int, Any] = {}
        self.weights: dict[int, int] = {}
        self.chars: dict[int, int] = {}  # the characters of its scalars, aliases expanded
        self.depths: dict[int, int] = {}

    def weight(self, root: yaml.Node) -> int:
        """How many nodes the document would have with every alias expanded (memoised, iterative).

        Raises _Recursive on an alias inside its own anchor (`a: &x [*x]`), which would expand
        without end: a node met again while its own children are still being counted."""
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        open_nodes: set[int] = set()  # the nodes on the path being counted
        while stack:
            node, done = stack.pop()
            if id(node) in self.weights:
                continue
            children = self._children(node)
            if done:
                open_nodes.discard(id(node))
                self.weights[id(node)] = 1 + sum(self.weights[id(c)] for c in children)
                self.chars[id(node)] = (sum(self.chars[id(c)] for c in children) if children
                                        else len(node.value) if isinstance(node.value, str) else 0)
                self.depths[id(node)] = 1 + max((self.depths[id(c)] for c in children), default=0)
                if self.depths[id(node)] > MAX_DEPTH + 1:
                    raise _TooDeep(node)
            elif id(node) in open_nodes:
                raise _Recursive(node)
            else:
                open_nodes.add(id(node))
                stack.append((node, True))
                stack.extend((c, False) for c in children if id(c) not in self.weights)
        return self.weights[id(root)]

    @staticmethod
    def _children(node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.MappingNode):
            return [n for pair in node.value for n in pair]
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        return []

    def error(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(_loc(self.path, node), message, "E001"))

    def convert(self, node: yaml.Node, depth: int = 0) -> Any:
        key = id(node)
        if self.aliases and key in self.memo:
            return self.memo[key]
        if depth > MAX_DEPTH:
            self.error(node, f"nesting deeper than {MAX_DEPTH} levels")
            return None
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.error(node, f"tag {node.tag!r} is not allowed here")
            value = YList(_loc(self.path, node))
            for item in node.value:
                converted = self.convert(item, depth + 1)
                value.append(converted)
                value.item_locs.append(self._loc_of(item, converted))
        else:
            assert isinstance(node, yaml.MappingNode)
            value = self.mapping(node, depth)
        if self.aliases:
            self.memo[key] = value
        return value

    def _loc_of(self, node: yaml.Node, converted: Any) -> Location:
        # A converted list or mapping already carries its node's location (an alias is the very
        # node it names, so this holds for aliases too).
        if isinstance(converted, (YMap, YList)):
            return converted.loc
        return _loc(self.path, node)

    def mapping(self, node: yaml.MappingNode, depth: int) -> YMap:
        if node.tag != _MAP:
            self.error(node, f"tag {node.tag!r} is not allowed here")
        path = self.path
        result = YMap(_loc(path, node))
        key_locs, value_locs = result.key_locs, result.value_locs
        # A plain text value, the most common by far, is read here without a call per value (a
        # cold lint of 10,000 scenes meets 550,000 of them); aliases and deep values take convert().
        quick = not self.aliases and depth < MAX_DEPTH
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, "a key must be a plain word or string, not a list or mapping")
                continue
            if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
                self.error(key_node, "merge keys (<<) are not supported; repeat the keys instead")
                continue
            key = key_node.value if key_node.tag == _STR else str(self.scalar(key_node))
            if key in result:
                first = key_locs[key]
                self.error(key_node, f"duplicate key {key!r} (first defined at line {first.line})")
                continue
            if quick and type(value_node) is yaml.ScalarNode and value_node.tag == _STR:
                converted = value_node.value
                mark = value_node.start_mark
                value_locs[key] = Location(path, mark.line + 1, mark.column + (2 if value_node.style in _QUOTED else 1))
            else:
                converted = self.convert(value_node, depth + 1)
                value_locs[key] = self._loc_of(value_node, converted)
            result[key] = converted
            mark = key_node.start_mark
            key_locs[key] = Location(path, mark.line + 1, mark.column + (2 if key_node.style in _QUOTED else 1))
            if isinstance(converted, str) and ("{" in converted or "}" in converted):
                result.text_anchors[key] = self.anchors(value_node, converted)
        return result

    def anchors(self, node: yaml.Node, value: str) -> tuple[tuple[int, int, int], ...]:
        """Where each source line of a text value starts: (offset in the value, line, column).

        A folded or plain scalar joins its lines, so offsets in the value do not count lines; each
        line's words are found in the value instead. Only texts with a brace need this (inline text).
        """
        if self._lines is None:
            self._lines = self.text.split("\n")
        lines = self._lines
        start, end = node.start_mark, node.end_mark
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        quoted = isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')
        found: list[tuple[int, int, int]] = []
        if not block:
            found.append((0, start.line + 1, start.column + 1 + (1 if quoted else 0)))
        pos = 0
        for number in range(start.line + (1 if block else 0), min(end.line, len(lines) - 1) + 1):
            raw = lines[number]
            if number == start.line:
                column = start.column + (1 if quoted else 0)
            else:
                column = len(raw) - len(raw.lstrip())
            words = raw[column:].rstrip()
            if not words or (number == start.line and not block):
                continue
            offset = value.find(words, pos)
            if offset < 0:
                offset = value.find(words[:12], pos)
            if offset >= 0:
                found.append((offset, number + 1, column + 1))
                pos = offset
        return tuple(found)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == _STR:
            return text
        if tag == _BOOL:
            return text.lower() == "true"
        if tag == _NULL:
            return None
        try:
            if tag == _INT:
                return int(text)
            if tag == _FLOAT:
                return float(text)
        except ValueError:
            self.error(node, f"{text!r} is not a valid {tag.rsplit(':', 1)[-1]}")
            return text
        self.error(node, f"tag {tag!r} is not allowed (only plain YAML: no Python or custom tags)")
        return None


_BRACKETS = re.compile(r"[^\[\]{}]+")
_INDENT = re.compile(r"^[ \t-]*", re.MULTILINE)
# The C composer recurses once per nesting level and overflows the C stack near 100,000 levels,
# so a file that might nest deeply is first measured with the (iterative) event parser.
_SUSPICIOUS_DEPTH = 2_000


def _could_nest_deeply(text: str) -> bool:
    # first a bound that takes no Python loop: nesting is at most every bracket plus the widest line
    if text.count("[") + text.count("{") + max(map(len, text.split("\n")), default=0) <= _SUSPICIOUS_DEPTH:
        return False
    depth = deepest = 0
    for char in _BRACKETS.sub("", text):
        depth = depth + 1 if char in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    widest = max((len(m) for m in _INDENT.findall(text)), default=0)
    return deepest + widest > _SUSPICIOUS_DEPTH


# Every node after the first needs one of these before it (an empty value: at most one per
# ':' or ',' or '-'), so twice their count bounds the number of nodes, and counting them takes
# milliseconds where walking the events of a large file takes seconds.
_SEPARATORS = ",:-?[{\n\r\x85\u2028\u2029"


def _could_hold_too_many(text: str) -> bool:
    if 2 * len(text) + 2 <= MAX_EXPANDED_NODES:
        return False
    return 2 * sum(text.count(char) for char in _SEPARATORS) + 2 > MAX_EXPANDED_NODES


def _measure(text: str) -> tuple[Any, str] | None:
    """Walk the parser's events (iteratively, one at a time, nothing composed): the mark and the
    message of the first place nesting passes MAX_DEPTH or the node count passes
    MAX_EXPANDED_NODES, or None. Composing a file of 24 million tiny nodes would take gigabytes."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=StoryLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            nodes += 1
            if depth > MAX_DEPTH:
                return event.start_mark, f"nesting deeper than {MAX_DEPTH} levels"
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
        else:
            continue
        if nodes > MAX_EXPANDED_NODES:
            return event.start_mark, (f"this file has more than {MAX_EXPANDED_NODES:,} values; "
                                      "split it into several files")
    return None


# The parser's words for the common mistakes, and what they mean for an author (the message for
# anything else is the parser's own).
_PLAIN_WORDS = (
    ("mapping values are not allowed",
     "a colon followed by a space starts a key, and no key can start here: if the colon is inside a text, "
     "put the text in quotes; otherwise check the indentation of this line"),
    ("did not find expected '-' indicator",
     "this line is not indented like the lines around it: line its key up with the other keys of the same "
     "part, or start a list item with '- '"),
    ("expected <block end>",
     "this line is not indented like the lines around it: line its key up with the other keys of the same part"),
    ("while parsing a flow sequence",
     "a list in [ ] is not closed, or an item holds a comma or a colon: close it with ']' or put the item in quotes"),
    ("while parsing a flow mapping",
     "a mapping in { } is not closed, or a value holds a comma or a colon: close it with '}' or put the value in quotes"),
    ("while scanning a quoted scalar",
     "a quote is opened and never closed: end the text with the same quote it starts with"),
    ("cannot start any token",
     "a text cannot start with this character ('@', '`' or '%'): put the text in quotes"),
    ("found undefined alias",
     "a text that starts with '*' is read as a reference to an anchor: put the text in quotes"),
)


# `text: {if armed}...` or `label: {name} ...`: inline text, not a flow mapping `{title: ...}`
_BRACE_VALUE = re.compile(r"""^\s*(?:-\s+)?[A-Za-z_][\w-]*:\s+\{(?:if\s|[A-Za-z_]\w*\})""")
_KEY_LINE = re.compile(r"""^(\s*)(?:-\s+)?([A-Za-z_][\w-]*):(?:\s+(.*))?$""")


def plain_words(message: str, text: str = "", line: int = -1) -> str:
    """The parser's message for a common mistake in plain words, with the fix; `text` and the
    0-based `line` of the mark, when given, tell two mistakes apart that PyYAML words alike."""
    if line >= 0 and ("did not find expected key" in message or "mapping values are not allowed" in message):
        lines = text.splitlines()
        here = lines[line] if line < len(lines) else ""
        if _BRACE_VALUE.match(here):
            return ("a value that starts with '{' is read as a mapping, but this one is text (inline {if ...} or "
                    "{name}): put the whole text in quotes, or write it as a block on the next lines after '>'")
        above = next((lines[n] for n in range(line - 1, -1, -1) if lines[n].strip() and
                      not lines[n].lstrip().startswith("#")), "")
        key, over = _KEY_LINE.match(above), _KEY_LINE.match(here)
        if key and over and key.group(3) and key.group(3).strip() not in ("|", ">", "|-", ">-") \
                and over.start(2) > key.start(2):  # the keys' own columns
            return (f"'{over.group(2)}:' is indented more than '{key.group(2)}:' above it, whose value is already "
                    f"given: line '{over.group(2)}:' up with '{key.group(2)}:' (the keys of one part share a column)")
    return next((plain for words, plain in _PLAIN_WORDS if words in message), message)


def parse_yaml(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document from text; return its located value and every problem found."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        measured = _measure(text) if _could_hold_too_many(text) or _could_nest_deeply(text) else None
        if measured is not None:
            mark, message = measured
            return None, [Problem(Location(path, mark.line + 1, mark.column + 1), message, "E001")]
        root = yaml.compose(text, Loader=StoryLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        return None, [Problem(loc, f"invalid YAML: {plain_words(message, text, mark.line if mark else -1)}", "E001")]
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        return None, [Problem(Location(path, 1, 1), f"invalid YAML: {exc}", "E001")]
    if root is None:
        return None, []
    # Only aliases can make a document bigger than its text (which _measure has counted), and an
    # alias needs an anchor ('&').
    anchors = "&" in text
    conv = _Converter(path, aliases=anchors, text=text)
    could_expand = anchors
    try:
        too_big = could_expand and (conv.weight(root) > MAX_EXPANDED_NODES
                                    or conv.chars[id(root)] > MAX_EXPANDED_CHARS)
    except _TooDeep as exc:
        return None, [Problem(_loc(path, exc.node), f"aliases nest this deeper than {MAX_DEPTH} levels", "E001")]
    except _Recursive as exc:
        message = "an alias refers to its own anchor (a recursive alias), so it would never end; write it out plainly"
        return None, [Problem(_loc(path, exc.node), message, "E001")]
    if too_big:
        return None, [
            Problem(_loc(path, root), "aliases expand this file past a safe size; write it out plainly", "E001")
        ]
    try:
        value = conv.convert(root)
    except RecursionError:
        return None, [Problem(_loc(path, root), f"nesting deeper than {MAX_DEPTH} levels", "E001")]
    if isinstance(value, YMap) and "\\" not in text and not CONTROLS.search(text):
        # no control character in the text, and no backslash escape that could make one
        value.no_controls = True
    return value, conv.problems


def bare_parse(text: str) -> Any:
    """The baseline the benchmarks compare against: PyYAML's C loader with nothing else."""
    return yaml.load(text, Loader=_BaseLoader)
