"""What the page draws for a step's events: screens of blocks as plain data, and the events as JSON.

Pure: the events (`engine/core/events.py`) come in, lists and dicts of text come out, drawn by the
terminal's own presenter (`engine/core/present.py`), so that the page shows what the terminal
shows. A screen the terminal ends with "press Enter" (a reveal, a chapter's card or end) has
`next` set: the page shows it with a Next button before the screens after it.
"""

from __future__ import annotations

from typing import Any

import attrs

from engine.core import events as ev
from engine.core import machine, present, render
from engine.core.game import Game
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


def _page_blocks(game: Game, event: Any, blocks: tuple[Block, ...]) -> list[Block]:
    """A text screen's blocks as the page shows them: no typing hints (the page has buttons), and a
    scene without its numbered menu (its open choices are buttons; a teacher's hidden ones stay)."""
    shown = list(blocks)
    if isinstance(event, ev.SceneShown) and game.story.scenes[event.scene].ending is None:
        menu = render.choice_blocks(machine.offers(game.story, event.state), game.mode.show_hidden, game.story)
        if menu and shown[-len(menu):] == menu:
            shown = shown[:-len(menu)] + [b for b in menu if b.style == "choice-off"]
    return [b for b in shown if b.style not in ("hint", "error")]


def _kind(event: Any, game: Game) -> tuple[str, dict[str, Any]]:
    if isinstance(event, ev.SceneShown):
        scene = game.story.scenes[event.scene]
        if scene.ending is not None:
            return "ending", {"ending": scene.id, "scene": scene.id}
        return "scene", {"scene": scene.id, "look": event.look}
    if isinstance(event, ev.Revealed):
        scene = game.story.scenes[event.scene]
        return "reveal", {"scene": scene.id, "choice": choice_key(scene.choices[event.choice])}
    if isinstance(event, ev.ChapterOpened):
        return "chapter", {"chapter": event.chapter}
    if isinstance(event, ev.ChapterClosed):
        return ("chapter-end" if event.teacher else "reveal"), {"chapter": event.chapter}
    return "chosen", {}


def screens(game: Game, events: tuple[Any, ...] | list[Any]) -> list[dict[str, Any]]:
    """The screens a step's events make, in order, drawn by the terminal's own presenter
    (`engine/core/present.py`): what it shows before a pause, or a scene, is one screen (`next`:
    the page waits for Next after it); a command's output is a panel; notices and requests are not
    screens. `game` is the game after the step."""
    out: list[dict[str, Any]] = []
    above: list[Block] = []  # shown, waiting for the screen it belongs on ("You chose", a vote)
    for event in events:
        if isinstance(event, ev.Notice):
            continue
        if isinstance(event, ev.CommandOutput) and event.command != "vote":
            out.append(_screen("panel", list(event.blocks), command=event.command))
            continue
        for screen in present.screens(game, event):
            if not screen.show:
                continue
            above += _page_blocks(game, event, screen.blocks)
            own = isinstance(event, ev.SceneShown) or (isinstance(event, ev.Chosen) and event.pending)
            if screen.pause is not None or own:
                kind, extra = _kind(event, game)
                out.append(_screen(kind, above, screen.pause is not None and not own, **extra))
                above = []
    return out
