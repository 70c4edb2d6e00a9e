"""A document-based enquiry per lesson route: the route's question, three to five sources that are
the documents' own words (source cards of `form: quotation` only), each with its provenance and a
glossed version for weaker readers, a corroboration pair, the map, questions tagged by skill, and a
mark scheme for the teacher's copy. Pure views over a Story and its routes."""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from engine.classroom.guide import Route
from engine.core.model import Account, Card, Chapter, Scene, Story

MIN_SOURCES, MAX_SOURCES = 3, 5

# Per themed route (by its title): the cards to use, as (chapter id, words in `who`), in order, and
# the corroboration pairs to try, best first. Only cards that are quotations are ever used.
PLANS: dict[str, tuple[tuple[tuple[str, str], ...], tuple[tuple[tuple[str, str], tuple[str, str]], ...]]] = {
    "23 October: from a march to a revolution": (
        (("ch02_bem", "Petőfi"), ("ch03_parliament", "Radio Budapest"), ("ch04_stalin", "Radio Budapest"),
         ("ch08_ceasefire", "Nagy")),
        ((("ch03_parliament", "Radio Budapest"), ("ch04_stalin", "Radio Budapest")),
         (("ch04_stalin", "Radio Budapest"), ("ch08_ceasefire", "Nagy"))),
    ),
    "Why did the Soviet Union intervene?": (
        (("prologue", "Warsaw"), ("ch09_republic", "Zhukov"), ("ch10_neutrality", "Kádár"),
         ("ch12_whirlwind", "Nagy")),
        ((("ch09_republic", "Zhukov"), ("ch12_whirlwind", "Nagy")),
         (("prologue", "Warsaw"), ("ch12_whirlwind", "Nagy"))),
    ),
    "4 November and after": (
        (("ch12_whirlwind", "Nagy"), ("ch12_whirlwind", "Kádár"), ("ch10_neutrality", "Kádár"),
         ("ch06_tanks", "Office of the Historian"), ("epilogue", "United Nations General Assembly")),
        ((("ch12_whirlwind", "Nagy"), ("ch12_whirlwind", "Kádár")),
         (("ch12_whirlwind", "Nagy"), ("ch06_tanks", "Office of the Historian")),
         (("ch10_neutrality", "Kádár"), ("ch12_whirlwind", "Nagy"))),
    ),
}

# Plain meanings of the hard words in the sources, for the glossed versions (not the story's
# glossary, whose definitions are the worksheet's answers).
GLOSSES = {
    "accordance": "agreement", "principles": "basic rules", "sovereignty": "a country's right to rule itself",
    "noninterference": "not meddling", "internal affairs": "a country's own business",
    "independence": "freedom from another country's control", "passers by": "people walking past",
    "motorists": "drivers", "vast": "very big", "staged": "held", "demonstration": "a protest march",
    "DISZ": "the Communist youth league", "Petofi Club": "a debating club of young Communists",
    "responsibility": "the blame or the credit", "rapidity": "speed", "fatal": "deadly",
    "consequences": "results", "indisputable": "certain", "stirrings": "first movements",
    "elemental": "natural, like a storm", "embracing": "taking in", "unifying": "uniting",
    "withdraw": "pull out", "military-political sphere": "army and politics", "Premier": "Prime Minister",
    "launched": "started", "intention": "aim", "overthrowing": "removing by force", "lawful": "legal",
    "public opinion": "what people think", "constituted": "were", "spontaneous": "not planned",
    "uprising": "a revolt", "committee": "a group given a job", "determine": "find out",
    "invitation": "a request to come in", "quelling": "crushing", "conclusion": "finding",
}

SKILLS = ("sourcing", "contextualisation", "close reading", "corroboration", "causation", "significance")


@attrs.frozen
class Source:
    letter: str
    card: Card
    chapter: Chapter
    gloss: str          # the words with hard ones explained in brackets, or an English translation
    translated: bool    # the original is in Hungarian; `gloss` is the project's translation
    words: tuple[tuple[str, str], ...]  # the hard words and their meanings


@attrs.frozen
class Question:
    skill: str
    text: str
    sources: str  # the letters it uses
    level: str = "core"  # "core", or "extension" (the interpretation question)


