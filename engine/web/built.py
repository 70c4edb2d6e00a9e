"""The built story as the site ships it: the engine's cache codec (plain JSON, never code), and the
opening scene drawn at build time so the page shows it before Python has started."""

from __future__ import annotations

import json
from typing import Any

from engine.core import machine, render
from engine.core.errors import SaveError
from engine.core.model import Story
from engine.io import codec
from engine.web.screens import blocks_data, choice_key

STORY_FORMAT = "hungary56-built-story"
STORY_FORMAT_VERSION = 1


def story_document(story: Story) -> dict[str, Any]:
    paths: list[str] = []
    encoded = codec.encode(story, "", paths)
    return {"format": STORY_FORMAT, "format_version": STORY_FORMAT_VERSION, "story": encoded, "paths": paths}


def story_from_json(text: str) -> Story:
    """The story the site ships; raises SaveError when the text is not one."""
    try:
        document = json.loads(text)
        if not isinstance(document, dict) or document.get("format") != STORY_FORMAT:
            raise ValueError("not a built story")
        story = codec.decoder("", document["paths"])(document["story"])
    except (ValueError, TypeError, IndexError, KeyError, RecursionError):
        raise SaveError("this is not a built hungary56 story") from None
    if type(story) is not Story:
        raise SaveError("this is not a built hungary56 story")
    return story


def first_screen(story: Story) -> dict[str, Any]:
    """The opening scene as the page shows it before Python starts (written into index.html)."""
    state = machine.new_game(story)
    scene = machine.current_scene(story, state)
    offers = render.shown_offers(machine.offers(story, state))
    return {
        "title": story.title, "scene": scene.id,
        "blocks": blocks_data(render.scene_blocks(story, state)),
        "choices": [{"number": n, "id": choice_key(o.choice), "label": o.label} for n, o in enumerate(offers, 1)
                    if not o.choice.auto],
    }
