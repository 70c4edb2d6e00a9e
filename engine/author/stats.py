"""Story statistics: how long it is, and how much the player's choices matter.

Measured from the story files and from playthroughs (the historical path and seeded random runs):
words per chapter and on the shortest, historical and longest paths; scenes and choices; the share
of menu choices that lead somewhere their siblings do not; the share whose effects something reads;
the share of the words a player reads that depends on earlier choices (text variants and inline
branches); and each variable's writes and reads. Pure: engine/commands/stats.py prints it.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from typing import Any

import attrs

from engine.core import expr, machine, template
from engine.core.build import texts
from engine.core.debrief import historical_path
from engine.core.errors import Hungary56Error
from engine.core.model import Choice, GameState, Scene, Story

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def words(text: str) -> int:
    return len(_WORD.findall(text))


# --- what a playthrough reads -------------------------------------------------------------------


@attrs.frozen
class Reading:
    """What one playthrough read: scenes entered, words read, and how many of them the state decided."""

    name: str
    scenes: int
    words: int
    dependent: int
    ending: str

    @property
    def share(self) -> float:
        return self.dependent / self.words if self.words else 0.0


def scene_words(scene: Scene, state: GameState) -> tuple[int, int]:
    """(words, words depending on earlier choices) of a scene as this state shows it: its text and
    variants, and the epilogue of an ending. A variant's every word depends; of a text with inline
    branches, the words of the arms shown."""
    env = (state.variables, state.visits)
    total = dependent = 0

    def add(source: str, compiled: template.Template | None, whole: bool) -> None:
        nonlocal total, dependent
        if compiled is None:
            shown, decided = source, (source if whole else "")
        else:
            shown, decided = template.render_split(compiled, env)
            decided = shown if whole else decided
        total += words(shown)
        dependent += words(decided)

    add(scene.text, scene.text_template, False)
    for variant in scene.variants:
        try:
            holds = variant.condition is None or bool(variant.condition.test(env))
        except Hungary56Error:
            holds = False
        if holds:
            add(variant.text, variant.template, variant.condition is not None)
    if scene.ending is not None:
        add(scene.ending.epilogue, scene.ending.epilogue_template, False)
    return total, dependent


def read_path(story: Story, name: str, states: list[GameState]) -> Reading:
    total = dependent = 0
    for state in states:
        scene_total, scene_dependent = scene_words(story.scenes[state.scene], state)
        total += scene_total
        dependent += scene_dependent
    last = states[-1].scene if states else ""
    return Reading(name, len(states), total, dependent, last if story.scenes[last].is_ending else "")


def historical_reading(story: Story) -> Reading:
    walk = historical_path(story)
    state = machine.new_game(story)
    states = [state]
    for step in walk.steps:
        if step.taken is None:
            break
        state = machine.choose(story, state, step.taken.index)
        states.append(state)
    return read_path(story, "historical path", states)


def random_readings(story: Story, runs: int, seed: int, max_steps: int = 500) -> list[Reading]:
    """Seeded playthroughs that prefer the least-taken open choice (as `hungary56 test` does)."""
    rng = random.Random(seed)
    used: Counter[tuple[str, int]] = Counter()
    readings = []
    for run in range(runs):
        state = machine.new_game(story)
        states = [state]
        for _step in range(max_steps):
            if machine.is_over(story, state):
                break
            open_ = machine.open_choices(story, state)
            if not open_:
                break
            least = min(used[(state.scene, i)] for i in open_)
            index = rng.choice([i for i in open_ if used[(state.scene, i)] == least])
            used[(state.scene, index)] += 1
            state = machine.choose(story, state, index)
            states.append(state)
        readings.append(read_path(story, f"run {run + 1}", states))
    return readings


# --- the files ----------------------------------------------------------------------------------


def _effect_targets(choice: Choice) -> set[str]:
    return {e.assignment.target for e in choice.effects}


def variable_uses(story: Story) -> dict[str, dict[str, int]]:
    """Per variable: `writes` (effects that set it) and `reads` (conditions, variants, inline text
    and effects' values that read it), each counted once per place it stands."""
    uses = {name: {"writes": 0, "reads": 0} for name in story.variables}

    def read(names: Iterator[str] | set[str]) -> None:
        for name in set(names):
            if name in uses:
                uses[name]["reads"] += 1

    effects = [e for c in story.chapters for e in c.setup]
    for scene in story.scenes.values():
        for variant in scene.variants:
            if variant.condition is not None:
                read(expr.names_in(variant.condition.node))
        for compiled in texts(scene):
            for expression in template.expressions(compiled):
                read(expr.names_in(expression.node))
        for choice in scene.choices:
            if choice.condition is not None:
                read(expr.names_in(choice.condition.node))
            effects.extend(choice.effects)
    setup = {id(e) for c in story.chapters for e in c.setup}
    for effect in effects:
        if id(effect) not in setup and effect.assignment.target in uses:
            uses[effect.assignment.target]["writes"] += 1
        read(expr.names_in(effect.assignment.value))
    return uses


def _visibly_read(scene: Scene) -> set[str]:
    """The variables a scene's shown words depend on: its text variants' conditions and its inline text
    (the text, variants and epilogue; not its choices' labels or notes)."""
    found: set[str] = set()
    for variant in scene.variants:
        if variant.condition is not None:
            found |= set(expr.names_in(variant.condition.node))
    compiled = [scene.text_template, *(v.template for v in scene.variants)]
    if scene.ending is not None:
        compiled.append(scene.ending.epilogue_template)
    for one in compiled:
        if one is not None:
            for expression in template.expressions(one):
                found |= set(expr.names_in(expression.node))
    return found


def answered(story: Story) -> list[tuple[Scene, Choice, bool]]:
    """Every choice in a menu, and whether the next screen shows it was taken: it leads to a scene of its
    own (one its siblings do not lead to), carries an `outcome`, or sets a variable the scene it leads to
    reads in its shown words (a text variant's condition or inline text)."""
    rows = []
    for scene in story.scenes.values():
        if not scene.choices or scene.choices[0].auto:
            continue
        for choice in scene.choices:
            own = len(scene.choices) > 1 and sum(1 for o in scene.choices if o.goto == choice.goto) == 1
            target = story.scenes.get(choice.goto)
            read = target is not None and bool(_effect_targets(choice) & _visibly_read(target))
            rows.append((scene, choice, own or bool(choice.outcome) or read))
    return rows


def _static_words(scene: Scene) -> tuple[int, int]:
    """(words, words that depend on the state) of a scene in the files: text, variants, epilogue."""
    total = dependent = 0
    sources = [(scene.text, scene.text_template, False)]
    sources += [(v.text, v.template, v.condition is not None) for v in scene.variants]
    if scene.ending is not None:
        sources.append((scene.ending.epilogue, scene.ending.epilogue_template, False))
    for source, compiled, whole in sources:
        plain = template.plain_text(compiled, source)
        branches = template.branch_text(compiled)
        total += words(plain) + words(branches)
        dependent += words(plain) + words(branches) if whole else words(branches)
    return total, dependent


def _percent(part: int | float, whole: int | float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def compute(story: Story, runs: int = 200, seed: int = 1) -> dict[str, Any]:
    """Every figure, as plain data (the JSON output)."""
    chapters = []
    total_words = total_dependent = 0
    for chapter in story.chapters:
        scenes = [s for s in story.scenes.values() if s.chapter == chapter.id]
        counted = [_static_words(s) for s in scenes]
        chapter_words = sum(w for w, _d in counted)
        chapter_dependent = sum(d for _w, d in counted)
        total_words += chapter_words
        total_dependent += chapter_dependent
        chapters.append({"id": chapter.id, "title": chapter.title, "scenes": len(scenes), "words": chapter_words,
                         "dependent_words": chapter_dependent})

    uses = variable_uses(story)
    read_anywhere = {name for name, use in uses.items() if use["reads"]}
    menus = [s for s in story.scenes.values() if s.choices and not s.choices[0].auto]
    menu_choices = [(s, c) for s in menus for c in s.choices]
    elsewhere = [(s, c) for s, c in menu_choices if sum(1 for o in s.choices if o.goto == c.goto) == 1
                 and len(s.choices) > 1]
    effects_read = [(s, c) for s, c in menu_choices if _effect_targets(c) & read_anywhere]
    idle = [(s, c) for s, c in menu_choices
            if (s, c) not in elsewhere and not (_effect_targets(c) & read_anywhere)]
    kinds = Counter(c.kind or "none" for _s, c in menu_choices)
    answers = answered(story)
    unanswered = [f"{s.id} {c.index + 1}" for s, c, ok in answers if not ok]

    historical = historical_reading(story)
    sampled = random_readings(story, runs, seed) if runs else []
    ended = [r for r in sampled if r.ending] or sampled
    shortest = min(ended, key=lambda r: r.words) if ended else historical
    longest = max(ended, key=lambda r: r.words) if ended else historical

    def reading(r: Reading) -> dict[str, Any]:
        return {"scenes": r.scenes, "words": r.words, "dependent_words": r.dependent,
                "dependent_percent": _percent(r.dependent, r.words), "ending": r.ending}

    return {
        "story": story.title,
        "scenes": len(story.scenes),
        "endings": len(story.endings()),
        "ending_kinds": dict(Counter(s.ending.kind for s in story.endings() if s.ending)),
        "menus": len(menus),
        "choices": len(menu_choices),
        "choice_kinds": dict(kinds),
        "words": total_words,
        "dependent_words": total_dependent,
        "dependent_percent": _percent(total_dependent, total_words),
        "chapters": chapters,
        "paths": {
            "runs": len(sampled),
            "seed": seed,
            "shortest": reading(shortest),
            "historical": reading(historical),
            "longest": reading(longest),
            "median_words": int(statistics.median(r.words for r in sampled)) if sampled else historical.words,
            "mean_dependent_percent": (round(statistics.mean(100 * r.share for r in sampled), 1) if sampled
                                       else _percent(historical.dependent, historical.words)),
        },
        "choices_lead_elsewhere": len(elsewhere),
        "choices_lead_elsewhere_percent": _percent(len(elsewhere), len(menu_choices)),
        "choices_effects_read": len(effects_read),
        "choices_effects_read_percent": _percent(len(effects_read), len(menu_choices)),
        "choices_change_nothing": [f"{s.id} {c.index + 1}" for s, c in idle],
        "choices_answered": len(answers) - len(unanswered),
        "choices_answered_percent": _percent(len(answers) - len(unanswered), len(answers)),
        "choices_unanswered": unanswered,
        "variables": {name: {"type": story.variables[name].type, **use} for name, use in uses.items()},
    }


def format_stats(data: dict[str, Any]) -> str:
    lines = [f"Statistics of {data['story']!r}",
             f"Scenes: {data['scenes']} ({data['endings']} endings: "
             + ", ".join(f"{n} {k}" for k, n in sorted(data["ending_kinds"].items())) + ")",
             f"Choices: {data['choices']} in {data['menus']} menus ("
             + ", ".join(f"{n} {k}" for k, n in sorted(data["choice_kinds"].items())) + ")",
             "",
             "Words in the files (scene text, variants, epilogues):"]
    width = max((len(c["title"]) for c in data["chapters"]), default=10)
    lines.append(f"  {'chapter':<{width}}  scenes   words  depending on choices")
    for c in data["chapters"]:
        lines.append(f"  {c['title']:<{width}}  {c['scenes']:>6}  {c['words']:>6}  {c['dependent_words']:>6}"
                     f" ({_percent(c['dependent_words'], c['words'])}%)")
    lines.append(f"  {'all':<{width}}  {data['scenes']:>6}  {data['words']:>6}  {data['dependent_words']:>6}"
                 f" ({data['dependent_percent']}%)")
    paths = data["paths"]
    lines += ["", f"Words a player reads (scene text, variants and epilogue as shown; {paths['runs']} random runs, "
              f"seed {paths['seed']}):"]
    for key, label in (("shortest", "shortest run"), ("historical", "historical path"), ("longest", "longest run")):
        r = paths[key]
        ending = f", ending {r['ending']}" if r["ending"] else ""
        lines.append(f"  {label:<16} {r['words']:>6} words, {r['scenes']:>3} scenes{ending}; "
                     f"{r['dependent_percent']}% depend on earlier choices")
    lines.append(f"  median run       {paths['median_words']:>6} words; on average "
                 f"{paths['mean_dependent_percent']}% depend on earlier choices")
    lines += ["", "Choices that matter:",
              f"  lead somewhere their siblings do not: {data['choices_lead_elsewhere']}/{data['choices']} "
              f"({data['choices_lead_elsewhere_percent']}%)",
              f"  set a variable that is read:          {data['choices_effects_read']}/{data['choices']} "
              f"({data['choices_effects_read_percent']}%)",
              f"  neither (change nothing):             {len(data['choices_change_nothing'])}/{data['choices']}"]
    if data["choices_change_nothing"]:
        lines.append("    " + ", ".join(data["choices_change_nothing"]))
    lines.append(f"  answered on the next screen:          {data['choices_answered']}/{data['choices']} "
                 f"({data['choices_answered_percent']}%)")
    if data["choices_unanswered"]:
        lines.append("    not answered: " + ", ".join(data["choices_unanswered"]))
    lines += ["", "Variables (writes = effects that set it; reads = conditions, texts and values that read it):"]
    names = data["variables"]
    width = max((len(n) for n in names), default=8)
    for name, use in names.items():
        flag = "  < 1 read per 3 writes" if use["writes"] > 3 * use["reads"] else ""
        lines.append(f"  {name:<{width}}  {use['type']:<4}  {use['writes']:>3} writes  {use['reads']:>3} reads{flag}")
    return "\n".join(lines) + "\n"
