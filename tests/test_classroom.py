"""Teacher mode, chapter jumps, the debrief at every ending and the Markdown transcript, driven as people use them."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.classroom_support import REPO, STORIES, check_golden, cli, env

CLASSROOM = str(STORIES / "classroom")

# A path to an ending in each fixture story, typed one line per prompt.
ENDINGS = {
    "tiny": "1\n\n1\n",          # take the rifle, continue, stand your ground: fallen
    "classroom": "2\n\n2\n",     # go home early, continue, the counterfactual at the gate (2nd shown): home
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ENDINGS))
def test_debrief_at_the_ending_matches_golden(name: str, tmp_path: Path) -> None:
    result = cli("play", str(STORIES / name), "--saves", str(tmp_path), "--width", "80", stdin=ENDINGS[name])
    assert result.returncode == 0, result.stderr
    # Up to the quit message, whose resume hint names this test's own folders.
    ending = result.stdout[result.stdout.index("THE END"):result.stdout.index("Progress saved")]
    check_golden(f"{name}-ending.txt", ending)
    # The resume hint is exact: it names the story folder and the saves folder that were given.
    hint = " ".join(result.stdout[result.stdout.index("Resume with:"):].split())
    assert hint == f"Resume with: {sys.executable} -m engine play {STORIES / name} --saves {tmp_path.resolve()} --continue"


@pytest.mark.slow
def test_debrief_sets_the_players_path_beside_history(tmp_path: Path) -> None:
    out = cli("play", CLASSROOM, "--saves", str(tmp_path), "--width", "200", stdin=ENDINGS["classroom"]).stdout
    debrief = out[out.index("Debrief: your path beside history"):]
    assert "You chose: Go home early [PLAUSIBLE]" in debrief
    assert "What really happened: Stay and vote for the points [HISTORICAL]" in debrief
    assert "Thousands stayed; the points were adopted after midnight." in debrief
    assert "You chose: Persuade the guards to open the gate [COUNTERFACTUAL]" in debrief
    assert "What really happened: Help carry the wounded [HISTORICAL]" in debrief
    # Chapters covered, terms met (only those of visited scenes), sources cited by visited scenes.
    assert "The sixteen points (22 October 1956)" in debrief
    assert "The radio building (23 October 1956 to 24 October 1956)" in debrief
    assert "MEFESZ: The independent students' union" in debrief and "ÁVH: The State Protection" in debrief
    # cited by the work, never by the story's key (U4)
    assert debrief.index("The sixteen points of 22") < debrief.index("encyclopedia article") < debrief.index("Nagy's radio")
    assert "[points]" not in debrief and "[nagy-broadcast]" not in debrief


@pytest.mark.slow
def test_debrief_command_mid_game_and_the_plain_player_keeps_hidden_choices_hidden(tmp_path: Path) -> None:
    out = cli("play", CLASSROOM, "--saves", str(tmp_path), stdin="2\ndebrief all\n\n").stdout
    assert "You chose: Go home early [PLAUSIBLE]" in out
    gate = out[out.rindex("At the radio gate"):]
    assert "Take a rifle" not in gate and "HIDDEN" not in gate  # players never see what they cannot choose
    assert "1. Help carry the wounded" in gate  # numbered without a gap for the hidden one


@pytest.mark.slow
def test_transcript_is_markdown_with_scenes_choices_annotations_and_debrief(tmp_path: Path) -> None:
    transcript = tmp_path / "student.md"
    result = cli("play", CLASSROOM, "--saves", str(tmp_path), "--transcript", str(transcript),
                 stdin=ENDINGS["classroom"])
    assert result.returncode == 0, result.stderr
    check_golden("classroom-transcript.md", transcript.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_transcript_survives_a_killed_session(tmp_path: Path) -> None:
    transcript = tmp_path / "student.md"
    proc = subprocess.Popen(
        [sys.executable, "-m", "engine", "play", CLASSROOM, "--saves", str(tmp_path), "--transcript", str(transcript)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", cwd=REPO, env=env(),
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("1\n")
    proc.stdin.flush()
    seen = ""
    while "Before the march" not in seen:  # the game has taken the choice and shown the next scene
        line = proc.stdout.readline()
        assert line, "the game ended early"
        seen += line
    proc.kill()  # no chance to clean up: what was written must already be on disk
    proc.wait(timeout=30)
    text = transcript.read_text(encoding="utf-8")
    assert "### The meeting in the hall" in text
    assert "**Chosen: 1. Stay and vote for the points**" in text
    assert "**HISTORICAL - this is what really happened**" in text
    assert "Thousands stayed" in text and "### Before the march" in text


@pytest.mark.slow
def test_transcript_of_a_game_left_early_ends_with_the_debrief_so_far(tmp_path: Path) -> None:
    transcript = tmp_path / "t.md"
    cli("play", CLASSROOM, "--saves", str(tmp_path), "--transcript", str(transcript), stdin="2\nquit\n")
    text = transcript.read_text(encoding="utf-8")
    assert text.index("## Debrief so far") < text.index("You chose: Go home early")


@pytest.mark.slow
def test_unwritable_transcript_is_a_clear_error(tmp_path: Path) -> None:
    result = cli("play", CLASSROOM, "--saves", str(tmp_path), "--transcript", str(tmp_path / "no" / "t.md"))
    assert result.returncode == 2
    assert "cannot write the transcript" in result.stderr and "Traceback" not in result.stderr


# --- chapter jumps -------------------------------------------------------------------------------


@pytest.mark.slow
def test_unknown_chapter_lists_the_chapter_ids_with_computed_reading_times(tmp_path: Path) -> None:
    result = cli("play", CLASSROOM, "--saves", str(tmp_path), "--chapter", "radoi")
    assert result.returncode == 2
    assert "there is no chapter 'radoi' in this story; its chapters are:" in result.stderr
    # the figures come from the words (1 min for these short chapters), not the typed 4 and 6
    assert re.search(r"^  points +The sixteen points \(1 min aloud, 1 silent; 1 decision\)$", result.stderr, re.M), result.stderr
    assert re.search(r"^  radio +.*\(1 min aloud, 1 silent; 1 decision\)$", result.stderr, re.M), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_chapter_opening_shows_the_computed_reading_time_of_the_bundled_story(tmp_path: Path) -> None:
    from engine.core import reading
    from engine.io.loader import load_story

    story = load_story(REPO)
    radio = reading.chapter_figures(story)["ch05_radio"]
    result = cli("play", "--teacher", "--chapter", "ch05_radio", "--saves", str(tmp_path), stdin="quit\n")
    assert result.returncode == 0, result.stderr
    assert f"Reading time: about {radio.aloud} min aloud, {radio.silent} silent ({radio.words} words" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(("typed", "fails"), [(1, False), (3, True), (9, True)])
def test_lint_warns_when_a_typed_reading_time_is_more_than_20_percent_off(tmp_path: Path, typed: int, fails: bool) -> None:
    """The tiny story's first chapter reads aloud in well under a minute: 1 typed minute is within a
    minute of it; 3 or 9 are not, and lint warns with W364 at the chapter. The field is deprecated,
    and a deprecated field is a warning, never an error: lint still passes (issue #25)."""
    import shutil

    story = tmp_path / "tiny"
    shutil.copytree(STORIES / "tiny", story)
    path = story / "story" / "story.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    first: gate\n", f"    first: gate\n    reading_minutes: {typed}\n", 1), encoding="utf-8")
    result = cli("lint", str(story))
    assert ("warning W364" in result.stdout) is fails, result.stdout
    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_chapter_jump_applies_the_chapters_setup_without_teacher_mode(tmp_path: Path) -> None:
    out = cli("play", CLASSROOM, "--saves", str(tmp_path), "--chapter", "radio", stdin="1\n").stdout
    assert "The meeting in the hall" not in out
    assert "1. Take a rifle from the lorry" in out  # `courage = 2` from the chapter's setup opens it
    assert "PLAUSIBLE - some real people did this" in out
    assert "THE END: Home" in out


