"""Facts: every figure, date and clock time the story states stands in the reference article or in the
facts ledger (story/facts.yaml), which names the work and the place in it; the ledger wins where the two
differ, and the text then says that accounts differ.

The article lives outside the repository, in ../shared/reference/ (as on the developers' machines
and in CI, where its absence fails the test); elsewhere the tests that need it are skipped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from engine.io.loader import bundled_story_dir, load_story
from tests.conftest import REPO

ARTICLE = REPO.parent / "shared" / "reference" / "hungarian-revolution-1956.txt"
NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
ORDINAL = re.compile(r"\(\d{1,2}\) ")  # "(3) " numbers a point in a list; it is not a figure


@pytest.fixture
def reference_article() -> None:
    """Skip without the article on a developer's machine; in CI (which has it) its absence is a failure."""
    if not ARTICLE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the reference article {ARTICLE} is missing, and CI must check the story's facts")
        pytest.skip("the reference article is not beside the repository")


_INLINE_TAG = re.compile(r"\{[^{}]*\}")


def story_texts(cards: bool = True) -> Iterator[tuple[str, str]]:
    """The prose of `_story_texts`, with inline-text tags ({if courage >= 7}, {name}) taken out: the
    words of every branch stay, the conditions are not prose (docs/format.md#inline-text)."""
    for where, text in _story_texts(cards):
        yield where, _INLINE_TAG.sub(" ", text)


def _story_texts(cards: bool = True) -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of prose the player or the teacher reads (source cards are
    attributed quotations by definition; `cards=False` leaves them out)."""
    story = load_story(bundled_story_dir())
    for scene in story.scenes.values():
        where = str(scene.location)
        yield where, scene.title
        yield where, scene.text
        yield where, scene.note
        yield from ((where, v.text) for v in scene.variants)
        yield from ((where, a.account) for a in scene.contested)
        for choice in scene.choices:
            yield str(choice.location), choice.label
            yield str(choice.location), choice.history
            yield str(choice.location), choice.outcome
        if scene.ending:
            yield where, scene.ending.epilogue
    for chapter in story.chapters:
        yield str(chapter.location), chapter.summary
        yield from ((str(chapter.location), q) for q in chapter.questions)
        if cards:
            yield from ((str(card.location), card.quote) for card in chapter.cards)
    for entry in story.glossary.values():
        yield str(entry.location), entry.text


TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DAY = re.compile(rf"\b(\d{{1,2}}) ({MONTHS})\b|\b({MONTHS}) (\d{{1,2}})\b")


def _days(text: str) -> set[str]:
    """Every day of the month a text names, as "23 October" (the article also writes "October 23")."""
    return {f"{m[0]} {m[1]}" if m[0] else f"{m[3]} {m[2]}" for m in DAY.findall(text)}


def _ledger_keys() -> tuple[set[str], set[str], set[str]]:
    """The ledger's figures, clock times and days, split from its keys as the tests read the story."""
    facts = load_story(bundled_story_dir()).facts
    figures = {n.replace(",", "") for key in facts for n in NUMBER.findall(key)}
    times = {t for key in facts for t in TIME.findall(key)}
    days = {d for key in facts for d in _days(key)}
    return figures, times, days


@pytest.mark.usefixtures("reference_article")
def test_every_figure_date_and_time_is_in_the_reference_or_the_ledger():
    """A figure (26,000), a clock time (17:25) or a day (14 December) the story states must stand in the
    article or in story/facts.yaml with its work and locator (issue #22: the ledger replaces the article-only
    test, which blocked the corrections of the 2026-12-06 review)."""
    article = ARTICLE.read_text(encoding="utf-8")
    figures, times, days = _ledger_keys()
    known = {n.replace(",", "") for n in NUMBER.findall(article)} | figures
    known_times = set(TIME.findall(article)) | times
    known_days = _days(article) | days
    strays: list[str] = []
    for where, text in story_texts():
        text = ORDINAL.sub(" ", text)
        strays += [f"{where}: {t}" for t in TIME.findall(text) if t not in known_times and t.zfill(5) not in known_times]
        strays += [f"{where}: {d}" for d in _days(text) if d not in known_days]
        strays += [f"{where}: {n}" for n in NUMBER.findall(TIME.sub(" ", text)) if n.replace(",", "") not in known]
    assert strays == [], "figures in neither the reference nor story/facts.yaml:\n" + "\n".join(strays)


NOT_SCHOLARSHIP = re.compile(r"\bblog\b|Wikipedia|consultan", re.IGNORECASE)


def test_the_ledger_cites_a_work_and_a_locator_for_every_figure():
    """Each ledger entry names a work of scholarship or a primary document (not the encyclopedia, not a blog)
    and where in it; and every entry is a figure the story really states (no dead entries)."""
    story = load_story(bundled_story_dir())
    assert story.facts, "story/facts.yaml is empty"
    everything = " ".join(text for _, text in story_texts())
    for figure, fact in story.facts.items():
        assert fact.source in story.sources and fact.source != "article", figure
        assert fact.locator.strip() and fact.says.strip(), figure
        assert not NOT_SCHOLARSHIP.search(story.sources[fact.source].text), f"{figure}: {fact.source}"
        assert figure in everything, f"the ledger lists {figure!r}, which the story does not state"


