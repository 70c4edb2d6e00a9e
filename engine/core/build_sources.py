"""The compiler's readers of what the story says about its sources: source cards and the facts ledger.

A card says what its text is (`form`: quotation, paraphrase or slogan) and where the words stand
(`locator`); the old `slogan: true` is read as `form: slogan` with the warning W116. A fact of the
ledger names the work a figure comes from and where in it. Both are described in engine/core/format.py.
"""

from __future__ import annotations

from typing import Any

from engine.core.errors import Location
from engine.core.fields import Fields, Problems
from engine.core.format import CARD_FORMS, CARD_KEYS, FACT_KEYS
from engine.core.model import Card, Fact


def build_card(node: Any, location: Location, problems: Problems) -> Card:
    f = Fields(node, "a source card", problems, CARD_KEYS, location)
    form = f.choice_of("form", CARD_FORMS, required=False)
    if f.has("slogan"):  # the old `slogan: true`, read as `form: slogan` (W116)
        slogan = f.boolean("slogan")
        wanted = "slogan" if slogan else "quotation"
        if form and form != wanted:
            hint = f"'form: {form}' is used"
        else:
            hint = f"write 'form: {wanted}'" if slogan or not form else "delete it"
            form = form or wanted
        problems.warning(f.node.key_loc("slogan"), f"'slogan' in a source card is deprecated: {hint}", "W116")
    return Card(f.text("quote"), f.text("who"), f.date("when", False), f.text("source"), f.loc,
                f.text("provenance", False), form or "quotation", f.text("locator", False))


def build_fact(figure: Any, node: Any, location: Location, problems: Problems) -> Fact:
    f = Fields(node, f"fact {figure!r}", problems, FACT_KEYS, location)
    return Fact(str(figure), f.text("says"), f.text("source"), f.text("locator"), f.loc, f.text("differs", False))
