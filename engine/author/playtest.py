"""Automated play-testing: random and exhaustive playthroughs, and recorded transcripts (pure, no files).

Random runs prefer the least-used available choice at each step (as ChoiceScript's randomtest
does), so a thousand runs cover a branching story far better than uniform picks. The exhaustive
search is breadth-first over (scene, variables, visit counts), so the path it reports to anything
is a shortest one. Recorded playthroughs run the real player (engine/play/session.py) over a scripted
console at a fixed width, so a transcript changes only when what a player sees changes.
"""

from __future__ import annotations

import difflib
import io
import random
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import yaml

from engine.core import expr, machine
from engine.core.errors import EvaluationError, Hungary56Error, Location, SaveError
from engine.core.model import Effect, GameState, Scene, Story
from engine.io.saves import SaveInfo, SaveStore, decode, encode
from engine.io.yamlio import parse_yaml
from engine.play.render import Blocks
from engine.play.session import Session
from engine.play.terminal import TextOutput

TRANSCRIPT_WIDTH = 80
ChoiceKey = tuple[str, int]  # (scene id, 0-based choice index)


@attrs.frozen
class Failure:
    """Something that went wrong in play, with the choice numbers that lead to it from the start."""

    kind: str  # error | stuck | loop
    scene: str
    message: str
    location: Location | None
    path: tuple[int, ...]
    count: int = 1

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.scene, self.message)


class _Stop(Exception):
    """A step that cannot go on: carries the failure to report."""

    def __init__(self, kind: str, message: str, location: Location | None) -> None:
        super().__init__(message)
        self.kind, self.message, self.location = kind, message, location


def _open_choices(scene: Scene, state: GameState) -> list[int]:
    """The indexes of the choices on offer; a condition that fails to evaluate is an error, not a no."""
    env = (state.variables, state.visits)
    for variant in scene.variants:
        if variant.condition is not None:
            try:
                variant.condition.test(env)
            except EvaluationError as exc:
                raise _Stop("error", f"text variant condition failed: {exc.message}", variant.condition.location) from None
    result = []
    for choice in scene.choices:
        if choice.condition is None:
            result.append(choice.index)
            continue
        try:
            if choice.condition.test(env):
                result.append(choice.index)
        except EvaluationError as exc:
            raise _Stop("error", f"condition of choice {choice.index + 1} failed: {exc.message}",
                        choice.condition.location) from None
    if not result:
        raise _Stop("stuck", f"scene {scene.id!r} has no available choice", scene.location)
    return result


def _advance(story: Story, state: GameState, index: int) -> GameState:
    try:
        return machine.choose(story, state, index)
    except Hungary56Error as exc:
        choice = story.scenes[state.scene].choices[index]
        raise _Stop("error", f"choice {index + 1} failed: {exc.message}", exc.location or choice.location) from None


def _merge(failures: Iterable[Failure]) -> tuple[Failure, ...]:
    """One failure per (kind, scene, message), with the shortest path and how often it happened."""
    merged: dict[tuple[str, str, str], Failure] = {}
    for failure in failures:
        known = merged.get(failure.key)
        if known is None:
            merged[failure.key] = failure
        else:
            best = failure if len(failure.path) < len(known.path) else known
            merged[failure.key] = attrs.evolve(best, count=known.count + failure.count)
    return tuple(merged.values())


# --- random playthroughs ------------------------------------------------------------------------


@attrs.frozen
class RandomReport:
    runs: int
    seed: int
    max_steps: int
    scenes: Mapping[str, int]  # scene id -> times entered
    choices: Mapping[ChoiceKey, int]  # times taken
    endings: Mapping[str, int]  # ending scene id -> runs that ended there
    failures: tuple[Failure, ...]

    @property
    def ok(self) -> bool:
        return not self.failures


def random_runs(story: Story, runs: int = 1000, seed: int = 1, max_steps: int = 500) -> RandomReport:
    rng = random.Random(seed)
    used: Counter[ChoiceKey] = Counter()
    entered: Counter[str] = Counter()
    endings: Counter[str] = Counter()
    failures: list[Failure] = []
    scenes = story.scenes
    for _ in range(runs):
        state = machine.new_game(story)
        path: list[int] = []
        for _step in range(max_steps + 1):
            scene = scenes[state.scene]
            entered[scene.id] += 1
            if scene.ending is not None:
                endings[scene.id] += 1
                break
            if len(path) == max_steps:
                recent = list(dict.fromkeys(step.scene for step in state.path[-20:]))
                failures.append(Failure("loop", "", f"no ending after {max_steps} choices; last scenes: "
                                        + ", ".join(recent), None, tuple(path)))
                break
            try:
                open_ = _open_choices(scene, state)
                least = min(used[(scene.id, i)] for i in open_)
                index = rng.choice([i for i in open_ if used[(scene.id, i)] == least])
                used[(scene.id, index)] += 1
                path.append(index + 1)
                state = _advance(story, state, index)
            except _Stop as stop:
                failures.append(Failure(stop.kind, scene.id, stop.message, stop.location, tuple(path)))
                break
    return RandomReport(runs, seed, max_steps, dict(entered), dict(used), dict(endings), _merge(failures))


