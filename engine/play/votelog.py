"""The teacher's vote log: one CSV row per decision revealed (decision, scene, votes per option, the
class's choice, its kind, the reason given, whether a tie was broken), written beside the
transcript as `NAME.votes.csv` so that one class can be set beside another in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from engine.core import machine
from engine.core.events import Revealed
from engine.core.model import Story
from engine.core.moves import decisions
from engine.io.atomic import read_regular, write_atomically

HEADER = ("decision", "scene", "votes", "class choice", "kind", "reason", "tie-break")
MAX_BYTES = 4 * 1024 * 1024


def log_path(transcript: str | Path) -> Path:
    """`lesson1.md` -> `lesson1.votes.csv`, in the same folder."""
    path = Path(transcript)
    return path.with_name(path.stem + ".votes.csv")


def counts(tally: str) -> list[int]:
    """The counts of "The class voted (30 in all): 1. 14, 2. 9, 3. 7", in order."""
    _, _, parts = tally.partition(":")
    return [int(count) for count in re.findall(r"\d+\.\s*(\d+)", parts)]


class VoteLog:
    """Rows added as the class decides; the file rewritten whole (atomically) after each, after any
    rows an earlier session of the same transcript left."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.earlier = read_regular(path, MAX_BYTES).decode("utf-8", "replace")
        except OSError:
            self.earlier = ""
        self.rows: list[tuple[str, ...]] = []

    def revealed(self, story: Story, event: Revealed, reason: str) -> None:
        scene = story.scenes[event.scene]
        choice = scene.choices[event.choice]
        numbers = counts(event.tally)
        votes = "; ".join(f"{n}: {count}" for n, count in enumerate(numbers, 1))
        tied = bool(numbers) and numbers.count(max(numbers)) > 1
        self.rows.append((str(decisions(story, event.after)), scene.title, votes,
                          machine.label_text(choice, event.before), choice.kind, reason,
                          "yes: the class settled a tied vote" if tied else ""))
        self.write()

    def write(self) -> None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if not self.earlier:
            writer.writerow(HEADER)
        writer.writerows(self.rows)
        try:
            write_atomically(self.path, self.earlier + out.getvalue())
        except OSError:
            pass  # the transcript keeps every vote too; a log that cannot be written stops no lesson