def test_where_the_ledger_differs_from_other_accounts_the_text_says_so():
    """Where scholarship corrects another account, every text that states the figure tells the student that
    accounts differ (or names the other figure)."""
    story = load_story(bundled_story_dir())
    for figure, fact in story.facts.items():
        if not fact.differs:
            continue
        for where, text in story_texts():
            if figure in text:
                assert re.search(r"differ|other accounts|some accounts|estimates? (?:range|run)|from about", text, re.IGNORECASE), \
                    f"{where}: {figure} (the ledger says: {fact.differs})"


QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|„[^”]*”")


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:'[^\W_]+)?", text.lower())


@pytest.mark.usefixtures("reference_article")
def test_no_sentence_is_copied_from_the_reference():
    """Sentences do not carry over: no run of ten words outside quotation marks matches the article."""
    run = 10
    article = _words(ARTICLE.read_text(encoding="utf-8"))
    shared = {tuple(article[i:i + run]) for i in range(len(article) - run + 1)}
    copied: list[str] = []
    for where, text in story_texts(cards=False):
        words = _words(QUOTED.sub(" ", text))
        copied.extend(f"{where}: {' '.join(words[i:i + run])}" for i in range(len(words) - run + 1)
                      if tuple(words[i:i + run]) in shared)
    assert copied == [], "runs of words copied from the reference:\n" + "\n".join(copied)


# --- Findings of the historian's review (../shared/reviews/2026-11-29/historian.md) ----------------

def _all_texts() -> list[tuple[str, str]]:
    return [(where, text) for where, text in story_texts() if text]


def _scene(scene_id: str):
    return load_story(bundled_story_dir()).scenes[scene_id]


def test_h1_no_eighty_percent_casualty_claim():
    """H1: the reference's "80 percent of all casualties in the 8th and 9th districts" was misread
    (most likely Soviet losses) and contradicts "Csepel saw the heaviest fighting"; it must not be told."""
    claims = [f"{where}: {text[:80]}" for where, text in _all_texts()
              if re.search(r"\b80\s*(?:%|per\s*cent|percent)", text, re.IGNORECASE)]
    assert claims == []


def test_h2_republic_square_does_not_confine_the_killings_to_one_place():
    """H2: the reveal at Republic Square said the killings were "the work of a crowd at one building on
    one day"; it must say they were not the only ones (the Kádár-era count of 213) and not minimise."""
    texts = [choice.history for choice in _scene("republic_square").choices]
    assert not any("one building on one day" in text for text in texts)
    assert any("213" in text and "lynch" in text for text in texts)


def _every_string() -> Iterator[tuple[str, str]]:
    """Everything a student can read: the prose above plus who-lines, cards and the source list."""
    story = load_story(bundled_story_dir())
    yield from story_texts()
    for scene in story.scenes.values():
        yield from ((str(scene.location), a.who) for a in scene.contested)
    for chapter in story.chapters:
        for card in chapter.cards:
            yield str(card.location), card.who
    for entry in story.sources.values():
        yield str(entry.location), entry.text
    yield str(story.location), story.title


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;!?])\s+", " ".join(text.split())) if s]


SZOLNOK_HEDGES = ("said to", "in the name of", "under the name", "name under which", "official story",
                  "historians", "announced as")


def test_h3_the_szolnok_proclamation_is_never_told_as_fact():
    """H3: Kádár's government was announced "from Szolnok", but the broadcast came from Soviet territory
    and Kádár was not there: every sentence naming Szolnok says so, or attributes the claim."""
    bare = [f"{where}: {sentence}" for where, text in _every_string() for sentence in _sentences(text)
            if "Szolnok" in sentence and re.search(r"proclaim|announc|broadcast", sentence)
            and not any(h in sentence for h in SZOLNOK_HEDGES)]
    assert bare == [], "\n".join(bare)


def test_m1_radio_free_europe_scenes_agree_on_what_happened():
    """M1: on 28 October scepticism was labelled historical and on 1 November belief was, so the debrief
    told students two opposite things. In both scenes believing the broadcasts is what happened."""
    for scene_id in ("ceasefire_rfe", "neutrality_rfe"):
        believe, doubt = _scene(scene_id).choices[:2]
        assert "trusts_rfe = true" in str(believe.effects) or believe.label.startswith("Believe")
        assert (believe.kind, doubt.kind) == ("historical", "plausible"), scene_id


def test_m2_republic_square_reveal_names_the_lynchings():
    """M2: the debrief showed "Help carry the wounded" as what happened at the scene of the lynchings,
    and a PLAUSIBLE banner ("some real people did this") sat over "no individual attempts"."""
    scene = _scene("republic_square")
    first = next(c for c in scene.choices if c.kind == "historical")
    assert "lynch" in first.history
    for choice in scene.choices:
        if choice.kind == "plausible":
            assert "records no" not in choice.history


