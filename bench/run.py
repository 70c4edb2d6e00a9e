"""The benchmarks of issues #6 and #16: each figure beside a baseline measured in the same run, as a ratio.

    python bench/run.py            # the full run (10-20 minutes on a busy two-CPU machine)
    python bench/run.py --quick    # a smoke run: smaller stories, fewer repeats
    python bench/run.py --only lint --sizes 1000,10000,20000   # one section (start, lint, play, saves, traps, web)

Each figure and its baseline are measured in turn, pair after pair (A B A B ...), and the ratio
is the median of the pairs' ratios, so that a machine that gets busier or quieter during the run
moves both. Every figure is printed with its baseline, the ratio, the target and PASS or MISS;
the exit status is 0 only when every target holds. docs/performance.md records a run.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import io
import json
import os
import random
import select
import shutil
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

TINY = ROOT / "tests" / "fixtures" / "stories" / "tiny"
IMPORT_FLOOR = "import prompt_toolkit, yaml, attrs, colorama"
MAX_STEPS = 10_000


class Report:
    """Collects result rows and prints them as they come."""

    def __init__(self) -> None:
        self.missed: list[str] = []

    def row(self, figure: str, value: str, baseline: str, ratio: float | None, target: str,
            ok: bool | None, shown: str | None = None) -> None:
        shown_ratio = shown or (f"{ratio:.2f}x" if ratio is not None else "-")
        verdict = "" if ok is None else "PASS" if ok else "MISS"
        if ok is False:
            self.missed.append(figure)
        print(f"  {figure:<44} {value:>11}   vs {baseline:<32} {shown_ratio:>20}  {target:<8} {verdict}", flush=True)


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


# --- measuring tools ----------------------------------------------------------------------------


def child(args: list[str], env: dict[str, str], cwd: Path, stdin: bytes = b"") -> tuple[float, float, int]:
    """Run a process to its end: (wall seconds, CPU seconds, peak RSS in KiB) of that process alone."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env, cwd=cwd)
    assert process.stdin is not None
    try:
        process.stdin.write(stdin)
        process.stdin.close()
    except BrokenPipeError:
        pass
    _pid, _status, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def paired(first: Callable[[], float], second: Callable[[], float], pairs: int) -> tuple[float, float, float, float, float]:
    """(median of first, median of second, median ratio, least ratio, greatest ratio) over interleaved pairs."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(pairs):
        a.append(first())
        b.append(second())
    ratios = [x / y for x, y in zip(a, b)]
    return statistics.median(a), statistics.median(b), statistics.median(ratios), min(ratios), max(ratios)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def engine(*args: str) -> list[str]:
    return [sys.executable, "-m", "engine", *args]


BARE_PARSE = """
import sys
from pathlib import Path
from engine.io.yamlio import bare_parse
for path in sorted(Path(sys.argv[1]).glob("*/*.yaml")):
    bare_parse(path.read_text(encoding="utf-8"))