# --- exhaustive search --------------------------------------------------------------------------


@attrs.frozen
class ExhaustiveReport:
    max_states: int
    states: int
    bound_hit: bool
    scenes: Mapping[str, tuple[int, ...]]  # scene id -> a shortest choice path to it
    choices: Mapping[ChoiceKey, tuple[int, ...]]  # a shortest path that ends by taking the choice
    failures: tuple[Failure, ...]

    @property
    def complete(self) -> bool:
        return not self.bound_hit


def exhaustive_ok(story: Story, report: ExhaustiveReport) -> bool:
    """No failure, and (when the search was complete) nothing proven unreachable."""
    if report.failures:
        return False
    return report.bound_hit or not (unreached_scenes(story, report.scenes) or unreached_choices(story, report.choices))


def _relevant(story: Story) -> tuple[frozenset[str], frozenset[str]]:
    """The variables and visit counts that can change which choices are open.

    Two states that agree on these (and on the scene) offer the same choices for ever after, so
    the search treats them as one: a variable only shown in text, or a visit count no guard asks
    about, would otherwise multiply the states without opening any new path.
    """
    variables: set[str] = set()
    scenes: set[str] = set()
    effects: list[Effect] = []
    for scene in story.scenes.values():
        for choice in scene.choices:
            if choice.condition is not None:
                variables.update(expr.names_in(choice.condition.node))
                scenes.update(expr.scenes_in(choice.condition.node))
            effects.extend(choice.effects)
    grew = True
    while grew:  # a variable feeding a relevant one through an effect is relevant too
        before = len(variables)
        for effect in effects:
            if effect.assignment.target in variables:
                variables.update(expr.names_in(effect.assignment.value))
        grew = len(variables) != before
    return frozenset(variables), frozenset(scenes)


def _state_key(state: GameState, relevant: tuple[frozenset[str], frozenset[str]] | None = None) -> tuple[Any, ...]:
    if relevant is None:
        return (state.scene, tuple(sorted(state.variables.items())), tuple(sorted(state.visits.items())))
    variables, scenes = relevant
    return (
        state.scene,
        tuple(sorted((k, v) for k, v in state.variables.items() if k in variables)),
        tuple(sorted((k, v) for k, v in state.visits.items() if k in scenes)),
    )


def exhaustive(story: Story, max_states: int = 200_000) -> ExhaustiveReport:
    """Breadth-first over every distinct (scene, variables, visits) state, up to `max_states` of them.

    States are told apart only by what guards can see (see `_relevant`), which keeps the search
    exact for reachability while making it finish on real stories.
    """
    start = machine.new_game(story)
    relevant = _relevant(story)
    parents: list[tuple[int, int]] = [(-1, 0)]  # per explored state: (parent's number, choice number taken)
    seen = {_state_key(start, relevant)}
    queue: deque[tuple[GameState, int]] = deque([(start, 0)])
    scene_paths: dict[str, tuple[int, ...]] = {}
    choice_paths: dict[ChoiceKey, tuple[int, ...]] = {}
    failures: list[Failure] = []
    bound_hit = False

    def path_to(number: int) -> tuple[int, ...]:
        steps = []
        while number > 0:
            number, choice = parents[number]
            steps.append(choice)
        return tuple(reversed(steps))

    while queue:
        state, number = queue.popleft()
        scene = story.scenes[state.scene]
        if scene.id not in scene_paths:
            scene_paths[scene.id] = path_to(number)
        if scene.ending is not None:
            continue
        try:
            open_ = _open_choices(scene, state)
        except _Stop as stop:
            failures.append(Failure(stop.kind, scene.id, stop.message, stop.location, path_to(number)))
            continue
        for index in open_:
            try:
                following = _advance(story, state, index)
            except _Stop as stop:
                failures.append(Failure(stop.kind, scene.id, stop.message, stop.location, path_to(number) + (index + 1,)))
                continue
            if (scene.id, index) not in choice_paths:
                choice_paths[(scene.id, index)] = path_to(number) + (index + 1,)
            key = _state_key(following, relevant)
            if key in seen:
                continue
            if len(seen) >= max_states:
                bound_hit = True
                continue
            seen.add(key)
            # The path is rebuilt from parent links, so states need not carry it.
            following = attrs.evolve(following, path=(), turn=0)
            parents.append((number, index + 1))
            queue.append((following, len(parents) - 1))
    return ExhaustiveReport(max_states, len(seen), bound_hit, scene_paths, choice_paths, _merge(failures))


