"""Issue 23: the continuity errors C1-C21 of the player review of 2026-12-06
(../shared/reviews/2026-12-06/player.md, §6), each replayed on the path the review played, in process
through `engine.core.game.step`, with the words checked. A variable that stands for a fact (armed,
wounded, the flag, the rifle's place) is asserted by the text only when it holds, and changes only
where the text says so."""

from __future__ import annotations

import functools

from tests.story_paths import STORY, Walk

# P1, cautious: ... copy the points with Zsuzsa, go to bed, the middle of the column, the leather coats,
# the flag kept whole, ... the Radio from across the street, carry the wounded, go home, promise.
P1 = ["say_nothing", "radio_free_europe", "copy_the_points", "go_to_bed", "middle_of_column", "watch_leather_coats",
      "roll_flag_whole", "link_arms", "telephone_home", "what_if_gero", "stalin_statue", "run_to_radio", "stay_back",
      "carry_wounded", "go_home", "promise_to_stay_in"]
# P2, committed but unarmed: the Báránys, the chair, Halász's copy, the banner, ... the minutes, the ledger,
# Republic Square, the guard post, the Csepel cellar, walk out.
P2 = ["ask_about_baranys", "resolve_to_go", "leave_warsaw_pact", "copy_for_halasz", "carry_banner", "repeat_speeches",
      "cut_emblem", "help_fallen_girl", "lead_chanting", "radio", "push_to_gate", "stay_at_front", "carry_wounded",
      "stay_unarmed", "barricade", "help_zsuzsa", "szabad_nep", "help_woman", "parliament", "run_to_girl",
      "stay_with_students", "district_committee", "take_minutes", "sign_ledger", "trust_your_street",
      "try_to_stop_them", "believe_russians_leaving", "national_guard", "radio_free_europe", "believe", "guard_post",
      "take_telephone", "stay_at_post", "cellar", "cut_bandages", "walk_out", "queue_for_bread"]
# P3, armed: Feri from the start, a rifle at the Radio, the barricade with it, Szabad Nép, the rooftops,
# the works council, Dudás, believe twice, Feri's roster, the rifle out on 4 November, Csepel to the end.
P3 = ["say_nothing", "resolve_to_go", "vote_for_march", "copy_for_feri", "telephone_feri", "sing", "cut_emblem",
      "link_arms", "wait_for_answer", "stalin_statue", "run_to_radio", "push_to_gate", "stay_at_front",
      "stay_with_crowd", "take_rifle", "barricade", "man_barricade", "szabad_nep", "follow_inside", "parliament",
      "fire_at_rooftops", "promise_feri", "csepel_council", "council_paperwork", "join_dudas", "believe", "walk_home",
      "believe_russians_leaving", "csepel", "guard_roster", "radio_free_europe", "believe", "csepel",
      "come_back_when_it_starts", "go_down_armed", "join_fighters", "beside_feri", "stay_to_the_end"]


@functools.cache
def walk(name: str) -> Walk:
    return Walk({"P1": P1, "P2": P2, "P3": P3}[name]).until_menu()


def test_the_review_paths_reach_the_review_endings() -> None:
    assert walk("P1").game.state.scene == "radio_end_home" or walk("P1").game.over
    assert walk("P3").game.state.scene == "end_fallen"
    assert "epilogue_crossroads" in walk("P2").scenes


def test_c1_signing_the_ledger_arms_you_only_in_words_you_read() -> None:
    before = Walk(P2[:P2.index("sign_ledger")]).until_menu()
    assert before.variables["armed"] is False
    ledger = walk("P2").at("ceasefire_guard")
    assert "hands you a rifle from the pile" in ledger and walk("P2").variables["armed"] is True
    # then the guard post's "brought your own" and "Your rifle lies on the sandbags" follow from it
    assert "brought your own" in walk("P2").at("tokol_post")


def test_c2_the_rifle_is_in_one_place_at_a_time() -> None:
    p3 = walk("P3")
    assert "under your bed" not in p3.at("kossuth_morning") and "buttoned inside your coat" in p3.at("kossuth_morning")
    assert "takes the rifle out of your hands" not in p3.at("kossuth_rooftops")
    assert "take it home" in p3.at("kossuth_rooftops")
    assert "The rifle stands in the wardrobe" in p3.at("kossuth_evening")
    assert "In the wardrobe, behind your winter coat, is the rifle" in p3.at("whirlwind_night")
    assert "Under your coat, on the hook, is the rifle" not in p3.at("whirlwind_night")


