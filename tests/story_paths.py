"""Play the bundled story in process, through `engine.core.game.step`, by choice ids: what a player
reads on a path (issue 23's continuity tests)."""

from __future__ import annotations

from engine.core import game as rules
from engine.core import present
from engine.core.model import Story
from engine.core.moves import Game, menu
from engine.io.loader import bundled_story_dir, load_story

STORY: Story = load_story(bundled_story_dir())


def _text(game: Game, events: tuple[object, ...]) -> list[tuple[str, str]]:
    """(scene, text) for every block shown: a scene's own page, or what a choice taken there showed."""
    out: list[tuple[str, str]] = []
    for event in events:
        scene = getattr(event, "scene", "") or game.state.scene
        for screen in present.screens(game, event):  # type: ignore[arg-type]
            out.extend((scene, block.text) for block in screen.blocks if block.text)
    return out


class Walk:
    """A game walked by choice ids (`scene.choice` or a bare choice id of the current scene); Enter is
    pressed wherever the scene moves on by itself. `text` is everything shown, `pages` per scene."""

    def __init__(self, path: list[str], story: Story = STORY) -> None:
        now = rules.start(story)
        self.game = now.game
        self.lines: list[tuple[str, str]] = _text(self.game, now.events)
        self.scenes: list[str] = [self.game.state.scene]
        for want in path:
            self._skip()
            wanted = want.split(".")[-1]
            shown = menu(self.game)
            numbers = [n for n, offer in enumerate(shown, 1) if offer.choice.id == wanted]
            assert numbers, (self.game.state.scene, want, [o.choice.id for o in shown])
            self._step(str(numbers[0]))

    def _step(self, line: str) -> None:
        now = rules.step(self.game, line)
        self.game = now.game
        self.lines += _text(self.game, now.events)
        if self.game.state.scene != self.scenes[-1]:
            self.scenes.append(self.game.state.scene)

    def _skip(self) -> None:
        while self.game.waiting:
            self._step("")

    def until_menu(self) -> Walk:
        self._skip()
        return self

    @property
    def text(self) -> str:
        return " ".join(" ".join(text for _scene, text in self.lines).split())

    def at(self, scene: str) -> str:
        """What was shown at one scene: its page (each time), and what the choice taken there showed."""
        assert scene in self.scenes, (scene, self.scenes)
        return " ".join(" ".join(text for where, text in self.lines if where == scene).split())

    @property
    def variables(self) -> dict[str, object]:
        return dict(self.game.state.variables)
