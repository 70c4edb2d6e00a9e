"""Issue 23: every choice answered on the next screen (`outcome`), the `personal` kind, and the
`hungary56 stats` figure that holds the share of answered choices."""

from __future__ import annotations

from engine.author import stats
from engine.core import game as rules
from engine.core import present, render
from engine.core.events import Chosen, Revealed
from tests.story_helpers import edited_tiny
from tests.story_paths import STORY

OUTCOME = [("        history: Many did.\n",
            "        history: Many did.\n        outcome: |\n          He is heavier than he looks.{if armed} Odd.{end}\n")]


def test_an_outcome_is_read_built_and_carried_by_the_chosen_event_before_the_reveal() -> None:
    story = edited_tiny({"scenes/one.yaml": OUTCOME})
    choice = story.scenes["gate"].choices[1]
    assert choice.outcome.startswith("He is heavier") and choice.outcome_template is not None
    now = rules.start(story)
    now = rules.step(now.game, "2")
    kinds = [type(e).__name__ for e in now.events]
    chosen = next(e for e in now.events if isinstance(e, Chosen))
    assert chosen.outcome == "He is heavier than he looks."  # rendered with the state before the choice
    assert kinds.index("Chosen") < kinds.index("Revealed")
    shown = [b.text for e in now.events for s in present.screens(now.game, e) for b in s.blocks]
    assert shown.index("He is heavier than he looks.") < shown.index(render.KIND_LABELS["historical"])
    assert any(isinstance(e, Revealed) for e in now.events)


def test_a_choice_without_an_outcome_shows_nothing_more() -> None:
    now = rules.start(edited_tiny())
    now = rules.step(now.game, "2")
    assert next(e for e in now.events if isinstance(e, Chosen)).outcome == ""


def test_the_personal_kind_is_a_kind_with_its_own_label() -> None:
    story = edited_tiny({"scenes/one.yaml": [("        kind: historical\n        history: Many did.",
                                              "        kind: personal\n        history: Many did.")]})
    choice = story.scenes["gate"].choices[1]
    assert choice.kind == "personal"
    blocks = render.annotation_blocks(choice)
    assert blocks[0].text.startswith("IN YOUR PLACE") and "really happened" not in blocks[0].text


def test_stats_counts_choices_answered_on_the_next_screen() -> None:
    story = edited_tiny({"scenes/one.yaml": OUTCOME})
    rows = {(s.id, c.index): ok for s, c, ok in stats.answered(story)}
    # gate 1 sets `armed`, which `street` reads in a variant; gate 2 has an outcome
    assert rows[("gate", 0)] and rows[("gate", 1)]
    data = stats.compute(story, runs=0)
    assert "choices_answered_percent" in data and "answered on the next screen" in stats.format_stats(data)



def test_the_bundled_story_answers_nine_choices_in_ten_on_the_next_screen() -> None:
    rows = stats.answered(STORY)
    missing = [f"{s.id} {c.id}" for s, c, ok in rows if not ok]
    assert 100 * (len(rows) - len(missing)) / len(rows) >= 90, missing


NAMED = [("kossuth_square", "run_to_girl", "red cardigan"), ("tanks_szabad_nep", "help_woman", "leg"),
         ("republic_square", "try_to_stop_them", "prisoners"), ("points_night", "copy_for_halasz", "Mr Halász"),
         ("parliament_square", "lead_chanting", "chant"), ("radio_gate", "drag_wounded_man", "doorway"),
         ("tanks_barricade", "help_zsuzsa", "Zsuzsa"), ("neutrality_rumours", "national_guard", "guard list")]


def test_the_choices_the_review_named_have_an_outcome_on_the_page() -> None:
    for scene_id, choice_id, words in NAMED:
        choice = next(c for c in STORY.scenes[scene_id].choices if c.id == choice_id)
        assert words in choice.outcome, (scene_id, choice_id)