# --- coverage -----------------------------------------------------------------------------------


def unreached_scenes(story: Story, reached: Mapping[str, Any] | set[str]) -> list[Scene]:
    return [s for s in story.scenes.values() if s.id not in reached]


def unreached_choices(story: Story, taken: Mapping[ChoiceKey, Any] | set[ChoiceKey]) -> list[tuple[Scene, int]]:
    """Authored choices never taken (automatic `next` links are covered by their scenes)."""
    return [(s, c.index) for s in story.scenes.values() for c in s.choices
            if not c.auto and (s.id, c.index) not in taken]


def count_choices(story: Story) -> int:
    return sum(1 for s in story.scenes.values() for c in s.choices if not c.auto)


# --- reports as text ----------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def format_path(path: Sequence[int]) -> str:
    return " ".join(str(n) for n in path) if path else "(none: the start)"


def _replay_hint(path: Sequence[int], story_arg: str) -> str:
    target = f" {story_arg}" if story_arg else ""
    return f"printf '%s\\n' {' '.join(str(n) for n in path)} | hungary56 play{target}"


def _choice_line(scene: Scene, index: int) -> str:
    choice = scene.choices[index]
    return f"{choice.location}: choice {index + 1} of {scene.id!r} ({choice.label})"


def _failure_lines(failures: Sequence[Failure], story_arg: str) -> list[str]:
    if not failures:
        return ["No errors."]
    total = sum(f.count for f in failures)
    lines = [f"Problems ({total}):"]
    for failure in failures:
        where = f"{failure.location}: " if failure.location else ""
        times = f" ({failure.count} runs)" if failure.count > 1 else ""
        label = {"loop": "possible loop", "stuck": "stuck"}.get(failure.kind, "error")
        lines.append(f"  {where}{label}: {failure.message}{times}")
        lines.append(f"    choices: {format_path(failure.path)}")
        if failure.path and failure.kind != "loop":
            lines.append(f"    replay:  {_replay_hint(failure.path, story_arg)}")
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
    lines.extend(_failure_lines(report.failures, story_arg))
    return "\n".join(lines) + "\n"


def format_exhaustive(story: Story, report: ExhaustiveReport, story_arg: str = "") -> str:
    lines = [f"Exhaustive search of {story.title!r}: {report.states} distinct states"
             + (f" (stopped at the bound of {report.max_states}; raise it with --max-states)" if report.bound_hit
                else " (complete)")]
    lines.append("Shortest choice path to every scene:")
    width = max((len(s) for s in report.scenes), default=0)
    lines.extend(f"  {sid:<{width}}  {format_path(path)}" for sid, path in report.scenes.items())
    lines.append("Shortest choice path to every ending:")
    for scene in story.endings():
        if scene.id in report.scenes:
            lines.append(f"  {_ending_label(scene)}: {format_path(report.scenes[scene.id])}")
    lines.append("Shortest choice path taking every choice:")
    for scene in story.scenes.values():
        for choice in scene.choices:
            if not choice.auto and (scene.id, choice.index) in report.choices:
                lines.append(f"  {scene.id} {choice.index + 1}: {format_path(report.choices[(scene.id, choice.index)])}")
    missed_scenes = unreached_scenes(story, report.scenes)
    missed_choices = unreached_choices(story, report.choices)
    if missed_scenes or missed_choices:
        lines.append("Unreachable:" if report.complete else f"Not reached within {report.max_states} states:")
        lines.extend(f"  {s.location}: {'ending' if s.ending else 'scene'} {s.id!r} ({s.title})" for s in missed_scenes)
        lines.extend(f"  {_choice_line(s, i)}" for s, i in missed_choices)
    else:
        lines.append("Every scene, choice and ending can be reached.")
    lines.extend(_failure_lines(report.failures, story_arg))
    return "\n".join(lines) + "\n"


# --- recorded playthroughs ----------------------------------------------------------------------


