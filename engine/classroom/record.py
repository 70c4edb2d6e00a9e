"""A class record: the votes of a teacher-mode transcript (engine/core/transcript.py's Markdown) as
rows a teacher keeps, one a decision (chapter, scene, the split, the class's choice, its label, the
reason given, whether it was a tie), for a one-page HTML/PDF and a CSV. Pure: text in, text out."""

from __future__ import annotations

import csv
import io
import re

import attrs

_VOTED = re.compile(r"^-?\s*The class voted \((\d+) in all\): (.*)$")
_CHOSE = re.compile(r"^\*\*The class chose: (\d+)\\?\. (.*)\*\*$")
_KIND = re.compile(r"^\*\*\\?\[([A-Z]+)\\?\] The class chose: ")
_WHY = re.compile(r"^\s*(?:[-*>]\s*)?Why: (.*)$")
_CHAPTER = re.compile(r"^## (.+)$")
_SCENE = re.compile(r"^### (.+)$")
_STOP = ("## Debrief", "## The end", "## Debrief so far")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


@attrs.frozen
class Vote:
    chapter: str
    scene: str
    split: tuple[int, ...]
    number: int
    label: str
    kind: str = ""
    reason: str = ""

    @property
    def total(self) -> int:
        return sum(self.split)

    @property
    def tie(self) -> bool:
        top = max(self.split, default=0)
        return self.split.count(top) > 1

    @property
    def split_words(self) -> str:
        return ", ".join(f"{i}. {n}" for i, n in enumerate(self.split, start=1))


@attrs.frozen
class Record:
    title: str
    votes: tuple[Vote, ...]


def parse(text: str) -> Record:
    """The votes in a teacher-mode transcript: undone and withdrawn ones left out (a redone one comes
    back); the split is the one the reveal shows, the last word on it."""
    lines = text.splitlines()
    title = _unescape(lines[0].lstrip("# ").removesuffix(": transcript")) if lines else ""
    votes: list[Vote] = []
    undone: list[Vote] = []
    chapter = scene = ""
    split: tuple[int, ...] = ()
    in_reveal = False
    for raw in lines[1:]:
        line = raw.strip()
        if any(line.startswith(stop) for stop in _STOP):
            break
        bare = line.strip("*_ ")
        if bare.startswith(("Undone", "Withdrawn before the reveal")):
            if votes:
                undone.append(votes.pop())
            continue
        if bare.startswith("Redone") and undone:
            votes.append(undone.pop())
            continue
        if m := _CHAPTER.match(line):
            chapter, in_reveal = _unescape(m.group(1)).title(), False
            continue
        if m := _SCENE.match(line):
            if "WHAT REALLY HAPPENED" not in line and "SOURCE CARD" not in line:
                scene, in_reveal = _unescape(m.group(1)), False
            continue
        if m := _VOTED.match(line):
            counts = tuple(int(n) for n in re.findall(r"\d+\\?\.\s*(\d+)", m.group(2)))
            if in_reveal and votes:
                votes[-1] = attrs.evolve(votes[-1], split=counts)
            elif votes and not votes[-1].kind and not split and votes[-1].scene == scene and not line.startswith("-"):
                votes[-1] = attrs.evolve(votes[-1], split=counts)  # counted after the choice, before the reveal
            else:
                split = counts
            continue
        if m := _CHOSE.match(line):
            votes.append(Vote(chapter, scene, split, int(m.group(1)), _unescape(m.group(2))))
            split, undone = (), []
            continue
        if (m := _KIND.match(line)) and votes and not votes[-1].kind:
            votes[-1] = attrs.evolve(votes[-1], kind=m.group(1).lower())
            in_reveal = True
            continue
        if (m := _WHY.match(line)) and votes and not votes[-1].reason:
            reason = _unescape(m.group(1))
            votes[-1] = attrs.evolve(votes[-1], reason="" if reason == "(no reason given)" else reason)
    return Record(title, tuple(votes))


HEADER = ("chapter", "decision", "votes", "total", "class choice", "label", "kind", "tie", "reason")


def csv_text(record: Record) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for v in record.votes:
        writer.writerow([_cell(x) for x in (v.chapter, v.scene, v.split_words, v.total, v.number, v.label,
                                            v.kind, "yes" if v.tie else "no", v.reason)])
    return out.getvalue()


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
