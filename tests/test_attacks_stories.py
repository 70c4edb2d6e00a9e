"""Regression tests for the attack review's hostile-story findings (reviews/2026-11-29/reliability.md),
each run the way the review ran it: `hungary56 lint` (or `test`, `play`) on a copy of
examples/starter holding the hostile file, under an address-space limit."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env

STARTER = REPO / "examples" / "starter"
LIMIT = 1_500_000 * 1024  # the review's `ulimit -v 1500000`


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def limited_cli(*args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args], input=stdin, capture_output=True, text=True, cwd=REPO,
        env=cli_env(HUNGARY56_NO_CACHE="1"), timeout=timeout, preexec_fn=_limit_memory,
    )


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "S"
    shutil.copytree(STARTER, folder)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x {b: *x}\n"], ids=["sequence", "mapping"])
def test_h1_a_recursive_alias_is_a_located_error_not_endless_memory(story: Path, text: str) -> None:
    (story / "scenes" / "x.yaml").write_text(text, encoding="utf-8")
    for command in ("lint", "graph", "walkthrough", "test"):
        result = limited_cli(command, str(story))
        assert result.returncode == 1, (command, result.stderr[-2000:])
        assert "Traceback" not in result.stderr + result.stdout
        shown = result.stdout + result.stderr
        assert "scenes/x.yaml:1:4: error" in shown and "an alias refers to its own anchor" in shown, shown


TINY = REPO / "tests" / "fixtures" / "stories" / "tiny"
LOOP_SQUARE = """scenes:
  - id: square
    chapter: two
    title: The square
    date: 1956-10-24
    where: Kossuth tér
    text: Tanks at the Parliament.
    note: Soviet tanks stood outside Parliament by noon.
    sources: [article]
    choices:
      - label: Again
        goto: square
        do: ["{effect}"]
        kind: plausible
        history: Some waited.
      - label: Go home
        goto: end_home
        if: "visits(square) >= 60"
        kind: historical
        history: Most went home.
  - id: end_home
    chapter: two
    title: Home
    date: 1956-10-24
    where: Józsefváros
    text: You go home.
    note: Most stayed.
    sources: [article]
    ending: {{title: Home, kind: stayed, epilogue: You lived.}}
