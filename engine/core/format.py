"""The story format, described once: every record's keys, their types, whether they are required and what they mean.

The compiler (engine/core/build.py) takes its key lists from here; the JSON Schemas in schema/, the `new
scene` skeleton and the field tables in docs/format.md are made from the same description, so adding a
field is one edit here plus the behaviour that reads it.
"""

from __future__ import annotations

import attrs

from engine.core import expr

# The version of the story format this engine writes. Files say which one they were written in
# (`format:` in story.yaml and in recorded playthroughs; absent means 1), and the engine reads
# every older one: `hungary56 migrate` moves a story forward (docs/authoring.md, "Upgrading").
#   1: 0.1.0: menus numbered every choice, hidden ones too; chapters could type `reading_minutes`.
#   2: 0.2.0: menus number only the open choices; `reading_minutes` deprecated; choices have ids.
FORMAT_VERSION = 2

ANNOTATION_KINDS = ("historical", "plausible", "counterfactual", "personal")
ENDING_KINDS = ("exile", "arrested", "stayed", "fallen", "other")
# What a source card's text is: the words themselves (a `quotation`, shown in quotation marks, which needs
# a `locator`), the project's own summary of a document (a `paraphrase`, shown as "In summary:") or a
# crowd's or a programme's `slogan` (shown as "Slogan:").
CARD_FORMS = ("quotation", "paraphrase", "slogan")
VARIABLE_TYPES = expr.TYPES

# The types a field can have. `list:R` is a list of records R, `record:R` one record R, `map:R` a mapping
# of names to records R; the rest are scalars or lists of scalars.
SCALAR_TYPES = (
    "id", "key", "text", "date", "time", "int", "bool", "strings", "condition", "effects", "kind", "ending_kind",
    "variable_type", "card_form", "value", "number", "next",
)


def _field_type(_instance: object, _attribute: object, value: str) -> None:
    head, _, _record = value.partition(":")
    if value not in SCALAR_TYPES and head not in ("list", "record", "map"):
        raise ValueError(f"unknown field type {value!r}")


@attrs.frozen(kw_only=True)
class Field:
    """One key of a record."""

    key: str
    type: str = attrs.field(validator=_field_type)
    required: bool = False
    doc: str
    example: str = ""
    lint_required: bool = False  # the linter, not the loader, reports it missing (the schema requires it)
    min_items: int = 0  # for a list: the fewest items it may have
    history: bool = False  # the linter requires it only in a history story (not `fiction: true`); the schema does not


@attrs.frozen(kw_only=True)
class Record:
    """One kind of mapping in a story file."""

    name: str
    what: str  # how messages name it: "a scene", "a choice"
    doc: str
    fields: tuple[Field, ...]
    one_of: tuple[str, ...] = ()  # exactly one of these keys must be given
    or_text: bool = False  # in a `map:` it may also be written as a single line of text

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


def _f(key: str, type: str, doc: str, required: bool = False, example: str = "", **more: bool | int) -> Field:
    return Field(key=key, type=type, doc=doc, required=required, example=example, **more)  # type: ignore[arg-type]


VARIABLE = Record(name="variable", what="a variable", doc="A state variable the story declares in `variables`.", fields=(
    _f("type", "variable_type", "`int`, `bool` or `str`", True),
    _f("initial", "value", "its value at the start of a game, of that type", True),
    _f("description", "text", "what it tracks, for authors and the debugger", True),
    _f("label", "text", "what the player's `stats` screen calls it (a variable without one stays hidden)"),
))

CARD = Record(name="card", what="a source card", doc="A source card: a document's own words, or a summary of it shown as one.", fields=(
    _f("quote", "text", "the words of the document in a named translation (a `quotation`), or the project's summary of it (a `paraphrase`)", True),
    _f("form", "card_form", "`quotation` (verbatim, shown in quotation marks; needs `locator`), `paraphrase` (shown as \"In summary:\", "
       "without quotation marks) or `slogan`; `quotation` when not given", False, "quotation"),
    _f("locator", "text", "where the words stand in the source: the page, document number, broadcast time or exact address "
       "(a `quotation` without one is a lint error: E370)", False, "p. 472"),
    _f("who", "text", "who said or wrote it", True),
    _f("when", "date", "when (a date such as 1956-10-23)"),
    _f("source", "key", "the key of the source in `sources` it is quoted from", True),
    _f("provenance", "text", "what the document is, whose translation, and where it was published or broadcast"),
    _f("slogan", "bool", "deprecated (W116): write `form: slogan`"),
))

