"""The JSON Schemas of story and scene files and the field tables of docs/format.md, made from engine/core/format.py.

The schema says what the loader and the linter say about the shape of one file, no more and no
less: a value the loader turns into text (a number where a text is expected) is allowed, a key
the loader treats as absent when empty (`warning:` with no value) may be null, a required text may
not be blank or a `new scene` placeholder (TODO), and a choice needs its `kind` as lint requires.
What needs the whole story (links, variables, chronology) only `hungary56 lint` checks.
Written to schema/ by `python -m engine.author.generate`; tests/test_generated.py fails when stale.
"""

from __future__ import annotations

import json
from typing import Any

from engine.core import format as spec
from engine.core.dates import DATE
from engine.core.fields import ID, PLACEHOLDER

SCHEMAS = ("story", "scene")
# the records whose field tables docs/format.md shows, in its order
DOCUMENTED = ("story", "variable", "chapter", "card", "source", "fact", "scene", "variant", "account", "choice", "route", "ending")

_TOP = {
    "story": ("story", "hungary56 story file (story/*.yaml)",
              "The story's shared definitions. All files in story/ are merged, so no key is required in any "
              "one file; see docs/format.md."),
    "scene": ("scene_file", "hungary56 scene file (scenes/*.yaml)", "A list of scenes; see docs/format.md."),
}
# A real calendar day as far as a pattern can tell (29 February is left to the linter).
_DAY = r"(-((0[13578]|1[02])(-(0[1-9]|[12][0-9]|3[01]))?|(0[469]|11)(-(0[1-9]|[12][0-9]|30))?|02(-(0[1-9]|1[0-9]|2[0-9]))?))?"
DATE_PATTERN = r"^[0-9]{4}" + _DAY + "$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
NOT_PLACEHOLDER = {"not": {"type": "string", "pattern": rf"^\s*{PLACEHOLDER}"}}
NOT_BLANK = r"\S"
assert DATE.pattern.startswith("^(\\d{4})")  # the linter's own date rule, which this one follows


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _value(field: spec.Field, required: bool, fiction: bool = False) -> dict[str, Any]:
    """The schema of one field's value."""
    kind, _, record = field.type.partition(":")
    out: dict[str, Any]
    if kind == "list":
        out = {"type": "array", "items": {"$ref": f"#/$defs/{record}"}}
        if field.min_items:
            out["minItems"] = field.min_items
    elif kind == "record":
        out = {"$ref": f"#/$defs/{record}"}
    elif kind == "map":
        out = {"type": "object"}
        if record == "text":
            out["additionalProperties"] = {"type": "string", "pattern": NOT_BLANK}
        else:
            ref: dict[str, Any] = {"$ref": f"#/$defs/{record}"}
            if spec.RECORDS[record].or_text:
                ref = {"anyOf": [{"type": "string", "pattern": NOT_BLANK}, ref]}
            out["additionalProperties"] = ref
            if record == "variable":
                out["propertyNames"] = {"pattern": ID.pattern}
    elif kind == "id":
        out = {"type": "string", "pattern": ID.pattern, **NOT_PLACEHOLDER}
    elif kind == "next":  # a scene id, or a list of routes
        out = {"anyOf": [{"type": "string", "pattern": ID.pattern, **NOT_PLACEHOLDER},
                         {"type": "array", "items": {"$ref": "#/$defs/route"}, "minItems": 1},
                         *([] if required else [{"type": "null"}])]}
        return out
    elif kind == "key":  # a key of `sources` or `glossary`: any text
        out = {"type": "string", "pattern": NOT_BLANK}
    elif kind == "text":
        out = {"type": ["string", "number"], **NOT_PLACEHOLDER}
        if required:
            out["pattern"] = NOT_BLANK
    elif kind == "date":
        out = {"type": ["string", "integer"], "pattern": DATE_PATTERN, "minimum": 1000, "maximum": 9999}
    elif kind == "time":
        out = {"type": "string", "pattern": TIME_PATTERN}
    elif kind == "int":
        out = {"type": "integer"}
    elif kind == "number":
        out = {"type": "number"}
    elif kind == "bool":
        out = {"type": "boolean"}
    elif kind == "strings":
        out = {"type": "array", "items": {"type": ["string", "integer"]}}
    elif kind == "condition":
        out = {"type": ["string", "boolean"]}
    elif kind == "effects":
        out = {"type": ["string", "array"], "items": {"type": "string"}}
    elif kind == "ending_kind" and fiction:  # a fiction story's ending kinds are the author's own words
        out = {"type": "string", "pattern": ID.pattern}
    elif kind in ("kind", "ending_kind", "variable_type", "card_form"):
        options = {"kind": spec.ANNOTATION_KINDS, "ending_kind": spec.ENDING_KINDS, "variable_type": spec.VARIABLE_TYPES,
                   "card_form": spec.CARD_FORMS}
        out = {"enum": list(options[kind])}
    else:  # "value": a variable's initial value, of its type (checked below, by the record)
        out = {"type": ["integer", "boolean", "string"]}
    if not (required or field.lint_required or (field.history and not fiction)):  # the loader takes an empty value as a key that is not there
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        elif "$ref" in out:
            out = {"anyOf": [out, {"type": "null"}]}
        else:
            out["type"] = _with_null(out["type"])
    return out


