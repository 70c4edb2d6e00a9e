"""Pure formatting of what the player sees: scenes, choices, annotations and the in-game screens.

Functions here return Blocks (a style name and a text) and never touch a terminal; the console
adapters in engine/play/terminal.py wrap, colour and write them.
"""

from __future__ import annotations

import textwrap
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from engine.core import machine
from engine.core.controls import for_layout
from engine.core.dates import month_days
from engine.core.model import Chapter, Choice, Entry, GameState, Scene, Story

if TYPE_CHECKING:  # the classroom views are imported where a debrief or a chapter screen is drawn, not on every start
    from engine.core.debrief import Debrief

KIND_LABELS = {
    "historical": "HISTORICAL - this is what really happened",
    "plausible": "PLAUSIBLE - some real people did this",
    "counterfactual": "COUNTERFACTUAL - this did not happen",
    "personal": "IN YOUR PLACE - your own act; what people in your place did",
}
# The same kinds as plain bracketed words, so that nothing depends on colour (projector, print).
KIND_TAGS = {"historical": "[HISTORICAL]", "plausible": "[PLAUSIBLE]", "counterfactual": "[COUNTERFACTUAL]",
             "personal": "[IN YOUR PLACE]"}


@attrs.frozen
class Block:
    """A paragraph (or a pre-formatted line when `wrap` is false) in a named style."""

    style: str
    text: str
    indent: int = 0
    wrap: bool = True
    tight: bool = False  # no blank line before it (a choice under the one before, say)
    hang: int = 0  # extra indent of wrapped lines, so a long choice lines up under its label
    spaced: bool = False  # keep runs of spaces (columns in `help`); otherwise words are joined by one


def flow(block: Block, paragraph: str) -> str:
    """A paragraph as one line to wrap: runs of white space made one, unless the block keeps them."""
    if block.spaced:
        return " ".join(line.strip() for line in paragraph.splitlines())
    return " ".join(paragraph.split())


Blocks = list[Block]


def wrap_blocks(blocks: Iterable[Block], width: int) -> list[tuple[str, str]]:
    """Lay blocks out at `width` columns: (style, line) pairs, blank lines between blocks."""
    lines: list[tuple[str, str]] = []
    for block in blocks:
        if lines and not block.tight and lines[-1][1] != "":
            lines.append(("text", ""))
        if block.text == "":
            lines.append((block.style, ""))
            continue
        pad = " " * block.indent
        for paragraph in block.text.split("\n\n") if block.wrap else [block.text]:
            if not block.wrap:
                lines.extend((block.style, pad + line) for line in paragraph.split("\n"))
                continue
            room = max(width - block.indent, 20)
            flowing = for_layout(flow(block, paragraph), room - block.hang)
            wrapped = textwrap.wrap(flowing, room, break_on_hyphens=False,
                                    subsequent_indent=" " * block.hang) or [""]
            lines.extend((block.style, pad + line) for line in wrapped)
            lines.append(("text", ""))
        if block.wrap and lines and lines[-1] == ("text", ""):
            lines.pop()
    return lines


def plain_line(style: str, line: str, width: int) -> str:
    """A laid-out line as plain text: a rule as dashes, no control character (nothing a story says
    reaches a terminal as an escape sequence)."""
    from engine.core.controls import strip_controls

    return "-" * min(width, 60) if style == "rule" else strip_controls(line)


def plain_text(blocks: Iterable[Block], width: int) -> str:
    """Blocks as the plain text a pipe shows, with the blank line that ends every show."""
    return "\n".join([*(plain_line(style, line, width) for style, line in wrap_blocks(blocks, width)), ""]) + "\n"


def day_text(year: int, month: int, day: int, pattern: str) -> str:
    """date(year, month, day).strftime(pattern), without importing datetime for the first screen:
    time.strftime of the very time tuple datetime passes it, and the same ValueError for a day
    that is not one."""
    if not (1 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= month_days(year, month)):
        raise ValueError(f"{year:04d}-{month:02d}-{day:02d} is not a calendar day")
    of_year = sum(month_days(year, m) for m in range(1, month)) + day
    y = year - 1
    ordinal = y * 365 + y // 4 - y // 100 + y // 400 + of_year  # 1 for 1 January of year 1, a Monday
    return time.strftime(pattern, (year, month, day, 0, 0, 0, (ordinal + 6) % 7, of_year, -1))


