"""The browser's one Python module: holds the game, steps it, and answers the page in JSON.

The page (`static/engine.js`, the only JavaScript that talks to Pyodide) makes one `Web` from the
built story's JSON and calls its methods with plain strings; each answers a JSON string:
`screens` to draw (`engine/web/screens.py`), `notices`, `saves` to keep (the terminal's save JSON,
so a save moves between the two), `requests` only the page can do (load a named save, list
saves, settings, leave), the `view` (open choices, what Next does, undo/redo, the ending), and
`events` (each event as data: the conformance tests compare them with in-process `step`).
Everything here also runs in CPython, which is how the fast tests drive it.
"""

from __future__ import annotations

import io
import json
from typing import Any

from engine.core import events as ev
from engine.core import game as rules
from engine.core import machine, present, render
from engine.core.errors import SaveError
from engine.core.render import Block
from engine.core.transcript import Transcript
from engine.io import saves
from engine.web.built import story_from_json
from engine.web.screens import choice_key, event_data, screens

REVEALS = ("choice", "chapter", "off")


class Web:
    """One game in the page: the rules' `Game`, the transcript so far, and the page's settings."""

    def __init__(self, story_json: str, teacher: bool = False, reveal: str = "choice") -> None:
        self.story = story_from_json(story_json)
        self.teacher = teacher
        self.reveal = reveal if reveal in REVEALS else "choice"
        self.stream = io.StringIO()
        self.transcript = Transcript(self.stream)
        self.transcript.start(f"{self.story.title}: transcript", f"Story version {self.story.version}.")
        self.why_at: int | None = None  # where a reason typed for the last decision goes in the transcript
        self.game: rules.Game | None = None

    @property
    def now(self) -> rules.Game:
        """The game; a page that steps before it starts one gets a new game."""
        if self.game is None:
            self.start()
        assert self.game is not None
        return self.game

    # -- what the page calls -------------------------------------------------------------------

    def start(self, save_text: str = "") -> str:
        """A new game, or the game in `save_text` (the autosave the page kept), from its scene."""
        state = None
        notices: list[dict[str, str]] = []
        if save_text:
            try:
                state, _ = saves.decode(self.story, save_text.encode("utf-8"))
            except SaveError as exc:
                notices.append({"kind": "error", "text": f"The saved game could not be read ({exc}); a new game starts."})
        mode = rules.TEACHER if self.teacher else rules.PLAYER
        step = rules.start(self.story, mode=mode, state=state, paged=True)
        if self.reveal != "choice" and not self.teacher:
            step = step.then(rules.configured(step.game, reveal=self.reveal))
        return self._answer(step, notices)

    def start_chapter(self, chapter_id: str) -> str:
        """A game from a chapter's start (the terminal's --chapter); restart goes back there."""
        chapter = self.story.chapter(chapter_id)
        if chapter is None:
            return self.start()
        mode = rules.TEACHER if self.teacher else rules.PLAYER
        return self._answer(rules.start(self.story, mode=mode, origin=machine.start_chapter(self.story, chapter),
                                        paged=True))

    def catalogue(self) -> str:
        """The chapters (to start from) and the endings (to count those found), for the start screen."""
        chapters = [{"id": c.id, "title": c.title, "dates": render.chapter_dates(c)} for c in self.story.chapters]
        endings = [{"id": s.id, "title": s.ending.title} for s in self.story.scenes.values() if s.ending is not None]
        return json.dumps({"chapters": chapters, "endings": endings}, ensure_ascii=False)

    def send(self, line: str) -> str:
        """A line as the terminal's prompt takes it: a number, a command, or "" for Enter."""
        return self._answer(rules.step(self.now, line))

    def choose(self, key: str) -> str:
        """The open choice whose button carries `key` (its id, or its position without one)."""
        for number, offer in enumerate(rules.menu(self.now), 1):
            if choice_key(offer.choice) == key:
                return self.send(str(number))
        return self._answer(None, [{"kind": "error", "text": "That choice is not open here."}])

    def load_save(self, text: str, slot: str = "file") -> str:
        """A save file or a named save: checked exactly as one read from disk."""
        try:
            state, _ = saves.decode(self.story, text.encode("utf-8"))
        except SaveError as exc:
            return self._answer(None, [{"kind": "error", "text": f"This save cannot be opened: {exc}"}])
        return self._answer(rules.loaded(self.now, state, slot))

    def configure(self, reveal: str) -> str:
        if reveal not in REVEALS:
            return self._answer(None, [{"kind": "error", "text": f"No reveal timing {reveal!r}."}])
        self.reveal = reveal
        return self._answer(rules.configured(self.now, reveal=reveal))

    def save_json(self) -> str:
        return saves.encode(self.story, self.now.state, saves.now()).decode("utf-8")

    def reason(self, text: str) -> str:
        """The student's line of reasoning for the last decision (the terminal's --ask-why)."""
        line = " ".join(text.split())[:600]
        block = Block("note", f"Why: {line}" if line else "Why: (no reason given)", indent=3)
        if self.why_at is not None:
            value = self.stream.getvalue()
            from engine.core.transcript import blocks_markdown

            insert = blocks_markdown([block]).rstrip("\n") + "\n\n"
            self.stream = io.StringIO(value[:self.why_at] + insert + value[self.why_at:])
            self.stream.seek(0, io.SEEK_END)
            self.transcript = Transcript(self.stream)
            self.why_at = None
        return "{}"

    def transcript_markdown(self) -> str:
        """The transcript so far; before an ending, with the debrief so far (as leaving the terminal writes)."""
        text = self.stream.getvalue()
        if self.game is None or machine.is_over(self.story, self.game.state):
            return text
        from engine.core.moves import debrief_blocks
        from engine.core.transcript import blocks_markdown

        blocks = debrief_blocks(self.game)
        return text + "## Debrief so far\n\n" + blocks_markdown(blocks).rstrip("\n") + "\n\n"

    # -- the answer ------------------------------------------------------------------------------

    def _answer(self, step: rules.Step | None, notices: list[dict[str, str]] | None = None) -> str:
        notices = list(notices or [])
        answer: dict[str, Any] = {"screens": [], "saves": [], "requests": [], "events": []}
        if step is not None:
            self.game = step.game
            answer["events"] = [event_data(self.story, event) for event in step.events]
            answer["screens"] = screens(step.game, step.events)
            self._record(step.events)
            for event in step.events:
                self._request(event, answer, notices)
        answer["notices"] = notices
        answer["view"] = self.view()
        return json.dumps(answer, ensure_ascii=False)

    def _request(self, event: Any, answer: dict[str, Any], notices: list[dict[str, str]]) -> None:
        if isinstance(event, ev.Notice):
            notices.append({"kind": event.kind, "text": event.text})
        elif isinstance(event, ev.SaveRequested):
            text = saves.encode(self.story, event.state, saves.now()).decode("utf-8")
            answer["saves"].append({"slot": event.slot, "json": text, "quiet": event.quiet})
        elif isinstance(event, ev.LoadRequested):
            answer["requests"].append({"type": "load", "slot": event.slot})
        elif isinstance(event, ev.SavesRequested):
            answer["requests"].append({"type": "saves"})
        elif isinstance(event, ev.SettingsRequested):
            answer["requests"].append({"type": "settings", "arg": event.arg})
        elif isinstance(event, ev.ReloadRequested):
            notices.append({"kind": "error", "text": "The story cannot be re-read in the browser: rebuild the site."})
        elif isinstance(event, ev.Left):
            answer["requests"].append({"type": "left"})

    def _record(self, events: tuple[Any, ...]) -> None:
        """The transcript, as `play --transcript` writes it: the screens the terminal keeps for the
        same events (`engine/core/present.py`); a reason typed later goes after the decision."""
        for event in events:
            for screen in present.screens(self.now, event):
                if screen.record and screen.blocks:
                    self.transcript.blocks(list(screen.blocks))
                if screen.ask_why:
                    self.why_at = len(self.stream.getvalue())

    def view(self) -> dict[str, Any]:
        """What the page offers now: the open choices as buttons, what Next does, the ending."""
        game = self.game
        if game is None:
            return {}
        story, state = self.story, game.state
        scene = machine.current_scene(story, state)
        pending, over, auto = game.pending, game.over, game.waiting
        choices = [] if (over or auto or pending is not None) else [
            {"number": number, "id": choice_key(offer.choice), "label": offer.label}
            for number, offer in enumerate(rules.menu(game), 1)
        ]
        nxt = "reveal" if pending is not None else "debrief" if over else "continue" if auto else ""
        chapter = story.scene_chapter(scene)
        return {
            "scene": scene.id, "title": scene.title, "chapter": chapter.id if chapter else "",
            "turn": state.turn, "choices": choices, "next": nxt,
            "ending": scene.id if over else "", "prompt": rules.prompt(game),
            "teacher": self.teacher, "reveal": self.reveal,
        }
