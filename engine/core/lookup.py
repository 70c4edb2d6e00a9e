"""What a reader looks up: the historical note (its contested accounts and citations), the glossary,
a chapter's source cards and the teacher's chapter opening. Pure blocks, as in render.py."""

from __future__ import annotations

from engine.core.model import Card, Chapter, Scene, Story
from engine.core.render import Block, Blocks, chapter_dates, citation, date_words, fold

# The words after which a contested account's "who" says more about its head noun than it is.
_AFTER_HEAD = (",", ";", "(", " who ", " of ", " on ", " relying ", " working ", " to ", " in ", " after ",
               " published ", " from ")


def verb_for(who: str) -> str:
    """"says" or "say": "Historians relying on the Presidium minutes say", "Allen Dulles, CIA
    director, says" (U5). The head noun decides: a plural common noun, or two joined by "and"."""
    cut = min([who.find(mark) for mark in _AFTER_HEAD if mark in who] or [len(who)])
    head = who[:cut].strip()
    if " and " in head:
        return "say"
    words = head.split()
    if not words:
        return "says"
    last = words[-1].strip("\"'\u201c\u201d\u2019")
    proper = len(words) > 1 and last[:1].isupper()
    plural = last.lower().endswith("s") and not last.lower().endswith(("ss", "'s", "us", "is")) and not proper
    return "say" if plural else "says"


def note_blocks(story: Story, scene: Scene) -> Blocks:
    blocks = [Block("heading", f"Historical note: {scene.title}")]
    blocks.append(Block("note", scene.note or "(This scene has no historical note.)"))
    for account in scene.contested:
        blocks.append(Block("meta", f"{account.who} {verb_for(account.who)}:", indent=2))
        blocks.append(Block("note", account.account, indent=4, tight=True))
    if scene.sources:
        blocks.append(Block("meta", "Sources:"))
        for key in scene.sources:
            blocks.append(Block("note", f"- {citation(story.sources.get(key), key)}", indent=2, tight=True, hang=2))
    return blocks


def matching_terms(story: Story, term: str) -> list[str]:
    """The glossary entries a reader means by `term`: the one it names, else those that begin with
    it, else those with a word that begins with it (accents and capitals ignored)."""
    wanted = fold(term)
    exact = [key for key in story.glossary if fold(key) == wanted]
    if exact:
        return exact[:1]
    starts = [k for k in story.glossary if fold(k).startswith(wanted)]
    if starts:
        return sorted(starts, key=fold)
    return sorted((k for k in story.glossary if any(w.startswith(wanted) for w in fold(k).split())), key=fold)


def glossary_blocks(story: Story, term: str = "") -> Blocks:
    if term:
        found = matching_terms(story, term)
        if not found:
            return [Block("hint", f"No glossary entry for {term!r}. Type 'glossary' for the list.")]
        if len(found) > 1:  # "glossary radio": Radio Budapest and Radio Free Europe (U6)
            blocks = [Block("heading", f"Glossary entries for {term!r}")]
            blocks.extend(Block("note", f"{key}: {story.glossary[key].text}", indent=2, tight=True, hang=2)
                          for key in found)
            return blocks
        match = found[0]
        return [Block("heading", match), Block("note", story.glossary[match].text, tight=True)]
    blocks = [Block("heading", "Glossary")]
    for key in sorted(story.glossary, key=fold):
        blocks.append(Block("note", f"{key}: {story.glossary[key].text}", indent=2, tight=len(blocks) > 1, hang=2))
    return blocks


def chapter_intro_blocks(story: Story, chapter: Chapter) -> Blocks:
    blocks = [Block("chapter", chapter.title.upper()),
              Block("meta", f"{chapter_dates(chapter)}  |  chapter id: {chapter.id}", tight=True)]
    from engine.core import reading

    blocks.append(Block("meta", reading.opening_line(story, chapter), tight=True))
    if chapter.summary:
        blocks.append(Block("note", chapter.summary))
    return blocks + chapter_warning_blocks(story, chapter) + card_blocks(story, chapter)


def chapter_warnings(story: Story, chapter: Chapter) -> list[tuple[Scene, str]]:
    """The chapter's scenes that carry a content warning, in story order, with the warning."""
    return [(scene, scene.warning) for scene in story.scenes.values()
            if scene.warning and (found := story.scene_chapter(scene)) is not None and found.id == chapter.id]


def chapter_warning_blocks(story: Story, chapter: Chapter) -> Blocks:
    """On the teacher's chapter card: what the chapter's content warnings say, before deciding to go on."""
    warned = chapter_warnings(story, chapter)
    if not warned:
        return []
    blocks = [Block("warning", f"Content warnings in this chapter ({len(warned)}):")]
    blocks.extend(Block("warning", f"- {scene.title}: {warning}", indent=3, tight=True, hang=2)
                  for scene, warning in warned)
    return blocks


def card_blocks(story: Story, chapter: Chapter) -> Blocks:
    blocks: Blocks = []
    for card in chapter.cards:
        blocks += one_card_blocks(story, card)
    return blocks


def one_card_blocks(story: Story, card: Card) -> Blocks:
    source = story.sources.get(card.source)
    when = f", {date_words(card.when)}" if card.when else ""
    blocks: Blocks = [Block("heading", "[SOURCE CARD]")]
    # only a quotation stands in quotation marks; a paraphrase or a slogan says what it is
    shown = f"\u201c{card.quote}\u201d" if card.quoted else f"{card.label} {card.quote}"
    blocks.append(Block("text", shown, indent=3, tight=True))
    blocks.append(Block("meta", f"- {card.who}{when}", indent=3, tight=True))
    if card.provenance:
        blocks.append(Block("note", card.provenance, indent=3, tight=True))
    if source is not None:
        at = f" ({card.locator})" if card.locator else ""
        blocks.append(Block("note", f"Source: {source.text}{at}", indent=3, tight=True))
    return blocks