@attrs.frozen
class CardSort:
    """A causation card sort: a scene's contested explanations, each a card to cut out, weigh and rank."""

    scene: Scene
    cards: tuple[Account, ...]


@attrs.frozen
class Enquiry:
    route: Route
    question: str
    sources: tuple[Source, ...]
    pair: tuple[Source, Source] | None
    questions: tuple[Question, ...]
    writing: str
    mark_scheme: tuple[tuple[str, str], ...]
    model_answers: tuple[tuple[str, str], ...]
    card_sorts: tuple[CardSort, ...] = ()
    exam: tuple[tuple[str, str], ...] = ()  # (board, question), for the teacher's copy


def _find(story: Story, chapter_id: str, who: str) -> tuple[Chapter, Card] | None:
    chapter = next((c for c in story.chapters if c.id == chapter_id), None)
    if chapter is None:
        return None
    card = next((c for c in chapter.cards if who in c.who and c.quoted), None)
    return (chapter, card) if card is not None else None


_TRANSLATION = re.compile(r"In English \([^)]*\):\s*(.*)", re.S)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def translation(card: Card) -> str:
    """The English words a provenance gives for a quotation in Hungarian (as many sentences as the
    original has), or ""."""
    match = _TRANSLATION.search(card.provenance)
    if not match:
        return ""
    text = " ".join(match.group(1).split())
    wanted = max(1, len(_SENTENCE_END.findall(" ".join(card.quote.split()))))
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    return text[:ends[min(wanted, len(ends)) - 1]] if ends else text


def glossed(card: Card) -> tuple[str, bool, tuple[tuple[str, str], ...]]:
    text = " ".join(card.quote.split())
    english = translation(card)
    translated = bool(english)
    if translated:
        text = english
    words: list[tuple[str, str]] = []
    for word, meaning in sorted(GLOSSES.items(), key=lambda kv: -len(kv[0])):
        pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)
        found = pattern.search(text)
        if found and not any(word.casefold() in w.casefold() for w, _ in words):
            text = f"{text[:found.end()]} [{meaning}]{text[found.end():]}"
            words.append((word, meaning))
    return text, translated, tuple(words)


def _sources(story: Story, route: Route) -> list[tuple[Chapter, Card]]:
    chosen: list[tuple[Chapter, Card]] = []
    plan = PLANS.get(route.title)
    for chapter_id, who in (plan[0] if plan else ()):
        found = _find(story, chapter_id, who)
        if found and found[1] not in [c for _, c in chosen]:
            chosen.append(found)
    # then the route's own quotations, then any in the story, until there are enough
    for pool in ([p.chapter for p in route.all_chapters], list(story.chapters)):
        for chapter in pool:
            for card in chapter.cards:
                if len(chosen) < MIN_SOURCES and card.quoted and card not in [c for _, c in chosen]:
                    chosen.append((chapter, card))
    chosen = chosen[:MAX_SOURCES]
    order = {c.id: i for i, c in enumerate(story.chapters)}
    return sorted(chosen, key=lambda cc: (order[cc[0].id], cc[1].when))


def build_enquiry(story: Story, route: Route) -> Enquiry:
    picked = _sources(story, route)
    sources = []
    for i, (chapter, card) in enumerate(picked):
        gloss, translated, words = glossed(card)
        sources.append(Source(chr(ord("A") + i), card, chapter, gloss, translated, words))
    by_card = {s.card: s for s in sources}
    pair = None
    plan = PLANS.get(route.title)
    for first, second in (plan[1] if plan else ()):
        a, b = _find(story, *first), _find(story, *second)
        if a and b and a[1] in by_card and b[1] in by_card:
            pair = (by_card[a[1]], by_card[b[1]])
            break
    if pair is None and len(sources) >= 2:
        pair = (sources[0], sources[1])
    contested = [scene for pack in route.chapters for scene in pack.scenes
                 if scene.id in pack.on_path and len(scene.contested) >= 3]
    # one card sort: the scene with the most explanations (Route 2: the five for Moscow's reversal)
    sorts = tuple(CardSort(s, s.contested) for s in sorted(contested, key=lambda s: -len(s.contested))[:1])
    return Enquiry(route, route.question, tuple(sources), pair, tuple(_questions(sources, pair, route)),
                   _writing(route), MARK_SCHEME, _models(route), sorts, exam_questions(route))