def test_c3_zsuzsas_torn_scarf_does_not_come_back() -> None:
    assert "scarf" not in walk("P2").at("tanks_barricade")


def test_c4_zsuzsa_knows_who_went_in() -> None:
    arrival = walk("P2").at("radio_arrival")
    assert "knows two of the delegation by name" in arrival and "Whoever they are" not in arrival


def test_c5_the_national_song_was_learned_at_school() -> None:
    statue = walk("P3").at("bem_statue")
    assert "surprised to find that you know all the words" not in statue
    assert "You learned every word of it at school" in statue


def test_c6_no_minute_taker_you_never_met() -> None:
    arrival = walk("P2").at("csepel_arrival")
    assert "minute-taker" not in arrival and "kept the council's minutes" not in arrival
    assert "a woman from the works council" in arrival


def test_c7_zsuzsa_is_not_in_your_mothers_flat_at_night() -> None:
    assert "stamping the committee's minutes beside you" not in walk("P2").at("ceasefire_rfe")


def test_c8_the_banner_carrier_is_at_the_front() -> None:
    statue = walk("P2").at("bem_statue")
    for wrong in ("over the heads in front", "find your face in the crowd", "banner is near the front"):
        assert wrong not in statue
    assert "the banner pole cold in your fists" in statue and "At the other pole Zsuzsa" in statue


def test_c9_you_slept_if_you_went_to_bed() -> None:
    morning = walk("P1").at("bem_morning")
    assert "Neither of you has slept" not in morning and walk("P1").variables["slept_22oct"] is True


def test_c10_an_old_graze_is_not_a_fresh_wound() -> None:
    silence = walk("P2").at("whirlwind_silence")
    assert walk("P2").variables["wounded"] is True
    assert "Someone has cut your sleeve away" not in silence and "The old graze on your arm" in silence


def test_c11_the_stairs_come_before_the_bed() -> None:
    evening = walk("P2").at("tanks_evening")
    assert evening.index("Mrs Kiss stops you on the stairs") < evening.index("You lie on your bed")


def test_c12_no_stitched_sentences_about_your_mothers_flat() -> None:
    w = Walk(P1[:P1.index("stay_back")] + ["push_to_gate", "fall_back", "stay_with_crowd"]).until_menu()
    soldiers = w.at("radio_soldiers")
    assert "Your mother will have heard the shooting" not in soldiers
    assert soldiers.count("Your mother's flat is four streets away") == 1


def test_c13_feri_is_named_and_both_is_explained() -> None:
    island = walk("P3").at("tokol_island")
    assert "I'm holding you to both" not in island and "holding you to it twice over" in island


def test_c14_the_warsaw_pact_speech_pays_off_on_1_november() -> None:
    assert "argued for exactly this" in walk("P2").at("neutrality_broadcast")
    assert "argued for exactly this" not in walk("P3").at("neutrality_broadcast")


def test_c15_nobody_looks_at_a_smell() -> None:
    assert "at the smell of gas on it" not in walk("P1").at("radio_home")


def test_c16_switching_the_radio_off_is_not_listening_to_the_radio() -> None:
    path = P2[:P2.index("radio_free_europe")] + ["switch_off"]
    shown = Walk(path).at("neutrality_broadcast")
    assert "Some families simply waited, listening" not in shown and "turned every set off" in shown


def test_c17_feris_mother_is_your_aunt() -> None:
    arrival = walk("P2").at("csepel_arrival")
    assert "neither has his." not in arrival and "your aunt, his mother" in arrival


def test_c18_no_weapon_to_hand_in_for_the_unarmed() -> None:
    guard = Walk(P2[:P2.index("sign_ledger")]).until_menu()
    shown = " ".join(guard.text.split()[-200:])
    assert "Hand in any weapon" not in shown and "Leave the ledger unsigned and go home" in shown
    assert "Hand in your rifle and go home" in walk("P3").at("ceasefire_guard")


