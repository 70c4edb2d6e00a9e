"""The session transcript: what was shown, as Markdown a student can hand in, written as the game goes.

`blocks_markdown` is pure; `Transcript` writes to a stream it is given and flushes after every
part, so that a session ended by Ctrl-C (or a closed laptop) still leaves a usable file.
"""

from __future__ import annotations

import re
from typing import IO

from engine.core.controls import strip_controls
from engine.core.render import Block, Blocks

# Prompts and error messages belong to the terminal, not to the record of the game.
SKIPPED_STYLES = ("hint", "error")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<#])")


def escape(text: str) -> str:
    """Text as Markdown shows it literally (story text may hold *, _, [ or #), without a control
    character (`cat transcript.md` must not obey an escape sequence from a save's text)."""
    return _MD_SPECIAL.sub(r"\\\1", strip_controls(text))


def _paragraphs(block: Block) -> list[str]:
    if not block.wrap:
        return [escape(line.strip()) for line in block.text.split("\n") if line.strip()]
    return [escape(" ".join(p.split())) for p in block.text.split("\n\n") if p.strip()]


def _item(text: str) -> str:
    """A list item; a leading number is escaped so that "3. label" keeps its own number."""
    text = text[2:] if text.startswith("- ") else text
    return "- " + re.sub(r"^(\d+)\.", r"\1\\.", text)


def block_markdown(block: Block) -> str:
    if block.style in SKIPPED_STYLES:
        return ""
    if block.style == "rule":
        return "---"
    parts = _paragraphs(block)
    if not parts:
        return ""
    if block.style == "chapter":
        return f"## {parts[0]}"
    if block.style == "heading":
        return f"### {parts[0]}"
    if block.style in ("choice", "choice-off") or not block.wrap or (block.indent and block.tight):
        return "\n".join(_item(p) for p in parts)
    if block.style == "meta":
        return "\n\n".join(f"*{p}*" for p in parts)
    if block.style in ("historical", "plausible", "counterfactual", "personal", "warning", "chosen"):
        return "\n\n".join(f"**{p}**" for p in parts)
    if block.indent:
        return "\n>\n".join(f"> {p}" for p in parts)
    return "\n\n".join(parts)


def blocks_markdown(blocks: Blocks) -> str:
    """Blocks as Markdown paragraphs; a tight run of items stays one list."""
    out: list[str] = []
    for block in blocks:
        text = block_markdown(block)
        if not text:
            continue
        if out and text.startswith("- ") and out[-1].startswith("- ") and block.tight:
            out[-1] += "\n" + text
        else:
            if out and text.startswith("- ") and out[-1].splitlines()[-1].startswith("- "):
                # two lists in a row: CommonMark would make them one (the choices would become more
                # discussion questions); an empty comment ends the first
                out.append("<!-- -->")
            out.append(text)
    return "\n\n".join(out)


class Transcript:
    """Appends Markdown to an open text stream, flushing every time."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, markdown: str) -> None:
        if markdown:
            self.stream.write(markdown.rstrip("\n") + "\n\n")
            self.stream.flush()

    def blocks(self, blocks: Blocks) -> None:
        self.write(blocks_markdown(blocks))

    def resume(self, when: str) -> None:
        """A later session added to an existing transcript: a rule and a heading, never a new file."""
        self.write(f"---\n\n## Next session, {escape(when)}")

    def start(self, title: str, subtitle: str) -> None:
        self.write(f"# {escape(title)}\n\n{escape(subtitle)}\n\nName: ______________________  Date: ____________")