# --- the debrief, the documents and the personal kind on the bundled story ------------------------


def _shown(game: object, line: str) -> str:
    from engine.core import render as rendering

    now = rules.step(game, line)  # type: ignore[arg-type]
    return "\n".join(rendering.plain_text(list(s.blocks), 80) for e in now.events for s in present.screens(now.game, e))


def test_the_default_debrief_fits_two_screens_and_debrief_all_gives_everything() -> None:
    from tests.story_paths import Walk
    from tests.test_continuity import P2

    game = Walk([*P2, "wait_for_knock"]).until_menu().game
    short = _shown(game, "debrief")
    assert short.count("\n") <= 46 and "Your ending: One of the twenty-six thousand" in short
    assert "Three things to read next" in short and "debrief all" in short
    full = _shown(game, "debrief all")
    assert full.count("\n") > 3 * short.count("\n") and "Glossary terms you met" in full


def test_an_invented_private_act_is_never_told_as_history() -> None:
    from tests.story_paths import Walk
    from tests.test_continuity import P1

    game = Walk(P1).until_menu().game
    full = " ".join(_shown(game, "debrief all").split())
    bed = full[full.index("Fold the sheets away"):][:400]
    assert "[IN YOUR PLACE]" in bed and "That was your own act, not a matter of record" in bed
    assert "What really happened: Fold the sheets away" not in full
    assert "That is what really happened" not in bed[:200]
    for scene in STORY.scenes.values():  # no personal choice is labelled HISTORICAL in its reveal
        for choice in scene.choices:
            if choice.kind == "personal":
                assert "really happened" not in render.annotation_blocks(choice)[0].text


def test_documents_are_found_on_the_night_they_are_written() -> None:
    from tests.story_paths import Walk

    early = Walk(["say_nothing"]).until_menu().game
    assert "Students of the Budapest Technical University" not in _shown(early, "documents")
    night = Walk(["say_nothing", "resolve_to_go"]).until_menu().game
    listing = _shown(night, "documents")
    assert "Students of the Budapest Technical University" in listing
    number = next(line.split(".")[0].strip() for line in listing.splitlines() if "Technical University" in line)
    assert "(16) Local branches of the MEFESZ" in " ".join(_shown(night, f"documents {number}").split())
    assert "There is no document 99" in _shown(night, "documents 99")


def test_every_ending_closes_the_four_people_whatever_passed_between_you() -> None:
    import itertools

    from engine.core import machine
    from engine.core.model import GameState

    start = machine.new_game(STORY)
    flags = ("with_zsuzsa", "with_feri", "gave_halasz_copy")
    for scene in STORY.endings():
        for values, care, exposure, visited in itertools.product(
                itertools.product((False, True), repeat=len(flags)), (0, 8), (0, 8), ((), ("csepel_arrival",
                                                                                         "csepel_last_stand"))):
            variables = {**start.variables, **dict(zip(flags, values)), "care": care, "exposure": exposure}
            state = GameState(scene.id, variables, {**start.visits, **{s: 1 for s in visited}, scene.id: 1})
            last = machine.epilogue_text(scene, state).split("\n\n")[-1]
            for person in ("Zsuzsa", "Feri", "mother", "Mr Halász"):
                assert person in last, (scene.id, person, values, care, exposure, visited)


def test_the_linter_knows_the_outcome_field() -> None:
    import pytest as _pytest

    from engine.core.errors import Hungary56Error

    misspelt = [("        history: Many did.\n", "        history: Many did.\n        outcom: He is heavy.\n")]
    with _pytest.raises(Hungary56Error, match="did you mean 'outcome'"):
        edited_tiny({"scenes/one.yaml": misspelt})
    unknown = [("        history: Many did.\n", "        history: Many did.\n        outcome: \"{if nosuch}x{end}\"\n")]
    with _pytest.raises(Hungary56Error, match="nosuch"):
        edited_tiny({"scenes/one.yaml": unknown})
