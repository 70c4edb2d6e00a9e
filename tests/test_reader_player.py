"""The reader, at unit level with the real PromptSession (create_pipe_input): pages, undo and redo,
Ctrl-C, malformed answers, menus without gaps, the glossary, stats, settings, votes, saves folders."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from engine.core import lookup, machine, render
from engine.core.render import Block
from engine.core.why import hidden_reason
from engine.io.loader import load_story
from engine.io.paths import saves_dir
from engine.io.saves import SaveStore
from engine.play.pager import layout, remainder, split_paragraphs
from engine.play.session import TEACHER, Session
from engine.play.settings import (
    THEME_BACKGROUNDS,
    THEME_STYLES,
    Settings,
    contrast,
    escapes_allowed,
    load_settings,
    xterm_rgb,
)
from engine.play.start import EndingsRecord, SettingsControl
from engine.play.terminal import PromptConsole, TextOutput
from tests.conftest import FIXTURES, TINY, run_cli
from tests.terminal_support import typed_session

pytestmark = pytest.mark.slow  # every test here types into the real prompt-toolkit reader, paced

CLASSROOM = FIXTURES / "stories" / "classroom"


def play(keys: list[str], tmp_path: Path, story_dir: Path = TINY, rows: int = 40, width: int = 80,
         **kwargs: Any) -> tuple[str, Session]:
    """Type `keys` (chunks, with pauses, as a person) into the real PromptSession; Ctrl-D at the end."""
    story = load_story(story_dir)
    out = io.StringIO()
    chunks = list(keys)
    if not chunks or not chunks[-1].endswith(("\x03", "\x04")):
        chunks.append("\x15\x04")  # Ctrl-U clears whatever is left on the line, then Ctrl-D: the end
    with typed_session(chunks, pause=0.25) as prompt:
        console = PromptConsole(TextOutput(out, colour=False, width=width), prompt, height=rows)
        session = Session(story, console, SaveStore(tmp_path / "saves"), **kwargs)
        session.run()
        assert not session.running
    return out.getvalue(), session


# --- pages -------------------------------------------------------------------------------------


def test_a_page_never_holds_more_lines_than_the_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 8 rows the first scene (header, 2 paragraphs, menu) needs pages: no page is taller than 7
    lines plus its `-- more --`, and every word arrives."""
    more = PromptConsole.wait_more

    def marked(self: PromptConsole, prompt: str) -> str:
        self.output.write("<<more>>\n")
        return more(self, prompt)

    monkeypatch.setattr(PromptConsole, "wait_more", marked)
    # Spaces turn the pages; those left over are typed at the prompt, and Enter sends them.
    out, _ = play([" "] * 6 + ["\r"], tmp_path, rows=8, width=30)
    pages = out.split("<<more>>\n")
    assert len(pages) >= 2
    for page in pages[:-1]:
        assert len(page.splitlines()) <= 7, page
    text = " ".join(out.split())
    for word in "The crowd presses against the gate. Someone hands you a rifle. Smoke drifts over the street.".split():
        assert word in text
    assert out.index("At the gate") < out.index("The crowd presses")


def test_layout_and_remainder_rewrap_what_is_left_at_a_new_width() -> None:
    blocks = split_paragraphs([Block("text", "one two three four five six seven eight nine ten " * 3)])
    lines = layout(blocks, 20)
    rest = remainder(blocks, lines[1])  # two lines shown
    shown = " ".join(line.text for line in lines[:2]).split()
    left = rest[0].text.split()
    assert shown + left == blocks[0].text.split()  # nothing lost, nothing twice
    wider = layout(rest, 60)
    assert len(wider) < len(layout(rest, 20))  # the rest is laid out again at the new width


def test_the_reveal_has_a_screen_of_its_own_and_the_choice_is_echoed(tmp_path: Path) -> None:
    out, _ = play(["1\r", " "], tmp_path)
    reveal = out.index("PLAUSIBLE - some real people did this")
    assert out.index("You chose: Take the rifle") < reveal < out.index("In the street")


def test_the_ending_stands_alone_and_the_debrief_comes_when_asked(tmp_path: Path) -> None:
    out, session = play(["2\r", " ", "\r", " ", "2\r", " "], tmp_path)
    assert "THE END: Home" in out and "Debrief" not in out
    out, session = play(["2\r", " ", "\r", " ", "2\r", " ", "\r"], tmp_path)
    assert out.index("THE END: Home") < out.index("Debrief: your path beside history")


