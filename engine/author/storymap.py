"""The story map: scenes and choices as a Graphviz DOT or Mermaid flowchart text (pure, no I/O)."""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

from engine.core.errors import UnknownNameError
from engine.core.model import Choice, Scene, Story

FORMATS = ("dot", "mermaid")
LABEL_WIDTH = 32


@attrs.frozen
class Node:
    """A scene on the map, or a stub standing for a scene outside the chapter being drawn."""

    id: str
    label: str
    chapter: str
    ending: str = ""  # the ending's kind, for an ending scene
    stub: bool = False


@attrs.frozen
class Edge:
    source: str
    target: str
    label: str
    style: str  # historical | plausible | counterfactual | personal | auto


@attrs.frozen
class Cluster:
    id: str
    title: str
    nodes: tuple[Node, ...]


@attrs.frozen
class StoryMap:
    title: str
    start: str  # the start scene's id, or "" when the start is not on this map
    clusters: tuple[Cluster, ...]
    stubs: tuple[Node, ...]
    edges: tuple[Edge, ...]


_TAG = re.compile(r"\{(?:if\s[^{}]*|elif\s[^{}]*|else|end)\}")
_INSERT = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")


def plain_label(text: str) -> str:
    """A label's inline text as a map shows it: the words of every branch, `{name}` as ‹name› (the
    review of #25: raw markup cut mid-tag)."""
    return _INSERT.sub(lambda m: f"‹{m.group(1)}›", _TAG.sub("", text))


def shorten(text: str, width: int = LABEL_WIDTH) -> str:
    """One line of at most `width` characters, cut at a word where possible."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    if flat[width - 1] != " " and " " in cut[width // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def edge_label(choice: Choice) -> str:
    if choice.auto:
        label = "continue"
    else:
        label = f"{choice.index + 1}. {shorten(plain_label(choice.label))}"
    if choice.auto and choice.condition is not None:  # a route of `next:` (engine/core/routes.py)
        label += f" [if {choice.route.source.strip()}]" if choice.route is not None else " [otherwise]"
    elif choice.condition is not None:
        label += f" [if {choice.condition.source.strip()}]"
    return label


def _edge_style(choice: Choice) -> str:
    return "auto" if choice.auto else choice.kind or "plausible"


def _scene_node(scene: Scene) -> Node:
    return Node(scene.id, scene.title, scene.chapter, scene.ending.kind if scene.ending else "")


def build(story: Story, chapter: str | None = None) -> StoryMap:
    """The map of the whole story, or of one chapter with stubs for the scenes it leads out to."""
    if chapter is not None and story.chapter(chapter) is None:
        known = ", ".join(c.id for c in story.chapters)
        raise UnknownNameError(f"no chapter {chapter!r} in this story (chapters: {known})")
    wanted = [s for s in story.scenes.values() if chapter is None or s.chapter == chapter]
    shown = {s.id for s in wanted}
    clusters = []
    for ch in story.chapters:
        nodes = tuple(_scene_node(s) for s in wanted if s.chapter == ch.id)
        if nodes:
            clusters.append(Cluster(ch.id, ch.title, nodes))
    edges, stubs, stubbed = [], [], set()
    for scene in wanted:
        for choice in scene.choices:
            edges.append(Edge(scene.id, choice.goto, edge_label(choice), _edge_style(choice)))
            if choice.goto not in shown and choice.goto not in stubbed and choice.goto in story.scenes:
                stubbed.add(choice.goto)
                target = story.scenes[choice.goto]
                owner = story.chapter(target.chapter)
                where = owner.title if owner else target.chapter
                stubs.append(Node(target.id, f"{target.title} ({where})", target.chapter, stub=True))
    return StoryMap(story.title, story.start if story.start in shown else "", tuple(clusters), tuple(stubs), tuple(edges))


# --- Graphviz DOT -------------------------------------------------------------------------------


def dot_quote(text: str) -> str:
    """A DOT double-quoted string; backslashes are escaped too, since DOT reads \\n, \\l, \\N in labels."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


_DOT_EDGE = {
    "historical": 'style=bold, penwidth=2.5, color="#1b7837"',
    "auto": 'style=bold, penwidth=2.5, color="#1b7837"',
    "plausible": 'color="#2166ac"',
    "counterfactual": 'style=dashed, color="#9e0142", fontcolor="#9e0142"',
    "personal": 'color="#5e4fa2"',
}


def _dot_node(node: Node, start: str) -> str:
    if node.stub:
        attrs_ = f'label={dot_quote("→ " + node.label)}, shape=box, style="dashed,rounded", color=gray40, fontcolor=gray30'
    elif node.ending:
        label = f"{node.label}\n[ending: {node.ending}]"
        attrs_ = f'label={dot_quote(label)}, shape=doubleoctagon, style=filled, fillcolor="#fde0dd"'
    else:
        attrs_ = f'label={dot_quote(node.label)}, shape=box, style=rounded'
    if node.id == start:
        attrs_ += ", penwidth=3"
    return f"{dot_quote(node.id)} [{attrs_}];"


