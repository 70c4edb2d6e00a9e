"""Every diagnostic the engine reports, registered once: its code, severity, a one-line summary and an explanation.

The compiler (engine/core/build.py and its readers), the file reader (engine/io), the linter
(engine/author/lint.py), `hungary56 lint --explain CODE` and the lint-code table in docs/authoring.md
all read this table. A code used anywhere must be registered here (tests/test_diagnostics.py checks).

Codes: E0xx the files themselves; E1xx the shape of each record; E2xx expressions; E3xx/W3xx the
story as a whole (found by the linter once the story loads). An error stops the story; a warning does not.
"""

from __future__ import annotations

import attrs

from engine.core.errors import Location, Problem


@attrs.frozen
class Diagnostic:
    code: str
    severity: str  # "error" (E), "warning" (W) or "note" (N: advice that is neither)
    summary: str  # one line, as in the table of docs/authoring.md
    explanation: str  # a paragraph: why it matters and how to fix it

    @property
    def stage(self) -> str:
        """When it is found: while reading the files, while building the story, or by the linter."""
        number = int(self.code[1:])
        return "files" if number < 100 else "load" if number < 300 else "lint"


def _d(code: str, summary: str, explanation: str) -> Diagnostic:
    severity = {"E": "error", "N": "note"}.get(code[0], "warning")
    return Diagnostic(code, severity, summary, " ".join(explanation.split()))