def test_look_shows_the_scene_again(tmp_path: Path) -> None:
    out, _ = play(["look\r"], tmp_path)
    assert out.count("The crowd presses against the gate") == 2


# --- input -------------------------------------------------------------------------------------


def test_undo_takes_back_one_choice_over_a_press_enter_step_and_redo_brings_it_back(tmp_path: Path) -> None:
    # rifle, Space past the reveal, Enter at the street, Space past chapter two's card: the square.
    out, session = play(["1\r", " ", "\r", " ", "undo\r"], tmp_path)
    assert "Undone: Take the rifle." in out
    assert session.state.scene == "gate"
    out, session = play(["1\r", " ", "\r", " ", "undo\r", "redo\r", " "], tmp_path)
    assert "Redone." in out and session.state.scene == "square"


def test_ctrl_c_clears_a_typed_line_and_leaves_on_an_empty_one(tmp_path: Path) -> None:
    out, session = play(["glos", "\x03", "history\r", "\x03"], tmp_path)
    assert "You have not made a choice yet." in out  # the line was cleared, not "gloshistory"
    assert not session.running and out.rstrip().endswith("Goodbye.")


@pytest.mark.parametrize("typed", ["1 2", "2 1", "1 quit"])
def test_two_answers_at_once_get_a_one_line_explanation(tmp_path: Path, typed: str) -> None:
    out, session = play([typed + "\r"], tmp_path)
    assert f"'{typed}' is more than one answer: type one choice number, then Enter." in out
    assert session.state.scene == "gate"


def test_menus_number_only_the_choices_shown(tmp_path: Path) -> None:
    story = load_story(TINY)
    state = machine.choose(story, machine.choose(story, machine.new_game(story), 1), 0)  # unarmed at the square
    blocks = render.choice_blocks(machine.offers(story, state))
    assert [b.text for b in blocks] == ["1. Go home", "2. What if the tanks turned back?"]


def test_help_timeline_and_saves_wrap_at_the_text_width(tmp_path: Path) -> None:
    out, _ = play(["help\r", "timeline\r", "save a-rather-long-slot-name-for-a-narrow-window\r", "saves\r"],
                  tmp_path, width=40, rows=300)
    for line in out.splitlines():
        assert len(line) <= 40, line
    assert "Commands" in out and "23 October 1956: Chapter one" in out and "Saved games in" in out


@pytest.mark.parametrize("asked", ["avh", "AVH", "ávh", "Ávh"])
def test_glossary_lookup_ignores_accents_and_capitals(asked: str) -> None:
    story = load_story(TINY)
    blocks = lookup.glossary_blocks(story, asked)
    assert blocks[0].text == "ÁVH"


# --- stats, endings, settings ------------------------------------------------------------------


def test_stats_show_only_variables_with_a_label() -> None:
    story = load_story(CLASSROOM)
    state = machine.choose(story, machine.new_game(story), 0)
    text = [b.text for b in render.stats_blocks(story, state)]
    assert text == ["What your choices have changed", "Courage: 1"]  # U12: "Armed: no" was never a choice's
    start_text = [b.text for b in render.stats_blocks(story, machine.new_game(story))]
    assert start_text == ["Your choices have not yet changed anything the story keeps track of."]
    assert render.stats_blocks(load_story(TINY), state)[0].text.startswith("This story keeps nothing")


def test_endings_found_are_recorded_across_games(tmp_path: Path) -> None:
    record = EndingsRecord(tmp_path)
    play(["2\r", " ", "\r", " ", "2\r", " "], tmp_path, endings=record)
    assert record.found() == ["end_home"]
    play(["2\r", " ", "\r", " ", "2\r", " "], tmp_path, endings=record)
    assert record.found() == ["end_home"]


def test_settings_are_saved_and_change_the_reveal(tmp_path: Path) -> None:
    control = SettingsControl(Settings(), path=tmp_path / "settings.json")
    out, session = play(["settings reveal debrief\r", "1\r", " "], tmp_path, settings=control)
    assert "reveal is now debrief. Saved." in out
    assert "PLAUSIBLE - some real people did this" not in out  # no reveal after the choice now
    assert load_settings(tmp_path / "settings.json").reveal == "debrief"
    out, _ = play(["settings theme purple\r", "settings width 5\r"], tmp_path, settings=control)
    assert "Theme can be auto, dark, light, none, not 'purple'." in out
    assert "Width can be auto or a number from 30 to 200, not '5'." in out


