"""Plain words for printed pages: conditions and inline branches as a class reads them (the words of
engine/core/why.py, never a raw expression or an `[if …]` block), and a pronunciation guide for the
Hungarian names a teacher reads aloud. Pure: no files, no printing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import attrs

from engine.core import template, why
from engine.core.errors import ExpressionError, Location
from engine.core.model import Story


def labelled(story: Story) -> Story:
    """The story with a label for every variable: one the story leaves unlabelled gets its name in
    words ("kept_flag_piece" -> "kept flag piece"), so why.py never falls back to a raw name."""
    if all(v.label for v in story.variables.values()):
        return story
    variables = {name: v if v.label else attrs.evolve(v, label=name.replace("_", " ").strip())
                 for name, v in story.variables.items()}
    return attrs.evolve(story, variables=variables)


def condition_words(story: Story, condition: object) -> str:
    """"only when 'Carrying a weapon' is yes": the reason a choice or a variant needs, in words."""
    return why.hidden_reason(labelled(story), condition)


def _arm_words(story: Story, condition: object) -> str:
    words = why.hidden_reason(story, condition)
    return words.removeprefix("only ")


def plain_outline(story: Story, source: str) -> str:
    """Inline text with every branch shown, each headed by its condition in words:
    "[when 'Beside Zsuzsa' is yes: Go with Zsuzsa | otherwise: Go with the students]"."""
    if not template.has_markup(source):
        return source
    try:
        parsed = template.parse(source, Location(""))
    except ExpressionError:
        return source
    return _outline(labelled(story), parsed.parts)


def _outline(story: Story, parts: Sequence[template.Part]) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, template.Insert):
            out.append("(a word that depends on the story so far)")
        else:
            pieces = []
            for arm in part.arms:
                body = template.tidy(_outline(story, arm.parts)) or "(nothing)"
                head = "otherwise" if arm.condition is None else _arm_words(story, arm.condition)
                pieces.append(f"{head}: {body}")
            if part.arms[-1].condition is not None:
                pieces.append("otherwise: (nothing)")
            out.append("[" + " | ".join(pieces) + "]")
    return "".join(out)


# --- pronunciation ---------------------------------------------------------------------------------

# Hungarian spelling is regular: each letter or digraph has one sound. English respellings, longest
# first; the stress is always on the first syllable (shown in capitals).
_SOUNDS = (
    ("dzs", "j"), ("cs", "ch"), ("dz", "dz"), ("gy", "dj"), ("ly", "y"), ("ny", "ny"), ("sz", "s"),
    ("ty", "ty"), ("zs", "zh"), ("c", "ts"), ("j", "y"), ("s", "sh"), ("w", "v"), ("a", "o"), ("á", "ah"),
    ("e", "e"), ("é", "ay"), ("i", "i"), ("í", "ee"), ("o", "aw"), ("ó", "oh"), ("ö", "ur"),
    ("ő", "ur"), ("u", "u"), ("ú", "oo"), ("ü", "ew"), ("ű", "ew"),
)
_VOWELS = set("aáeéiíoóöőuúüű")
_HUNGARIAN_MARKS = re.compile(r"[áéíóöőúüű]|cs|gy|sz|zs", re.IGNORECASE)
_NAME = re.compile(r"\b[A-ZÁÉÍÓÖŐÚÜŰ][a-záéíóöőúüű]+(?:-[A-ZÁÉÍÓÖŐÚÜŰa-záéíóöőúüű][a-záéíóöőúüű]+)?\b")
_NOT_HUNGARIAN = {"physics", "politics", "economics", "tactics", "ethics", "lyrics", "egypt", "georgy", "hammarskjold"}


def _letters(word: str) -> list[str]:
    """A word as Hungarian letters: digraphs and trigraphs kept whole, doubled consonants once."""
    out: list[str] = []
    i = 0
    low = word.lower()
    while i < len(low):
        for size in (3, 2, 1):
            chunk = low[i:i + size]
            if size > 1 and chunk not in ("dzs", "cs", "dz", "gy", "ly", "ny", "sz", "ty", "zs"):
                continue
            if out and out[-1] == chunk and chunk[0] not in _VOWELS:
                pass  # a doubled consonant (ss, ggy) is one sound, held longer
            else:
                out.append(chunk)
            i += size
            break
    return out


def respell(word: str) -> str:
    """An English respelling of one Hungarian word, syllables hyphenated, the first in capitals:
    "Kádár" -> "KAH-dahr", "Csepel" -> "CHE-pel"."""
    sounds = dict(_SOUNDS)
    letters = [c for c in _letters(word) if c.isalpha() or len(c) > 1]
    syllables: list[str] = []
    current = ""
    pending = ""  # consonants after the last vowel
    for letter in letters:
        spoken = sounds.get(letter, letter)
        if letter in _VOWELS:
            if current:  # a new syllable: the last consonant of the run goes with it
                head, tail = _split_run(pending)
                syllables.append(current + head)
                current = tail + spoken
            else:
                current = pending + spoken
            pending = ""
        else:
            pending += spoken if not pending else "\0" + spoken
    syllables.append(current + pending.replace("\0", ""))
    syllables = [s.replace("\0", "") for s in syllables if s]
    if not syllables:
        return word
    syllables[0] = syllables[0].upper()
    return "-".join(syllables)


def _split_run(run: str) -> tuple[str, str]:
    """Consonants between two vowels: all but the last close the syllable before."""
    parts = run.split("\0") if run else []
    if not parts:
        return "", ""
    return "".join(parts[:-1]), parts[-1]


def respell_name(name: str) -> str:
    return " ".join("-".join(respell(p) for p in word.split("-")) for word in name.split())


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def hungarian_names(texts: Iterable[str], extra: Iterable[str] = ()) -> list[str]:
    """The Hungarian names in `texts` (capitalised words with Hungarian letters or digraphs), and
    `extra` (the route's places' Hungarian names), each once, in alphabetical order."""
    found: dict[str, str] = {}
    for name in extra:
        for word in name.split():
            word = word.strip(".,;:()“”\"'")
            if word and word[0].isupper() and _HUNGARIAN_MARKS.search(word):
                found.setdefault(_plain(word), word)
    for text in texts:
        for match in _NAME.finditer(text):
            word = match.group(0)
            if _plain(word) in _NOT_HUNGARIAN or not _HUNGARIAN_MARKS.search(word):
                continue
            found.setdefault(_plain(word), word)
    return [found[k] for k in sorted(found)]


@attrs.frozen
class Pronunciation:
    name: str
    say: str


def pronunciation_guide(texts: Iterable[str], extra: Iterable[str] = ()) -> list[Pronunciation]:
    return [Pronunciation(n, respell_name(n)) for n in hungarian_names(texts, extra)]
