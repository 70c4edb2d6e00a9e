"""The story linter: graph-wide checks over a loaded Story, each a small function over one shared walk.

The loader (engine/io/loader.py, engine/core/model.py) already reports what stops a story loading: bad
YAML, unknown keys, wrong types, broken targets, undefined variables and type errors in
expressions. This module adds what needs the whole story at once: reachability, traps,
chronology, unused variables, annotations and references to the glossary and sources.
Pure: it takes a Story and returns Problem values; engine/commands/lint.py prints them.
Two kinds of checks: SCENE_CHECKS look at one scene and the story's declarations; STORY_CHECKS look
at the whole story through its scenes' facts (engine/author/facts.py), which is what lets a re-lint
after an edit build only the changed file again (engine/author/relint.py).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping

from engine.author import graphs
from engine.author.chronology import check_chapter_dates, check_chronology
from engine.author.facts import SceneFacts, StoryFacts, constant, never_taken, scene_facts
from engine.author.graphs import StoryGraph
from engine.author.guards import check_open_menu
from engine.core import diagnostics, expr
from engine.core.errors import EvaluationError, Location, Problem, RuleError, StoryError
from engine.core.model import Scene, Story

__all__ = ["constant", "never_taken"]  # re-exported: where the checks' helpers were


def error(location: Location, code: str, message: str) -> Problem:
    return diagnostics.problem(location, code, message)


warning = error  # the registry (engine/core/diagnostics.py) gives each code its severity


# --- the shared walk ---------------------------------------------------------------------------


def _closure(roots: Iterable[str], edges: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    seen = set(roots)
    stack = list(seen)
    get, add, push, pop = edges.get, seen.add, stack.append, stack.pop
    while stack:
        for other in get(pop(), ()):
            if other not in seen:
                add(other)
                push(other)
    return frozenset(seen)


def build_graph(facts: StoryFacts) -> StoryGraph:
    scenes = facts.scenes
    values = scenes.values()
    successors: dict[str, tuple[str, ...]] = {}
    predecessors: dict[str, list[str]] = {scene_id: [] for scene_id in scenes}
    for scene in values:
        targets = tuple(dict.fromkeys([c.goto for c in scene.choices if not c.never and c.goto in scenes]))
        successors[scene.id] = targets
        for target in targets:
            predecessors[target].append(scene.id)
    setup = [effect.assignment for chapter in facts.story.chapters for effect in chapter.setup]
    reads = set().union(*[s.reads for s in values], *[expr.names_in(a.value) for a in setup])
    writes = set().union(*[c.sets for s in values for c in s.choices], [a.target for a in setup])
    frozen_predecessors = {k: tuple(v) for k, v in predecessors.items()}
    roots = [facts.start] if facts.start in scenes else []
    return StoryGraph(
        successors=successors,
        predecessors=frozen_predecessors,
        reachable=_closure(roots, successors),
        can_end=_closure([s.id for s in values if s.ending], frozen_predecessors),
        reads=frozenset(reads),
        writes=frozenset(writes),
    )


# --- the checks --------------------------------------------------------------------------------

Check = Callable[[StoryGraph, StoryFacts], Iterator[Problem]]  # a check of the whole story
SceneCheck = Callable[[Scene, Story], Iterator[Problem]]  # a check of one scene (the story: its declarations)


def check_unreachable(graph: StoryGraph, facts: StoryFacts) -> Iterator[Problem]:
    for scene in facts.scenes.values():
        if scene.id not in graph.reachable:
            yield warning(scene.location, "W300", f"scene {scene.id!r} cannot be reached from the start ({facts.start!r})")


def is_dead_end(scene: Scene) -> bool:
    return not scene.is_ending and bool(scene.choices) and all(never_taken(c) for c in scene.choices)


def check_dead_ends(scene: Scene, story: Story) -> Iterator[Problem]:
    if is_dead_end(scene):
        yield error(scene.location, "E301", f"scene {scene.id!r} is a dead end: every choice's guard is always false")
        return
    for choice in scene.choices:
        if never_taken(choice) and choice.condition is not None:
            yield warning(choice.condition.location, "W302",
                          f"choice {choice.index + 1} of {scene.id!r} can never be taken: its guard is always false")


def trap_message(members: list[SceneFacts]) -> str:
    names = ", ".join(repr(s.id) for s in members)
    where = f"scenes {names}: they only lead to one another" if len(members) > 1 else \
        f"scene {names}: it only leads to itself"
    return f"no ending can be reached from {where}"


def scene_traps(graph: StoryGraph, facts: StoryFacts) -> list[list[SceneFacts]]:
    """The traps of the scene graph, each as its scenes in file order."""
    scenes = facts.scenes
    groups = graphs.traps(scenes, lambda s: graph.successors.get(s, ()), graph.can_end)
    order = {scene_id: number for number, scene_id in enumerate(scenes)}  # file order, as loaded

    def in_file_order(group: Iterable[str]) -> list[SceneFacts]:
        members = set(group)
        if len(members) * 16 > len(scenes):  # a large share of the story: one pass, not a sort
            return [scene for scene_id, scene in scenes.items() if scene_id in members]
        return [scenes[s] for s in sorted(members, key=order.__getitem__)]

    found = [in_file_order(group) for group in groups]
    return sorted(found, key=lambda members: (members[0].path, members[0].line, members[0].column))


def check_traps(graph: StoryGraph, facts: StoryFacts) -> Iterator[Problem]:
    """Groups of scenes that lead only among themselves and never to an ending: reported once per
    group; the scenes that merely lead into a trap or a dead end are its consequence, not reported."""
    for members in scene_traps(graph, facts):
        yield error(members[0].location, "E302", trap_message(members))


def check_variables(graph: StoryGraph, facts: StoryFacts) -> Iterator[Problem]:
    for name, variable in facts.story.variables.items():
        if name in graph.reads:
            continue
        if name in graph.writes:
            yield warning(variable.location, "W311", f"variable {name!r} is set but never read (in a condition or a text)")
        else:
            yield warning(variable.location, "W310", f"variable {name!r} is declared but never used")


def check_idle_effects(graph: StoryGraph, facts: StoryFacts) -> Iterator[Problem]:
    """W312: a choice whose effects only set variables that nothing reads: the player's decision
    leaves a mark that no condition, variant or inline text ever looks at."""
    unread = graph.writes - graph.reads
    if not unread:
        return  # every variable set is read somewhere: no choice can set only unread ones
    for scene in facts.scenes.values():
        for choice in scene.choices:
            if choice.sets and unread.issuperset(choice.sets):
                names = ", ".join(repr(t) for t in choice.sets)
                yield warning(scene.where(choice), "W312", f"choice {choice.position + 1} of {scene.id!r} only sets {names}, "
                              "which nothing reads: the choice has no consequence")


def _unknown(key: str, known: Mapping[str, object], what: str) -> str:
    return f"unknown {what} {key!r}{expr.suggest(key, known)}"


def check_references(scene: Scene, story: Story) -> Iterator[Problem]:
    """Glossary terms and source keys named by scenes and contested accounts (cards: the loader)."""
    term_locs = scene.term_locations or (scene.location,) * len(scene.terms)
    for term, loc in zip(scene.terms, term_locs):
        if term not in story.glossary:
            yield error(loc, "E320", _unknown(term, story.glossary, "glossary term"))
    source_locs = scene.source_locations or (scene.location,) * len(scene.sources)
    for key, loc in zip(scene.sources, source_locs):
        if key not in story.sources:
            yield error(loc, "E321", _unknown(key, story.sources, "source"))
    for account in scene.contested:
        if account.source and account.source not in story.sources:
            yield error(account.source_location or account.location, "E321",
                        _unknown(account.source, story.sources, "source"))


def check_annotations(scene: Scene, story: Story) -> Iterator[Problem]:
    if story.fiction:  # not history: nothing to annotate
        return
    for choice in scene.choices:
        if choice.auto:
            continue
        if not choice.kind:
            yield error(choice.location, "E330",
                        f"choice {choice.index + 1} of {scene.id!r} has no 'kind' (historical, plausible, counterfactual or personal)")
        if not choice.history:
            yield warning(choice.location, "W331", f"choice {choice.index + 1} of {scene.id!r} has no 'history' note")


def check_notes(scene: Scene, story: Story) -> Iterator[Problem]:
    if story.fiction:
        return
    if not scene.note.strip():
        yield warning(scene.location, "W340", f"scene {scene.id!r} has no historical 'note'")
    if not scene.sources:
        yield warning(scene.location, "W341", f"scene {scene.id!r} cites no 'sources'")


def check_chapters(graph: StoryGraph, facts: StoryFacts) -> Iterator[Problem]:
    used = {scene.chapter for scene in facts.scenes.values()}
    for chapter in facts.story.chapters:
        first = facts.scenes.get(chapter.first)
        if first is not None and first.chapter != chapter.id:
            yield warning(chapter.location, "W360",
                          f"chapter {chapter.id!r} starts at {first.id!r}, which belongs to chapter {first.chapter!r}")
        if chapter.id not in used:
            yield warning(chapter.location, "W361", f"chapter {chapter.id!r} has no scenes")


def check_cards(graph: StoryGraph, facts: StoryFacts) -> Iterator[Problem]:
    """E370: a card in quotation marks must say where its words stand."""
    for chapter in facts.story.chapters:
        for card in chapter.cards:
            if card.form == "quotation" and not card.locator.strip():
                yield error(card.location, "E370",
                            f"a quotation card of chapter {chapter.id!r} ({card.who!r}) has no 'locator': say where "
                            "the words stand (page, document, broadcast), or make it 'form: paraphrase'")


def check_reading_times(graph: StoryGraph, facts: StoryFacts) -> Iterator[Problem]:
    """W364 (a warning: the field is deprecated): a typed `reading_minutes` more than 20% off the figure computed from the chapter's words.
    It reads the scenes' words: a re-lint from facts alone (engine/author/relint.py) does not run
    when a chapter types its figure."""
    story = facts.story
    typed = [chapter for chapter in story.chapters if chapter.reading_minutes]
    if not typed:
        return
    from engine.core import reading  # only for a story that types its figures: rare, and not cheap to import

    try:
        figures = reading.chapter_figures(story)
    except (EvaluationError, RuleError):  # a story that cannot be walked has other problems to fix first
        return
    for chapter in typed:
        f = figures[chapter.id]
        if reading.typed_figure_off(chapter.reading_minutes, f):
            yield warning(chapter.location, "W364",
                        f"chapter {chapter.id!r} gives reading_minutes: {chapter.reading_minutes}, but its {f.words} words "
                        f"take about {f.aloud} minute{'s' if f.aloud != 1 else ''} aloud and {f.silent} silently: "
                        "remove the typed figure, a deprecated field (reading times are computed; 'hungary56 migrate' removes it)")


SCENE_CHECKS: tuple[SceneCheck, ...] = (
    check_dead_ends,
    check_open_menu,
    check_references,
    check_annotations,
    check_notes,
)
STORY_CHECKS: tuple[Check, ...] = (
    check_unreachable,
    check_traps,
    check_variables,
    check_idle_effects,
    check_chronology,
    check_chapters,
    check_chapter_dates,
    check_cards,
    check_reading_times,
)
CHECKS: tuple[SceneCheck | Check, ...] = (*SCENE_CHECKS, *STORY_CHECKS)


def scene_problems(scenes: Iterable[Scene], story: Story, checks: Iterable[SceneCheck] = SCENE_CHECKS) -> list[Problem]:
    """What the checks of single scenes find in these scenes; `story` gives the declarations."""
    checks = tuple(checks)
    return [p for scene in scenes for check in checks for p in check(scene, story)]


def facts_of(story: Story, checks: Iterable[SceneCheck] = SCENE_CHECKS) -> StoryFacts:
    """A loaded story's facts, with what the checks of single scenes find in it."""
    return StoryFacts(story=story, scenes={s.id: scene_facts(s) for s in story.scenes.values()},
                      local=tuple(scene_problems(story.scenes.values(), story, checks)))