def format_when(scene: Scene) -> str:
    parts = scene.date.split("-")
    try:
        if len(parts) == 3:
            text = day_text(int(parts[0]), int(parts[1]), int(parts[2]), "%A %d %B %Y").replace(" 0", " ")
        elif len(parts) == 2:
            text = day_text(int(parts[0]), int(parts[1]), 1, "%B %Y")
        else:
            text = scene.date
    except ValueError:
        text = scene.date
    return f"{text}, {scene.time}" if scene.time else text


def scene_header(story: Story, scene: Scene) -> Blocks:
    chapter = story.scene_chapter(scene)
    chapter_title = chapter.title if chapter else scene.chapter
    return [
        Block("meta", f"{chapter_title}  |  {format_when(scene)}  |  {scene.where}"),
        Block("heading", scene.title, tight=True),
    ]


def scene_blocks(story: Story, state: GameState) -> Blocks:
    scene = machine.current_scene(story, state)
    blocks = scene_header(story, scene)
    if scene.warning:
        blocks.append(Block("warning", f"Content warning: {scene.warning}"))
    blocks.extend(Block("text", text) for text in machine.visible_text(story, state))
    return blocks


def shown_offers(offers: Sequence[machine.Offer]) -> list[machine.Offer]:
    """The choices a menu numbers, in order: the available ones (numbers have no gaps)."""
    return [offer for offer in offers if offer.available]


def choice_blocks(offers: Sequence[machine.Offer], show_hidden: bool = False, story: Story | None = None) -> Blocks:
    """The menu: available choices numbered 1, 2, 3 without gaps; for a teacher, the hidden ones
    too, unnumbered, with why in words."""
    blocks: Blocks = []
    number = 0
    for offer in offers:
        if offer.choice.auto:
            return [Block("hint", "Press Enter to continue.")]
        if offer.available:
            number += 1
            # the teacher's marker: on the projector, a choice that ends the story says so
            ends = " [ends the story]" if show_hidden and story is not None and ends_story(story, offer.choice) else ""
            blocks.append(Block("choice", f"{number}. {offer.label}{ends}", indent=2, tight=bool(blocks),
                                hang=len(f"{number}. ")))
        elif show_hidden:
            from engine.core.why import hidden_reason  # teacher mode only

            why = hidden_reason(story, offer.choice.condition) if story is not None else ""
            blocks.append(Block("choice-off", f"-  {offer.label}  [not open to players here: {why}]",
                                indent=2, tight=bool(blocks), hang=3))
    return blocks


def ends_story(story: Story, choice: Choice, depth: int = 8) -> bool:
    """Whether taking `choice` ends the story: it leads to an ending, or to scenes that only move on
    by themselves (`next`) to endings."""
    scene = story.scenes.get(choice.goto)
    if scene is None or depth == 0:
        return False
    if scene.ending is not None:
        return True
    return bool(scene.choices) and all(c.auto for c in scene.choices) and \
        all(ends_story(story, c, depth - 1) for c in scene.choices)


def annotation_blocks(choice: Choice, state: GameState | None = None) -> Blocks:
    """The reveal after a choice; `state` (the game after it) renders a history note's inline text."""
    if choice.auto or not choice.kind:
        return []
    blocks = [Block(choice.kind, KIND_LABELS[choice.kind])]
    history = machine.history_text(choice, state) if state is not None else choice.history
    if history:
        blocks.append(Block("note", history, indent=2, tight=True))
    return blocks