# Exam-style questions in the shapes the boards use (Edexcel GCSE "Superpower relations and the Cold
# War, 1941-91"; IB History paper 2; AP European History's long essay), per themed route.
EXAM: dict[str, tuple[tuple[str, str], ...]] = {
    "23 October: from a march to a revolution": (
        ("GCSE (4 marks)", "Explain two consequences of the demonstration in Budapest on 23 October 1956."),
        ("GCSE (8 marks)", "Write a narrative account analysing the events in Budapest on 23 October 1956."),
        ("GCSE (8 marks)", "Explain the importance of the shooting at the Radio building for the Hungarian Uprising."),
        ("IB paper 2", "To what extent was the shooting at the Radio building the main reason why a demonstration "
         "became an uprising in October 1956?"),
        ("AP European History (long essay)", "Evaluate the most significant cause of the Hungarian Uprising of 1956."),
    ),
    "Why did the Soviet Union intervene?": (
        ("GCSE (4 marks)", "Explain two consequences of Hungary's declaration of neutrality on 1 November 1956."),
        ("GCSE (8 marks)", "Write a narrative account analysing the Soviet response to the Hungarian Uprising, "
         "23 October to 4 November 1956."),
        ("GCSE (8 marks)", "Explain the importance of the Hungarian Uprising for relations between the superpowers."),
        ("IB paper 2", "To what extent was the fear of Hungary leaving the Warsaw Pact the main reason for the "
         "Soviet intervention of 4 November 1956?"),
        ("AP European History (long essay)", "Evaluate the most significant reason for the Soviet leaders' "
         "decision of 31 October 1956 to intervene again in Hungary."),
    ),
    "4 November and after": (
        ("GCSE (4 marks)", "Explain two consequences of the Soviet intervention in Hungary in November 1956."),
        ("GCSE (8 marks)", "Write a narrative account analysing the crushing of the Hungarian Uprising in "
         "November 1956."),
        ("GCSE (8 marks)", "Explain the importance of the Hungarian Uprising for relations between the superpowers."),
        ("IB paper 2", "Evaluate the effects of the Soviet intervention of 1956 on Hungary to 1989."),
        ("AP European History (long essay)", "Evaluate the extent to which the international response to the "
         "Hungarian Uprising of 1956 reflected the limits of Western power in Eastern Europe."),
    ),
}


def exam_questions(route: Route) -> tuple[tuple[str, str], ...]:
    return EXAM.get(route.title, (("GCSE (8 marks)", f"Explain your answer to this question: {route.question}"),))


def _questions(sources: Sequence[Source], pair: tuple[Source, Source] | None, route: Route) -> list[Question]:
    qs: list[Question] = []
    for s in sources:
        qs.append(Question("sourcing", f"Who made Source {s.letter}, when, and for whom? How might that shape "
                           "what it says?", s.letter))
    played = {p.chapter.id for p in route.chapters}
    first = next((s for s in sources if s.chapter.id in played), next((s for s in sources if s.card.when), sources[0]))
    qs.append(Question("contextualisation", f"What was happening in Hungary when Source {first.letter} was "
                       "made? Use what you saw in the story.", first.letter))
    if len(sources) > 1:
        s = sources[-1]
        qs.append(Question("close reading", f"Pick two words or phrases from Source {s.letter}. What do they "
                           "show about the speaker's view of the events?", s.letter))
    if pair:
        a, b = pair
        qs.append(Question("corroboration", f"Compare Sources {a.letter} and {b.letter}. Where do they agree, "
                           "where do they disagree, and which would you trust more for this question? Why?",
                           f"{a.letter}, {b.letter}"))
    qs.append(Question("causation", f"Using the sources and the map, give two causes that answer: {route.question}",
                       ", ".join(s.letter for s in sources)))
    qs.append(Question("significance", "Which source would matter most to a historian answering the question, "
                       "and why?", ", ".join(s.letter for s in sources), level="extension"))
    qs.append(Question("interpretation", "A historian writes that the events were decided in Moscow, not in "
                       "Budapest. How far do the sources support this view?",
                       ", ".join(s.letter for s in sources), level="extension"))
    return qs


def _writing(route: Route) -> str:
    return (f"Extended writing: “{route.question}” Answer in a paragraph, using at least two of the sources "
            "and saying how far you trust each.")