def lint_facts(facts: StoryFacts, warnings: Iterable[Problem], checks: Iterable[Check] = STORY_CHECKS) -> list[Problem]:
    """The loader's warnings, the single scenes' problems and every whole-story check's, each once,
    root causes first (see `in_order`)."""
    graph = build_graph(facts)
    found = [*warnings, *facts.local]
    for check in checks:
        found.extend(check(graph, facts))
    return in_order(found)


def lint_story(story: Story, checks: Iterable[SceneCheck | Check] = CHECKS) -> list[Problem]:
    """Every check's problems in a loaded story (with the loader's warnings)."""
    checks = tuple(checks)
    # As when a story loads (engine/io/loader.py): the facts and the graph are many small objects,
    # none of them garbage, and the cyclic collector would scan the whole story again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        facts = facts_of(story, [c for c in checks if c in SCENE_CHECKS])
        return lint_facts(facts, story.warnings, [c for c in checks if c in STORY_CHECKS])
    finally:
        if collecting:
            gc.enable()


def findings(check: SceneCheck | Check, story: Story) -> list[Problem]:
    """One check's problems in a loaded story, as it finds them (for tests and tools)."""
    if check in SCENE_CHECKS:
        return scene_problems(story.scenes.values(), story, [check])
    facts = facts_of(story, ())
    return list(check(build_graph(facts), facts))  # type: ignore[arg-type]