def test_c19_the_bed_reveal_does_not_contradict_the_night_of_copying() -> None:
    night = walk("P1").at("points_night")
    assert "simply went home" not in night and "whether they slept or not" in night


def test_c20_the_flag_you_carry_was_given_to_you() -> None:
    flags = walk("P1").at("bem_flags")
    assert "pushes a flag into your hands" in flags


def test_c21_feri_came_with_you_to_the_radio() -> None:
    p3 = walk("P3")
    assert p3.variables["with_feri"] is True
    assert "Nobody here knows your name" not in p3.text


def test_small_slips_of_the_review() -> None:
    words = " ".join(s.text for s in STORY.scenes.values())
    assert "trousers leg" not in words and "before you could shave" not in words


def test_chapter_jumps_start_from_the_state_of_the_historical_path() -> None:
    from engine.core import machine
    from engine.core.debrief import historical_path

    state = machine.new_game(STORY)
    firsts = {c.first: c for c in STORY.chapters}
    checked = 0
    for step in historical_path(STORY).steps:
        chapter = firsts.get(step.scene.id)
        if chapter is not None and chapter.setup:
            assert dict(machine.start_chapter(STORY, chapter).variables) == dict(state.variables), chapter.id
            checked += 1
        if step.taken is None:
            break
        state = machine.choose(STORY, state, step.taken.index)
    assert checked == len(STORY.chapters) - 1  # every chapter but the prologue, which starts the game


def test_a_class_that_carries_the_banner_after_a_jump_reads_the_bold_lines() -> None:
    from engine.core import game as rules
    from engine.core import machine
    from engine.core.moves import menu
    from tests.story_paths import _text

    chapter = next(c for c in STORY.chapters if c.id == "ch02_bem")
    now = rules.start(STORY, state=machine.start_chapter(STORY, chapter))
    number = next(n for n, o in enumerate(menu(now.game), 1) if o.choice.id == "carry_banner")
    now = rules.step(now.game, str(number))
    shown = " ".join(text for _scene, text in _text(now.game, now.events))
    assert "You learned every word of it at school" in shown and "You move your lips" not in shown


def test_the_barany_reveal_does_not_spoil_the_mothers_whisper() -> None:
    reveal = next(c for c in STORY.scenes["prologue_years_before"].choices if c.id == "ask_about_baranys").history
    answer = STORY.scenes["prologue_baranys"].text
    assert "collective farm" in answer and "collective farm" not in reveal and "countryside" not in reveal


def test_the_university_volunteer_comes_home_from_the_university() -> None:
    # §5: "Go to the university, where students are signing up for the National Guard" was followed by
    # "You ran home from the committee room"
    broadcast = walk("P2").at("neutrality_broadcast")
    assert "guard list" in broadcast and "You came home from the university" in broadcast
    assert "You ran home from the committee room" not in broadcast


def test_the_cautious_endings_promise_is_foreshadowed_before_it_is_taken() -> None:
    home = walk("P1").at("radio_home")
    assert home.index("I will hold you to it until this is over") < home.index("Promise your mother you will stay")


def test_the_text_asserts_a_rifle_or_a_wound_only_when_the_variable_says_so() -> None:
    # seeded random games: no page and no outcome speaks of your rifle unless `armed` holds, nor of
    # your wound unless `wounded` does
    import random

    from engine.core import machine

    armed_words = ("your rifle", "your own rifle", "the rifle you", "The rifle stands", "is the rifle", "The rifle is")
    wound_words = ("still bandaged", "graze along your arm", "graze on your arm", "Your own arm is bleeding")
    rng = random.Random(3)
    wrong = set()
    for _run in range(400):
        state = machine.new_game(STORY)
        while not machine.is_over(STORY, state):
            text = " ".join(machine.visible_text(STORY, state))
            wrong |= {(state.scene, w) for w in armed_words if w in text and not state.variables["armed"]}
            wrong |= {(state.scene, w) for w in wound_words if w in text and not state.variables["wounded"]}
            open_ = machine.open_choices(STORY, state)
            choice = STORY.scenes[state.scene].choices[rng.choice(open_)]
            outcome = machine.outcome_text(choice, state)
            wrong |= {(state.scene, w) for w in armed_words if w in outcome and not state.variables["armed"]}
            state = machine.choose(STORY, state, choice.index)
    assert wrong == set()