def _with_null(types: Any) -> Any:
    listed = [types] if isinstance(types, str) else list(types)
    return listed + ["null"]


def _record(record: spec.Record, fiction: bool = False) -> dict[str, Any]:
    merged = record.name == "story"  # the files of story/ are merged: no key is required in any one of them
    properties = {}
    for field in record.fields:
        properties[field.key] = {**_value(field, field.required, fiction), "description": _sentence(field.doc)}
    out: dict[str, Any] = {"type": "object", "description": _sentence(record.doc), "properties": properties}
    required = [f.key for f in record.fields
                if (f.required or f.lint_required or (f.history and not fiction)) and not merged]
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    if record.one_of:
        out["oneOf"] = [
            {"required": [key], "properties": {key: {"not": {"type": "null"}}}} for key in record.one_of
        ]
    if record.name == "variable":
        out["allOf"] = [
            {"if": {"properties": {"type": {"const": name}}, "required": ["type"]},
             "then": {"properties": {"initial": {"type": json_type}}}}
            for name, json_type in (("int", "integer"), ("bool", "boolean"), ("str", "string"))
        ]
    return out


def _records_under(name: str) -> list[str]:
    """The records a record uses, itself first, each once, in the order they are met."""
    found: list[str] = []

    def visit(record_name: str) -> None:
        if record_name in found or record_name not in spec.RECORDS:
            return
        found.append(record_name)
        for field in spec.RECORDS[record_name].fields:
            kind, _, inner = field.type.partition(":")
            if kind in ("list", "record", "map"):
                visit(inner)
            elif kind == "next":
                visit("route")

    visit(name)
    return found


def schema(name: str, fiction: bool = False) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a story file ("story") or a scene file ("scene"); `fiction`:
    of a `fiction: true` story (`new story --blank`), where a choice needs no `kind` and an ending's
    kind is any word."""
    root_name, title, description = _TOP[name]
    root = _record(spec.RECORDS[root_name], fiction)
    defs = {r: _record(spec.RECORDS[r], fiction) for r in _records_under(root_name)[1:]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        **{**root, "description": description, "type": ["object", "null"]},  # an empty file is a warning (W101)
        "$defs": defs,
    }


def schema_text(name: str, fiction: bool = False) -> str:
    return json.dumps(schema(name, fiction), indent=2, ensure_ascii=False) + "\n"


# --- docs/format.md ------------------------------------------------------------------------------

_TYPE_WORDS = {
    "id": "id", "key": "key", "text": "text", "date": "date", "time": "`HH:MM`", "int": "whole number", "number": "number", "bool": "`true`/`false`",
    "strings": "list of texts", "condition": "condition", "effects": "effect or list of effects",
    "kind": "word", "ending_kind": "word", "variable_type": "word", "card_form": "word", "value": "value of the variable's type",
    "next": "id, or list of routes",
}


def _type_words(field: spec.Field) -> str:
    kind, _, record = field.type.partition(":")
    if kind == "list":
        return f"list of {record}s"
    if kind == "record":
        return record
    if kind == "map":
        return f"mapping of names to {'texts' if record == 'text' else record + 's'}"
    return _TYPE_WORDS[kind]


def field_table(name: str) -> str:
    """The Markdown table of one record's fields, for docs/format.md."""
    record = spec.RECORDS[name]
    rows = [f"**{record.name}**: {record.doc}", "", "| key | type | required | meaning |", "| --- | --- | --- | --- |"]
    for field in record.fields:
        required = "yes" if field.required else "yes (lint)" if field.lint_required else \
            "yes (lint, unless fiction)" if field.history else ""
        if record.name == "story" and field.required:
            required = "yes (in one of the files)"
        rows.append(f"| `{field.key}` | {_type_words(field)} | {required} | {field.doc} |")
    if record.one_of:
        rows += ["", "Exactly one of " + ", ".join(f"`{k}`" for k in record.one_of) + " is given."]
    if record.or_text:
        rows += ["", "It may also be written as a single line of text."]
    return "\n".join(rows) + "\n"