SOURCE = Record(name="source", what="a source", doc="A work the story rests on, for the bibliography.", or_text=True, fields=(
    _f("title", "text", "the title of the work", True),
    _f("author", "text", "its author, editors or issuing body"),
    _f("year", "text", "the year of publication (or the date of the document)"),
    _f("publisher", "text", "the publisher, with the place when known"),
    _f("licence", "text", "its licence, when it is openly licensed"),
    _f("url", "text", "where to find it online"),
    _f("note", "text", "what it is and how the story uses it"),
))

CHAPTER = Record(name="chapter", what="a chapter", doc="A chapter of the story, in order.", fields=(
    _f("id", "id", "the chapter's id", True, "ch01_points"),
    _f("title", "text", "its title", True),
    _f("date", "date", "when it begins", True),
    _f("until", "date", "when it ends"),
    _f("first", "id", "the id of its first scene", True),
    _f("reading_minutes", "int", "deprecated: reading times are computed from the words; lint warns (W364) when a typed figure is more than 20% off, and `hungary56 migrate` removes it"),
    _f("summary", "text", "a paragraph on what happens, for teachers"),
    _f("questions", "strings", "discussion questions"),
    _f("objectives", "strings", "two or three learning objectives, for the teacher's guide"),
    _f("cards", "list:card", "primary-source cards"),
    _f("setup", "effects", "effects that give a teacher who starts here the state of the historical path"),
))

ACCOUNT = Record(name="account", what="a contested account", doc="One side of a contested account.", fields=(
    _f("who", "text", "whose account it is", True),
    _f("account", "text", "what they say", True),
    _f("source", "key", "the key of the source in `sources` where it is recorded", True),
))

VARIANT = Record(name="variant", what="a text variant", doc="Text shown instead of the scene's text when its condition holds.", fields=(
    _f("if", "condition", "when to show it", True, "courage >= 2"),
    _f("text", "text", "the text", True),
))

CHOICE = Record(name="choice", what="a choice", doc="A transition: what the player can do, and what really happened.", fields=(
    _f("label", "text", "what the player reads in the menu", True),
    _f("id", "id", "a name for the choice, unique in its scene: recorded playthroughs and saves keep it, so "
       "inserting or reordering choices changes no replay", False, "join_march"),
    _f("goto", "id", "the scene it leads to", True),
    _f("if", "condition", "offered only when this holds", False, "armed and courage >= 2"),
    _f("do", "effects", "assignments made when it is taken", False, "courage += 1"),
    _f("kind", "kind", "`historical`, `plausible`, `counterfactual`, or `personal` for an invented private act whose "
       "note tells what people in your place did (the linter requires a kind, E330, unless the story is "
       "`fiction: true`)", history=True),
    _f("outcome", "text", "what comes of the choice, a few sentences shown right after it (before the reveal)"),
    _f("history", "text", "what really happened, shown after the choice (for a `personal` choice: what people in "
       "your place did)"),
))

ROUTE = Record(name="route", what="a route", doc="One way on from a scene that moves on by itself (`next:` as a list): "
               "the first route whose condition holds is taken; the last has no `if` and is taken otherwise.", fields=(
    _f("if", "condition", "when to take this route (the last route has none: it is the default)", False, "courage >= 3"),
    _f("goto", "id", "the scene it leads to", True, "end_exile"),
))

ENDING = Record(name="ending", what="an ending", doc="What makes a scene an ending.", fields=(
    _f("title", "text", "the ending's title", True),
    _f("kind", "ending_kind", "`exile`, `arrested`, `stayed`, `fallen` or `other`; in a `fiction: true` story, any word "
       "of your own (`home`, `lost`, ...)", True),
    _f("epilogue", "text", "what became of you", True),
))