class MemoryStore(SaveStore):
    """Save slots kept in memory, at a fixed time: recording never touches the player's saves."""

    def __init__(self) -> None:
        super().__init__(Path("saves"), clock=lambda: datetime(1956, 10, 23, 15, 0))
        self.slots: dict[str, bytes] = {}

    def save(self, story: Story, state: GameState, slot: str) -> Path:
        target = self.path(slot)
        self.slots[slot] = encode(story, state, self.clock())
        return target

    def autosave(self, story: Story, state: GameState) -> Path:
        return self.save(story, state, "autosave")

    def load(self, story: Story, slot: str) -> GameState:
        target = self.path(slot)
        if slot not in self.slots:
            raise SaveError(f"there is no save called {slot!r}", str(target))
        state, _ = decode(story, self.slots[slot])
        return state

    def exists(self, slot: str) -> bool:
        return slot in self.slots

    def list(self, story: Story) -> list[SaveInfo]:
        infos = []
        for slot in sorted(self.slots):
            state, saved_at = decode(story, self.slots[slot])
            infos.append(SaveInfo(slot, state.scene, saved_at, state.turn))
        return infos


class ScriptedConsole:
    """A console that answers prompts from a list of lines and writes a plain transcript, as a pipe would."""

    def __init__(self, inputs: Sequence[str], width: int = TRANSCRIPT_WIDTH) -> None:
        self.inputs = list(inputs)
        self.buffer = io.StringIO()
        self.output = TextOutput(self.buffer, colour=False, width=width)

    def show(self, blocks: Blocks) -> None:
        self.output.show(blocks)

    def ask(self, prompt: str, words: list[str]) -> str:
        self.output.write(prompt)
        if not self.inputs:
            self.output.write("\n")
            raise EOFError
        line = self.inputs.pop(0)
        self.output.write(line + "\n")
        return line

    def transcript(self) -> str:
        return normalize(self.buffer.getvalue())


def normalize(text: str) -> str:
    """Trailing spaces and trailing blank lines are not part of what a transcript records."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def play_transcript(story: Story, inputs: Sequence[str], width: int = TRANSCRIPT_WIDTH) -> str:
    """What the player prints for these input lines, from a new game, without colour."""
    console = ScriptedConsole(inputs, width)
    Session(story, console, MemoryStore()).run()
    return console.transcript()


def split_choices(text: str) -> list[str]:
    """`"1 2 1"` as input lines; a `.` stands for an empty line (Enter)."""
    return ["" if word == "." else word for word in text.split()]


@attrs.frozen
class Playthrough:
    name: str
    inputs: tuple[str, ...]
    transcript: str
    width: int = TRANSCRIPT_WIDTH
    story: str = ""


class _LiteralDumper(yaml.SafeDumper):
    pass


def _text_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _text_representer)


def dump_playthrough(playthrough: Playthrough) -> str:
    document = {
        "name": playthrough.name,
        "story": playthrough.story,
        "width": playthrough.width,
        "inputs": list(playthrough.inputs),
        "transcript": playthrough.transcript,
    }
    header = ("# A recorded playthrough: `hungary56 test --playthroughs` replays the inputs and compares\n"
              "# the transcript; `hungary56 test --playthroughs --bless` records it again.\n")
    return header + yaml.dump(document, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False, width=1000)


class PlaythroughError(Hungary56Error):
    """A playthrough file that cannot be read."""


def parse_playthrough(text: str, path: str) -> Playthrough:
    document, problems = parse_yaml(text, path)
    if problems:
        raise PlaythroughError(problems[0].message, problems[0].location)
    if not isinstance(document, dict):
        raise PlaythroughError("a playthrough must be a mapping with 'inputs' and 'transcript'", Location(path, 1, 1))
    inputs, transcript = document.get("inputs"), document.get("transcript")
    if not isinstance(inputs, list) or not all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in inputs):
        raise PlaythroughError("'inputs' must be a list of input lines", Location(path, 1, 1))
    if not isinstance(transcript, str):
        raise PlaythroughError("'transcript' must be a text", Location(path, 1, 1))
    width = document.get("width", TRANSCRIPT_WIDTH)
    if not isinstance(width, int) or isinstance(width, bool) or width < 20:
        raise PlaythroughError("'width' must be a number of columns, at least 20", Location(path, 1, 1))
    return Playthrough(str(document.get("name") or Path(path).stem), tuple(str(i) for i in inputs),
                       transcript, width, str(document.get("story") or ""))


def record(story: Story, name: str, inputs: Sequence[str]) -> Playthrough:
    return Playthrough(name, tuple(inputs), play_transcript(story, inputs), TRANSCRIPT_WIDTH, story.id)


def replay_diff(story: Story, playthrough: Playthrough, path: str) -> str:
    """A unified diff from the recorded transcript to what the player prints now; empty when equal."""
    now = play_transcript(story, playthrough.inputs, playthrough.width)
    expected = normalize(playthrough.transcript)
    if now == expected:
        return ""
    return "".join(difflib.unified_diff(
        expected.splitlines(keepends=True), now.splitlines(keepends=True),
        fromfile=f"{path} (recorded)", tofile=f"{path} (now)",
    ))
