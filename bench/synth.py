"""A generator of synthetic stories of any size, in the real on-disk format, for the benchmarks.

`python bench/synth.py N OUT_DIR` writes OUT_DIR/story/story.yaml and OUT_DIR/scenes/*.yaml
(100 scenes per file): N scenes over chapters, choices with conditions and effects, and endings.
The story is valid (it loads with engine.io.loader.load_story, and with PyYAML's pure-Python
parser as well as libyaml), every scene can be reached, and story time never goes backwards.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from pathlib import Path

SCENES_PER_FILE = 100
SCENES_PER_CHAPTER = 500
ENDING_KINDS = ("exile", "arrested", "stayed", "fallen", "other")
KINDS = ("historical", "plausible", "counterfactual")
WORDS = (
    "the crowd moves toward the bridge while smoke drifts over the river and someone calls "
    "your name from a window above the street a tram stands empty at the corner"
).split()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def chapter_date(chapter: int) -> str:
    """One day a chapter from 23 October 1956, so that story time only moves forward."""
    return (datetime.date(1956, 10, 23) + datetime.timedelta(days=chapter)).isoformat()


def scene_id(index: int) -> str:
    return f"s{index:06d}"


def story_yaml(scenes: int) -> str:
    chapters = max(1, -(-scenes // SCENES_PER_CHAPTER))
    lines = [
        "id: synthetic",
        f'title: "A synthetic story of {scenes} scenes"',
        'version: "1"',
        f"start: {scene_id(0)}",
        "perspective: You are a benchmark.",
        "variables:",
        "  courage: {type: int, initial: 0, description: Risk taken.}",
        "  exposure: {type: int, initial: 0, description: How visible you are.}",
        "  armed: {type: bool, initial: false, description: Carrying a rifle.}",
        '  name: {type: str, initial: "", description: A nickname.}',
        "glossary:",
        "  ÁVH: The State Protection Authority.",
        "sources:",
        "  article: The reference article.",
        "chapters:",
    ]
    for chapter in range(chapters):
        first = chapter * SCENES_PER_CHAPTER
        lines += [
            f"  - id: c{chapter:04d}",
            f'    title: "Chapter {chapter + 1}"',
            f"    date: {chapter_date(chapter)}",
            f"    first: {scene_id(first)}",
            '    questions: ["What would you have done?"]',  # quoted: the pure-Python parser needs it
            '    setup: ["courage = 1"]',
        ]
    return "\n".join(lines) + "\n"


def scene_yaml(index: int, total: int, rng: random.Random) -> str:
    """One scene: mostly choices that move forward (so every scene is reachable), some endings."""
    chapter = index // SCENES_PER_CHAPTER
    minutes = (index % SCENES_PER_CHAPTER) * 2  # later scenes, later times: no chronology errors
    lines = [
        f"  - id: {scene_id(index)}",
        f"    chapter: c{chapter:04d}",
        f'    title: "Scene {index}"',
        f"    date: {chapter_date(chapter)}",
        f'    time: "{minutes // 60:02d}:{minutes % 60:02d}"',
        "    where: Budapest",
        "    text: |",
        f"      {_sentence(rng, 30)}",
        "",
        f"      {_sentence(rng, 20)}",
        "    variants:",
        '      - if: "armed and courage >= 2"',
        f"        text: {_quote(_sentence(rng, 8))}",
        f"    note: {_quote(_sentence(rng, 12))}",
        "    sources: [article]",
        "    terms: [ÁVH]",
    ]
    last = index == total - 1
    if last or (index > 0 and index % 50 == 49):
        kind = ENDING_KINDS[index % len(ENDING_KINDS)]
        lines += [f"    ending: {{title: End {index}, kind: {kind}, epilogue: {_quote(_sentence(rng, 10))}}}"]
        return "\n".join(lines)
    if index % 7 == 6:
        lines += [f"    next: {scene_id(index + 1)}"]
        return "\n".join(lines)
    lines += ["    choices:"]
    targets = [index + 1] + [min(total - 1, index + rng.randint(1, 40)) for _ in range(2)]
    for number, target in enumerate(targets):
        lines += [
            f"      - label: {_quote(_sentence(rng, 5))}",
            f"        goto: {scene_id(target)}",
        ]
        if number == 1:
            lines += [f'        if: "courage >= {rng.randint(0, 3)} or visited({scene_id(max(0, index - 1))})"']
        if number == 2:
            lines += ['        if: "not armed"']
        effects = ['"courage += 1"', '"exposure = exposure + 1"'] if number == 0 else ['"armed = true"']
        lines += [
            f"        do: [{', '.join(effects)}]",
            f"        kind: {KINDS[number]}",
            f"        history: {_quote(_sentence(rng, 10))}",
        ]
    return "\n".join(lines)


def write_story(out: Path, scenes: int, seed: int = 1956) -> Path:
    """Write a synthetic story of `scenes` scenes into `out` (created if need be); return `out`."""
    if scenes < 1:
        raise ValueError("a story needs at least one scene")
    rng = random.Random(seed)
    (out / "story").mkdir(parents=True, exist_ok=True)
    (out / "scenes").mkdir(parents=True, exist_ok=True)
    (out / "story" / "story.yaml").write_text(story_yaml(scenes), encoding="utf-8")
    for first in range(0, scenes, SCENES_PER_FILE):
        body = [scene_yaml(i, scenes, rng) for i in range(first, min(first + SCENES_PER_FILE, scenes))]
        text = "scenes:\n" + "\n".join(body) + "\n"
        (out / "scenes" / f"part{first // SCENES_PER_FILE:05d}.yaml").write_text(text, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic hungary56 story of N scenes.")
    parser.add_argument("scenes", type=int, help="how many scenes")
    parser.add_argument("out", type=Path, help="the story folder to write")
    parser.add_argument("--seed", type=int, default=1956)
    args = parser.parse_args(argv)
    write_story(args.out, args.scenes, args.seed)
    print(f"wrote {args.scenes} scenes to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
