"""Places and the map: scenes name places that exist, coordinates are checked, and the engine's SVG map
of Budapest holds every place, the Danube, the 1956 bridges and the districts, with nothing downloaded."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from engine.classroom.map import BRIDGES, chapter_places, svg_map
from engine.core import format as model
from engine.core.errors import StoryError
from engine.io.loader import load_story
from tests.conftest import REPO
from tests.story_helpers import edited_tiny
from tests.test_schema import keys, schema

PLACES = {"story/places.yaml": "places:\n  gate:\n    name: The gate\n    hu: A kapu\n    lat: 47.49\n    lon: 19.06\n"}


def tiny_with_places(extra: str = "", place: str = "gate"):
    from tests.story_helpers import edited, story_from

    texts = edited({"scenes/one.yaml": [("    where: Múzeum körút", f"    where: Múzeum körút\n    place: {place}")]})
    texts["story/places.yaml"] = PLACES["story/places.yaml"] + extra
    return story_from(texts)


def test_a_scene_names_a_place_with_coordinates() -> None:
    story = tiny_with_places()
    place = story.places["gate"]
    assert (place.name, place.hu, place.lat, place.lon) == ("The gate", "A kapu", 47.49, 19.06)
    assert [s.place for s in story.scenes.values() if s.place] == ["gate"]


def test_an_unknown_place_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(StoryError) as caught:
        tiny_with_places(place="gates")
    messages = [f"{p.code} {p.message}" for p in caught.value.problems]
    assert any(m.startswith("E122 scene") and "unknown place 'gates' (did you mean 'gate'?)" in m for m in messages), messages


@pytest.mark.parametrize(("extra", "fragment"), [
    ("  bad:\n    name: Nowhere\n    lat: 147\n    lon: 19\n", "'lat' in place 'bad' must be a number from -90 to 90"),
    ("  bad:\n    name: Nowhere\n    lat: north\n    lon: 19\n", "'lat' in place 'bad' must be a number"),
    ("  bad:\n    name: Nowhere\n    lat: 47\n", "place 'bad' is missing required key 'lon'"),
])
def test_bad_coordinates_are_reported(extra: str, fragment: str) -> None:
    with pytest.raises(StoryError) as caught:
        tiny_with_places(extra)
    assert any(fragment in p.message for p in caught.value.problems), [p.message for p in caught.value.problems]


def test_schema_knows_places_objectives_and_the_scene_place() -> None:
    assert keys(schema("story"), "$defs", "place") == set(model.PLACE_KEYS)
    assert "place" in keys(schema("scene"), "$defs", "scene")
    assert "objectives" in keys(schema("story"), "$defs", "chapter")


def test_every_bundled_budapest_scene_is_placed_and_the_story_places_are_named() -> None:
    story = load_story(REPO)
    for wanted in ("muegyetem", "bem_square", "parliament", "radio", "stalin_statue", "kilian_barracks",
                   "corvin_passage", "republic_square", "csepel", "tokol"):
        assert wanted in story.places
    unplaced = {s.id for s in story.scenes.values() if not s.place}
    # only the scenes outside Budapest or outside any real place have no place
    assert unplaced == {"what_if_moscow_held", "epilogue_crossroads", "end_stayed", "end_exile", "end_interned",
                        "ceasefire_dudas"}  # an unnamed requisitioned building
    for place in story.places.values():  # Budapest and its surroundings
        assert 47.2 < place.lat < 47.7 and 18.8 < place.lon < 19.3, place.id


def _svg(text: str) -> ET.Element:
    return ET.fromstring(text)


def test_the_map_svg_holds_every_place_the_river_bridges_and_districts() -> None:
    story = load_story(REPO)
    text = svg_map(story)
    root = _svg(text)  # well-formed XML
    assert root.get("role") == "img" and root.get("aria-labelledby")
    for place in story.places.values():
        assert f"{place.name}</text>" in text.replace("&amp;", "&"), place.id
        if place.hu:
            assert place.hu in text, place.id
    for name in ("Margaret Bridge", "Chain Bridge", "Liberty Bridge", "Petőfi Bridge"):  # those in the frame
        assert f"<title>{name}</title>" in text
    assert all(name in {b[0] for b in BRIDGES} for name in ("Árpád Bridge (then Stalin Bridge)", "Kossuth Bridge (temporary)"))
    for district in ("Buda", "Pest", "Józsefváros", "Ferencváros", "Csepel"):
        assert f">{district}</text>" in text
    assert "Elisabeth Bridge" not in text  # in ruins from 1945 to 1964
    assert "km south-west" in text  # Tököl is drawn at the edge, with its distance
    assert not re.search(r"(href|src)=\"(?!#)", text) and "url(http" not in text  # nothing loaded


def test_a_chapter_map_lists_only_that_chapters_places() -> None:
    story = load_story(REPO)
    ids = chapter_places(story, "ch05_radio")
    assert ids == ["radio", "jozsefvaros"]
    text = svg_map(story, ids, map_id="ch05")
    legend = text.split('font-weight="bold" font-size="13">Places</text>')[1]
    assert "Radio building" in legend and "Bem Square" not in legend


def test_a_story_without_places_still_gets_a_map() -> None:
    text = svg_map(edited_tiny())
    _svg(text)
    assert "Buda" in text