def test_m3_kossuth_square_is_contested_not_certain():
    """M3: who fired first at Kossuth Square, and how many died, are disputed; the note said "what is
    certain" and gave one version. The scene now sets out attributed accounts."""
    scene = _scene("kossuth_square")
    assert "certain" not in scene.note
    assert len(scene.contested) >= 2
    assert any("tank" in a.account for a in scene.contested)
    assert any("dead" in a.who.lower() or "killed" in a.account for a in scene.contested)


def test_m4_petofi_circle_comes_before_rakosis_fall():
    """M4: the Petőfi Circle's debates (spring to June 1956) came before Rákosi's fall and helped cause
    it; they were banned from 30 June, so "all summer" and "after Rákosi's fall" were wrong."""
    story = load_story(bundled_story_dir())
    texts = [text for _, text in story_texts() if "Petőfi Circle" in text or "Petőfi circle" in text]
    assert texts
    assert not any("All summer" in t or "after Rákosi's fall" in t for t in texts)
    assert "30 June" in story.glossary["Petőfi Circle"].text


def test_m5_zhukov_holding_back_is_flagged_as_a_contradiction():
    """M5: Zhukov both orders the tanks in (02:00, 24 October) and "at first held back": the reference
    contradicts itself, and any text saying he held back or opposed intervention must say so."""
    unflagged = [f"{where}: {sentence}" for where, text in _every_string() for sentence in _sentences(text)
                 if "Zhukov" in sentence and re.search(r"held back|opposed", sentence)
                 and not re.search(r"differ|both", sentence)]
    assert unflagged == [], "\n".join(unflagged)


def test_m6_maleter_commanded_no_armoured_division():
    """M6: Maléter came over at the Kilián barracks with a handful of tanks; he had no armoured division
    (an error inherited from the reference). The phrase may appear only to correct it."""
    wrong = [f"{where}: {sentence}" for where, text in _every_string() for sentence in _sentences(text)
             if "armoured division" in sentence and "overstates" not in sentence]
    assert wrong == [], "\n".join(wrong)


def test_m7_taking_up_arms_is_what_happened_at_the_radio_and_at_csepel():
    """M7: at the Radio (23 October) and at Csepel (5 November) taking up arms is the historical fact, so
    the debrief's "what really happened" there is the armed choice; not fighting stays historical too."""
    for scene_id in ("radio_soldiers", "csepel_arrival"):
        scene = _scene(scene_id)
        first = next(c for c in scene.choices if c.kind == "historical")
        assert any(effect.source == "armed = true" for effect in first.effects), scene_id
        assert sum(c.kind == "historical" for c in scene.choices) >= 2, scene_id


def test_l1_stalins_death_is_heard_on_the_radio_the_next_day():
    """L1: Stalin died late on 5 March 1953; Moscow announced it on 6 March, so the radio scene is dated
    6 March and says he died the night before."""
    scene = _scene("prologue_years_before")
    assert scene.date == "1953-03-06"
    assert "last night" in scene.text


def test_l2_suez_began_on_29_october_with_israel():
    """L2: the Suez war began on 29 October with Israel's invasion (agreed in secret with Britain and
    France), not when "Britain and France moved against Egypt" the day after the ceasefire."""
    note = _scene("neutrality_rfe").note
    assert "29 October" in note and "Israel" in note
    assert "were making" not in _scene("ceasefire_broadcast").note


def test_l3_nagys_reforms_were_begun_not_shelved_three_years_before():
    """L3: Nagy's reforms began in 1953 and were abandoned in 1955; "put aside three years before" (1953)
    contradicted the story's own account of his removal."""
    scene = _scene("tanks_nagy")
    assert "put aside three years" not in scene.note and "put away three years" not in scene.text
    assert "1955" in scene.note


def test_l4_szabad_nep_shooting_is_not_given_a_date_the_sources_lack():
    """L4: the reference gives no date for the shooting at the Szabad Nép offices."""
    entry = load_story(bundled_story_dir()).glossary["Szabad Nép"].text
    assert "24 October" not in entry and "first days" in entry


def test_l5_crowd_sizes_are_estimates_not_counts():
    """L5: nobody counted the crowds of 23 October; every 20,400 is an estimate, and nothing "was counted"."""
    bad = [f"{where}: {sentence}" for where, text in _every_string() for sentence in _sentences(text)
           if ("20,400" in sentence and "estimate" not in sentence)
           or re.search(r"was counted at|later counts", sentence, re.IGNORECASE)]
    assert bad == [], "\n".join(bad)


def test_l6_gero_and_hegedus_flee_days_later_not_on_25_october():
    """L6: Gerő and Hegedüs left for the USSR several days after 25 October; nobody in the stairwell
    could know it that evening."""
    scene = _scene("kossuth_evening")
    assert "Soviet Union" not in scene.text
    assert "days later" in scene.note


def test_l7_kiraly_is_not_named_commander_on_28_october():
    """L7: recruiting began on 28 October but Király commanded the guard only from 30 October."""
    scene = _scene("ceasefire_guard")
    assert "is to lead it" not in scene.text and "may lead it" in scene.text
    assert "30 October" in scene.note