def lint(load: Callable[[], Story]) -> list[Problem]:
    """Load a story with `load` and lint it: loading problems alone if it does not load."""
    try:
        story = load()
    except StoryError as exc:
        return in_order(without_cascades(exc.problems))
    return lint_story(story)


# Problems that may only follow from a part of the story that is missing because its file could
# not be read (E001): a link to one of its scenes, a chapter or a name it defines. (An empty file,
# W101, is only a warning: the errors it causes are shown after it, as the story does not load.)
CASCADES = frozenset({"E120", "E121", "E202"})
FILE_CODES = frozenset({"E000", "E001", "W101"})


def without_cascades(problems: Iterable[Problem]) -> list[Problem]:
    """A file that cannot be read hides its scenes, so every link to them would look broken:
    until it is fixed, problems that may follow from it (CASCADES) are not reported."""
    problems = list(problems)
    if any(p.code == "E001" for p in problems):
        return [p for p in problems if p.code not in CASCADES and not _unknown_in_text(p)]
    return problems


def _unknown_in_text(problem: Problem) -> bool:
    """E211 for a scene or variable that inline text names: it may be in the file that cannot be read."""
    return problem.code == "E211" and ("unknown scene" in problem.message or "unknown variable" in problem.message)


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once: the files that cannot be read (or are empty) first, as their problems
    explain the rest; then the others in file order."""
    return sorted(dict.fromkeys(problems), key=lambda p: (p.code not in FILE_CODES, *p.sort_key()))


# --- choice ids, for a story with recorded playthroughs (not one of CHECKS: it needs the story folder) ---


def choice_id_note(facts: StoryFacts, recordings: int) -> Problem | None:
    """N380, a note (neither error nor warning): a story with recorded playthroughs whose choices have
    no `id` keeps them by position, so inserting or reordering choices would change what they replay."""
    if recordings <= 0:
        return None
    missing = [scene.where(c) for scene in facts.scenes.values() for c in scene.choices if not c.auto and not c.has_id]
    if not missing:
        return None
    total = sum(1 for scene in facts.scenes.values() for c in scene.choices if not c.auto)
    return diagnostics.problem(
        min(missing, key=lambda at: (at.path, at.line, at.column)), "N380",
        f"{len(missing)} of {total} choices have no 'id' (this is the first), and the story has {recordings} "
        "recorded playthrough(s): they and saved games keep such choices by position, so inserting or "
        "reordering choices would change what they replay; give each choice an 'id', unique in its scene",
    )
