"""The real prompt-toolkit PromptSession, fed keystrokes through a pipe as a person types them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput


@contextmanager
def typed_session(chunks: Sequence[str], pause: float) -> Iterator[PromptSession[str]]:
    """A PromptSession whose input is `chunks`, typed one at a time with `pause` seconds between
    (completion and key bindings run between keystrokes, as for a person)."""
    with create_pipe_input() as pipe:
        def typist() -> None:
            for chunk in chunks:
                pipe.send_text(chunk)
                time.sleep(pause)

        thread = threading.Thread(target=typist, daemon=True)
        thread.start()
        yield PromptSession(input=pipe, output=DummyOutput())
        thread.join()