"""


def looping_story(tmp_path: Path, effect: str) -> Path:
    """The tiny story with a choice that runs `effect` and loops back, 60 times before the way out."""
    folder = tmp_path / "loop"
    shutil.copytree(TINY, folder)
    story_yaml = folder / "story" / "story.yaml"
    story_yaml.write_text(story_yaml.read_text(encoding="utf-8").replace(
        "variables:\n", "variables:\n  s: {type: str, initial: x, description: Grows.}\n"), encoding="utf-8")
    (folder / "scenes" / "two.yaml").write_text(LOOP_SQUARE.format(effect=effect), encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("effect, message", [
    ("s += s", "the text grows past 100,000 characters"),
    ("courage += courage + 1", "the number grows past ±9,007,199,254,740,991"),
], ids=["M5-string-doubling", "M3-number-doubling"])
def test_m5_m3_a_value_doubling_on_a_loop_is_stopped_with_a_located_message(
        tmp_path: Path, effect: str, message: str) -> None:
    story = looping_story(tmp_path, effect)
    linted = limited_cli("lint", str(story))
    assert linted.returncode == 0, linted.stdout  # the review's story passes lint: the limit is at run time
    tested = limited_cli("test", str(story), "--runs", "5")
    assert tested.returncode == 1 and "Traceback" not in tested.stderr, tested.stderr[-2000:]
    assert message in tested.stdout and "scenes/two.yaml:13:" in tested.stdout, tested.stdout
    saves = tmp_path / "saves"
    played = limited_cli("play", str(story), "--saves", str(saves), stdin="2\n\n" + "1\n" * 70 + "quit\n")
    assert played.returncode == 0 and "Traceback" not in played.stderr, played.stderr[-2000:]
    shown = " ".join(played.stdout.split())  # the message is wrapped to the terminal
    assert "This choice cannot be taken" in shown and message in shown
    assert "Progress saved" in played.stdout
    resumed = limited_cli("play", str(story), "--saves", str(saves), "--continue", stdin="quit\n")
    assert resumed.returncode == 0, resumed.stderr
    assert (saves / "tiny" / "autosave.json").stat().st_size < 1_000_000  # D/STORY-ID/ (review 2026-12-06 NM8)


@pytest.mark.slow
def test_m4_a_48_mib_file_of_tiny_nodes_is_refused_quickly_in_bounded_memory(story: Path) -> None:
    nodes = 24 * 2**20  # the review's `x: [1,1,1,…]`: 48 MiB, no anchors
    (story / "scenes" / "x.yaml").write_bytes(b"x: [" + b"1," * (nodes - 1) + b"1]\n")
    result = limited_cli("lint", str(story), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "scenes/x.yaml:1:" in result.stdout and "more than 2,000,000 values" in result.stdout
    assert "aliases" not in result.stdout


ESCAPES = {
    "clear screen": "\\e[2J",
    "window title": "\\e]0;PWNED\\a",
    "clipboard": "\\e]52;c;cm0gLXJmIH4=\\a",
    "hidden link": "\\e]8;;http://evil.example/\\e\\\\click\\e]8;;\\e\\\\",
    "hidden text": "\\e[8msecret\\e[0m",
    "C1 CSI and OSC": "\\x9b2J\\x9d0;x\\a",
    "bidi override": "\\u202eevil",
}
C0_C1 = "".join(chr(c) for c in range(32) if chr(c) not in "\n") + "\x7f" + "".join(map(chr, range(0x80, 0xA0)))


@pytest.mark.slow
def test_m6_story_text_cannot_send_escape_sequences_to_the_player(story: Path) -> None:
    scene = story / "scenes" / "one.yaml"
    text = scene.read_text(encoding="utf-8")
    payload = "".join(ESCAPES.values())
    text = text.replace("    title: At the gate\n", f'    title: "At the gate{payload}"\n', 1)
    text = text.replace("label: Push to the front\n",
                        'label: "Push to the front\\e[1A\\e[2K  9. a forged choice"\n', 1)
    scene.write_text(text, encoding="utf-8")
    linted = limited_cli("lint", str(story))
    assert linted.returncode == 0, linted.stdout
    assert not set(linted.stdout) & set(C0_C1 + "\u202e\u2066"), "lint printed a raw control character"
    warnings = [line for line in linted.stdout.splitlines() if "W109" in line]
    assert len(warnings) == 2 and all(line.startswith(str(scene)) for line in warnings), linted.stdout
    assert "\\x1b" in linted.stdout and "\\u202e" in linted.stdout
    played = limited_cli("play", str(story), "--no-color", "--saves", str(story / "saves"), stdin="1\nquit\n")
    assert played.returncode == 0, played.stderr
    assert not set(played.stdout) & set(C0_C1 + "\u202e"), "the game printed a raw control character"
    assert "At the gate" in played.stdout and "Push to the front" in played.stdout
    assert "\n  9. a forged choice" not in played.stdout


def test_m6_the_terminal_drops_control_characters_from_any_text(capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from engine.core.render import Block
    from engine.play.terminal import TextOutput

    stream = io.StringIO()
    TextOutput(stream, colour=False, width=80).show([Block("text", "a\x1b]0;x\x07b\x9b2Jc\u202ed")])
    assert stream.getvalue().strip() == "a]0;xb2Jcd"


@pytest.mark.slow
def test_l1_lint_prints_a_hostile_file_name_escaped(story: Path) -> None:
    name = "x\x1b]0;PWNED\x07\x1b[2J\nfake.yaml:1:1: error E999 forged\n.yaml"
    (story / "scenes" / name).write_text("scenes: [\n", encoding="utf-8")
    result = limited_cli("lint", str(story))
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert not any(line.startswith("fake.yaml") for line in result.stdout.splitlines())
    assert "x\\x1b]0;PWNED\\x07\\x1b[2J\\nfake.yaml:1:1: error E999 forged\\n.yaml:" in result.stdout


def lint_lines(story: Path) -> list[str]:
    result = limited_cli("lint", str(story))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stdout.splitlines() if " error " in line or " warning " in line]


@pytest.mark.slow
@pytest.mark.parametrize("damage", [
    ("title: \"A first story: the radio building\"", "title: !!python/name:os.system"),  # the review's
    ("title: \"A first story: the radio building\"", "title: \"unclosed"),
    ("id: starter", "id: starter\n\tversion: 2"),
], ids=["python-tag", "unclosed-quote", "tab"])
def test_l12_an_unreadable_story_file_is_one_error_not_a_cascade_of_missing_keys(
        story: Path, damage: tuple[str, str]) -> None:
    path = story / "story" / "story.yaml"
    text = path.read_text(encoding="utf-8")
    assert damage[0] in text
    path.write_text(text.replace(damage[0], damage[1]), encoding="utf-8")
    lines = lint_lines(story)
    assert len(lines) == 1 and "story/story.yaml:" in lines[0] and "E001" in lines[0], lines


@pytest.mark.slow
def test_l12_an_unknown_top_level_key_is_reported_once(story: Path) -> None:
    with (story / "story" / "story.yaml").open("a", encoding="utf-8") as handle:
        handle.write("variables2: 1\n")  # the review's
    lines = lint_lines(story)
    assert len(lines) == 1 and "unknown key 'variables2'" in lines[0] and "story/story.yaml:" in lines[0], lines


@pytest.mark.slow
def test_l12_a_key_missing_from_every_story_file_is_located_in_story_yaml(story: Path) -> None:
    path = story / "story" / "story.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: starter\n", ""), encoding="utf-8")
    lines = lint_lines(story)  # not at glossary.yaml:3:1, the first story file in order
    assert len(lines) == 1 and "story/story.yaml:" in lines[0] and "missing required key 'id'" in lines[0], lines