def test_l8_return_to_work_was_decided_on_2_and_3_november():
    """L8: the councils' decisions to return to work on 5 November came in the first days of November; on 31 October
    and 1 November they could only be talked about."""
    early = [_scene("neutrality_rumours"), _scene("neutrality_csepel"), _scene("republic_kremlin")]
    texts = [s.text + s.note + " ".join(v.text for v in s.variants) for s in early]
    assert not any(re.search(r"agreed to end|have agreed|has a plan to restart", t) for t in texts)


def test_l9_tokol_talks_moved_there_only_in_the_evening():
    """L9: Maléter was named minister in the reshuffle of 3 November, and the talks moved to Tököl only
    in the evening; the morning papers and the 21:30 post cannot have him "still at Tököl"."""
    assert "The new Defence Minister is" not in _scene("tokol_waiting").text
    assert "still at Tököl" not in _scene("tokol_post").text


def test_l10_the_radio_shooting_is_not_heard_before_it_happens():
    """L10: the statue crowd, 3 km away, "heard" the Radio shooting that the player then sees begin at the
    gate; now a runner brings news, and the firing starts at the gate."""
    scene = _scene("stalin_statue")
    assert "shooting at the Radio" not in scene.text
    assert all("shooting" not in c.label for c in scene.choices)


def test_l11_nagys_grave_is_inside_budapest():
    """L11: the plot at the New Public Cemetery (Rákoskeresztúr) is inside Budapest."""
    wrong = [f"{where}: {s}" for where, text in _every_string() for s in _sentences(text)
             if "outside Budapest" in s and "wrongly" not in s]
    assert wrong == [], "\n".join(wrong)


def test_l12_mindszenty_was_tried_not_seized_in_1949():
    """L12: Mindszenty was arrested on 26 December 1948 and tried in February 1949."""
    note = _scene("prologue_years_before").note
    assert "seized in 1949" not in note and "1948" in note


def test_l13_fighter_numbers_belong_to_the_november_fighting():
    """L13: the 10,000-15,000 fighters are the reference's figure for the fighting after 4 November."""
    for scene_id in ("radio_home", "tanks_barricade"):
        for choice in _scene(scene_id).choices:
            if "fifteen thousand" in choice.history:
                assert "November" in choice.history, scene_id


def test_l14_january_and_mid_1957_are_reconciled():
    """L14: "all public opposition suppressed by January 1957" and "strikes until mid-1957" stood side by
    side; the note now says organised opposition was broken early in 1957 and scattered strikes went on."""
    history = " ".join(c.history for c in _scene("csepel_count").choices)
    assert "suppressed open opposition by January" not in history
    assert "early 1957" in history and "summer" in history


def test_l15_the_casualty_figures_are_flagged_as_estimates():
    """L15: "over 2,500" (the reference's summary) and "around 2,500" (its account of the fighting) are
    flagged like 699/700, and the note says the Hungarian figures are estimates from 1957 counts."""
    note = _scene("csepel_count").note
    assert '"over"' in note and '"around"' in note
    assert "estimates" in note and "1957" in note
    assert not any("in one place and" in text for _, text in _every_string())


def test_l16_the_csepel_army_story_is_always_attributed():
    """L16: the army's 27-29 October stay at Csepel comes from Kádár-era sources and is attributed."""
    bare = [f"{where}: {s}" for where, text in _every_string() for s in _sentences(text)
            if "27 October" in s and "Csepel" in s and "Kádár-era" not in s]
    assert bare == [], "\n".join(bare)


def test_l17_nagy_only_hinted_at_neutrality_on_30_october():
    """L17: the reference says Nagy "hinted" neutrality to Mikoyan and Suslov, not that he told them."""
    accounts = " ".join(a.account for a in _scene("republic_kremlin").contested)
    assert "hinted to Mikoyan" in accounts and "told Mikoyan" not in accounts


def test_l18_the_prologue_chapter_starts_with_its_first_scene():
    """L18: the prologue chapter was dated 1949 though its first scene is March 1953."""
    story = load_story(bundled_story_dir())
    chapter = story.chapters[0]
    assert chapter.date == story.scenes[chapter.first].date


def test_l19_the_stayed_ending_does_not_assume_a_holed_flag():
    """L19: a player who rolled up the flag whole at the Bem statue still read of "the holed flag"."""
    assert "holed flag" not in _scene("radio_end_home").ending.epilogue


def test_l20_no_unsupported_claim_about_the_guards_rolls():
    """L20: "its rolls were easy to trace" is not in any source."""
    assert not any("easy to trace" in c.history for c in _scene("ceasefire_guard").choices)


def test_l21_small_continuity_points():
    """L21: the family has no telephone; Rákosi's portraits were gone from the Boulevard by 31 October;
    the reference has plain Hungarian flags, not holed ones, in Stalin's boots."""
    assert "Mrs Kiss" in _scene("tanks_evening").text
    assert "portrait of Rákosi" not in _scene("republic_kremlin").text
    assert "holes" not in _scene("stalin_statue").text
    chapter = load_story(bundled_story_dir()).chapter("ch04_stalin")
    assert chapter is not None and "holed flags" not in chapter.summary


