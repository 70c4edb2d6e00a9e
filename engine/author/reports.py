"""Play-test reports: coverage of scenes, choices and endings, and the text `hungary56 test` prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from engine.author.playtest import (
    Failure,
    RandomReport,
    TextUnit,
    text_units,
    unreached_choices,
    unreached_scenes,
)
from engine.core.errors import Location
from engine.core.model import Scene, Story

if TYPE_CHECKING:
    from engine.author.search import ExhaustiveReport


# --- coverage -----------------------------------------------------------------------------------


def unshown_texts(story: Story, shown: frozenset[Location] | set[Location]) -> list[TextUnit]:
    """Variants and inline branches that no playthrough showed."""
    return [u for u in text_units(story) if u.location not in shown]


def _text_lines(story: Story, shown: frozenset[Location], heading: str) -> list[str]:
    units = text_units(story)
    if not units:
        return []
    missed = [u for u in units if u.location not in shown]
    seen = len(units) - len(missed)
    lines = [f"Text shown:     {seen}/{len(units)} variants and inline branches ({_percent(seen, len(units))})"]
    if missed:
        lines.append(heading)
        lines.extend(f"  {u.location}: {u.what} of {u.scene!r}" for u in missed)
    return lines


def count_choices(story: Story) -> int:
    return sum(1 for s in story.scenes.values() for c in s.choices if not c.auto)


# --- reports as text ----------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def shown_numbers(story: Story | None, path: Sequence[int]) -> list[int]:
    """A path of choice numbers counted over all of each scene's choices, as the player types them:
    the menu numbers only the choices open there (1, 2, 3 without gaps)."""
    if story is None:
        return list(path)
    from engine.core import machine
    from engine.core.errors import Hungary56Error

    state = machine.new_game(story)
    shown: list[int] = []
    for at, number in enumerate(path):
        try:
            open_ = machine.open_choices(story, state)
            shown.append(open_.index(number - 1) + 1 if number - 1 in open_ else number)
            state = machine.choose(story, state, number - 1)
        except Hungary56Error:  # the step that fails: the rest as recorded
            return shown + list(path[at + 1:]) if len(shown) > at else shown + list(path[at:])
    return shown


def format_path(path: Sequence[int], story: Story | None = None) -> str:
    return " ".join(str(n) for n in shown_numbers(story, path)) if path else "(none: the start)"


def _replay_hint(path: Sequence[int], story_arg: str, story: Story | None = None) -> str:
    target = f" {story_arg}" if story_arg else ""
    return f"printf '%s\\n' {' '.join(str(n) for n in shown_numbers(story, path))} | hungary56 play{target}"


def _choice_line(scene: Scene, index: int) -> str:
    choice = scene.choices[index]
    return f"{choice.location}: choice {index + 1} of {scene.id!r} ({choice.label})"


def _failure_lines(failures: Sequence[Failure], story_arg: str, story: Story | None = None,
                   unit: str = "runs") -> list[str]:
    if not failures:
        return ["No errors."]
    total = sum(f.count for f in failures)
    lines = [f"Problems ({total}):"]
    for failure in failures:
        where = f"{failure.location}: " if failure.location else ""
        times = f" ({failure.count} {unit})" if failure.count > 1 else ""
        label = {"loop": "possible loop", "stuck": "stuck"}.get(failure.kind, "error")
        lines.append(f"  {where}{label}: {failure.message}{times}")
        lines.append(f"    choices: {format_path(failure.path, story)}")
        if failure.path and failure.kind != "loop":
            lines.append(f"    replay:  {_replay_hint(failure.path, story_arg, story)}")
    return lines


def _ending_label(scene: Scene) -> str:
    assert scene.ending is not None
    return f"{scene.id} ({scene.ending.title}, {scene.ending.kind})"


def format_random(story: Story, report: RandomReport, story_arg: str = "") -> str:
    total_choices = count_choices(story)
    taken = sum(1 for s in story.scenes.values() for c in s.choices if not c.auto and (s.id, c.index) in report.choices)
    lines = [
        f"{report.runs} random playthroughs of {story.title!r} (seed {report.seed}, at most {report.max_steps} choices each)",
        f"Scenes reached: {len(report.scenes)}/{len(story.scenes)} ({_percent(len(report.scenes), len(story.scenes))})",
        f"Choices taken:  {taken}/{total_choices} ({_percent(taken, total_choices)})",
        *_text_lines(story, report.texts, "Text no playthrough showed:"),
        "Endings:",
    ]
    endings = story.endings()
    width = max((len(_ending_label(s)) for s in endings), default=0)
    for scene in endings:
        count = report.endings.get(scene.id, 0)
        lines.append(f"  {_ending_label(scene):<{width}}  {count:>7}  {_percent(count, report.runs):>6}")
    missed_scenes = unreached_scenes(story, report.scenes)
    missed_choices = unreached_choices(story, report.choices)
    if missed_scenes or missed_choices:
        lines.append("Never reached:")
        lines.extend(f"  {s.location}: scene {s.id!r} ({s.title})" for s in missed_scenes)
        lines.extend(f"  {_choice_line(s, i)}" for s, i in missed_choices)
    lines.extend(_failure_lines(report.failures, story_arg, story))
    return "\n".join(lines) + "\n"


def format_exhaustive(story: Story, report: ExhaustiveReport, story_arg: str = "") -> str:
    lines = [f"Exhaustive search of {story.title!r}: {report.states} distinct states"
             + (f" (stopped at the bound of {report.max_states}; raise it with --max-states)" if report.bound_hit
                else " (complete)")]
    lines.append("Shortest choice path to every scene:")
    width = max((len(s) for s in report.scenes), default=0)
    lines.extend(f"  {sid:<{width}}  {format_path(path, story)}" for sid, path in report.scenes.items())
    lines.append("Shortest choice path to every ending:")
    for scene in story.endings():
        if scene.id in report.scenes:
            lines.append(f"  {_ending_label(scene)}: {format_path(report.scenes[scene.id], story)}")
    lines.append("Shortest choice path taking every choice:")
    for scene in story.scenes.values():
        for choice in scene.choices:
            if not choice.auto and (scene.id, choice.index) in report.choices:
                lines.append(f"  {scene.id} {choice.index + 1}: {format_path(report.choices[(scene.id, choice.index)], story)}")
    missed_scenes = unreached_scenes(story, report.scenes)
    missed_choices = unreached_choices(story, report.choices)
    if missed_scenes or missed_choices:
        lines.append("Unreachable:" if report.complete else f"Not reached within {report.max_states} states:")
        lines.extend(f"  {s.location}: {'ending' if s.ending else 'scene'} {s.id!r} ({s.title})" for s in missed_scenes)
        lines.extend(f"  {_choice_line(s, i)}" for s, i in missed_choices)
    else:
        lines.append("Every scene, choice and ending can be reached.")
    # States that agree on what guards read are searched once, so a text that reads other
    # variables may have gone unseen in a state that was never searched on its own.
    lines.extend(_text_lines(story, report.texts, "Text not shown in the states searched (the search merges states "
                                                  "that only text tells apart; try random runs too):"))
    if report.traps:
        lines.append(f"Traps ({len(report.traps)}): no ending can be reached once a player is in them")
        for trap in report.traps:
            first = story.scenes[trap.scenes[0]]
            lines.append(f"  {first.location}: scenes {', '.join(repr(s) for s in trap.scenes)}")
            lines.append(f"    choices: {format_path(trap.path, story)}" if trap.path is not None
                         else "    (no state reached them)")
            if trap.path:
                lines.append(f"    replay:  {_replay_hint(trap.path, story_arg, story)}")
    if report.failures:
        # the exhaustive search counts the states a problem was met in, not runs (#25 review §6.8)
        lines.extend(_failure_lines(report.failures, story_arg, story, "states"))
    from engine.author.search import exhaustive_problems

    problems = exhaustive_problems(story, report)
    lines.append(f"Verdict: {', '.join(problems)}." if problems else "Verdict: no problems.")
    return "\n".join(lines) + "\n"