SCENE = Record(name="scene", what="a scene", doc="One scene: a state of the story.", fields=(
    _f("id", "id", "the scene's id, unique in the story", True, "radio_gate"),
    _f("chapter", "id", "the id of its chapter", True),
    _f("title", "text", "its title", True),
    _f("date", "date", "the story date", True),
    _f("time", "time", "the clock time, HH:MM, when the sources give one"),
    _f("where", "text", "the place", True),
    _f("place", "id", "the id of the place in `places` it happens at, for the map"),
    _f("warning", "text", "a content warning shown before the text"),
    _f("flashback", "bool", "true when the scene is out of story time"),
    _f("text", "text", "what the player reads", True),
    _f("variants", "list:variant", "text shown instead when a condition holds"),
    _f("note", "text", "the historical note"),
    _f("sources", "strings", "keys of the sources the note rests on"),
    _f("contested", "list:account", "accounts that disagree, each attributed"),
    _f("terms", "strings", "glossary terms the scene uses"),
    _f("choices", "list:choice", "the choices (exactly one of choices, next, ending)", min_items=1),
    _f("next", "next", "the scene that follows when there is no choice; or a list of routes `{if: CONDITION, goto: SCENE}`, "
       "the first that holds wins, the last (without `if`) is the default"),
    _f("ending", "record:ending", "makes this scene an ending"),
    _f("questions", "strings", "discussion questions a teacher's class meets at this scene"),
), one_of=("choices", "next", "ending"))

STORY = Record(name="story", what="the story", doc="The story's identity, variables, chapters, glossary and sources.", fields=(
    _f("id", "id", "the story's id", True),
    _f("title", "text", "its title", True),
    _f("version", "text", "its version", True),
    _f("format", "int", "the version of the story format its files are written in (absent means 1); "
       "`hungary56 migrate` moves a story to the newest, 2", False, "2"),
    _f("fiction", "bool", "true for a story that is not history: choices need no `kind` or `history`, the player "
       "sees no reveal of what really happened, and an ending's `kind` is any word"),
    _f("start", "id", "the first scene", True),
    _f("perspective", "text", "who the player is"),
    _f("variables", "map:variable", "the state variables"),
    _f("chapters", "list:chapter", "the chapters, in order", True),
    _f("glossary", "map:text", "glossary terms and their definitions"),
    _f("sources", "map:source", "sources, by key: a text, or a record with title, author, year and publisher"),
    _f("places", "map:place", "the places scenes happen at, with coordinates, for the map"),
    _f("facts", "map:fact", "the facts ledger (story/facts.yaml): figures, dates and clock times the story states that are "
       "not in the reference article, or where scholarship corrects it, by the figure as the story writes it"),
))

FACT = Record(name="fact", what="a fact of the ledger", doc="A figure, date or clock time the story states, and the work it comes from.", fields=(
    _f("says", "text", "what the figure is: what was counted, dated or timed", True, "people deported from Budapest in 1951"),
    _f("source", "key", "the key of the work in `sources` it comes from (scholarship or a primary document)", True, "bekes-2002"),
    _f("locator", "text", "where in that work: page, document, table, broadcast or exact address", True, "p. 45"),
    _f("differs", "text", "what other accounts (the reference article among them) give instead; the scene's note says that accounts differ"),
))

PLACE = Record(name="place", what="a place", doc="A place on the map: its names and where it is.", fields=(
    _f("name", "text", "its English name", True, "Bem Square"),
    _f("hu", "text", "its Hungarian name", False, "Bem József tér"),
    _f("lat", "number", "latitude in degrees north", True, "47.5128"),
    _f("lon", "number", "longitude in degrees east", True, "19.0379"),
    _f("about", "text", "one line on what happened there"),
))

SCENE_FILE = Record(name="scene_file", what="a scene file", doc="A file of scenes.", fields=(
    _f("scenes", "list:scene", "the scenes", True),
))

RECORDS: dict[str, Record] = {r.name: r for r in (STORY, VARIABLE, CHAPTER, CARD, SOURCE, PLACE, FACT, SCENE, VARIANT, ACCOUNT, CHOICE, ROUTE, ENDING, SCENE_FILE)}

STORY_KEYS = STORY.keys
VARIABLE_KEYS = VARIABLE.keys
CARD_KEYS = CARD.keys
SOURCE_KEYS = SOURCE.keys
CHAPTER_KEYS = CHAPTER.keys
ACCOUNT_KEYS = ACCOUNT.keys
VARIANT_KEYS = VARIANT.keys
CHOICE_KEYS = CHOICE.keys
ROUTE_KEYS = ROUTE.keys
ENDING_KEYS = ENDING.keys
SCENE_KEYS = SCENE.keys
PLACE_KEYS = PLACE.keys
FACT_KEYS = FACT.keys