DIAGNOSTICS: dict[str, Diagnostic] = {d.code: d for d in (
    _d("E000", "the folder is not a story: it does not exist or has no `story/` or `scenes/`", """
        A story folder holds a `story/` folder (the story file, its variables, chapters, glossary and
        sources) and a `scenes/` folder (the scene files). Give the folder that holds both, not one
        of them or a file inside them: `hungary56 lint my-story`."""),
    _d("E001", "a file cannot be read as YAML: not UTF-8, a tab in the indentation, a syntax error, a duplicate key, a Python or custom tag, too large or too deep", """
        The file could not be read, so nothing in it is checked, and the scenes, chapters or
        variables it defines are missing from the story. Problems that only follow from that
        (links to its scenes, its chapters or its variables) are not reported until it reads.
        Save the file as UTF-8, indent with spaces, and put text that holds a colon followed by a
        space, or that starts with a special character, in quotes."""),
    _d("E100", "the story has no story file, or no story definition", """
        The story needs `story/story.yaml` (or another file in `story/`) giving its `id`, `title`,
        `version`, `start` and `chapters`."""),
    _d("E101", "a part that must be a mapping of keys (a scene, a choice, ...) is something else", """
        A scene, a choice, a chapter, an ending and the like are mappings of `key: value` lines.
        A choice written as a plain string, or a list where a mapping belongs, is this error;
        the keys it lacks are not reported on top of it."""),
    _d("E102", "an unknown key (with a \"did you mean\" for a misspelling)", """
        The key is not one the format knows (docs/format.md lists every key). A key that looks
        like a known one is probably a misspelling of it: the message suggests it, and that key
        is not also reported as missing."""),
    _d("E103", "a required key is missing", """
        docs/format.md marks the keys each record must have. Add the key; `hungary56 new scene`
        writes a skeleton with every required key."""),
    _d("E104", "a value of the wrong type (text, number, true/false, list)", """
        The value is not of the type the key takes: for example `flashback: "yes"` (write
        `true`), `reading_minutes: two` (write a number), or `choices:` given a single name
        instead of a list of choices."""),
    _d("E105", "a required text is empty", """
        A required text such as a title, a scene's `text` or an ending's `epilogue` is there but
        blank. Write it."""),
    _d("E106", "an id or a variable name that is not letters, digits and `_`", """
        Ids of scenes and chapters, and names of variables, are letters, digits and `_`, starting
        with a letter or `_`, so that conditions such as `visited(radio_gate)` can name them. A
        variable cannot be named like a keyword (`and`, `or`, `not`, `true`, `false`)."""),
    _d("E107", "a date that is not a real date like 1956-10-23, or a time that is not HH:MM", """
        Dates are `1956`, `1956-10` or `1956-10-23` and must exist in the calendar (1956-02-31 does
        not); times are `HH:MM` on a 24-hour clock, in quotes (`time: "21:30"`)."""),
    _d("E108", "a value that is not one of the allowed words (a choice's `kind`, an ending's `kind`, a variable's `type`, a card's `form`)", """
        The key takes one of a fixed set of words; the message lists them and suggests the
        nearest. A choice's `kind` is `historical`, `plausible`, `counterfactual` or `personal`."""),
    _d("E109", "a placeholder left by `hungary56 new scene` (TODO) is still there", """
        `hungary56 new scene` writes a skeleton whose texts and links say TODO. Every one must be
        replaced by the real text, place or scene id before the story is finished."""),
    _d("E110", "a scene without exactly one of `choices`, `next` or `ending`, or with an empty `choices` list", """
        Every scene says how it goes on: a list of `choices`, a single `next` scene, or an
        `ending`. Exactly one of the three."""),
    _d("E111", "a name (chapter, variable, glossary term, source, story key) defined twice", """
        Each chapter id, variable, glossary term, source key and story-level key is defined once
        in the whole story, even across several files in `story/`. The message names the first
        definition."""),
    _d("E112", "two scenes with the same id", """
        Scene ids are unique across every scene file; the message names the first definition.
        Rename one, and the links that meant it."""),
    _d("E113", "two choices of one scene with the same `id`", """
        A choice's `id` names it in recorded playthroughs and saved games, so it must be unique
        among the choices of its scene (the same id may be used again in another scene). Rename
        one of the two."""),
    _d("E114", "the story says it is written in a format newer than this version of hungary56 reads", """
        `format:` in story.yaml names the version of the story format the files are written in
        (absent means 1). Every version of hungary56 reads every older format; a newer one needs a
        newer hungary56 (`pip install --upgrade hungary56`)."""),
    _d("E115", "a `next:` list of routes that is empty, has an `if` on its last route, or a route without `if` before the last", """
        `next:` may be a list of routes, `{if: CONDITION, goto: SCENE}`: the first route whose
        condition holds is taken, and the last route, without `if`, is the default taken when none
        does. So every route but the last needs an `if`, and the last must not have one."""),
    _d("W116", "a source card's deprecated `slogan:` key: write `form: slogan` (or `form: quotation`)", """
        A source card says what its text is with `form`: `quotation` (the words themselves, in
        quotation marks, with a `locator`), `paraphrase` (the project's summary, shown as "In
        summary:") or `slogan`. The old `slogan: true` still reads as `form: slogan`, and
        `slogan: false` as a quotation; replace it with `form`. When both are given, `form` wins."""),
    _d("E120", "a link to a scene that does not exist (`goto`, `next`, `start`, a chapter's `first`)", """
        The id names no scene. The message suggests the nearest id when there is one. Not
        reported while a scene file cannot be read (E001): the scene may be in that file."""),
    _d("E121", "a scene names an unknown chapter, or a source card or a fact of the ledger an unknown source", """
        A scene's `chapter` must be the id of a chapter in `story/`, and the `source` of a card or
        of a fact in the ledger (`facts`) a key of `sources`. Not reported while a story file cannot be read (E001)."""),
    _d("E122", "a scene's `place` is not in the story's `places` (story/places.yaml)", """
        A scene's `place` names the id of a place in `places`, so the teacher's guide can draw it
        on the map. The message suggests the nearest id; add the place (with its coordinates) or
        fix the id."""),
    _d("E200", "a condition or effect that does not parse (or calls an unknown function); the column points inside it", """
        Conditions are written like `armed and courage >= 2`, effects like `courage += 1` or
        `armed = true`. Compare with `==` (a single `=` assigns); use `and`, `or`, `not`."""),
    _d("E201", "a type error in an expression (`armed + 1`, `courage == \"three\"`)", """
        Conditions must be true or false; numbers compare with numbers and texts with texts. An
        effect assigns a value of the variable's own type."""),
    _d("E202", "an unknown variable or scene in an expression", """
        A condition or effect names a variable that `variables` does not declare, or `visited()`
        names a scene that does not exist. Declare the variable under `variables:` in story/*.yaml
        (or fix the spelling the message suggests). Not reported while a file cannot be read
        (E001): the name may be defined there."""),
    _d("E210", "inline text that does not parse: a `{` never closed, a `}` never opened, an `{if}` without `{end}`, an `{else}` or `{end}` without `{if}`", """
        A scene's text, a variant, a label, a history note or an epilogue can read the game state
        with `{name}` and `{if condition}...{else}...{end}` (docs/format.md, "Inline text"). The
        braces must balance and every `{if}` needs its `{end}`; write `{{` and `}}` for a brace
        in the text itself. The column points at the brace or tag."""),
    _d("E211", "inline text that does not type-check: an unknown variable or scene, an `{if}` whose condition is not true/false, a true/false value put into the text", """
        Inline text is checked like a condition: `{if ...}` needs a true/false condition, and
        `{name}` puts in the value of an int or str expression. A true/false variable cannot be
        printed: write `{if armed}...{else}...{end}` instead. Unknown variables and scenes get a
        did-you-mean, at the line and column inside the text."""),
    _d("E212", "`{if}` nested deeper than 50 levels in one text; the message gives the level", """
        Inline `{if}` tags may nest as deep as an expression (50 levels). Deeper nesting is
        almost always generated or broken text, and it would take the engine's stack with it.
        Flatten the text with `{elif}`, or split it into a scene's `variants`."""),
    _d("E213", "one text holds more than 1,000 insertions and tags", """
        A text is shown whole on every visit, and each insertion can put in a text variable of up
        to 100,000 characters. Past 1,000 insertions and tags in one text, split it into
        `variants` or scenes. Whatever a text renders to is also cut at 1,000,000 characters."""),
    _d("W101", "a story or scene file is empty", """
        The file holds nothing. An empty file is often a file truncated by accident: its scenes
        are missing, and links to them are not reported as broken until it is fixed. Delete the
        file if it is not meant to be there."""),
    _d("W109", "a control character (ESC, C1, a bidi override) in a text or key: it would send escape sequences to the player's terminal, so it is removed", """
        Story text reaches the player's terminal, transcripts and handouts. A control character
        in it (ESC starting an escape sequence, a C1 control, a bidirectional override) could clear
        the screen, retitle the window, write to the clipboard or forge a choice line, so the
        engine removes it when it builds the story and reports where it stood, escaped."""),
    _d("W300", "a scene cannot be reached from the start", """
        No path of choices leads to the scene from the story's `start` (choices whose guard is
        always false do not count). Link to it, or delete it."""),
    _d("E301", "a dead end: every choice of a scene has a guard that is always false", """
        None of the scene's choices can ever be taken, so a player who reaches it is stuck."""),
    _d("W302", "a choice whose guard is always false (`if: false`, `if: \"1 > 2\"`)", """
        The condition never holds, whatever the player does, so the choice is never offered."""),
    _d("W303", "every choice of a menu has an `if`, and some state closes them all: a player there would be stuck", """
        The message gives a state in which no guard holds (the values that decide the guards: each
        number they compare with and its neighbours, true and false, the texts they name, 0 to 2
        visits). Add a choice without `if`, or make the guards cover every case; a decision the
        story makes by itself is better written as `next:` with a list of routes and a default
        (docs/authoring.md). The state may be impossible in play: `hungary56 test --exhaustive`
        meets only real ones."""),
    _d("E302", "a trap: scenes that lead only to one another (or a scene only to itself), never to an ending", """
        Once a player enters the group, no choice leads out of it to an ending. Reported once
        per group; the scenes that only lead into it are not reported. `hungary56 test
        --exhaustive` reports the same groups. To fix it, give one scene of the group a way out:
        a choice (or a `next:` route) to a scene that leads on to an ending; if the way out
        has an `if`, check that some state can meet it (`hungary56 test --exhaustive` says when
        none does)."""),
    _d("W310", "a variable declared but never used", """
        No condition reads it and no effect sets it. Delete it, or use it."""),
    _d("W311", "a variable that is set but never read (in a condition, an effect's value, a variant or inline text)", """
        Effects set it, but no condition, text variant or inline text depends on it, so it
        changes nothing the player can see or meet."""),
    _d("W312", "a choice whose effects only set variables that nothing reads: it has no consequence", """
        The choice sets variables, but no condition, variant or inline text ever reads any of
        them, so whatever the player decides here leaves no trace. Read the variable somewhere
        (a variant, an `{if}` in a later text, a guard), or drop the effect.
        `hungary56 stats` lists the choices that change nothing."""),
    _d("E320", "a scene's `terms` names a term missing from the glossary", """
        Every term a scene introduces must be defined under `glossary:` in story/*.yaml."""),
    _d("E321", "a scene's `sources` or a contested account names an unknown source", """
        Every source key must be defined under `sources:` in story/*.yaml."""),
    _d("E330", "a choice without an annotation `kind` (a scene's `next` needs none)", """
        Every choice says whether it is `historical` (what really happened), `plausible`,
        `counterfactual` or `personal` (an invented private act: its note tells what people in
        your place did): the debrief and the teacher's view rest on it."""),
    _d("W331", "a choice without a `history` note", """
        A choice's `history` says what really happened; it is shown after the choice."""),
    _d("W340", "a scene without a historical `note`", """
        The note is the scene's historical background, shown on request."""),
    _d("W341", "a scene that cites no `sources`", """
        The note should rest on at least one source from `sources:`."""),
    _d("E350", "story time runs backwards along a path (by `date` and `time`) to a scene not marked `flashback: true`", """
        Along every path, each dated scene is compared with the last dated scene before it, also
        through scenes that give no time, at the precision both give. Mark a scene that is
        meant to go back in time `flashback: true`."""),
    _d("W360", "a chapter's `first` scene belongs to another chapter", """
        The chapter starts in a scene whose `chapter` names another chapter."""),
    _d("W361", "a chapter with no scenes", """
        No scene names the chapter."""),
    _d("E362", "a chapter whose `until` is before its `date`", """
        A chapter runs from its `date` to its `until`; the end cannot come before the start."""),
    _d("E363", "a scene dated outside its chapter (before its `date`, or after its `until`)", """
        A scene that is not a flashback happens within its chapter's dates, compared at the
        precision both give."""),
    _d("W364", "a chapter's typed `reading_minutes` (deprecated) is more than 20% off the reading time computed from its words", """
        Reading times are computed from the words a class meets along the historical path in the
        chapter (read aloud at 150 words a minute, silently at 200) and shown by `play --chapter`,
        the chapter opening and the teacher's guide. A typed figure is no longer needed: remove
        `reading_minutes` (`hungary56 migrate` does it for every chapter), or correct it to the
        computed figure the message gives. A deprecated field is a warning, never an error, for at
        least one release; this code was E364 (an error) before 0.2.0."""),
    _d("E370", "a source card of `form: quotation` without a `locator`", """
        Quotation marks tell a student that these are the words that were said or written. A
        quotation must be verbatim, in a published translation the `provenance` names, and its
        `locator` says where the words stand: the page, the document number, the broadcast or the
        exact address. Add the locator, or, when the wording cannot be checked, make the card a
        `paraphrase` (shown as "In summary:", without quotation marks)."""),
    _d("N380", "a note, neither error nor warning: the story has recorded playthroughs, and choices without an `id`, which recordings and saves can only keep by position", """
        Recorded playthroughs (tests/playthroughs/) and saved games keep each choice taken by its
        `id`, or by its position in the list when it has none; inserting, removing or reordering
        choices then makes an old recording take a different choice. Give every choice an `id`
        (letters, digits and `_`, unique in its scene), then record the playthroughs again with
        `hungary56 test --bless`: from then on, a replay follows the ids."""),
)}


# Codes that were renamed (a severity that changed changes the letter): `lint --explain OLD` still answers.
RENAMED = {"E364": "W364"}


def get(code: str) -> Diagnostic | None:
    return DIAGNOSTICS.get(RENAMED.get(code, code))


def problem(location: Location, code: str, message: str) -> Problem:
    """A Problem with the registered severity of its code."""
    return Problem(location, message, code, DIAGNOSTICS[code].severity)


def markdown_table() -> str:
    """The lint-code table of docs/authoring.md."""
    rows = ["| code | meaning |", "| --- | --- |"]
    rows += [f"| `{d.code}` | {d.summary} |" for d in DIAGNOSTICS.values()]
    return "\n".join(rows) + "\n"


def explain(code: str) -> str:
    d = DIAGNOSTICS[code]
    return f"{d.code} ({d.severity}): {d.summary}\n\n{d.explanation}\n"
