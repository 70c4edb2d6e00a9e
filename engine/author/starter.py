"""`hungary56 new story DIR`: a working story folder made from the starter (examples/starter).

The new folder holds the starter's story/ and scenes/, a copy of the JSON Schemas with modelines that
point at it, editor settings that map the schemas, and a recorded playthrough of the historical
path, so that `lint`, `play` and `test --playthroughs` all work in it at once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from engine.core import machine
from engine.core.errors import Hungary56Error
from engine.core.model import Story
from engine.io.atomic import write_atomically

MODELINE = re.compile(r"^(# yaml-language-server: \$schema=)\S*?(\w+\.schema\.json)\s*$", re.MULTILINE)
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PLAYTHROUGH = "historical-path"
MAX_STEPS = 1000


def starter_dir(bundled: Path) -> Path:
    """The starter story shipped with the engine (examples/starter, in a checkout or in the wheel)."""
    folder = bundled / "examples" / "starter"
    if not (folder / "story").is_dir() or not (folder / "scenes").is_dir():
        raise Hungary56Error(f"the starter story is missing from this installation ({folder})")
    return folder


def story_id(folder: Path) -> str:
    """An id for the new story from its folder's name (saves are kept apart by story id)."""
    words = re.findall(r"[A-Za-z0-9]+", folder.resolve().name)
    candidate = "_".join(words).lower()
    return candidate if _ID.fullmatch(candidate) else "my_story"


def point_modelines(text: str, schema_prefix: str = "../schema/") -> str:
    return MODELINE.sub(lambda m: f"{m.group(1)}{schema_prefix}{m.group(2)}", text)


def vscode_settings() -> str:
    settings = {
        "yaml.schemas": {
            "./schema/story.schema.json": ["story/*.yaml", "story/*.yml"],
            "./schema/scene.schema.json": ["scenes/*.yaml", "scenes/*.yml"],
        },
    }
    return json.dumps(settings, indent=2) + "\n"


BLANK_STORY = """\
# yaml-language-server: $schema=../schema/story.schema.json
# A story of your own: its identity, variables and chapters. `fiction: true`: it is not history, so
# choices need no `kind` or `history`, the player sees no "what really happened", and endings have
# kinds of your own. Write `format:` as it is: it says which story format the files follow.
id: {id}
title: A story of your own
version: "0.1"
format: {format}
fiction: true
start: door
perspective: You.
variables:
  brave:
    type: bool
    initial: false
    description: Whether you went out into the storm.
chapters:
  - id: one
    title: The storm
    date: 2000-01-01
    first: door
"""

BLANK_SCENES = """\
# yaml-language-server: $schema=../schema/scene.schema.json
# The scenes. `hungary56 new scene ID --chapter one` adds one with every field explained.
scenes:
  - id: door
    chapter: one
    title: The door
    date: 2000-01-01
    where: Home
    text: The wind shakes the door.
    choices:
      - id: go_out
        label: Go out into the storm
        goto: storm
        do: "brave = true"
      - id: stay_in
        label: Stay by the fire
        goto: fire
  - id: storm
    chapter: one
    title: The storm
    date: 2000-01-01
    where: Outside
    text: The rain is cold, and then it stops.
    next: fire
  - id: fire
    chapter: one
    title: By the fire
    date: 2000-01-01
    where: Home
    text: "{if brave}You dry your coat.{else}You listen to the rain.{end}"
    ending:
      title: Morning
      kind: morning
      epilogue: The storm passes.
"""


def create(target: Path, starter: Path, schemas: Path, blank: bool = False) -> list[Path]:
    """Write the new story folder (which must not exist, or be empty); returns the files written.
    `blank`: a neutral `fiction: true` story of three scenes, not the 1956 starter."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise Hungary56Error(f"{target} already exists and is not an empty folder; choose a new folder name")
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text)
        written.append(path)

    new_id = story_id(target)
    if blank:
        from engine.author.schema import SCHEMAS, schema_text
        from engine.core.format import FORMAT_VERSION

        write(target / "story" / "story.yaml", BLANK_STORY.replace("{id}", new_id).replace("{format}", str(FORMAT_VERSION)))
        write(target / "scenes" / "scenes.yaml", BLANK_SCENES)
        for name in SCHEMAS:  # the schemas of a fiction story: no `kind` needed, ending kinds of your own
            write(target / "schema" / f"{name}.schema.json", schema_text(name, fiction=True))
        write(target / ".vscode" / "settings.json", vscode_settings())
        return written
    for part in ("story", "scenes"):
        for source in sorted((starter / part).glob("*.yaml")):
            text = point_modelines(source.read_text(encoding="utf-8"))
            if part == "story":
                text = re.sub(r"^id: starter$", f"id: {new_id}", text, flags=re.MULTILINE)
            write(target / part / source.name, text)
    for schema in sorted(schemas.glob("*.schema.json")):
        write(target / "schema" / schema.name, schema.read_text(encoding="utf-8"))
    write(target / ".vscode" / "settings.json", vscode_settings())
    return written


def historical_inputs(story: Story) -> list[str]:
    """The input lines that follow the historical path from the start to an ending: at each scene
    the first open choice marked historical (else the first open one), Enter where the story moves on."""
    state = machine.new_game(story)
    inputs: list[str] = []
    for _ in range(MAX_STEPS):
        if machine.is_over(story, state):
            return inputs
        open_ = [o for o in machine.offers(story, state) if o.available]
        if not open_:
            break
        pick = next((o for o in open_ if o.choice.kind == "historical"), open_[0])
        inputs.append("" if pick.choice.auto else str(pick.choice.index + 1))
        state = machine.choose(story, state, pick.choice.index)
    raise Hungary56Error("the starter story has no historical path to an ending")