def ending_blocks(scene: Scene, debrief: Blocks | None = None, state: GameState | None = None) -> Blocks:
    """The ending, then (in a pipe, where nobody can ask for it) the debrief; `state` (the game that
    reached it) renders the epilogue's inline text."""
    assert scene.ending is not None
    return [
        Block("heading", f"THE END: {scene.ending.title}"),
        Block("text", machine.epilogue_text(scene, state) if state is not None else scene.ending.epilogue),
        *(debrief or []),
        Block("hint", "Type 'restart' to play again, 'undo' to go back, 'history' for your path, or 'quit'."),
    ]


def ending_alone_blocks(scene: Scene, state: GameState | None = None) -> Blocks:
    """The ending standing alone, for a terminal: the debrief waits until it is asked for."""
    assert scene.ending is not None
    return [
        Block("heading", f"THE END: {scene.ending.title}"),
        Block("text", machine.epilogue_text(scene, state) if state is not None else scene.ending.epilogue),
        Block("hint", "Press Enter for your debrief (your path beside history), or type 'restart' to play "
                      "again, 'undo' to go back, or 'quit'."),
    ]


def date_words(date: str) -> str:
    """A story date as words: 1956-10-23 -> 23 October 1956 (a year alone stays as it is)."""
    parts = date.split("-")
    try:
        if len(parts) == 3:
            return day_text(int(parts[0]), int(parts[1]), int(parts[2]), "%d %B %Y").lstrip("0")
        if len(parts) == 2:
            return day_text(int(parts[0]), int(parts[1]), 1, "%B %Y")
    except ValueError:
        pass
    return date


def chapter_dates(chapter: Chapter) -> str:
    if chapter.until and chapter.until != chapter.date:
        return f"{date_words(chapter.date)} to {date_words(chapter.until)}"
    return date_words(chapter.date)


def citation(entry: Entry | None, key: str) -> str:
    """A source as a reader cites it: author and year first, never the story's internal key (U4)."""
    if entry is None:
        return key
    who = ", ".join(part for part in (entry.author, entry.year) if part)
    if not who:
        return entry.text
    if entry.text.startswith(entry.author) or not entry.author:
        return entry.text if entry.year and entry.year in entry.text else f"{entry.text} ({who})"
    return f"{who}: {entry.text}"


def debrief_blocks(story: Story, debrief: Debrief, who: str = "You",
                   votes: Mapping[int, str] | None = None) -> Blocks:
    """The player's (or the class's) path beside history, then chapters covered, terms met and
    sources to read next. `votes` holds how a class split, by decision number."""
    votes = votes or {}
    path = "your path" if who == "You" else "the class's path"
    blocks = [Block("heading", f"Debrief: {path}" if story.fiction else f"Debrief: {path} beside history")]
    if not debrief.decisions:
        blocks.append(Block("note", "No decisions yet."))
    for number, decision in enumerate(debrief.decisions, 1):
        scene, chosen, real = decision.scene, decision.chosen, decision.historical
        blocks.append(Block("meta", f"{number}. {scene.title} ({format_when(scene)})"))
        tag = f" {KIND_TAGS[chosen.kind]}" if chosen.kind else ""
        blocks.append(Block("choice", f"{who} chose: {decision.chosen_label}{tag}", indent=3, tight=True))
        if number in votes:
            blocks.append(Block("vote", votes[number], indent=3, tight=True))
        if decision.followed_history:
            blocks.append(Block("note", "That is what really happened.", indent=3, tight=True))
        elif chosen.kind == "personal":  # an invented private act is never told as history
            blocks.append(Block("note", "That was your own act, not a matter of record. What people in your place did:",
                                indent=3, tight=True))
        elif real is not None:
            blocks.append(Block("note", f"What really happened: {decision.historical_label} {KIND_TAGS['historical']}",
                                indent=3, tight=True))
        elif not story.fiction and any(c.kind == "personal" for c in scene.choices):
            blocks.append(Block("note", "A private decision: no choice here is a matter of record.", indent=3,
                                tight=True))
        elif not story.fiction:  # a story that is not history has nothing to set beside the choice
            blocks.append(Block("note", "This scene records no single historical choice.", indent=3, tight=True))
        for label in decision.also:  # a scene with two historical choices: both happened
            blocks.append(Block("note", f"That happened too: {label} {KIND_TAGS['historical']}", indent=3, tight=True))
        note = decision.note
        if note:
            blocks.append(Block("note", note, indent=6, tight=True))
    blocks.append(Block("heading", "Chapters covered"))
    blocks.extend(Block("note", f"{c.title} ({chapter_dates(c)})", indent=3, tight=True) for c in debrief.chapters)
    if debrief.terms:
        blocks.append(Block("heading", "Glossary terms you met"))
        blocks.extend(Block("note", f"{e.key}: {e.text}", indent=3, tight=True) for e in debrief.terms)
    if debrief.sources:
        blocks.append(Block("heading", "Sources to read next"))
        blocks.extend(Block("note", f"- {citation(e, e.key)}", indent=3, tight=True, hang=2) for e in debrief.sources)
    return blocks