def test_a_damaged_settings_file_falls_back_to_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for text in ("{", "[]", '{"reveal": 3, "theme": "neon", "width": true}', "\xff"):
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        assert load_settings(path) == Settings()


def test_the_reveal_at_the_end_of_a_chapter(tmp_path: Path) -> None:
    from engine.play.session import player_mode

    out, _ = play(["1\r", "\r", " ", " "], tmp_path, mode=player_mode("chapter"))
    chapter_end = out.index("WHAT REALLY HAPPENED: CHAPTER ONE")
    assert out.index("In the street") < chapter_end < out.index("The square")
    assert "Some in the crowd took arms" in out[chapter_end:]


@pytest.mark.parametrize("theme", sorted(THEME_STYLES))
def test_every_colour_of_both_themes_reaches_wcag_aa_contrast(theme: str) -> None:
    for background in THEME_BACKGROUNDS[theme]:
        for style, (index, _bold) in THEME_STYLES[theme].items():
            if index < 0:
                continue  # the terminal's own foreground: made for its background
            ratio = contrast(xterm_rgb(index), background)
            assert ratio >= 4.5, f"{theme}: {style} (colour {index}) on {background} is only {ratio:.2f}:1"


def test_contrast_is_computed_as_wcag_does() -> None:
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((0, 0, 255), (0, 0, 0)), 2) == 2.44  # ANSI blue on black: why `plausible` moved
    assert xterm_rgb(16) == (0, 0, 0) and xterm_rgb(231) == (255, 255, 255) and xterm_rgb(244) == (128, 128, 128)


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_color_and_a_dumb_terminal_mean_no_escape_codes(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert escapes_allowed(Tty())
    monkeypatch.setenv("NO_COLOR", "")  # empty: not set, says the NO_COLOR convention
    assert escapes_allowed(Tty())
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert not escapes_allowed(Tty())


def test_dumb_terminal_in_a_pty_gets_no_escape_codes(tmp_path: Path) -> None:
    import sys

    import pexpect

    from tests.conftest import cli_env

    env = cli_env(TERM="dumb")
    env.pop("NO_COLOR")
    child = pexpect.spawn(sys.executable, ["-m", "engine", "play", str(TINY), "--saves", str(tmp_path)],
                          env=env, encoding="utf-8", timeout=20, dimensions=(40, 100))
    child.expect("Take the rifle")
    child.expect("> ")
    child.send("1\r")
    child.expect("-- more --")
    child.send("\r")
    child.expect("Press Enter to continue")
    child.expect("> ")
    child.sendeof()
    child.expect(pexpect.EOF)
    assert "\x1b" not in child.before


# --- teacher mode ------------------------------------------------------------------------------


def test_a_vote_is_recorded_in_the_reveal_and_the_debrief(tmp_path: Path) -> None:
    out, session = play([" ", "vote 21 4\r", "\r", " ", "debrief\r"], tmp_path, story_dir=CLASSROOM, mode=TEACHER)
    assert "The class voted (25 in all): 1. 21, 2. 4" in out
    reveal = out[out.index("WHAT REALLY HAPPENED"):]
    assert "The class chose: Stay and vote for the points" in reveal
    debrief = out[out.index("Debrief: the class's path beside history"):]
    assert "The class chose: Stay and vote for the points" in debrief and "1. 21, 2. 4" in debrief


def test_a_tied_or_malformed_vote_asks_again(tmp_path: Path) -> None:
    out, session = play([" ", "vote 5 5\r", "vote 1\r", "vote a b\r"], tmp_path, story_dir=CLASSROOM, mode=TEACHER)
    assert "No single choice has the most votes" in out
    assert out.count("Give one count per choice shown, in order: 2 number(s)") == 2
    assert session.pending is None


def test_the_vote_reaches_the_transcript(tmp_path: Path) -> None:
    from engine.core.transcript import Transcript

    stream = io.StringIO()
    play([" ", "vote 3 9\r", "\r", " "], tmp_path, story_dir=CLASSROOM, mode=TEACHER, transcript=Transcript(stream))
    assert "The class voted (12 in all): 1. 3, 2. 9" in stream.getvalue()


# --- saves folders -----------------------------------------------------------------------------


def test_saves_go_to_the_story_folder_only_when_it_has_a_writable_saves_folder(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUNGARY56_SAVES", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    story = tmp_path / "story"
    story.mkdir()
    assert saves_dir(story, "tiny") == tmp_path / "data" / "hungary56" / "saves" / "tiny"
    assert saves_dir(story, "other") != saves_dir(story, "tiny")  # two stories never share an autosave
    (story / "saves").mkdir()
    assert saves_dir(story, "tiny") == (story / "saves").resolve()
    (story / "saves").chmod(0o500)
    try:
        import os

        if os.access(story / "saves", os.W_OK):  # running as root: permissions do not bind
            pytest.skip("the folder stays writable for this user")
        assert saves_dir(story, "tiny") == tmp_path / "data" / "hungary56" / "saves" / "tiny"
    finally:
        (story / "saves").chmod(0o700)
    monkeypatch.setenv("HUNGARY56_SAVES", str(tmp_path / "env"))
    # one subfolder per story under an explicit folder too (reliability review 2026-12-06, NM8)
    assert saves_dir(story, "tiny") == tmp_path / "env" / "tiny"
    assert saves_dir(story, "tiny", str(tmp_path / "flag")) == tmp_path / "flag" / "tiny"
    assert saves_dir(story, "../../etc").parent == tmp_path / "env"
    monkeypatch.delenv("HUNGARY56_SAVES")
    assert saves_dir(tmp_path / "nowhere", "../../etc").parent == tmp_path / "data" / "hungary56" / "saves"


def test_continue_works_from_any_folder(tmp_path: Path) -> None:
    from tests.conftest import cli_env

    env = cli_env(XDG_DATA_HOME=str(tmp_path / "data"))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    run_cli("play", str(TINY), stdin="1\n", cwd=tmp_path / "a", env=env)
    result = run_cli("play", str(TINY), "--continue", stdin="history\n", cwd=tmp_path / "b", env=env)
    assert result.returncode == 0, result.stderr
    assert "In the street" in result.stdout and "1. At the gate: Take the rifle" in result.stdout
    assert not (tmp_path / "a" / "saves").exists() and not (tmp_path / "b" / "saves").exists()


def test_the_first_scene_is_shown_before_prompt_toolkit_is_imported(tmp_path: Path) -> None:
    """First paint: prompt-toolkit's import is paid for only when the first answer is needed."""
    import subprocess
    import sys

    from tests.conftest import REPO, cli_env

    code = f"""
import io, sys
from engine.io.loader import load_story
from engine.io.saves import SaveStore
from engine.play.session import Session
from engine.play.terminal import PromptConsole, TextOutput

class Probe(PromptConsole):
    def read_line(self, prompt, words):
        shown = "The crowd presses" in out.getvalue()
        print("shown" if shown else "not shown", "loaded" if "prompt_toolkit" in sys.modules else "not loaded")
        raise EOFError

out = io.StringIO()
Session(load_story({str(TINY)!r}), Probe(TextOutput(out, colour=False, width=80), height=40),
        SaveStore({str(tmp_path)!r})).run()
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=cli_env(),
                            timeout=60)
    assert result.stdout.strip() == "shown not loaded", result.stderr


def test_hidden_choices_of_the_bundled_story_say_why_in_words_never_the_condition() -> None:
    from engine.io.loader import bundled_story_dir

    story = load_story(bundled_story_dir())
    reasons = [hidden_reason(story, c.condition) for s in story.scenes.values() for c in s.choices
               if c.condition is not None]
    assert reasons
    for reason in reasons:
        assert not any(op in reason for op in (">=", "<=", "==", "!=", " > ", " < ")), reason
        assert not any(name in reason.split() for name in story.variables), reason
    assert "only when 'Carrying a weapon' is yes" in reasons
    nested = hidden_reason(story, type("C", (), {"node": __import__("engine.core.expr", fromlist=["x"])
                                                        .parse_condition("guard or (armed and courage >= 2)")})())
    assert nested == "only when 'In the National Guard' is yes or ('Carrying a weapon' is yes and 'Risks taken' is at least 2)"
