"""The benchmarks of issue #6: each figure beside a baseline measured in the same run, as a ratio.

    python bench/run.py            # the full run (a few minutes)
    python bench/run.py --quick    # a smoke run: smaller stories, fewer repeats

Every figure is printed with its baseline, the ratio, the target and PASS or MISS; the exit
status is 0 only when every target holds. docs/performance.md records a run and the machine.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import write_story  # noqa: E402
from engine.core import machine  # noqa: E402
from engine.core.model import GameState, Story  # noqa: E402
from engine.io.loader import bundled_story_dir, load_story  # noqa: E402
from engine.io.saves import SaveStore, state_to_json  # noqa: E402
from engine.io.yamlio import bare_parse  # noqa: E402

TINY = ROOT / "tests" / "fixtures" / "stories" / "tiny"
IMPORT_FLOOR = "import prompt_toolkit, yaml, attrs, colorama"
MAX_STEPS = 10_000


class Report:
    """Collects result rows and prints them as they come."""

    def __init__(self) -> None:
        self.missed: list[str] = []

    def row(self, figure: str, value: str, baseline: str, ratio: float | None, target: str,
            ok: bool | None) -> None:
        shown_ratio = f"{ratio:.2f}x" if ratio is not None else "-"
        verdict = "" if ok is None else "PASS" if ok else "MISS"
        if ok is False:
            self.missed.append(figure)
        print(f"  {figure:<38} {value:>11}   vs {baseline:<34} {shown_ratio:>7}  {target:<8} {verdict}", flush=True)


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_time(action: Callable[[], object], repeats: int) -> float:
    """The least CPU time of this process over `repeats` runs: other programs on a shared
    machine slow the wall clock of a long run far more than its CPU time."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        action()
        best = min(best, time.process_time() - start)
    return best


def ms(seconds: float) -> str:
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} us"
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


# --- 1. cold start ----------------------------------------------------------------------------