EDITING_NOTES = re.compile(r"our reference|the reference|same reference|our source|in one place and|in another passage|the article\b",
                           re.IGNORECASE)


def test_students_see_no_editing_notes():
    """Teacher review: "our reference records no...", "700 in one place and 699 in another" are notes to
    ourselves. Where sources differ, the text names them."""
    story = load_story(bundled_story_dir())
    strings = [(w, t) for w, t in _every_string() if not any(t == e.text for e in story.sources.values())]
    notes = [f"{where}: {m.group(0)}" for where, text in strings for m in EDITING_NOTES.finditer(text)]
    assert notes == [], "\n".join(notes)


def test_the_title_does_not_clash_with_a_cold_war_classic():
    """Teacher review: "Thirteen Days" is the best-known book and film on the Cuban missile crisis."""
    assert "Thirteen Days" not in load_story(bundled_story_dir()).title


def test_the_other_sides_have_faces():
    """Historian's review, section 6: a communist who believes, a Soviet conscript after 4 November and an
    ÁVH man as a person (without excusing what was done)."""
    assert "still believes" in _scene("ceasefire_committee").text
    assert "conscript" in _scene("republic_square").text
    assert "Soviet soldier" in _scene("csepel_count").text


def test_every_chapter_has_a_source_card_and_no_card_is_a_fragment():
    """Teacher review: six chapters had no card, and every card was a 3-17 word fragment. Every chapter
    now has at least one card; a card under 20 words must be a slogan shown as such; every card says
    what the document is (provenance) and cites a known source."""
    story = load_story(bundled_story_dir())
    for chapter in story.chapters:
        assert chapter.cards, f"chapter {chapter.id} has no source card"
        for card in chapter.cards:
            assert card.form == "slogan" or len(card.quote.split()) >= 20, f"{chapter.id}: {card.quote!r}"
            assert card.provenance and card.who, f"{chapter.id}: {card.quote[:40]!r}"
            assert card.source in story.sources, card.source


def test_n01_only_verbatim_words_stand_in_quotation_marks():
    """N01: six cards printed the project's own sentences in quotation marks under a historical name (Gerő
    "asking", in the third person, for intervention "in the words of his request"). A card is a `quotation`
    only with a locator; a paraphrase carries no quotation marks of its own and does not pretend to be one."""
    story = load_story(bundled_story_dir())
    cards = {card.who: card for chapter in story.chapters for card in chapter.cards}
    for card in cards.values():
        assert card.form in ("quotation", "paraphrase", "slogan"), card.who
        if card.form == "quotation":
            assert card.locator, card.who
        else:
            assert not re.search(r"[\"“”„]", card.quote), f"quotation marks inside a {card.form}: {card.who}"
        assert not re.search(r"in the words of|in the treaty's own words", card.quote), card.who
    gero = next(c for who, c in cards.items() if who.startswith("Ernő Gerő"))
    assert gero.form == "paraphrase"
    for who in ("The Council of Ministers", "Students of the Budapest", "Declaration of the Government of the USSR",
                "János Kádár's proclamation", "UN Special Committee"):
        assert all(c.form == "paraphrase" for w, c in cards.items() if w.startswith(who)), who


def test_n22_cards_cite_editions_not_the_encyclopedia():
    """N22: seven cards gave "as quoted in Wikipedia's article" as provenance; cite the edition instead."""
    story = load_story(bundled_story_dir())
    for chapter in story.chapters:
        for card in chapter.cards:
            assert card.source != "article", card.who
            assert "Wikipedia" not in card.provenance, card.who


def test_n07_the_unverified_rfe_sign_off_is_not_a_card():
    """N07: "Freedom or Death!" as RFE's regular sign-off could not be confirmed in the published broadcasts."""
    story = load_story(bundled_story_dir())
    assert not any("Freedom or Death" in card.quote for chapter in story.chapters for card in chapter.cards)


def test_the_sixteen_points_card_gives_every_point():
    chapter = load_story(bundled_story_dir()).chapter("ch01_points")
    assert chapter is not None
    card = chapter.cards[0]
    assert all(f"({n}) " in card.quote for n in range(1, 17))
    assert "(17)" not in card.quote


BIBLIOGRAPHY = ("litvan-1996", "bekes-2002", "gati-2006", "gyorkei-1999", "un-report", "article")


def test_the_bibliography_names_real_works_with_author_year_and_publisher():
    """Sources students can follow: the reference article named with its licence, the UN report and
    the standard histories and document collections, each with author, title, year and publisher."""
    sources = load_story(bundled_story_dir()).sources
    for key in BIBLIOGRAPHY:
        entry = sources[key]
        assert entry.author and entry.title, key
        if key == "article":
            assert "CC BY-SA" in entry.licence and entry.url.startswith("https://en.wikipedia.org/")
        else:
            assert entry.year and entry.publisher, key


# --- Findings of the historian's review of 2026-12-06 (../shared/reviews/2026-12-06/historian.md) ----------

