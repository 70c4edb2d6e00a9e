"""The player's papers, as blocks: the short debrief (a screen or two; the full one, `debrief all`, is render.debrief_blocks)
and the primary-source documents found by living through the days they belong to (`documents`). Pure."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from engine.core.lookup import one_card_blocks
from engine.core.model import Card, Entry, GameState, Story
from engine.core.render import Block, Blocks, date_words

if TYPE_CHECKING:  # the classroom views are imported where a debrief is drawn, not on every start
    from engine.core.debrief import Debrief


def debrief_short_blocks(story: Story, debrief: Debrief, state: GameState, who: str = "You") -> Blocks:
    """The debrief a player reads at an ending: the path beside history in a few lines, the ending, and
    three things to read next; a screen or two at 80x24 (`debrief all` gives `debrief_blocks`)."""
    path = "your path" if who == "You" else "the class's path"
    blocks = [Block("heading", f"Debrief: {path}" if story.fiction else f"Debrief: {path} beside history")]
    decisions = debrief.decisions
    if not decisions:
        blocks.append(Block("note", "No decisions yet."))
    else:
        kinds = [d.chosen.kind for d in decisions]
        parts = [f"{kinds.count('historical')} what really happened",
                 f"{kinds.count('plausible')} what some real people did",
                 f"{kinds.count('personal')} private acts of your own",
                 f"{kinds.count('counterfactual')} what did not happen"]
        shown = [p for p in parts if not p.startswith("0 ")]
        blocks.append(Block("note", f"{who} made {len(decisions)} decisions"
                            + ("" if story.fiction else ": " + "; ".join(shown)) + "."))
        parted = [d for d in decisions if d.historical is not None and not d.followed_history
                  and d.chosen.kind != "personal"]
        if parted and not story.fiction:
            blocks.append(Block("meta", "Where you parted from history"))
            for decision in parted[:4]:
                blocks.append(Block("note", f"{decision.scene.title}: {who.lower()} chose \u201c{decision.chosen_label}\u201d; "
                                    f"what really happened: \u201c{decision.historical_label}\u201d.",
                                    indent=2, tight=True, hang=2))
            if len(parted) > 4:
                blocks.append(Block("note", f"... and {len(parted) - 4} more.", indent=2, tight=True))
    scene = story.scenes.get(state.scene)
    if scene is not None and scene.ending is not None:
        blocks.append(Block("meta", f"Your ending: {scene.ending.title} (one of {len(story.endings())})"))
    if debrief.sources:
        blocks.append(Block("meta", "Three things to read next"))
        blocks.extend(Block("note", f"- {_first_sentence(e.text)}", indent=2, tight=True, hang=2)
                      for e in _read_next(story, debrief, state))
    blocks.append(Block("hint", "Type 'debrief all' for every decision with its note, the terms you met and "
                                "all the sources; 'documents' for the primary sources you found."))
    return blocks


def _read_next(story: Story, debrief: Debrief, state: GameState) -> list[Entry]:
    """Three sources to read next: those the scenes of this game cite most (the encyclopedia article
    the story began from last, being the one a reader finds anyway)."""
    cited = Counter(k for s in {step.scene for step in state.path} | {state.scene} if s in story.scenes
                    for k in story.scenes[s].sources)
    order = {e.key: n for n, e in enumerate(debrief.sources)}
    ranked = sorted(debrief.sources, key=lambda e: (e.key == "article", -cited[e.key], order[e.key]))
    return ranked[:3]


def _first_sentence(text: str, most: int = 150) -> str:
    """A citation's first sentence (its author, title and year), not the note after it."""
    end = text.find("). ")
    end = end + 1 if end >= 0 else text.find(". ", 20)
    first = text if end < 0 else text[:end + 1]
    return first if len(first) <= most else first[:most - 1].rsplit(" ", 1)[0] + "\u2026"


def unlocked_cards(story: Story, state: GameState) -> list[Card]:
    """The source cards a player has found: a card is found once a scene of its chapter, on or after the
    card's date, has been witnessed (the Sixteen Points on the night they are written)."""
    seen = [story.scenes[s] for s, n in state.visits.items() if n and s in story.scenes]
    if state.scene in story.scenes:
        seen.append(story.scenes[state.scene])
    found = []
    for chapter in story.chapters:
        dates = [s.date for s in seen if s.chapter == chapter.id]
        found += [card for card in chapter.cards if dates and (not card.when or max(dates) >= card.when[:len(max(dates))])]
    return found


def documents_blocks(story: Story, state: GameState, arg: str = "") -> Blocks:
    """`documents`: the source cards found so far, numbered; `documents N` reads one, `documents all`
    every one."""
    found = unlocked_cards(story, state)
    if not found:
        return [Block("note", "No documents yet: you find them as you live through the days they belong to.")]
    arg = arg.strip()
    if arg.lower() == "all":  # every document found, in full (the browser's Documents panel)
        return [block for card in found for block in one_card_blocks(story, card)]
    if arg:
        if not arg.isdecimal() or not 1 <= int(arg) <= len(found):
            return [Block("error", f"There is no document {arg}: type a number from 1 to {len(found)}.")]
        return one_card_blocks(story, found[int(arg) - 1])
    blocks = [Block("heading", f"Documents you have found ({len(found)})")]
    for number, card in enumerate(found, 1):
        when = f", {date_words(card.when)}" if card.when else ""
        blocks.append(Block("note", f"{number}. {card.who}{when}", indent=2, tight=True, hang=3))
    blocks.append(Block("hint", "Type 'documents' and a number to read one, e.g. 'documents 1', or 'documents all'."))
    return blocks