def first_output(args: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds from spawning the process to its first byte of output (the scene), then to exit."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env, cwd=cwd)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"quit\n")
    process.stdin.close()
    first = process.stdout.read(1)
    elapsed = time.perf_counter() - start
    process.stdout.read()
    if process.wait() != 0 or not first:
        raise SystemExit(f"the player failed: {' '.join(args)}\n{process.stderr.read().decode() if process.stderr else ''}")
    return elapsed


def to_exit(args: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def bench_cold_start(report: Report, story_dir: Path | None, runs: int, work: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HUNGARY56_SAVES": str(work / "saves"),
           "HUNGARY56_CACHE_DIR": str(work / "cache")}
    env.pop("HUNGARY56_NO_CACHE", None)
    play = [sys.executable, "-m", "engine", "play"] + ([str(story_dir)] if story_dir else [])
    first_output(play, env, work)  # fills the story cache, as any earlier run would have
    floor = statistics.median(to_exit([sys.executable, "-c", IMPORT_FLOOR], env, work) for _ in range(runs))
    cold = statistics.median(first_output(play, env, work) for _ in range(runs))
    uncached = statistics.median(first_output(play, {**env, "HUNGARY56_NO_CACHE": "1"}, work) for _ in range(runs))
    report.row("cold start to first scene (piped)", ms(cold), f"import floor {ms(floor)}", cold / floor, "<= 1.3x",
               cold / floor <= 1.3)
    report.row("  same, story cache off", ms(uncached), f"import floor {ms(floor)}", uncached / floor, "", None)


# --- 2. load + validate (+ lint) ----------------------------------------------------------------


def find_linter() -> Callable[[Story], object] | None:
    """engine/author/lint.py's entry point, if the linter exists in this checkout."""
    try:
        import engine.author.lint as lint  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    for name in ("lint_story", "lint", "check_story", "check", "run_checks"):
        function = getattr(lint, name, None)
        if callable(function):
            return function
    return None


def bare_parse_folder(folder: Path) -> None:
    for path in sorted(folder.glob("*/*.yaml")):
        bare_parse(path.read_text(encoding="utf-8"))


def bench_load(report: Report, sizes: tuple[int, int, int], repeats: int, work: Path) -> None:
    linter = find_linter()
    if linter is not None:
        try:
            linter(load_story(TINY))
        except TypeError as exc:  # a linter whose entry point this benchmark does not know yet
            print(f"  (engine/author/lint.py could not be called as {getattr(linter, '__name__', linter)}(story): {exc})")
            linter = None
    what = "load + validate" + (" + lint" if linter else "")
    if linter is None:
        print("  (engine/author/lint.py is not in this checkout: the figures are load + validate)")
    print("  (CPU time of this process, least of the repeats)")
    os.environ["HUNGARY56_NO_CACHE"] = "1"
    timings: dict[int, float] = {}
    for size in sizes:
        folder = write_story(work / f"synthetic-{size}", size)

        def full(folder: Path = folder) -> None:
            story = load_story(folder)
            if linter is not None:
                linter(story)

        bare = cpu_time(lambda f=folder: bare_parse_folder(f), repeats)  # type: ignore[misc]
        timings[size] = cpu_time(full, repeats)
        target = size == sizes[1]
        ratio = timings[size] / bare
        report.row(f"{what}, {size:,} scenes", ms(timings[size]), f"bare C-YAML parse {ms(bare)}", ratio,
                   "<= 3x" if target else "", ratio <= 3 if target else None)
    del os.environ["HUNGARY56_NO_CACHE"]
    growth = timings[sizes[2]] / timings[sizes[1]]
    report.row(f"growth {sizes[2]:,} / {sizes[1]:,} scenes", ms(timings[sizes[2]]), f"{sizes[1]:,} scenes {ms(timings[sizes[1]])}",
               growth, f"<= {2.2 * sizes[2] / sizes[1] / 2:.1f}", growth <= 2.2 * sizes[2] / sizes[1] / 2)
    # The same middle story through the cache, as a second `lint` or `play` meets it.
    os.environ["HUNGARY56_CACHE_DIR"] = str(work / "cache-load")
    folder = work / f"synthetic-{sizes[1]}"
    load_story(folder)
    cached = cpu_time(lambda: load_story(folder), repeats)
    report.row(f"  load {sizes[1]:,} scenes from the cache", ms(cached), f"uncached {ms(timings[sizes[1]])}",
               cached / timings[sizes[1]], "", None)


# --- 3. random playthroughs -------------------------------------------------------------------


def engine_playthrough(story: Story, rng: random.Random) -> int:
    state = machine.new_game(story)
    for _ in range(MAX_STEPS):
        if machine.is_over(story, state):
            break
        options = machine.open_choices(story, state)
        if not options:
            break
        state = machine.choose(story, state, rng.choice(options))
    return state.turn


def plain_graph(story: Story) -> dict[str, dict[str, Any]]:
    """The scene graph as plain dicts: targets, guard and effect evaluators, and nothing else."""
    return {
        scene.id: {
            "ending": scene.ending is not None,
            "choices": [
                {"goto": c.goto, "if": c.condition.test if c.condition else None,
                 "do": [(e.assignment.target, e.assignment.op, e.value) for e in c.effects]}
                for c in scene.choices
            ],
        }
        for scene in story.scenes.values()
    }


def bare_playthrough(graph: dict[str, dict[str, Any]], start: str, initial: dict[str, Any], rng: random.Random) -> int:
    variables, visits, scene, turns = dict(initial), {start: 1}, start, 0
    for _ in range(MAX_STEPS):
        node = graph[scene]
        if node["ending"]:
            break
        env = (variables, visits)
        options = [i for i, c in enumerate(node["choices"]) if c["if"] is None or c["if"](env)]
        if not options:
            break
        choice = node["choices"][rng.choice(options)]
        for target, op, value in choice["do"]:
            result = value(env)
            variables[target] = result if op == "=" else variables[target] + result if op == "+=" else variables[target] - result
        scene = choice["goto"]
        visits[scene] = visits.get(scene, 0) + 1
        turns += 1
    return turns


def bench_playthroughs(report: Report, story: Story, count: int) -> None:
    graph = plain_graph(story)
    initial = story.initial_variables()
    rng = random.Random(56)
    start = time.perf_counter()
    engine_turns = sum(engine_playthrough(story, rng) for _ in range(count))
    engine_rate = count / (time.perf_counter() - start)
    rng = random.Random(56)
    start = time.perf_counter()
    bare_turns = sum(bare_playthrough(graph, story.start, initial, rng) for _ in range(count))
    bare_rate = count / (time.perf_counter() - start)
    if engine_turns != bare_turns:
        raise SystemExit(f"the two walks differ ({engine_turns} vs {bare_turns} turns): the benchmark is wrong")
    ratio = engine_rate / bare_rate
    report.row("random playthroughs per second", f"{engine_rate:,.0f}/s", f"bare walk over dicts {bare_rate:,.0f}/s",
               ratio, ">= 0.3x", ratio >= 0.3)


# --- 4. saves and turns -----------------------------------------------------------------------


def some_state(story: Story, turns: int) -> GameState:
    rng = random.Random(1)
    state = machine.new_game(story)
    for _ in range(turns):
        options = [o.choice.index for o in machine.offers(story, state) if o.available]
        if machine.is_over(story, state) or not options:
            break
        state = machine.choose(story, state, rng.choice(options))
    return state


class ScriptedConsole:
    """Plays random available choices through the real Session, rendering into a string."""

    def __init__(self, turns: int) -> None:
        from engine.play.terminal import TextOutput

        self.output = TextOutput(io.StringIO(), colour=False, width=80)
        self.turns = turns
        self.session: Any = None
        self.rng = random.Random(7)

    def show(self, blocks: Any) -> None:
        self.output.show(blocks)

    def ask(self, prompt: str, words: list[str]) -> str:
        if self.turns <= 0:
            raise EOFError
        self.turns -= 1
        session = self.session
        if machine.is_over(session.story, session.state):
            return "restart"
        options = [o.choice.index for o in machine.offers(session.story, session.state) if o.available]
        return str(self.rng.choice(options) + 1)


def bench_saves(report: Report, story: Story, runs: int, turns: int, work: Path) -> None:
    from engine.play.session import Session

    state = some_state(story, 20)
    store = SaveStore(work / "saves")
    save = median_time(lambda: store.save(story, state, "bench"), runs)
    document = {"format": "hungary56-save", "story": {"id": story.id}, "state": state_to_json(state)}
    bare_target = work / "bare.json"

    def bare_save() -> None:
        with open(bare_target, "w", encoding="utf-8") as handle:
            json.dump(document, handle)

    bare = median_time(bare_save, runs)
    report.row("save (atomic, fsynced)", ms(save), f"bare json.dump+write {ms(bare)}", save / bare, "< 5 ms",
               save < 0.005)
    load = median_time(lambda: store.load(story, "bench"), runs)
    bare_load = median_time(lambda: json.loads(bare_target.read_bytes()), runs)
    report.row("load a save (checked)", ms(load), f"bare json read {ms(bare_load)}", load / bare_load, "", None)

    console = ScriptedConsole(turns)
    session = Session(story, console, SaveStore(work / "turn-saves"))
    console.session = session
    start = time.perf_counter()
    session.run()
    per_turn = (time.perf_counter() - start) / turns
    report.row("per turn in the player (with autosave)", ms(per_turn), f"one save {ms(save)}", per_turn / save, "", None)


# --- the run ----------------------------------------------------------------------------------


# --- 5. trap detection --------------------------------------------------------------------------


def ring_story(size: int) -> Story:
    """A ring of `size` scenes that never reaches its one ending: the linter's worst trap."""
    from engine.core.build import build_story
    from engine.io.yamlio import parse_yaml

    head = ("id: ring\ntitle: Ring\nversion: '1'\nstart: s0\n"
            "chapters: [{id: c, title: C, date: 1956-10-23, first: s0}]\n")
    scene = "  - {{id: {id}, chapter: c, title: T, date: 1956-10-23, where: W, text: X, note: N, next: {next}}}\n"
    body = "scenes:\n" + "".join(scene.format(id=f"s{i}", next=f"s{(i + 1) % size}") for i in range(size))
    body += "  - {id: end, chapter: c, title: E, date: 1956-10-23, where: W, text: X, note: N, " \
            "ending: {title: E, kind: other, epilogue: E}}\n"
    story_doc, _ = parse_yaml(head, "story/story.yaml")
    scenes_doc, _ = parse_yaml(body, "scenes/ring.yaml")
    return build_story([("story/story.yaml", story_doc)], [("scenes/ring.yaml", scenes_doc)])


def bench_traps(report: Report, sizes: tuple[int, int], repeats: int) -> None:
    """Lint of a ring that never ends (one trap of every scene): linear since traps are found as
    strongly connected components (it was quadratic: 5x for twice the scenes)."""
    from engine.author import lint

    timings, traps = {}, {}
    for size in sizes:
        story = ring_story(size)
        graph = lint.build_graph(story)
        timings[size] = cpu_time(functools.partial(lint.lint_story, story), repeats)
        traps[size] = cpu_time(functools.partial(lint.scene_traps, graph, story), repeats)
    small, large = sizes
    ratio = timings[large] / timings[small]
    report.row(f"lint growth {large:,} / {small:,}-scene ring", ms(timings[large]), f"{small:,}-scene ring {ms(timings[small])}",
               ratio, "<= 2.3x", ratio <= 2.3)
    report.row("  trap check alone, same rings", ms(traps[large]), f"{small:,}-scene ring {ms(traps[small])}",
               traps[large] / traps[small], "", None)


def play_story() -> tuple[Path | None, Path]:
    """The bundled story when it is there, else the tiny fixture (the bundled one lands later)."""
    try:
        return None, bundled_story_dir()
    except Exception:  # noqa: BLE001 - a checkout without the bundled story yet
        return TINY, TINY


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: small stories, few repeats")
    args = parser.parse_args(argv)
    quick = args.quick
    report = Report()
    argument, story_dir = play_story()
    with tempfile.TemporaryDirectory(prefix="hungary56-bench-") as temp:
        work = Path(temp)
        os.environ["HUNGARY56_CACHE_DIR"] = str(work / "cache-bench")
        story = load_story(story_dir)
        print(f"hungary56 benchmarks{' (quick)' if quick else ''}: python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs; story for play: {story_dir} ({len(story.scenes)} scenes)")
        print("1. cold start")
        bench_cold_start(report, argument, 3 if quick else 9, work)
        print("2. load and check synthetic stories")
        bench_load(report, (500, 1_000, 2_000) if quick else (1_000, 10_000, 20_000), 1 if quick else 3, work)
        print("3. random playthroughs")
        bench_playthroughs(report, story, 300 if quick else 5_000)
        print("4. saves and turns")
        bench_saves(report, story, 20 if quick else 200, 50 if quick else 500, work)
        print("5. trap detection")
        bench_traps(report, (2_000, 4_000), 3 if quick else 9)
    if report.missed:
        print(f"MISSED: {', '.join(report.missed)}")
        return 1
    print("every target holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