def test_n02_no_demand_for_a_un_seat_hungary_already_had():
    """N02: Hungary had been a UN member since 14 December 1955 (SC res. 109); the Bem statue scene had
    Veres demand "a seat at the United Nations". It may appear only as a correction."""
    for where, text in _every_string():
        for sentence in _sentences(text):
            if re.search(r"seat at the United Nations|membership of the United Nations", sentence):
                assert "14 December 1955" in sentence or "already" in sentence, f"{where}: {sentence}"
    assert "14 December 1955" in _scene("bem_statue").note


def test_n10_the_national_song_was_taught_not_censored():
    """N10: Petőfi's National Song stood in every school reader under Rákosi; what was new on 23 October
    was shouting it at the regime."""
    bad = [f"{where}: {s}" for where, text in _every_string() for s in _sentences(text)
           if "censor" in s and ("National Song" in s or "poem" in s) and "not" not in s]
    assert bad == [], "\n".join(bad)


def test_n03_the_ceasefire_order_and_the_government_declaration_are_two_broadcasts():
    """N03: at 13:20 on 28 October the radio announced the ceasefire order; Nagy read the government's
    declaration (national democratic movement, amnesty, Soviet withdrawal) at about 17:20."""
    scene = _scene("ceasefire_broadcast")
    assert "17:20" in scene.note and "13:20" in scene.note
    assert "twenty past five" in scene.text
    chapter = load_story(bundled_story_dir()).chapter("ch08_ceasefire")
    assert chapter is not None
    ceasefire = next(c for c in chapter.cards if "Nagy" in c.who)
    assert "17:20" in ceasefire.provenance and "announcing the ceasefire" not in ceasefire.who


def test_n20_nagys_sentence_is_quoted_in_one_translation_only():
    """N20: "great, national and democratic event" (in quotation marks) and "great national democratic
    movement" (the card, Kajima's translation) were the same sentence; only the card quotes it."""
    assert not any("democratic event" in text for _, text in _every_string())


def test_n04_no_appeal_for_refugees_before_there_were_refugees():
    """N04: Ed Sullivan's appeal for Hungarian relief was made on 6 January 1957, not on 28 October, when
    there were no refugees yet."""
    assert not any("Sullivan" in text for _, text in _every_string())


def test_n07_the_rfe_question_has_the_historians_voice_and_no_unverified_sign_off():
    """N07: the RFE panel had only critics and Dulles; the finding of the inquiries and of research on the
    tapes (no explicit promise, but irresponsible commentaries) was missing, and "Freedom or Death!" as a
    sign-off could not be confirmed."""
    scene = _scene("neutrality_rfe")
    historians = [a for a in scene.contested if "Historians" in a.who]
    assert historians and historians[0].source == "johnson-2006" and "no explicit promise" in historians[0].account
    assert not any("Freedom or Death" in text for _, text in _every_string())
    assert not any("a lie." in a.account and "critics" not in a.account for a in scene.contested)


def test_n24_rfe_was_run_by_the_cia_not_alongside_it():
    entry = load_story(bundled_story_dir()).glossary["Radio Free Europe"].text
    assert "alongside" not in entry and "directed by the CIA" in entry


def test_n05_the_minutes_do_not_exclude_suez():
    """N05: the panel said the minutes showed the decision was "not ... Suez"; in Malin's notes of 31 October
    Khrushchev himself says "To Egypt they will then add Hungary."."""
    accounts = _scene("republic_kremlin").contested
    first = accounts[0]
    assert "not neutrality, Western inaction or Suez" not in first.account
    assert "To Egypt they will then add Hungary" in first.account and first.source == "cwihp-8-9"
    assert not any("reject this" in a.account for a in accounts)


def test_n06_kossuth_square_dead_as_research_gives_them():
    """N06: "even cautious recent estimates speak of hundreds" was wrong: the Parliament museum's research
    (2021) identified 88 dead by name; estimates run from about 80 to 350. The polemical source has an author."""
    scene = _scene("kossuth_square")
    estimates = next(a for a in scene.contested if "Estimates" in a.who)
    assert "88" in estimates.account and "80 to 350" in estimates.account and estimates.source == "feitl-2021"
    assert "speak of hundreds" not in estimates.account
    assert "Hungarian Review" != load_story(bundled_story_dir()).sources["kossuth-2014"].author


def test_n08_the_1951_deportation_figures_and_the_day_to_pack():
    """N08: families got a written order and 24 hours to pack, not two hours; the plan was 5,500 families
    (Gerő: 12-18,000 people), about half the article's 26,000, which the note gives as one account."""
    prologue = _scene("prologue_years_before")
    assert "two hours to pack" not in prologue.text and "twenty-four hours" in prologue.text
    assert "13,000" in _scene("prologue_years_before").note + " ".join(
        s.note for s in load_story(bundled_story_dir()).scenes.values() if s.id.startswith("prologue"))
    for where, text in _every_string():
        for sentence in _sentences(text):
            if "26,000" in sentence and re.search(r"deport|moved out", sentence):
                assert re.search(r"differ|some give|some accounts", sentence), f"{where}: {sentence}"