def to_dot(smap: StoryMap) -> str:
    lines = [
        "digraph story {",
        f"  label={dot_quote(smap.title)};",
        "  labelloc=t;",
        "  rankdir=TB;",
        '  node [fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    if smap.start:
        lines.append('  "__start__" [label="START", shape=circle, style=filled, fillcolor=black, fontcolor=white];')
    for cluster in smap.clusters:
        lines.append(f"  subgraph {dot_quote('cluster_' + cluster.id)} {{")
        lines.append(f"    label={dot_quote(cluster.title)};")
        lines.append("    style=rounded;")
        lines.extend(f"    {_dot_node(node, smap.start)}" for node in cluster.nodes)
        lines.append("  }")
    lines.extend(f"  {_dot_node(node, smap.start)}" for node in smap.stubs)
    if smap.start:
        lines.append(f'  "__start__" -> {dot_quote(smap.start)} [style=bold, penwidth=2.5];')
    for edge in smap.edges:
        lines.append(
            f"  {dot_quote(edge.source)} -> {dot_quote(edge.target)} "
            f"[label={dot_quote(edge.label)}, {_DOT_EDGE[edge.style]}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Mermaid --------------------------------------------------------------------------------------

_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;"}


def mermaid_quote(text: str) -> str:
    """A Mermaid quoted label: characters Mermaid would read as syntax become #entity; codes."""
    flat = " ".join(text.split())
    return '"' + "".join(_MERMAID_ENTITIES.get(c, c) for c in flat) + '"'


_COMMENT_ENTITIES = {"%": "#37;", "{": "#123;", "}": "#125;"}


def mermaid_comment(text: str) -> str:
    """Text for a `%%` comment line (L4). Mermaid reads a `%%{...}%%` directive anywhere in the text,
    even inside a comment, so a title holding one could restyle the map (`%%{init: ...}%%`) or break
    it (`%%{` alone). Written with a label's #codes, `%`, `{` and `}` included, it stays inert (and a
    `<script>` does not appear raw if the map is pasted into a page)."""
    return "".join(_COMMENT_ENTITIES.get(c, c) for c in mermaid_quote(text)[1:-1])


def mermaid_id(scene_id: str) -> str:
    # A prefix keeps ids such as `end` or `graph` from being read as Mermaid keywords.
    return f"s_{scene_id}"


_MERMAID_ARROW = {"historical": "==>", "auto": "==>", "plausible": "-->", "counterfactual": "-.->", "personal": "-->"}


def _mermaid_node(node: Node) -> str:
    if node.stub:
        return f"{mermaid_id(node.id)}[/{mermaid_quote('→ ' + node.label)}/]:::stub"
    if node.ending:
        return f"{mermaid_id(node.id)}([{mermaid_quote(f'{node.label} [ending: {node.ending}]')}]):::ending"
    return f"{mermaid_id(node.id)}[{mermaid_quote(node.label)}]"


def to_mermaid(smap: StoryMap) -> str:
    lines = [f"%% Story map: {mermaid_comment(smap.title)}", "flowchart TD"]
    if smap.start:
        lines.append('  story_start(("START")):::start')
    for cluster in smap.clusters:
        lines.append(f"  subgraph c_{cluster.id}[{mermaid_quote(cluster.title)}]")
        lines.extend(f"    {_mermaid_node(node)}" for node in cluster.nodes)
        lines.append("  end")
    lines.extend(f"  {_mermaid_node(node)}" for node in smap.stubs)
    if smap.start:
        lines.append(f"  story_start ==> {mermaid_id(smap.start)}")
    for edge in smap.edges:
        arrow = _MERMAID_ARROW[edge.style]
        lines.append(f"  {mermaid_id(edge.source)} {arrow}|{mermaid_quote(edge.label)}| {mermaid_id(edge.target)}")
    lines.extend([
        "  classDef ending fill:#fde0dd,stroke:#9e0142,stroke-width:2px",
        "  classDef start fill:#000,color:#fff",
        "  classDef stub stroke-dasharray:5 5,color:#555",
    ])
    if smap.start:
        lines.append(f"  style {mermaid_id(smap.start)} stroke-width:3px")
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[StoryMap], str]] = {"dot": to_dot, "mermaid": to_mermaid}


def render(story: Story, fmt: str = "dot", chapter: str | None = None) -> str:
    if fmt not in RENDERERS:
        raise UnknownNameError(f"unknown graph format {fmt!r} (use {' or '.join(FORMATS)})")
    return RENDERERS[fmt](build(story, chapter))