@pytest.mark.slow
def test_chapter_and_continue_cannot_be_combined(tmp_path: Path) -> None:
    result = cli("play", CLASSROOM, "--chapter", "radio", "--continue")
    assert result.returncode == 2 and "not allowed with argument" in result.stderr


# --- teacher mode --------------------------------------------------------------------------------


def _after(out: str, answer: str, start: int = 0) -> tuple[str, int]:
    """The output shown after the prompt answered with `answer` (searching from `start`), up to the next prompt."""
    marker = f"> {answer}\n"
    begin = out.index(marker, start) + len(marker)
    end = out.find(" > ", begin)
    return out[begin:end if end != -1 else len(out)], begin


@pytest.mark.slow
def test_teacher_mode_end_to_end_from_a_pipe(tmp_path: Path) -> None:
    lines = ["1", "", "", "2", "1", "reveal", "card", "quit"]
    result = cli("play", CLASSROOM, "--teacher", "--saves", str(tmp_path), stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    opening = out[:out.index("Class choice >")]
    # Each chapter opens with its reading time, summary and source cards; the decision shows the questions.
    assert "THE SIXTEEN POINTS" in opening and "Reading time: about 1 min aloud, 1 silent (50 words; 1 decision)" in opening
    assert "[SOURCE CARD]" in opening and "We demand the immediate withdrawal" in opening
    assert opening.index("The hall is full") < opening.index("[DISCUSS]") < opening.index("1. Stay and vote")
    # The scene's own question, not the chapter's (those wait for the chapter's end).
    assert "What might staying for the vote cost" in opening and "Who were the demands addressed" not in opening

    chose, at = _after(out, "1")
    assert "The class chose: 1. Stay and vote for the points" in chose
    assert "WHAT REALLY HAPPENED" not in chose and "Thousands stayed" not in chose  # the reveal waits

    revealed, at = _after(out, "", at)
    assert "WHAT REALLY HAPPENED" in revealed and "[HISTORICAL] The class chose: Stay and vote" in revealed
    assert "Thousands stayed" in revealed and "Before the march" in revealed

    gate, at = _after(out, "", at)
    # The chapter ends on a stop screen with the chapter's questions, then the next one opens.
    assert gate.index("END OF CHAPTER: THE SIXTEEN POINTS") < gate.index("Who were the demands addressed to?") \
        < gate.index("THE RADIO BUILDING")
    assert "THE RADIO BUILDING" in gate and "Reading time: about 1 min aloud, 1 silent (69 words; 1 decision)" in gate
    flat = " ".join(gate.split())
    # The hidden choice is shown unnumbered, with why in words from the variables' labels.
    assert "- Take a rifle from the lorry [not open to players here: only when 'Courage' is at least 2]" in flat
    assert "courage >=" not in flat
    assert "Why might each side tell it its way?" in flat and "What would you have done at the gate" not in gate
    assert "1. Help carry the wounded" in gate and "2. Persuade the guards" in gate

    refused, at = _after(out, "2", at)
    assert "The class chose: 2. Persuade the guards" in refused

    chose, at = _after(out, "1", at)
    assert "The class has chosen" in chose  # a second number before the reveal is refused
    assert "Most of the crowd" not in chose
    revealed, at = _after(out, "reveal", at)
    assert "[COUNTERFACTUAL] The class chose: Persuade the guards" in revealed
    assert "[HISTORICAL] In history: Help carry the wounded" in revealed
    assert "THE END: Home" in revealed and "Debrief: the class's path beside history" in revealed
    assert "The class chose: Persuade the guards" in revealed[revealed.index("Debrief"):]

    card, at = _after(out, "card", at)
    assert "Nobody is to be arrested" in card and "Imre Nagy, 28 October 1956" in card


@pytest.mark.slow
def test_teacher_mode_projects_without_colour_and_with_margins(tmp_path: Path) -> None:
    out = cli("play", CLASSROOM, "--teacher", "--saves", str(tmp_path), stdin="").stdout
    assert "\x1b[" not in out
    text_lines = [line for line in out.splitlines() if line.strip()]
    assert all(line.startswith("    ") for line in text_lines[:-1])
    assert "\n\n\n" in out  # two blank lines between the parts of a screen


def test_teacher_reveal_in_the_real_prompt_toolkit_session(tmp_path: Path) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from engine.core import machine
    from engine.io.loader import load_story
    from engine.io.saves import SaveStore
    from engine.play.session import TeacherSession
    from engine.play.terminal import PromptConsole, TextOutput

    story = load_story(Path(CLASSROOM))
    shown = io.StringIO()

    class MarkedConsole(PromptConsole):
        def ask(self, prompt: str, words: list[str]) -> str:
            answer = super().ask(prompt, words)
            shown.write(f"\n<<answered {answer!r}>>\n")
            return answer

    with create_pipe_input() as pipe:
        # Space past the chapter's opening screen; the class picks the rifle; Enter reveals; Space
        # turns the page after the reveal; quit.
        pipe.send_text(" 1\r\r quit\r")
        console = MarkedConsole(TextOutput(shown, colour=False, width=80),
                                PromptSession(input=pipe, output=DummyOutput()))
        origin = machine.start_chapter(story, story.chapters[1])
        left = TeacherSession(story, console, SaveStore(tmp_path), origin=origin).run()
    # the class's choice was taken at the reveal: one decision in the path, nothing pending
    assert len(left.state.path) == 1 and left.pending is None

    text = shown.getvalue()
    before, after_choice = text.split("<<answered '1'>>")
    after_choice, after_reveal = after_choice.split("<<answered ''>>")
    assert "1. Take a rifle from the lorry" in before and "HIDDEN" not in before  # setup made it available
    assert "The class chose: 1. Take a rifle from the lorry" in after_choice
    assert "WHAT REALLY HAPPENED" not in after_choice
    assert "[PLAUSIBLE] The class chose: Take a rifle from the lorry" in after_reveal
    assert "[HISTORICAL] In history: Help carry the wounded" in after_reveal
    assert "Most of the crowd helped the wounded" in after_reveal


@pytest.mark.slow
def test_teacher_undo_withdraws_the_class_choice_before_the_reveal(tmp_path: Path) -> None:
    out = cli("play", CLASSROOM, "--teacher", "--saves", str(tmp_path), stdin="2\nundo\n1\n\n").stdout
    withdrawn, at = _after(out, "undo")
    assert "Choice withdrawn" in withdrawn and "Some left before the vote" not in out
    revealed, _ = _after(out, "", at)
    assert "Thousands stayed" in revealed


def test_readme_documents_the_classroom_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for text in ("hungary56 walkthrough", "--teacher", "--chapter", "--transcript", "`debrief`", "docs/classroom.md"):
        assert text in readme
    guide = (REPO / "docs" / "classroom.md").read_text(encoding="utf-8")
    for text in ("hungary56 walkthrough", "play --teacher", "--chapter", "--transcript", "reveal", "card", "debrief"):
        assert text in guide


@pytest.mark.slow
def test_continue_after_a_chapter_jump_keeps_undo_and_restart_in_that_chapter(tmp_path: Path) -> None:
    cli("play", CLASSROOM, "--saves", str(tmp_path), "--chapter", "radio", stdin="2\n")
    out = cli("play", CLASSROOM, "--saves", str(tmp_path), "--continue", stdin="undo\nrestart\n").stdout
    undone, at = _after(out, "undo")
    assert "Undone: Help carry the wounded." in undone and "At the radio gate" in undone
    restarted, _ = _after(out, "restart", at)
    assert "At the radio gate" in restarted and "The meeting in the hall" not in restarted


# --- transcripts a teacher can grade (issue 13, item 5) ------------------------------------------------


@pytest.mark.slow
def test_a_second_session_is_added_to_the_transcript_never_replacing_it(tmp_path: Path) -> None:
    """The review's case: play, quit, then `--continue` with the same file; the first session stays."""
    out = tmp_path / "a.md"
    saves = str(tmp_path / "s")
    first = cli("play", CLASSROOM, "--saves", saves, "--transcript", str(out), stdin="1\n\nquit\n")
    assert first.returncode == 0, first.stderr
    before = out.read_text(encoding="utf-8")
    second = cli("play", CLASSROOM, "--continue", "--saves", saves, "--transcript", str(out), stdin="quit\n")
    assert second.returncode == 0, second.stderr
    assert f"Adding this session to the end of {out}" in second.stderr
    after = out.read_text(encoding="utf-8")
    assert after.startswith(before) and len(after) > len(before)
    assert "\n## Next session, " in after[len(before):] and after.count("Name: ___") == 1


def test_two_lists_in_a_row_stay_two_lists_in_markdown() -> None:
    from engine.core.render import Block
    from engine.core.transcript import blocks_markdown

    text = blocks_markdown([Block("text", "- Why did they march?", indent=3, tight=True),
                            Block("choice", "1. Go to the square", indent=2)])
    assert text == "- Why did they march?\n\n<!-- -->\n\n- 1\\. Go to the square"


# --- transcripts a teacher can grade (issue 13.5) ---------------------------------------------------


@pytest.mark.slow
def test_ask_why_keeps_one_line_of_reasoning_after_each_decision_before_the_reveal(tmp_path: Path) -> None:
    out = tmp_path / "anna.md"
    result = cli("play", CLASSROOM, "--saves", str(tmp_path / "s"), "--transcript", str(out), "--ask-why",
                 stdin="1\nMy friends   stayed, so I stayed\n\n1\n\nquit\n")
    assert result.returncode == 0, result.stderr
    assert "Why? One line of reasoning (Enter to skip)\n> " in result.stdout
    text = out.read_text(encoding="utf-8")
    chosen = text.index("**Chosen: 1. Stay and vote for the points**")
    why = text.index("> Why: My friends stayed, so I stayed")
    assert chosen < why < text.index("Thousands stayed")  # asked before history is revealed
    assert "> Why: (no reason given)" in text  # Enter alone at the second decision


@pytest.mark.slow
def test_ask_why_needs_a_transcript() -> None:
    result = cli("play", CLASSROOM, "--ask-why", stdin="quit\n")
    assert result.returncode == 2 and "--ask-why keeps each reason in the transcript" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_undone_and_redone_choices_are_marked_in_the_transcript(tmp_path: Path) -> None:
    out = tmp_path / "t.md"
    result = cli("play", CLASSROOM, "--saves", str(tmp_path / "s"), "--transcript", str(out),
                 stdin="1\n\nundo\nredo\nundo\n2\n\nquit\n")
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    first = text.index("*Undone: Stay and vote for the points. The choice taken instead follows.*")
    assert text.index("**Chosen: 1. Stay and vote for the points**") < first
    assert first < text.index("*Redone: Stay and vote for the points.*") < text.rindex("*Undone: Stay and vote")
    assert text.rindex("*Undone: Stay and vote") < text.index("**Chosen: 2. Go home early**")


@pytest.mark.slow
def test_a_class_vote_a_withdrawn_choice_and_the_reasons_are_in_the_teachers_transcript(tmp_path: Path) -> None:
    out = tmp_path / "lesson.md"
    lines = ["2", "", "undo", "vote 10 5", "The demands needed numbers behind them", "", "quit"]
    result = cli("play", CLASSROOM, "--teacher", "--saves", str(tmp_path / "s"), "--transcript", str(out),
                 "--ask-why", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    withdrawn = text.index("*Withdrawn before the reveal: Go home early. The class chose again.*")
    vote = text.index("The class voted (15 in all): 1. 10, 2. 5")
    why = text.index("> Why: The demands needed numbers behind them")
    assert withdrawn < vote < why < text.index("WHAT REALLY HAPPENED")
    assert text.count("The class voted (15 in all)") >= 2  # kept in the reveal (and the debrief) too
