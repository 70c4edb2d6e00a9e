"""Events as a text reader shows them: each event of a step becomes screens of blocks, for the
terminal, the transcript and the play-tests alike (the browser draws the same events as HTML).

Pure: the game given is the one after the step; nothing is printed here.
"""

from __future__ import annotations

import attrs

from engine.core import lookup, machine, render
from engine.core.events import (
    ChapterClosed,
    ChapterOpened,
    Chosen,
    CommandOutput,
    Event,
    Notice,
    Recorded,
    Revealed,
    SceneShown,
)
from engine.core.model import Chapter
from engine.core.moves import Game, debrief_blocks
from engine.core.render import Block, Blocks

NEXT_SCENE = "-- more -- (Enter for the next scene)"
CHAPTER_ENDED = "-- chapter ended -- (Enter to go on)"
WARNED = "-- content warning -- (Enter to show the scene)"
# What ends by showing the choices again, so that nobody has to type `look` to get them back.
MENU_AGAIN = ("card", "notes", "help", "debrief", "glossary", "timeline", "history", "stats")


@attrs.frozen(kw_only=True)
class Screen:
    """Blocks to show. `record`: in the transcript too; `show`: on the screen (False: the transcript
    only); `pause`: end the screen here and wait (None: go on; "" the reader's own prompt);
    `ask_why`: ask for the player's reason after it (`play --ask-why`); `clear`: a new part, started
    on a cleared screen where the host can (the teacher's projector)."""

    blocks: tuple[Block, ...]
    record: bool = True
    show: bool = True
    pause: str | None = None
    ask_why: bool = False
    clear: bool = False  # a new part: on a cleared screen, where the reader's screen allows (teacher mode)


def _screen(blocks: Blocks | tuple[Block, ...], **kwargs: object) -> Screen:
    return Screen(blocks=tuple(blocks), **kwargs)  # type: ignore[arg-type]


def _chapter(game: Game, chapter_id: str) -> Chapter:
    chapter = game.story.chapter(chapter_id)
    assert chapter is not None, chapter_id  # events name the chapters of the story they were made from
    return chapter


def scene_blocks(game: Game, event: SceneShown) -> Blocks:
    story, state = game.story, event.state
    scene = story.scenes[event.scene]
    blocks = [Block("rule", ""), *render.scene_blocks(story, state)]
    if scene.ending is not None:
        if event.debrief:
            return blocks + render.ending_blocks(scene, debrief_blocks(attrs.evolve(game, state=state)), state)
        return blocks + render.ending_alone_blocks(scene, state)
    if game.mode.teacher and scene.questions:
        blocks += render.question_blocks(scene.questions)
    return blocks + render.choice_blocks(machine.offers(story, state), game.mode.show_hidden, story)


def menu_again(game: Game) -> Blocks:
    """The choices of the scene on screen, shown again after a command's output."""
    if game.pending is not None:
        return [Block("hint", "The class has chosen: press Enter (or type 'reveal') for what really happened.")]
    menu = render.choice_blocks(machine.offers(game.story, game.state), game.mode.show_hidden, game.story)
    return [Block("meta", f"{game.scene.title}: the choices"), *menu]


def screens(game: Game, event: Event) -> list[Screen]:
    """What a text reader shows for one event (nothing for the requests its shell carries out)."""
    story, teacher = game.story, game.mode.teacher
    if isinstance(event, SceneShown):
        scene = story.scenes[event.scene]
        shown = _screen(scene_blocks(game, event), record=not event.look, clear=teacher and not event.look)
        if teacher and scene.warning and not event.look:  # the warning alone first, for the teacher to decide
            return [_screen([Block("warning", f"Content warning: {scene.warning}")], record=False, clear=True,
                            pause=WARNED), shown]
        return [shown]
    if isinstance(event, Notice):
        return [_screen([Block(event.kind, event.text)])]
    if isinstance(event, CommandOutput):
        if event.command == "welcome" and teacher:  # on the projector, the chapter's card starts a cleared screen
            return [_screen(event.blocks, record=event.record, pause="")]
        said = [_screen(event.blocks, record=event.record)]
        if event.command in MENU_AGAIN and not game.over and (game.paged or teacher):
            said.append(_screen(menu_again(game), record=False))
        return said
    if isinstance(event, Recorded):
        return [_screen([Block("meta", event.text)], show=False)]
    if isinstance(event, ChapterOpened):
        chapter = _chapter(game, event.chapter)
        if teacher:
            return [_screen(lookup.chapter_intro_blocks(story, chapter), pause="", clear=True)]
        if game.paged and not event.first:
            return [_screen(render.chapter_card_blocks(chapter), record=False, pause="")]
        return []
    if isinstance(event, Chosen):
        if event.pending:
            return [_screen([Block("chosen", f"The class chose: {event.number}. {event.label}")], ask_why=True)]
        outcome = [_screen([Block("text", event.outcome)])] if event.outcome else []
        if event.by_class:
            return outcome  # the choice was announced when the class chose
        said = [_screen([Block("chosen", f"Chosen: {event.number}. {event.label}")], show=False, ask_why=True)]
        if game.paged or game.echo:
            said.append(_screen([Block("chosen", f"You chose: {event.label}")], record=False))
        return said + outcome
    if isinstance(event, Revealed):
        scene = story.scenes[event.scene]
        choice = scene.choices[event.choice]
        if event.teacher:
            return [_screen(render.reveal_blocks(scene, choice, event.before, event.after, event.tally),
                            pause=NEXT_SCENE, clear=True)]
        blocks = render.annotation_blocks(choice, event.after)
        return [_screen(blocks, pause="")] if blocks else []
    if isinstance(event, ChapterClosed):
        chapter = _chapter(game, event.chapter)
        if event.teacher:
            return [_screen(render.chapter_end_blocks(chapter, True), pause=CHAPTER_ENDED, clear=True)]
        if not event.held:
            return []
        blocks = [Block("chapter", f"WHAT REALLY HAPPENED: {chapter.title.upper()}")]
        for scene_id, index in event.held:
            scene = story.scenes[scene_id]
            choice = scene.choices[index]
            blocks.append(Block("meta", scene.title))
            blocks.append(Block("choice", f"You chose: {choice.label}", indent=2, tight=True))
            blocks.extend(attrs.evolve(b, indent=b.indent + 2, tight=True) for b in render.annotation_blocks(choice))
        return [_screen(blocks, pause="")]
    return []