# --- the teacher's projector screens ------------------------------------------------------------


def question_blocks(questions: Sequence[str]) -> Blocks:
    if not questions:
        return []
    blocks = [Block("heading", "[DISCUSS]")]
    blocks.extend(Block("text", f"- {q}", indent=3, tight=True, hang=2) for q in questions)
    return blocks


def chapter_end_blocks(chapter: Chapter, teacher: bool) -> Blocks:
    """The stop screen at the end of a chapter: for a class, the chapter's questions."""
    blocks = [Block("chapter", f"END OF CHAPTER: {chapter.title.upper()}")]
    if teacher:
        blocks += question_blocks(chapter.questions)
        blocks.append(Block("hint", "A good place to stop and discuss. Press Enter to go on to the next chapter, "
                                    "or Ctrl-D to leave ('hungary56 play --teacher --continue' comes back here)."))
    return blocks


def chapter_card_blocks(chapter: Chapter) -> Blocks:
    """A chapter's title card, for a player entering it."""
    return [Block("chapter", chapter.title.upper()), Block("meta", chapter_dates(chapter), tight=True)]


def reveal_blocks(scene: Scene, chosen: Choice, before: GameState | None = None, after: GameState | None = None,
                  vote: str = "") -> Blocks:
    """What really happened, after a class has decided: their choice's annotation (and how the class
    voted), then history's. `before` and `after` (the game before and after the choice) render
    inline text in labels and notes."""

    def label(choice: Choice) -> str:
        return machine.label_text(choice, before) if before is not None else choice.label

    def history(choice: Choice) -> str:
        return machine.history_text(choice, after) if after is not None else choice.history

    blocks = [Block("heading", "WHAT REALLY HAPPENED")]
    tag = KIND_TAGS.get(chosen.kind, "")
    blocks.append(Block(chosen.kind or "note", f"{tag} The class chose: {label(chosen)}".strip()))
    if vote:
        blocks.append(Block("vote", vote, indent=3, tight=True))
    if chosen.history:
        blocks.append(Block("note", history(chosen), indent=3, tight=True))
    for real in (c for c in scene.choices if c.kind == "historical" and c.index != chosen.index):
        # every historical choice the class did not take: where a scene has two, both happened
        words = "Also in history" if chosen.kind == "historical" else "In history"
        blocks.append(Block("historical", f"{KIND_TAGS['historical']} {words}: {label(real)}"))
        if real.history:
            blocks.append(Block("note", history(real), indent=3, tight=True))
    return blocks