def test_n09_republic_square_defenders_were_mostly_conscripts():
    """N09: the defenders killed at Republic Square were mostly young ÁVH conscripts, not "ÁVH officers"."""
    assert not any("ÁVH officers" in text for _, text in _every_string())
    assert "conscripts" in _scene("republic_square").note


def test_n13_no_holed_flags_in_stalins_boots():
    """N13 (regression of L21): "holed like yours" / "every one with a hole cut in it" brought the holed flags
    back in other words; the sources say Hungarian flags. No sentence about the boots may put holes in them."""
    text = _scene("stalin_statue").text
    bad = [s for s in _sentences(text) if "flag" in s and re.search(r"\bhole", s)]
    assert bad == []


def test_n11_nagys_evening_and_his_first_morning_are_told():
    """N11: the objective asked why Nagy disappointed the crowd on 23 October, but no scene told it; nor the
    ban on the march, nor the martial law and the 09:00 troop announcement made in his name on 24 October."""
    assert "Elvtársak" in _scene("stalin_statue").note and "21:00" in _scene("stalin_statue").note
    assert "banned" in _scene("bem_morning").note and "lifted" in _scene("bem_morning").note
    nagy = _scene("tanks_nagy")
    assert "summary justice" in nagy.note and "09:00" in nagy.note and "summary justice" in nagy.text


def test_n28_the_writers_union_kept_its_distance_that_morning():
    """N28: on the morning of 23 October the Writers' Union dissociated itself from the march."""
    assert "keeping its distance" in _scene("bem_morning").note


def test_n12_the_archival_voice_cites_the_archives_not_a_blog():
    """N12: the voice "Historians working from the archives" rested on a consultancy blog and said the written
    request was back-dated to 23 October; Andropov forwarded Hegedüs's letter on 28 October. No voice or card
    puts words of Gerő's telephone call in quotation marks."""
    story = load_story(bundled_story_dir())
    assert "tunzelmann-2016" not in story.sources
    scene = _scene("radio_night") if "radio_night" in story.scenes else next(
        s for s in story.scenes.values() if any("Hegedüs" in a.account for a in s.contested))
    archival = next(a for a in scene.contested if a.who.startswith("Historians working from"))
    assert archival.source == "andropov-1956-10-28" and "28 October" in archival.account
    assert "back-dated to 23 October" not in archival.account
    gero = next(a for a in scene.contested if a.who.startswith("Ernő Gerő"))
    assert '"' not in gero.account
    for key, entry in story.sources.items():
        assert not re.search(r"\bblog\b|consultan", entry.text, re.IGNORECASE), key


def test_n14_kadars_appeal_time_and_whereabouts():
    """N14: the Szolnok archivists date the appeal to 05:05 (06:00 elsewhere); Kádár was not "flown back"
    at dawn: he was still outside Hungary and reached Szolnok around midday."""
    assert not any("flown back" in text for _, text in _every_string())
    note = _scene("whirlwind_dawn").note if "whirlwind_dawn" in load_story(bundled_story_dir()).scenes else ""
    texts = [t for _, t in story_texts() if "05:05" in t]
    assert texts and all("06:00" in t for t in texts)
    assert note == "" or "05:05" in note


def test_n15_the_general_assembly_set_up_the_special_committee():
    """N15: the General Assembly (res. 1132 (XI), 10 January 1957), not Hammarskjöld, set up the committee."""
    entry = load_story(bundled_story_dir()).glossary["Dag Hammarskjöld"].text
    assert "1132" in entry and "he set up" not in entry


def test_n16_bibos_proclamation_has_no_title_of_its_own():
    """N16: "For Freedom and Truth" is an English label; the proclamation opens "Magyarok!". Bibó also rejected
    the charge of fascist or antisemitic excesses, and believed Nagy was at the Soviet embassy."""
    for where, text in _every_string():
        for sentence in _sentences(text):
            if "For Freedom and Truth" in sentence:
                assert "English" in sentence, f"{where}: {sentence}"
    note = _scene("whirlwind_parliament").note if "whirlwind_parliament" in load_story(bundled_story_dir()).scenes \
        else next(t for _, t in story_texts() if "Bibó" in t and "antisemitic" in t)
    assert "antisemitic" in note and "Yugoslav embassy" in note


def test_n17_the_national_holiday_dates_from_the_law_of_1990():
    """N17: the Republic was proclaimed on 23 October 1989; the day became a national holiday by the law of
    May 1990. No sentence may make it a holiday "in" or "since" 1989."""
    for where, text in _every_string():
        for sentence in _sentences(text):
            if "national holiday" in sentence and "1989" in sentence:
                assert "1990" in sentence, f"{where}: {sentence}"
            assert "became a national holiday" not in sentence, f"{where}: {sentence}"


def test_n18_dunaujvaros_is_not_given_an_end_date_the_sources_lack():
    """N18: the end of resistance at Dunaújváros "on 11 November" could not be confirmed; it was attacked on
    7 November."""
    for where, text in _every_string():
        for sentence in _sentences(text):
            assert not ("Dunaújváros" in sentence and "11 November" in sentence), f"{where}: {sentence}"


