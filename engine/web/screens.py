"""What the page draws for a step's events: screens of blocks as plain data, and the events as JSON.

Pure: the events (`engine/core/events.py`) come in, lists and dicts of text come out, drawn by the
same functions as the terminal's (`engine/core/render.py`). A screen that the terminal follows with
"press Enter" (a reveal, a chapter's card, a chapter's end) has `next` set: the page shows it with
a Next button before the screens after it.
"""

from __future__ import annotations

from typing import Any

import attrs

from engine.core import events as ev
from engine.core import machine, render
from engine.core.model import GameState, Story
from engine.core.render import Block
from engine.io.saves import state_to_json


def block_data(block: Block) -> dict[str, Any]:
    return {"style": block.style, "text": block.text, "indent": block.indent, "tight": block.tight}


def blocks_data(blocks: list[Block] | tuple[Block, ...]) -> list[dict[str, Any]]:
    return [block_data(block) for block in blocks]


def _value(story: Story, value: Any) -> Any:
    if isinstance(value, GameState):
        return state_to_json(value, story)
    if isinstance(value, Block):
        return block_data(value)
    if isinstance(value, (tuple, list)):
        return [_value(story, item) for item in value]
    return value


def event_data(story: Story, event: Any) -> dict[str, Any]:
    """An event as JSON-able data: its class name, then its fields (states as a save writes them)."""
    data: dict[str, Any] = {"type": type(event).__name__}
    for field in attrs.fields(type(event)):
        data[field.name] = _value(story, getattr(event, field.name))
    return data


def choice_key(choice: Any) -> str:
    """What a choice's button carries in data-choice: its id, or its position where it has none."""
    return choice.id or str(choice.index)


def _screen(kind: str, blocks: list[Block], pause: bool = False, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "blocks": blocks_data(blocks), "next": pause, **extra}


def _held_blocks(story: Story, chapter_title: str, held: tuple[tuple[str, int], ...]) -> list[Block]:
    """The reveals kept for a chapter's end (the reveal setting `chapter`), as the terminal shows them."""
    blocks = [Block("chapter", f"WHAT REALLY HAPPENED: {chapter_title.upper()}")]
    for scene_id, index in held:
        scene = story.scenes[scene_id]
        choice = scene.choices[index]
        blocks.append(Block("meta", scene.title))
        blocks.append(Block("choice", f"You chose: {choice.label}", indent=2, tight=True))
        blocks.extend(attrs.evolve(b, indent=b.indent + 2, tight=True) for b in render.annotation_blocks(choice))
    return blocks


def _scene_screen(story: Story, event: ev.SceneShown, teacher: bool, show_hidden: bool) -> dict[str, Any]:
    state = event.state
    scene = machine.current_scene(story, state)
    blocks = render.scene_blocks(story, state)
    if scene.ending is not None:
        blocks += [b for b in render.ending_alone_blocks(scene, state) if b.style != "hint"]
        if event.debrief:
            from engine.core import debrief

            blocks += render.debrief_blocks(story, debrief.debrief(story, state), "The class" if teacher else "You")
        return _screen("ending", blocks, ending=scene.id, kind_of_ending=scene.ending.kind)
    if teacher and scene.questions:
        blocks += render.question_blocks(scene.questions)
    offers = machine.offers(story, state)
    if show_hidden:  # the hidden choices, unnumbered with why in words (the open ones are buttons)
        blocks += [b for b in render.choice_blocks(offers, True, story) if b.style == "choice-off"]
    return _screen("scene", blocks, scene=scene.id, look=event.look)


def screens(story: Story, events: tuple[Any, ...] | list[Any], teacher: bool = False,
            show_hidden: bool = False) -> list[dict[str, Any]]:
    """The screens a step's events make, in order; notices and requests are not screens."""
    out: list[dict[str, Any]] = []
    chosen: list[Block] = []
    for event in events:
        if isinstance(event, ev.ChapterOpened):
            chapter = story.chapter(event.chapter)
            if chapter is None:
                continue
            if teacher:
                out.append(_screen("chapter", render.chapter_intro_blocks(story, chapter), True, chapter=chapter.id))
            elif not event.first:
                out.append(_screen("chapter", render.chapter_card_blocks(chapter), True, chapter=chapter.id))
        elif isinstance(event, ev.SceneShown):
            screen = _scene_screen(story, event, teacher, show_hidden)
            screen["blocks"] = blocks_data(chosen) + screen["blocks"]
            chosen = []
            out.append(screen)
        elif isinstance(event, ev.Chosen):
            if getattr(event, "pending", event.by_class):  # a class's choice, announced until the reveal
                out.append(_screen("chosen", [*chosen, Block("chosen", f"The class chose: {event.number}. {event.label}")]))
                chosen = []
            elif not event.by_class:
                chosen = [Block("chosen", f"You chose: {event.label}")]
        elif isinstance(event, ev.Revealed):
            scene = story.scenes[event.scene]
            choice = scene.choices[event.choice]
            if event.teacher:
                blocks = render.reveal_blocks(scene, choice, event.before, event.after, event.tally)
            else:
                blocks = render.annotation_blocks(choice, event.after)
            if blocks:
                out.append(_screen("reveal", chosen + blocks, True, scene=scene.id, choice=choice_key(choice)))
                chosen = []
        elif isinstance(event, ev.ChapterClosed):
            chapter = story.chapter(event.chapter)
            if chapter is None:
                continue
            if event.teacher:
                out.append(_screen("chapter-end", render.chapter_end_blocks(chapter, True)[:-1], True,
                                   chapter=chapter.id))
            elif event.held:
                out.append(_screen("reveal", _held_blocks(story, chapter.title, event.held), True, chapter=chapter.id))
        elif isinstance(event, ev.CommandOutput) and event.command == "vote":
            chosen = [*chosen, *event.blocks]  # the class's vote, above the choice it makes
        elif isinstance(event, ev.CommandOutput):
            out.append(_screen("panel", list(event.blocks), command=event.command))
    return out
