"""The in-game commands, in ONE table: each row holds its name, help text, the modes it exists in
and its handler, `(game, argument) -> Step`. `help`, Tab completion, `step()`'s dispatch, the
play-tests and the README/docs test all read it, so a command cannot exist without being
documented. The teacher's and the debugger's commands are rows marked for their mode.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from engine.core import expr, lookup, machine, papers, render
from engine.core.errors import Hungary56Error
from engine.core.events import (
    CommandOutput,
    Left,
    LoadRequested,
    Recorded,
    ReloadRequested,
    SaveRequested,
    SavesRequested,
    SettingsRequested,
)
from engine.core.model import GameState, Story
from engine.core.moves import (
    AUTOSAVE,
    Game,
    Step,
    choose_number,
    debrief,
    hint,
    is_auto,
    menu,
    reveal,
    say,
    show_scene,
    went_on_from,
)
from engine.core.render import Block, Blocks

Handler = Callable[[Game, str], Step]
PLAYER, TEACHER, DEBUG = "player", "teacher", "debug"


@attrs.frozen(kw_only=True)
class Command:
    name: str
    help: str
    handler: Handler = attrs.field(eq=False, repr=False)
    args: str = ""  # how its argument is written in `help`, e.g. "[term]"
    aliases: tuple[str, ...] = ()
    modes: frozenset[str] = frozenset({PLAYER, TEACHER})  # a debug row exists in any mode, with --debug


def output(command: str, record: bool = True) -> Callable[[Callable[[Game, str], Blocks]], Handler]:
    """A command that only shows something: its blocks as a CommandOutput, the game unchanged."""
    def wrap(view: Callable[[Game, str], Blocks]) -> Handler:
        def handler(game: Game, arg: str) -> Step:
            return Step(game, (CommandOutput(command=command, blocks=tuple(view(game, arg)), record=record),))
        return handler
    return wrap


def undo(game: Game, _arg: str) -> Step:
    if game.pending is not None:
        withdrawn = machine.label_text(game.scene.choices[game.pending], game.state)
        back = attrs.evolve(game, pending=None)
        return say(back, "Choice withdrawn: the class can choose again.", "hint",
                   Recorded(text=f"Withdrawn before the reveal: {withdrawn}. The class chose again.")
                   ).then(show_scene(back, look=True))
    if not game.past:
        return say(game, "Nothing to undo: this is where your game began.")
    # One choice back: over any "Press Enter" scenes, to the last real decision.
    past = list(game.past)
    taken = [game.state]
    state = past.pop()
    while past and is_auto(game.story, state) and went_on_from(state, taken[-1]):
        taken.append(state)
        state = past.pop()
    seen = {s.scene for s in past}
    held = tuple((scene, choice) for scene, choice in game.held if scene in seen)
    back = attrs.evolve(game, state=state, past=tuple(past), future=(*game.future, tuple(taken)), held=held)
    step = taken[-1].path[-1] if taken[-1].path else None
    what = ""
    if step is not None:
        what = f": {machine.label_text(game.story.scenes[step.scene].choices[step.choice], state).rstrip('.')}"
    return say(back, f"Undone{what}. ('redo' brings it back.)", "hint",
               Recorded(text=f"Undone{what}. The choice taken instead follows.")
               ).then(Step(back, (SaveRequested(slot=AUTOSAVE, state=state, quiet=True),))).then(show_scene(back, look=True))


def redo(game: Game, _arg: str) -> Step:
    if not game.future:
        return say(game, "Nothing to redo.")
    taken = game.future[-1]
    before = game.state
    back = attrs.evolve(game, state=taken[0], past=(*game.past, before, *reversed(taken[1:])), future=game.future[:-1])
    steps = back.state.path[len(before.path):]
    chosen = [game.story.scenes[s.scene].choices[s.choice] for s in steps]
    first = next((choice for choice in chosen if not choice.auto), None)
    records = (Recorded(text=f"Redone: {machine.label_text(first, before)}."),) if first is not None else ()
    return say(back, "Redone.", "hint", *records).then(
        Step(back, (SaveRequested(slot=AUTOSAVE, state=back.state, quiet=True),))).then(show_scene(back, look=True))


def restart(game: Game, _arg: str) -> Step:
    fresh = attrs.evolve(game, past=(*game.past, game.state), future=(), pending=None, chapter_shown="",
                         state=game.origin or machine.new_game(game.story))
    return say(fresh, "A new game. ('undo' takes you back to where you were.)").then(show_scene(fresh))


def vote(game: Game, arg: str) -> Step:
    if game.over or game.waiting:
        return hint(game, "There is no decision to vote on here.")
    shown = menu(game)
    counts = arg.replace(",", " ").split()
    if len(counts) != len(shown) or not all(c.isdecimal() and len(c) <= 6 for c in counts):
        example = " ".join(str(n) for n in range(len(shown), 0, -1))
        return hint(game, f"Give one count per choice shown, in order: {len(shown)} number(s), e.g. 'vote {example}'.")
    numbers = [int(c) for c in counts]
    parts = ", ".join(f"{n}. {count}" for n, count in enumerate(numbers, 1))
    tally = f"The class voted ({sum(numbers)} in all): {parts}"
    voted = attrs.evolve(game, tally=tally)
    shown_vote = Step(voted, (CommandOutput(command="vote", blocks=(Block("vote", tally),)),))
    top = max(numbers)
    if game.pending is not None:
        return shown_vote
    if top > 0 and numbers.count(top) == 1:
        return shown_vote.then(choose_number(voted, numbers.index(top) + 1))
    return shown_vote.then(say(voted, "No single choice has the most votes: type the number the class settles on."))


def card(game: Game, _arg: str) -> Step:
    chapter = game.story.scene_chapter(game.scene)
    blocks = lookup.card_blocks(game.story, chapter) if chapter is not None else []
    if not blocks:
        return say(game, "This chapter has no source cards.")
    return Step(game, (CommandOutput(command="card", blocks=tuple(blocks)),))


def goto_state(story: Story, state: GameState, scene_id: str) -> GameState:
    """The state after jumping to a scene: the same variables, one more visit there, no choice taken."""
    if not scene_id:
        raise Hungary56Error("goto needs a scene id, e.g. 'goto " + story.start + "'")
    if scene_id not in story.scenes:
        raise Hungary56Error(f"there is no scene {scene_id!r}{expr.suggest(scene_id, list(story.scenes))}")
    visits = dict(state.visits)
    visits[scene_id] = visits.get(scene_id, 0) + 1
    return GameState(scene_id, state.variables, visits, state.path, state.turn + 1)


def goto(game: Game, arg: str) -> Step:
    try:
        state = goto_state(game.story, game.state, arg.strip())
    except Hungary56Error as exc:
        return say(game, str(exc), "error")
    jumped = attrs.evolve(game, past=(*game.past, game.state), state=state)
    return say(jumped, f"(debug) Jumped to '{state.scene}'; the variables are as they were.").then(show_scene(jumped))


def vars_blocks(story: Story, state: GameState) -> Blocks:
    """The state as an author needs it: every variable with its type, then the visit counts."""
    blocks: Blocks = [Block("heading", f"State at '{state.scene}', turn {state.turn}")]
    if story.variables:
        width = max(len(name) for name in story.variables)
        for name, declared in story.variables.items():
            value = state.variables.get(name, declared.initial)
            changed = "" if value == declared.initial else f"  (initially {_shown(declared.initial)})"
            blocks.append(Block("note", f"{name:<{width}} = {_shown(value)}  [{declared.type}]{changed}",
                                indent=2, wrap=False, tight=True))
    else:
        blocks.append(Block("note", "The story declares no variables.", indent=2, tight=True))
    visited = ", ".join(f"{scene} {count}" for scene, count in sorted(state.visits.items()) if count)
    blocks.append(Block("note", f"Visits: {visited or 'none'}", indent=2))
    return blocks


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def _help(game: Game, _arg: str) -> Blocks:
    return render.help_blocks(help_rows(game.mode.teacher, game.debug))


def _request(event: object) -> Handler:
    return lambda game, arg: Step(game, (event,))  # type: ignore[arg-type]


ONLY_TEACHER = frozenset({TEACHER})
ONLY_DEBUG = frozenset({DEBUG})

TABLE: tuple[Command, ...] = (
    Command(name="look", help="show the current scene again", handler=lambda game, _arg: show_scene(game, look=True)),
    Command(name="notes", help="the historical note for this scene, with its sources", aliases=("note",),
            handler=output("notes")(lambda game, _arg: lookup.note_blocks(game.story, game.scene))),
    Command(name="glossary", help="all glossary terms, or one (accents and capitals do not matter)", args="[term]",
            handler=output("glossary")(lambda game, arg: lookup.glossary_blocks(game.story, arg))),
    Command(name="timeline", help="the chapters, and where you are",
            handler=output("timeline")(lambda game, _arg: render.timeline_blocks(game.story, game.state))),
    Command(name="history", help="the choices you have made",
            handler=output("history")(lambda game, _arg: render.history_blocks(game.story, game.state))),
    Command(name="stats", help="what the story keeps track of about you",
            handler=output("stats", record=False)(lambda game, _arg: render.stats_blocks(game.story, game.state))),
    Command(name="debrief", help="your path beside history, the terms you met, sources to read next", handler=debrief),
    Command(name="undo", help="take back your last choice (as often as you like)", aliases=("u",), handler=undo),
    Command(name="redo", help="bring back a choice you took back with undo", handler=redo),
    Command(name="save", help="save the game (slot 'quicksave' if none is given)", args="[slot]",
            handler=lambda game, arg: Step(game, (SaveRequested(slot=arg or "quicksave", state=game.state),))),
    Command(name="load", help="load a saved game", args="[slot]",
            handler=lambda game, arg: Step(game, (LoadRequested(slot=arg or "quicksave"),))),
    Command(name="saves", help="list saved games", handler=_request(SavesRequested())),
    Command(name="settings", help="show the settings, or change one: reveal, theme or width", args="[name value]",
            handler=lambda game, arg: Step(game, (SettingsRequested(arg=arg),))),
    Command(name="restart", help="start again from the beginning (a teacher: from the chapter)", handler=restart),
    Command(name="reload", help="re-read the story files (for authors), keeping your place",
            handler=_request(ReloadRequested())),
    Command(name="reveal", help="after the class has chosen: what really happened (Enter does the same)",
            modes=ONLY_TEACHER, handler=lambda game, _arg: reveal(game)),
    Command(name="vote", help="record how the class split, one count per choice shown, e.g. 'vote 12 7 3'",
            args="N N ...", modes=ONLY_TEACHER, handler=vote),
    Command(name="documents", help="the primary sources you have found (the Sixteen Points, ...); 'documents 2' reads one",
            args="[number]", aliases=("docs",),
            handler=output("documents")(lambda game, arg: papers.documents_blocks(game.story, game.state, arg))),
    Command(name="card", help="this chapter's primary-source cards", modes=ONLY_TEACHER, handler=card),
    Command(name="help", help="this list", aliases=("h", "?"), handler=output("help", record=False)(_help)),
    Command(name="quit", help="leave (your progress is autosaved)", aliases=("q", "exit"), handler=_request(Left())),
    Command(name="vars", help="(--debug) the variables, visit counts and turn now", modes=ONLY_DEBUG,
            handler=output("vars", record=False)(lambda game, _arg: vars_blocks(game.story, game.state))),
    Command(name="goto", help="(--debug) jump to a scene, keeping the variables ('undo' comes back)",
            args="SCENE", modes=ONLY_DEBUG, handler=goto),
)


def commands_for(teacher: bool, debug: bool = False) -> tuple[Command, ...]:
    mode = TEACHER if teacher else PLAYER
    return tuple(c for c in TABLE if mode in c.modes or (debug and DEBUG in c.modes))


def names(teacher: bool, debug: bool = False) -> tuple[str, ...]:
    return tuple(c.name for c in commands_for(teacher, debug))


PLAYER_COMMANDS = names(False)
TEACHER_COMMANDS = names(True)


def resolve(word: str, teacher: bool, debug: bool = False) -> Command | None:
    """The command a typed word names (its name or an alias, any case), if this mode has it."""
    word = word.lower()
    for command in commands_for(teacher, debug):
        if word == command.name or word in command.aliases:
            return command
    return None


def help_rows(teacher: bool, debug: bool = False) -> list[tuple[str, str]]:
    first = ("NUMBER", "make that choice (Enter alone continues where there is no choice)")
    if teacher:
        first = ("NUMBER", "the class's choice; then Enter shows what really happened")
    return [first, *((f"{c.name} {c.args}".strip(), c.help) for c in commands_for(teacher, debug))]