MARK_SCHEME: tuple[tuple[str, str], ...] = (
    ("Level 1 (1–2 marks)", "Describes what happened or copies from the sources; no judgement of the sources."),
    ("Level 2 (3–4 marks)", "Explains one or two causes with some support from a source; notes who made a "
     "source but does not use it to weigh the evidence."),
    ("Level 3 (5–6 marks)", "Explains causes with support from two or more sources; uses who made each source, "
     "when and for whom to judge how far it can be trusted; compares two sources."),
    ("Level 4 (7–8 marks)", "A sustained judgement that answers the question, weighing causes against each "
     "other; corroborates the sources and explains why they differ from their provenance and context."),
)


# Model answers at two levels, per themed route; they name the sources by what they are, not by letter.
MODELS: dict[str, tuple[str, str]] = {
    "23 October: from a march to a revolution": (
        "The march got bigger during the day: the state radio says it grew from thousands to tens of "
        "thousands. Then there was shooting at the Radio and people started to fight. Nagy later called "
        "it a great national democratic movement.",
        "The sources show a change in scale and in meaning. The state radio's own report at 17:30 admits "
        "that the crowd grew from thousands to tens of thousands as workers, soldiers and passers-by "
        "joined: the march was no longer only the students'. The French-language broadcast at 23:00, "
        "for listeners abroad after Gerő's speech, still calls it a student demonstration led by an "
        "official club; its purpose and audience make it weak evidence of what the crowd wanted but strong "
        "evidence of how the regime wanted it seen. Petőfi's refrain, chanted at the Bem statue, gives "
        "the crowd's own framing: now or never. What turned the march into a revolution is only hinted "
        "at: the government's answer, Gerő's speech and the shooting at the Radio that night. Nagy's "
        "declaration of 28 October calls it a national democratic movement, but Nagy was then trying to "
        "win over the insurgents, so it must be weighed as a politician's words, not a neutral verdict."),
    "Why did the Soviet Union intervene?": (
        "On 30 October Zhukov said the troops should leave Hungary, but on 4 November they attacked "
        "Budapest. They changed their minds because Hungary wanted to leave the Warsaw Pact.",
        "Zhukov's words are strong evidence that on 30 October the Soviet leaders considered withdrawing: "
        "they come from the working notes of their own meeting, never meant to be published. Nagy's "
        "broadcast at 05:20 on 4 November shows the result, from the side that was attacked. What changed "
        "is not in these sources: the Presidium reversed its decision on 31 October, a day before Hungary "
        "declared neutrality, so neutrality cannot have been the first cause, though it may have confirmed "
        "the decision. The minutes point to the fear of losing control (new parties, attacks on Communists "
        "as at Republic Square) and of looking weak while Britain and France attacked Egypt. The Warsaw "
        "Treaty's promise of non-interference shows how the intervention broke the Soviet Union's own "
        "words, and Kádár's praise of the 'glorious uprising' on 1 November, days before he led the "
        "government the Soviet army installed, shows how fast positions changed."),
    "4 November and after": (
        "The Soviet army attacked Budapest on 4 November, as Nagy says on the radio, and many people "
        "died. Later the United Nations called it a national uprising.",
        "Nagy's last broadcast shows the lawful government saying it was attacked, not that it had asked "
        "for help, and the US summary of the UN committee's report says the committee found no proof of "
        "any invitation on 24 October or 4 November. Together they undermine the Soviet and Kádár claim "
        "that Hungary asked for help, though both come from sides opposed to the Soviet Union, and the "
        "committee was never allowed into Hungary. The cost is shown less in these sources than in the "
        "Csepel chapter and in the figures the guide gives. How 1956 was remembered divided at once: the "
        "UN's resolution called it a 'spontaneous national uprising', while the government of Kádár, who "
        "had praised the 'glorious uprising' on 1 November, called it a counter-revolution until 1989."),
}


def _models(route: Route) -> tuple[tuple[str, str], ...]:
    level2, level4 = MODELS.get(route.title, (
        "The sources show what happened and that people disagreed about it.",
        f"A Level 4 answer weighs each source by who made it, when and for whom, compares them, and "
        f"answers “{route.question}” with a judgement that the sources support."))
    return (("A Level 2 answer", level2), ("A Level 4 answer", level4))
