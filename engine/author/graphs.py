"""Graph algorithms the authoring tools share: strongly connected components and traps, in linear time.

The linter runs them over the scenes (engine/author/lint.py), the exhaustive search over the game
states it builds (engine/author/search.py), so both find the same traps the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import attrs

Node = TypeVar("Node", bound=Hashable)


def _numbered(nodes: Iterable[Node], successors: Callable[[Node], Iterable[Node]]) -> tuple[list[Node], list[list[int]]]:
    """The nodes as 0..n-1 and their edges as lists of those numbers (successors outside `nodes` left out).

    The walks below then touch only lists of small integers: a walk over the nodes' own objects
    slows down sharply once they outgrow the processor's cache."""
    names = list(dict.fromkeys(nodes))
    number = {node: i for i, node in enumerate(names)}
    return names, [[number[o] for o in successors(node) if o in number] for node in names]


def _components(edges: Sequence[Iterable[int]]) -> list[list[int]]:
    """Tarjan's strongly connected components of the graph 0..n-1, iteratively (no recursion limit).

    Linear in nodes + edges; components come out in reverse topological order (every edge leaving
    a component goes to one listed before it)."""
    unseen = -1
    index = [unseen] * len(edges)
    low = [0] * len(edges)
    on_stack = [False] * len(edges)
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in range(len(edges)):
        if index[root] != unseen:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, iter(edges[root]))]
        while work:
            node, onward = work[-1]
            for other in onward:
                if index[other] == unseen:
                    index[other] = low[other] = counter
                    counter += 1
                    stack.append(other)
                    on_stack[other] = True
                    work.append((other, iter(edges[other])))
                    break
                if on_stack[other] and index[other] < low[node]:
                    low[node] = index[other]
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    if low[node] < low[parent]:
                        low[parent] = low[node]
                if low[node] == index[node]:
                    component: list[int] = []
                    while True:
                        member = stack.pop()
                        on_stack[member] = False
                        component.append(member)
                        if member == node:
                            break
                    found.append(component)
    return found


def strongly_connected(nodes: Iterable[Node], successors: Callable[[Node], Iterable[Node]]) -> list[list[Node]]:
    """The strongly connected components of the graph, in reverse topological order."""
    names, edges = _numbered(nodes, successors)
    return [[names[m] for m in component] for component in _components(edges)]


def traps(nodes: Iterable[Node], successors: Callable[[Node], Iterable[Node]], can_end: Container[Node]) -> list[list[Node]]:
    """Groups of nodes that lead only among themselves and never to an end, each once.

    A trap is a strongly connected component of the nodes that cannot end, with a cycle in it
    (more than one node, or a node leading to itself) and no edge out of it: the nodes that merely
    lead into a trap or into a dead end are its consequence, not traps of their own. Linear time;
    shared by the linter (over scenes) and the exhaustive search (over game states).
    """
    names, edges = _numbered((n for n in nodes if n not in can_end), successors)
    components = _components(edges)
    group = [0] * len(names)
    for number, component in enumerate(components):
        for member in component:
            group[member] = number
    found = []
    for number, component in enumerate(components):
        onward = [other for member in component for other in edges[member]]
        if onward and all(group[other] == number for other in onward):  # a cycle, and no way out
            found.append([names[m] for m in component])
    return found


@attrs.frozen
class StoryGraph:
    """The scene graph, walked once: edges skip choices that can never be taken; and what the
    story's conditions, effects and texts read and its effects write."""

    successors: Mapping[str, tuple[str, ...]]
    predecessors: Mapping[str, tuple[str, ...]]
    reachable: frozenset[str]
    can_end: frozenset[str]
    reads: frozenset[str] = frozenset()
    writes: frozenset[str] = frozenset()