def test_n19_no_editing_note_about_the_same_reference():
    """N19: "Another account, in the same reference" was an editing note students saw."""
    assert not any(re.search(r"same reference|in the reference", t) for _, t in _every_string())


def test_n21_n22_sources_known_only_through_the_encyclopedia_say_so():
    """N21d, N22: sources that were only 'as described in Wikipedia's article' are marked as such; the article
    itself is marked as an encyclopedia, not scholarship."""
    sources = load_story(bundled_story_dir()).sources
    for key, entry in sources.items():
        assert "as described in Wikipedia" not in entry.text and "as quoted in Wikipedia" not in entry.text, key
    assert "not scholarship" in sources["article"].text


def test_n23_free_kossuth_radio_began_on_30_october():
    entry = load_story(bundled_story_dir()).glossary["Free Kossuth Rádió"].text
    assert "30 October" in entry and "martial law" in entry


def test_n25_the_austrian_camps_held_180000_not_200000():
    entry = load_story(bundled_story_dir()).glossary["Traiskirchen and Graz"].text
    assert "180,000" in entry and "Yugoslavia" in entry


def test_n26_rajk_oversaw_the_political_police_he_did_not_found_it():
    assert not any(re.search(r"Rajk[^.]*founder|founder[^.]*Rajk", t) for _, t in _every_string())


def test_n29_no_police_chalk_outline_in_insurgent_streets():
    assert "chalk line" not in _scene("szabad_nep_inside").text + _scene("tanks_evening").text


def test_n33_it_is_dark_by_six_on_23_october():
    """N33: the sun set at about 16:50 on 23 October 1956; at 18:00 it is not "getting dark"."""
    assert "getting dark" not in _scene("parliament_square").text


def test_n30_erdei_and_maleter_led_the_tokol_delegation():
    story = load_story(bundled_story_dir())
    chapter = story.chapter("ch11_tokol")
    assert chapter is not None and "Erdei" in chapter.summary
    assert "Erdei" in _scene("tokol_waiting").note


def test_n31_the_repression_was_also_hungarian():
    """N31: "almost no Hungarians answered" Kádár's call, but from November the karhatalom carried out much
    of the repression."""
    texts = [t for _, t in story_texts() if "almost no Hungarians answered" in t or "almost no response" in t]
    assert texts and all("karhatalom" in t for t in texts)


# --- The people still missing (review section 3; issue #22) -----------------------------------------

def test_budapests_jews_have_a_face_and_a_note():
    scene = _scene("republic_kremlin")
    assert "Mrs Weisz" in scene.text and "pogrom" in scene.note and "Miskolc" in scene.note
    assert "wjc-1957" in scene.sources


def test_peasants_kadar_mindszenty_and_pozsgay_are_in_the_story():
    rumours = _scene("neutrality_rumours")
    assert "compulsory deliveries" in rumours.note and "collective" in rumours.text
    assert "dicsőséges felkelése" in rumours.note and "Moscow" in rumours.note
    tokol = _scene("tokol_waiting")
    assert "Mindszenty" in tokol.note and "fifteen years" in tokol.note
    crossroads = _scene("epilogue_crossroads")
    assert "Pozsgay" in crossroads.note and "28 January 1989" in crossroads.note


def test_repression_is_not_only_visibility():
    """Section 3.9: the endings follow visibility, but reprisals also ran on denunciations, old scores, the
    councils' own lists and chance; the crossroads says so."""
    crossroads = _scene("epilogue_crossroads")
    assert "denunciation" in crossroads.note and "chance" in crossroads.note and "luck" in crossroads.text


def test_one_optional_scene_from_inside_the_other_side():
    """Issue #22: a short optional scene in which a student can feel why someone feared the revolution: the
    believing chemistry teacher's night as his party card becomes dangerous."""
    scene = _scene("teacher_night")
    assert "party card" in scene.text and "White Terror" in scene.note and "invented" in scene.note
    entry = next(c for c in _scene("ceasefire_committee").choices if c.goto == "teacher_night")
    assert entry.kind == "plausible" and entry.id == "walk_teacher_home"


def test_kadars_glorious_uprising_is_a_card_in_his_own_words():
    chapter = load_story(bundled_story_dir()).chapter("ch10_neutrality")
    assert chapter is not None
    card = next(c for c in chapter.cards if c.who.startswith("János Kádár"))
    assert card.form == "quotation" and card.locator and "dicsőséges felkelése" in card.quote
    assert "project's own translation" in card.provenance


def test_the_arrest_ending_also_follows_a_name_in_the_minutes():
    """Section 3.9: arrests also followed denunciations and the councils' own lists, not visibility alone:
    writing the committee's minutes brings the knock at a lower exposure, and the ending's note says why."""
    knock = next(c for c in _scene("epilogue_crossroads").choices if c.goto == "end_arrested")
    assert knock.condition is not None and "visited(committee_minutes)" in knock.condition.source
    assert "denunciations" in _scene("end_arrested").note