"""

KEPT_PARSE = """
import sys
from pathlib import Path
from engine.io.yamlio import bare_parse
kept = [bare_parse(path.read_text(encoding="utf-8")) for path in sorted(Path(sys.argv[1]).glob("*/*.yaml"))]
"""


def ratio_text(median: float, low: float, high: float) -> str:
    return f"{median:.2f}x ({low:.2f}-{high:.2f})"


# --- 1. start-up ----------------------------------------------------------------------------------


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


def in_pty(args: list[str], env: dict[str, str], cwd: Path, marker: bytes | None) -> float:
    """Seconds until `marker` shows on an 80x24 pseudo-terminal (or, with None, until the process ends)."""
    import fcntl
    import pty
    import struct
    import termios

    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(args, stdin=secondary, stdout=secondary, stderr=secondary, env=env, cwd=cwd,
                               start_new_session=True)
    os.close(secondary)
    seen = b""
    elapsed = None
    try:
        while time.perf_counter() - start < 30:
            ready, _, _ = select.select([main], [], [], 0.5)
            if not ready:
                if process.poll() is not None and marker is None:
                    break
                continue
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if marker is not None and marker in seen:
                elapsed = time.perf_counter() - start
                os.write(main, b"quit\r")
                break
        if marker is None:
            process.wait(timeout=30)
            elapsed = time.perf_counter() - start
    finally:
        if process.poll() is None:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        os.close(main)
    if elapsed is None:
        raise SystemExit(f"the first scene never showed in the terminal: {seen[-300:]!r}")
    return elapsed


def bench_start(report: Report, story_dir: Path | None, story: Story, pairs: int, work: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HUNGARY56_SAVES": str(work / "saves"),
           "HUNGARY56_CACHE_DIR": str(work / "cache-start"), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm",
           # the terminal says its background, as xterm and most emulators do (theme auto asks otherwise)
           "COLORFGBG": "15;0"}
    env.pop("HUNGARY56_NO_CACHE", None)
    play = engine("play", *([str(story_dir)] if story_dir else []))
    first_output(play, env, work)  # fills the story cache, as any earlier run would have
    floor_args = python("-c", IMPORT_FLOOR)
    cold, floor, ratio, low, high = paired(lambda: first_output(play, env, work),
                                           lambda: to_exit(floor_args, env, work), pairs)
    report.row("piped start to first scene and quit", ms(cold), f"import floor {ms(floor)}", ratio, "<= 0.5x",
               ratio <= 0.5, ratio_text(ratio, low, high))
    nocache = {**env, "HUNGARY56_NO_CACHE": "1"}
    cold, floor, ratio, low, high = paired(lambda: first_output(play, nocache, work),
                                           lambda: to_exit(floor_args, env, work), pairs)
    report.row("  same, story cache off", ms(cold), f"import floor {ms(floor)}", ratio, "", None, ratio_text(ratio, low, high))
    title = story.scenes[story.start].title.encode("utf-8")[:12]
    painted, floor, ratio, low, high = paired(lambda: in_pty(play, env, work, title),
                                              lambda: in_pty(floor_args, env, work, None), pairs)
    report.row("first scene on screen in a pty (80x24)", ms(painted), f"import floor in a pty {ms(floor)}", ratio,
               "<= 0.6x", ratio <= 0.6, ratio_text(ratio, low, high))


# --- 2. lint at scale -------------------------------------------------------------------------------


def edit_one_file(folder: Path, round_: int) -> None:
    """Change one scene's title in the middle file of the story: a new version each time."""
    files = sorted((folder / "scenes").glob("*.yaml"))
    target = files[len(files) // 2]
    text = target.read_text(encoding="utf-8")
    start = text.index('title: "') + len('title: "')
    end = text.index('"', start)
    target.write_text(text[:start] + f"Edited {round_}" + text[end:], encoding="utf-8")


def bench_lint(report: Report, sizes: tuple[int, int, int], pairs: int, work: Path) -> None:
    print("  (whole processes; CPU time of each, so that other programs on a shared machine count less)")
    base = {**os.environ, "PYTHONPATH": str(ROOT)}
    base.pop("HUNGARY56_NO_CACHE", None)
    nocache = {**base, "HUNGARY56_NO_CACHE": "1"}
    folders = {size: write_story(work / f"synthetic-{size}", size) for size in sizes}
    cold: dict[int, float] = {}
    for size in sizes:
        folder = str(folders[size])
        lint, bare, ratio, low, high = paired(lambda f=folder: child(engine("lint", f), nocache, work)[1],  # type: ignore[misc]
                                              lambda f=folder: child(python("-c", BARE_PARSE, f), base, work)[1],  # type: ignore[misc]
                                              pairs)
        cold[size] = lint
        target = size == sizes[1]
        report.row(f"cold lint, {size:,} scenes (cache off)", ms(lint), f"bare C-YAML parse {ms(bare)}", ratio,
                   "<= 2.0x" if target else "", ratio <= 2.0 if target else None, ratio_text(ratio, low, high))
    big, middle = str(folders[sizes[2]]), str(folders[sizes[1]])
    big_t, mid_t, growth, low, high = paired(lambda: child(engine("lint", big), nocache, work)[1],
                                             lambda: child(engine("lint", middle), nocache, work)[1], pairs)
    report.row(f"growth {sizes[2]:,} / {sizes[1]:,} scenes", ms(big_t), f"{sizes[1]:,} scenes {ms(mid_t)}", growth,
               "<= 2.1", growth <= 2.1, ratio_text(growth, low, high))

    counter = iter(range(10**6))

    def fresh_cache() -> dict[str, str]:
        return {**base, "HUNGARY56_CACHE_DIR": str(work / f"cache-{next(counter)}")}

    first, lint, ratio, low, high = paired(lambda: child(engine("lint", middle), fresh_cache(), work)[1],
                                           lambda: child(engine("lint", middle), nocache, work)[1], pairs)
    report.row(f"  first lint, {sizes[1]:,} scenes (fills the cache)", ms(first), f"cache off {ms(lint)}", ratio, "", None,
               ratio_text(ratio, low, high))
    warm_env = fresh_cache()
    child(engine("lint", middle), warm_env, work)
    warm, bare, ratio, low, high = paired(lambda: child(engine("lint", middle), warm_env, work)[1],
                                          lambda: child(python("-c", BARE_PARSE, middle), base, work)[1], pairs)
    report.row(f"warm lint, {sizes[1]:,} scenes unchanged", ms(warm), f"bare C-YAML parse {ms(bare)}", ratio, "<= 0.3x",
               ratio <= 0.3, ratio_text(ratio, low, high))
    edits = iter(range(10**6))

    def relint() -> float:
        edit_one_file(folders[sizes[1]], next(edits))
        return child(engine("lint", middle), warm_env, work)[1]

    again, lint, ratio, low, high = paired(relint, lambda: child(engine("lint", middle), nocache, work)[1], pairs)
    report.row(f"re-lint after editing one scene, {sizes[1]:,}", ms(again), f"cold lint {ms(lint)}", ratio, "<= 0.1x",
               ratio <= 0.1, ratio_text(ratio, low, high))
    # memory: peak RSS of a cold lint against keeping every parsed document (PyYAML's C loader)
    rss, kept, ratio, low, high = paired(lambda: child(engine("lint", big), nocache, work)[2],
                                         lambda: child(python("-c", KEPT_PARSE, big), base, work)[2], max(1, pairs // 2))
    report.row(f"peak memory, cold lint of {sizes[2]:,} scenes", f"{rss / 1024:.0f} MiB",
               f"parsed documents kept {kept / 1024:.0f} MiB", ratio, "<= 2x", ratio <= 2, ratio_text(ratio, low, high))
    bench_peers(report, folders[sizes[1]], nocache, work)


def bench_peers(report: Report, folder: Path, env: dict[str, str], work: Path) -> None:
    """Tools an author might otherwise run over the same files, when they are installed."""
    files = [str(p) for p in sorted(folder.glob("*/*.yaml"))]
    # on the PATH, or beside this Python (`pip install -e '.[bench]'` in a virtualenv not activated)
    where = os.pathsep.join([os.environ.get("PATH", ""), str(Path(sys.executable).parent)])
    peers = {
        "yamllint": ["-d", "default", *files],
        "check-jsonschema": ["--schemafile", str(ROOT / "schema" / "scene.schema.json"), *[f for f in files if "/scenes/" in f]],
    }
    for name, arguments in peers.items():
        program = shutil.which(name, path=where)
        if program is None:
            print(f"  ({name} is not installed: not compared; pip install -e '.[bench]')")
            continue
        args = [program, *arguments]
        lint, peer, ratio, low, high = paired(lambda: child(engine("lint", str(folder)), env, work)[1],
                                              lambda a=args: child(a, env, work)[1], 3)  # type: ignore[misc]
        report.row(f"cold lint vs {name}", ms(lint), f"{name} {ms(peer)}", ratio, "", None, ratio_text(ratio, low, high))


# --- 3. play-tests ------------------------------------------------------------------------------


def bare_walks(story: Story, runs: int, seed: int, max_steps: int) -> tuple[dict[str, int], dict[tuple[str, int], int]]:
    """`hungary56 test`'s random runs (least-used open choice, rng.choice on ties) over plain dicts:
    the scene graph with the compiled guards and effects, mutable variables, and the counters."""
    graph = {
        scene.id: (
            scene.ending is not None,
            [(c.index, c.condition.test if c.condition else None, c.goto,
              [(e.assignment.target, e.assignment.op, e.value) for e in c.effects]) for c in scene.choices],
            [v.condition.test for v in scene.variants if v.condition is not None],
        )
        for scene in story.scenes.values()
    }
    rng = random.Random(seed)
    used: dict[tuple[str, int], int] = {}
    entered: dict[str, int] = {}
    initial = story.initial_variables()
    for _ in range(runs):
        variables, visits, scene, steps = dict(initial), {story.start: 1}, story.start, 0
        while True:
            entered[scene] = entered.get(scene, 0) + 1
            ending, choices, variants = graph[scene]
            if ending or steps == max_steps:
                break
            env = (variables, visits)
            for test in variants:
                test(env)
            options = [i for i, test, _goto, _do in choices if test is None or test(env)]
            if not options:
                break
            counts = [used.get((scene, i), 0) for i in options]
            least = min(counts)
            index = rng.choice([i for i, n in zip(options, counts) if n == least])
            used[(scene, index)] = used.get((scene, index), 0) + 1
            _i, _test, goto, effects = choices[index]
            for target, op, value in effects:
                result = value(env)
                variables[target] = result if op == "=" else variables[target] + result if op == "+=" else variables[target] - result
            scene = goto
            visits[scene] = visits.get(scene, 0) + 1
            steps += 1
    return entered, used


def bench_playtests(report: Report, stories: list[tuple[str, Story, str, float]], runs: int, pairs: int) -> None:
    from engine.author.playtest import random_runs

    max_steps = 500
    for name, story, target_text, target in stories:
        ours = random_runs(story, runs, seed=1, max_steps=max_steps)
        entered, used = bare_walks(story, runs, 1, max_steps)
        if dict(ours.scenes) != entered or dict(ours.choices) != used:
            raise SystemExit(f"the bare walk and `hungary56 test` made different runs on {name}: the benchmark is wrong")

        def timed(action: Callable[[], object]) -> float:
            start = time.process_time()
            action()
            return time.process_time() - start

        engine_t, bare_t, ratio, low, high = paired(lambda s=story: timed(lambda: random_runs(s, runs, 1, max_steps)),  # type: ignore[misc]
                                                    lambda s=story: timed(lambda: bare_walks(s, runs, 1, max_steps)),  # type: ignore[misc]
                                                    pairs)
        # throughput ratio: the bare walk's time over ours
        report.row(f"random runs, {name}", f"{runs / engine_t:,.0f}/s", f"bare walk {runs / bare_t:,.0f}/s", 1 / ratio,
                   target_text, 1 / ratio >= target, ratio_text(1 / ratio, 1 / high, 1 / low))


def bench_search(report: Report, story: Story) -> None:
    import tracemalloc

    from engine.author.search import exhaustive

    start = time.process_time()
    result = exhaustive(story, memory_aware=False)
    seconds = time.process_time() - start
    tracemalloc.start()
    bounded = exhaustive(story, max_states=min(20_000, result.states), memory_aware=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    per_state = peak / bounded.states
    report.row("exhaustive search, bundled story", ms(seconds), f"{result.states:,} states", None, "", None)
    report.row("  memory per state (tracemalloc peak)", f"{per_state:.0f} B", "1 KiB", per_state / 1024, "<= 1.0x",
               per_state <= 1024)


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
        return str(self.rng.choice(range(len(options))) + 1)  # the numbers shown count open choices only


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
        facts = lint.facts_of(story)
        timings[size] = cpu_time(functools.partial(lint.lint_story, story), repeats)
        traps[size] = cpu_time(functools.partial(lint.scene_traps, lint.build_graph(facts), facts), repeats)
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


SECTIONS = ("start", "lint", "play", "saves", "traps", "web")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: small stories, few repeats")
    parser.add_argument("--only", action="append", choices=SECTIONS, metavar="SECTION",
                        help=f"run only this section (repeatable): {', '.join(SECTIONS)}")
    parser.add_argument("--sizes", type=lambda text: tuple(int(n) for n in text.split(",")), metavar="S,M,L",
                        help="the three synthetic story sizes (default 1000,10000,20000; quick 500,1000,2000)")
    args = parser.parse_args(argv)
    quick = args.quick
    only = set(args.only or SECTIONS)
    # Every process measured finds the engine's bytecode written, as an installed wheel has it: a
    # shell with PYTHONDONTWRITEBYTECODE=1 (or a fresh checkout) would otherwise have each child
    # compile the engine from source, which no player or author pays twice.
    compileall.compile_dir(ROOT / "engine", quiet=1)
    report = Report()
    argument, story_dir = play_story()
    with tempfile.TemporaryDirectory(prefix="hungary56-bench-") as temp:
        work = Path(temp)
        os.environ["HUNGARY56_CACHE_DIR"] = str(work / "cache-bench")
        story = load_story(story_dir)
        print(f"hungary56 benchmarks{' (quick)' if quick else ''}: python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs; story for play: {story_dir} ({len(story.scenes)} scenes)")
        sizes = args.sizes or ((500, 1_000, 2_000) if quick else (1_000, 10_000, 20_000))
        if len(sizes) != 3:
            parser.error("--sizes takes three numbers, e.g. 1000,10000,20000")
        pairs = 3 if quick else 7
        if "start" in only:
            print("1. start-up")
            bench_start(report, argument, story, 5 if quick else 15, work)
        if "lint" in only:
            print("2. lint at scale")
            bench_lint(report, sizes, pairs, work)
        if "play" in only:
            print("3. play-tests")
            if not (work / f"synthetic-{sizes[1]}").is_dir():
                write_story(work / f"synthetic-{sizes[1]}", sizes[1])
            big = load_story(work / f"synthetic-{sizes[1]}")
            bench_playtests(report, [("bundled story", story, ">= 0.7x", 0.7),
                                     (f"{sizes[1]:,} scenes", big, ">= 0.6x", 0.6)], 300 if quick else 3_000, pairs)
            bench_search(report, story)
        if "saves" in only:
            print("4. saves and turns")
            bench_saves(report, story, 20 if quick else 200, 50 if quick else 500, work)
        if "traps" in only:
            print("5. trap detection")
            bench_traps(report, (2_000, 4_000), 3 if quick else 9)
        if "web" in only:
            print("6. the browser build (headless Chromium)")
            from bench.web import bench_web

            bench_web(report, story, 1 if quick else 3)
    if report.missed:
        print(f"MISSED: {', '.join(report.missed)}")
        return 1
    print("every target holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