def fold(text: str) -> str:
    """Text to compare as a reader does: without accents or capitals (ÁVH, avh and Avh are one)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def timeline_blocks(story: Story, state: GameState) -> Blocks:
    scene = story.scenes.get(state.scene)
    here = story.scene_chapter(scene) if scene else None
    blocks = [Block("heading", "Timeline")]
    for chapter in story.chapters:
        current = here is not None and chapter.id == here.id
        text = f"{chapter_dates(chapter)}: {chapter.title}"
        blocks.append(Block("choice", f">> {text}", tight=len(blocks) > 1, hang=3) if current
                      else Block("note", text, indent=3, tight=len(blocks) > 1))
    return blocks


def history_blocks(story: Story, state: GameState) -> Blocks:
    if not state.path:
        return [Block("hint", "You have not made a choice yet.")]
    blocks = [Block("heading", "Your path so far")]
    number = 0
    befores = machine.states_before(story, state)
    for step, before in zip(state.path, befores):
        scene = story.scenes.get(step.scene)
        if scene is None or step.choice >= len(scene.choices):
            continue
        choice = scene.choices[step.choice]
        if choice.auto:
            continue
        number += 1
        kind = f" ({choice.kind})" if choice.kind else ""
        blocks.append(Block("note", f"{number}. {scene.title}: {machine.label_text(choice, before)}{kind}", indent=2, tight=len(blocks) > 1,
                            hang=len(f"{number}. ")))
    return blocks


def help_blocks(rows: Sequence[tuple[str, str]]) -> Blocks:
    """The commands, as (name, what it does) rows made from the one command table
    (engine/core/commands.py); wrapped, with a hanging indent."""
    column = max(len(name) for name, _ in rows) + 2
    blocks = [Block("heading", "Commands")]
    blocks.extend(Block("note", f"{name:<{column}}{text}", indent=2, tight=True, hang=column, spaced=True)
                  for name, text in rows)
    blocks.append(Block("hint", "Tab completes a command; Up and Down bring back what you typed; "
                                "Ctrl-C clears the line, or on an empty line leaves (your game is saved)."))
    return blocks


def stats_blocks(story: Story, state: GameState) -> Blocks:
    """What the story keeps track of about you: the variables its author gave a label, those your
    choices have changed. A value still at its start says nothing the scene has not (the scene may
    well show Feri in your kitchen while "In touch with Feri" was never set: U12)."""
    labelled = [v for v in story.variables.values() if v.label]
    if not labelled:
        return [Block("hint", "This story keeps nothing about you that it shows.")]
    shown = [v for v in labelled if state.variables.get(v.name, v.initial) != v.initial]
    if not shown:
        return [Block("hint", "Your choices have not yet changed anything the story keeps track of.")]
    blocks = [Block("heading", "What your choices have changed")]
    for variable in shown:
        value = state.variables.get(variable.name, variable.initial)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        blocks.append(Block("note", f"{variable.label}: {value}", indent=2, tight=len(blocks) > 1, hang=2))
    return blocks


def welcome_blocks(story: Story) -> Blocks:
    """The first screen of a first game (U11): the title, whose story it is, the content note, and
    how to ask for the commands."""
    blocks = [Block("chapter", story.title)]
    if story.perspective:
        blocks.append(Block("text", story.perspective))
    warned = [scene.warning for scene in story.scenes.values() if scene.warning]
    if warned:
        blocks.append(Block("warning", f"Content note: {len(warned)} scene{'s' if len(warned) != 1 else ''} carry "
                                       f"a content warning, shown at the top of the scene (for example: {warned[0]})"))
    blocks.append(Block("hint", "Type a choice's number (or its first words) to choose, and 'help' for the "
                                "commands (undo, notes, glossary, save, quit...) at any prompt."))
    return blocks


def recap_blocks(story: Story, state: GameState, count: int = 3) -> Blocks:
    """Where a continued game left off (U13): its last `count` decisions, oldest first."""
    steps = [(step, before) for step, before in zip(state.path, machine.states_before(story, state))
             if step.scene in story.scenes and step.choice < len(story.scenes[step.scene].choices)
             and not story.scenes[step.scene].choices[step.choice].auto]
    if not steps:
        return []
    blocks = [Block("heading", "Where you left off" if len(steps) <= count else
                    f"Where you left off: your last {count} choices")]
    for step, before in steps[-count:]:
        scene = story.scenes[step.scene]
        label = machine.label_text(scene.choices[step.choice], before)
        blocks.append(Block("note", f"- {scene.title}: {label}", indent=2, tight=True, hang=2))
    blocks.append(Block("hint", "Type 'history' for the whole path."))
    return blocks
