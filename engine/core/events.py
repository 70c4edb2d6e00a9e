"""What a step of the game did, as plain frozen values: the events `step()` returns.

An event says *what* happened, never how it looks: the terminal (`engine/play/session.py`) and
the browser (`engine/web/`) each render it their own way, from the story and the states the
event carries (`engine/core/render.py` turns most of them into blocks of text). Events that ask
for work the rules may not do themselves (saving, loading, re-reading the story, changing the
player's settings, leaving) are requests: the caller does the work, and feeds a result back
through `engine.core.game.loaded`, `reloaded` or `configured`.
"""

from __future__ import annotations

import attrs

from engine.core.model import GameState
from engine.core.render import Block


@attrs.frozen(kw_only=True)
class ChapterOpened:
    """A new chapter begins (not on `look`, undo or redo). `first`: the game's first chapter."""

    chapter: str
    first: bool


@attrs.frozen(kw_only=True)
class SceneShown:
    """The current scene, with its choices, or its ending. `look`: shown again (look, undo, redo),
    not reached anew. `debrief`: an ending shown with its debrief below it (an unpaged reader);
    otherwise an ending stands alone and Enter asks for the debrief."""

    scene: str
    state: GameState
    look: bool = False
    debrief: bool = False


@attrs.frozen(kw_only=True)
class Ended:
    """The game reached an ending (shown after its SceneShown)."""

    ending: str
    kind: str


@attrs.frozen(kw_only=True)
class Chosen:
    """A decision was taken (an automatic "Continue" is not one): its number on the screen, its
    label as the player read it, and where it was taken; `outcome`: what came of it (may be empty). `by_class`: a class's choice in teacher
    mode; `pending`: announced and waiting for the teacher's reveal (the same choice is reported
    again, not pending, when it is revealed and taken)."""

    scene: str
    choice: int
    choice_id: str
    number: int
    label: str
    by_class: bool = False
    pending: bool = False
    outcome: str = ""  # what comes of it, as the player reads it (the choice's `outcome`), shown before the reveal


@attrs.frozen(kw_only=True)
class Revealed:
    """What really happened after a choice: `before` and `after` are the states either side of it.
    `teacher`: the projector's reveal screen (with the class's vote, `tally`)."""

    scene: str
    choice: int
    before: GameState
    after: GameState
    teacher: bool = False
    tally: str = ""


@attrs.frozen(kw_only=True)
class ChapterClosed:
    """A chapter was left. `held`: the reveals kept for its end (the reveal setting `chapter`), as
    (scene id, choice index) pairs."""

    chapter: str
    held: tuple[tuple[str, int], ...] = ()
    teacher: bool = False


@attrs.frozen(kw_only=True)
class Notice:
    """A line for the player: `hint` (what to type next, what just happened) or `error`."""

    text: str
    kind: str = attrs.field(default="hint", validator=attrs.validators.in_(("hint", "error")))


@attrs.frozen(kw_only=True)
class CommandOutput:
    """What a command shows (`notes`, `glossary`, `timeline`, `history`, `stats`, `debrief`, `help`,
    `card`, `vars`), as blocks. `record`: it belongs in the transcript too."""

    command: str
    blocks: tuple[Block, ...]
    record: bool = True


@attrs.frozen(kw_only=True)
class Recorded:
    """A line for the transcript only (a choice undone, withdrawn or redone)."""

    text: str


@attrs.frozen(kw_only=True)
class SaveRequested:
    """Save the game now: `slot` is "autosave" after every move, undo and redo, or the slot the
    player named. `state` is what to save; `quiet`: say nothing when it worked."""

    slot: str
    state: GameState
    quiet: bool = False


@attrs.frozen(kw_only=True)
class LoadRequested:
    """Load a saved game; the caller reads it and calls `game.loaded(game, state, slot)`."""

    slot: str


@attrs.frozen(kw_only=True)
class SavesRequested:
    """List the saved games (only the caller knows where they are)."""


@attrs.frozen(kw_only=True)
class ReloadRequested:
    """Re-read the story files; the caller calls `game.reloaded(game, story)` (or shows why not)."""


@attrs.frozen(kw_only=True)
class SettingsRequested:
    """Show the settings or change one (`arg`: "" or "name value"); the caller keeps them, and
    calls `game.configured(game, reveal=...)` when the reveal timing changed."""

    arg: str


@attrs.frozen(kw_only=True)
class Left:
    """The player left (`quit`); the caller autosaves and says goodbye."""


Event = (ChapterOpened | SceneShown | Ended | Chosen | Revealed | ChapterClosed | Notice | CommandOutput | Recorded
         | SaveRequested | LoadRequested | SavesRequested | ReloadRequested | SettingsRequested | Left)
