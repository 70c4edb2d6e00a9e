"""The in-game commands, in ONE table: `help`, Tab completion, the dispatch in the Session and the
README/docs test all read it, so a command cannot exist without being documented."""

from __future__ import annotations

import attrs


@attrs.frozen
class Command:
    name: str
    help: str
    args: str = ""  # how its argument is written in `help`, e.g. "[term]"
    aliases: tuple[str, ...] = ()
    teacher: bool = False  # only in teacher mode (`--teacher`)


TABLE: tuple[Command, ...] = (
    Command("look", "show the current scene again"),
    Command("notes", "the historical note for this scene, with its sources", aliases=("note",)),
    Command("glossary", "all glossary terms, or one (accents and capitals do not matter)", "[term]"),
    Command("timeline", "the chapters, and where you are"),
    Command("history", "the choices you have made"),
    Command("stats", "what the story keeps track of about you"),
    Command("debrief", "your path beside history, the terms you met, sources to read next"),
    Command("undo", "take back your last choice (as often as you like)", aliases=("u",)),
    Command("redo", "bring back a choice you took back with undo"),
    Command("save", "save the game (slot 'quicksave' if none is given)", "[slot]"),
    Command("load", "load a saved game", "[slot]"),
    Command("saves", "list saved games"),
    Command("settings", "show the settings, or change one: reveal, theme or width", "[name value]"),
    Command("restart", "start again from the beginning (a teacher: from the chapter)"),
    Command("reload", "re-read the story files (for authors), keeping your place"),
    Command("reveal", "after the class has chosen: what really happened (Enter does the same)", teacher=True),
    Command("vote", "record how the class split, one count per choice shown, e.g. 'vote 12 7 3'", "N N ...",
            teacher=True),
    Command("card", "this chapter's primary-source cards", teacher=True),
    Command("help", "this list", aliases=("h", "?")),
    Command("quit", "leave (your progress is autosaved)", aliases=("q", "exit")),
)

PLAYER_COMMANDS = tuple(c.name for c in TABLE if not c.teacher)
TEACHER_COMMANDS = tuple(c.name for c in TABLE)


def commands_for(teacher: bool) -> tuple[Command, ...]:
    return tuple(c for c in TABLE if teacher or not c.teacher)


def resolve(word: str, teacher: bool) -> Command | None:
    """The command a typed word names (its name or an alias, any case), if this mode has it."""
    word = word.lower()
    for command in commands_for(teacher):
        if word == command.name or word in command.aliases:
            return command
    return None


def help_rows(teacher: bool) -> list[tuple[str, str]]:
    first = ("NUMBER", "make that choice (Enter alone continues where there is no choice)")
    if teacher:
        first = ("NUMBER", "the class's choice; then Enter shows what really happened")
    rows = [first]
    for command in commands_for(teacher):
        name = f"{command.name} {command.args}".strip()
        rows.append((name, command.help))
    return rows
