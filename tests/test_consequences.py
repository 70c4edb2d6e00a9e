"""The bundled story remembers what the player did (issue 11): each continuity finding of the
player review (reviews/2026-11-29/player.md) replayed with its own choice path, and the
consequence targets held by `hungary56 stats`."""

from __future__ import annotations

from pathlib import Path

from engine.core import machine
from engine.core.model import Story
from engine.io.loader import bundled_story_dir, load_story
from engine.play import render
from tests.conftest import run_cli

STORY: Story = load_story(bundled_story_dir())


def play(inputs: str, tmp_path: Path, *extra: str) -> str:
    """The review's way: `printf '%s\\n' ... quit | hungary56 play --saves DIR`."""
    lines = "\n".join(inputs.split()) + "\nquit\n"
    result = run_cli("play", "--saves", str(tmp_path / "saves"), *extra, stdin=lines.replace("⏎", ""))
    assert result.returncode == 0 and "Traceback" not in result.stderr
    return " ".join(result.stdout.split())


def test_bug3_debrief_shows_that_both_historical_choices_happened(tmp_path: Path) -> None:
    # `1 1 1 1 2` then `debrief`: the middle of the column and Zsuzsa's banner both happened
    out = play("1 1 1 1 2 debrief", tmp_path)
    section = out[out.index("5. The morning of the twenty-third"):]
    assert section.startswith("5. The morning of the twenty-third (Tuesday 23 October 1956) You chose: "
                              "Fall in among strangers in the middle of the column [HISTORICAL] "
                              "That is what really happened. That happened too: Take the other pole of "
                              "Zsuzsa's banner and march at the head of the column [HISTORICAL]")
    assert "What really happened: Take the other pole" not in section[:400]


def test_bug3_teacher_reveal_shows_both_historical_choices() -> None:
    scene = STORY.scenes["bem_morning"]
    historical = [c for c in scene.choices if c.kind == "historical"]
    assert len(historical) == 2
    text = [b.text for b in render.reveal_blocks(scene, historical[1])]
    assert f"[HISTORICAL] Also in history: {historical[0].label}" in text
    plausible = next(c for c in scene.choices if c.kind != "historical")
    text = [b.text for b in render.reveal_blocks(scene, plausible)]
    assert sum(t.startswith("[HISTORICAL] In history:") for t in text) == 2


def test_every_scene_with_two_historical_choices_is_covered() -> None:
    doubles = sorted(s.id for s in STORY.scenes.values() if sum(c.kind == "historical" for c in s.choices) > 1)
    assert doubles  # the review found five: bem_morning, gero_speech, tanks_dawn, tanks_nagy, republic_square
    for scene_id in doubles:
        scene = STORY.scenes[scene_id]
        first, second = [c for c in scene.choices if c.kind == "historical"][:2]
        state = machine.new_game(STORY)
        assert any(b.text.endswith(first.label) for b in render.reveal_blocks(scene, second, state, state))
