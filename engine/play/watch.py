"""`play --watch`: the story is read again whenever one of its files changes, keeping your place, as if you had typed `reload`.

A console wrapper: before each prompt it compares the story files' modification times and sizes
with the last look, and answers `reload` for the reader when they changed; at an interactive
prompt (prompt-toolkit) a background check ends the prompt the same way while the reader waits.
A broken edit is refused by `reload` itself, which keeps the story as it was.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from engine.core.render import Block
from engine.io.loader import files_snapshot

POLL_SECONDS = 0.5


class FileWatch:
    """The story folder's files as last seen; `changed()` says whether they differ now (and looks again)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen = files_snapshot(folder)
        self.lock = threading.Lock()

    def changed(self) -> bool:
        now = files_snapshot(self.folder)
        with self.lock:
            if now == self.seen:
                return False
            self.seen = now
            return True


class WatchingConsole:
    """A console that types `reload` for the reader when the story's files changed."""

    def __init__(self, console: Any, watch: FileWatch) -> None:
        self.console = console
        self.watch = watch

    def __getattr__(self, name: str) -> Any:  # show, pause, output, paged, ...: the console's own
        return getattr(self.console, name)

    def ask(self, prompt: str, words: list[str]) -> str:
        if self.watch.changed():
            return self._reload()
        if getattr(self.console, "read_line", None) is None:  # a pipe or a plain terminal: checked at each prompt
            return str(self.console.ask(prompt, words))
        stop = threading.Event()
        fired: list[bool] = []
        checker = threading.Thread(target=self._poll, args=(stop, fired), daemon=True)
        checker.start()
        try:
            line = str(self.console.ask(prompt, words))
        finally:
            stop.set()
            checker.join(timeout=2)
        return self._reload() if fired else line

    def _reload(self) -> str:
        self.console.show([Block("hint", "The story files changed: reloading them (play --watch).")])
        return "reload"

    def _poll(self, stop: threading.Event, fired: list[bool]) -> None:
        """While the reader sits at the prompt: end it when the files change."""
        while not stop.wait(POLL_SECONDS):
            if not self.watch.changed():
                continue
            fired.append(True)
            session = getattr(self.console, "session", None)
            app = getattr(session, "app", None)
            loop = getattr(app, "loop", None)
            if app is not None and loop is not None:
                try:
                    loop.call_soon_threadsafe(lambda app=app: app.exit(result="") if app.is_running else None)
                except RuntimeError:  # the prompt has just ended: the next one reloads
                    pass
            return
