"""The Mermaid story map rendered by Mermaid itself, in real headless Chromium, as an editor would."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engine.author import storymap
from engine.core.model import Chapter, Story
from engine.io.loader import bundled_story_dir, load_story
from tests.browser_support import chromium, run_chromium
from tests.conftest import REPO, TINY

pytestmark = pytest.mark.slow  # every test here drives a real program (or searches at length)

MERMAID = REPO / "tests" / "browser" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"


def _chapter(story: Story, chapter_id: str) -> Chapter:
    found = story.chapter(chapter_id)
    assert found is not None, chapter_id
    return found


def mermaid_script() -> Path:
    if not MERMAID.is_file():
        if os.environ.get("CI"):
            pytest.fail("Mermaid is not installed, and CI must render the map (.ci/run runs npm ci in tests/browser)")
        pytest.skip("Mermaid is not installed: run `npm ci --prefix tests/browser` to render maps in the tests")
    return MERMAID


def render(text: str, tmp_path: Path) -> str:
    """Load Mermaid into a page, render `text`, and return the page as Chromium leaves it."""
    page = tmp_path / "map.html"
    page.write_text(
        '<!doctype html><meta charset="utf-8"><body>'
        f'<script src="{mermaid_script().as_uri()}"></script><script>'
        "mermaid.initialize({startOnLoad: false, maxTextSize: 10000000, maxEdges: 100000});"
        f"mermaid.render('map', {json.dumps(text)})"
        ".then(r => { document.body.innerHTML = '<div id=\"rendered\">' + r.svg + '</div>'; })"
        ".catch(e => { document.body.innerHTML = '<pre id=\"failed\">' + String(e) + '</pre>'; });"
        "</script></body>",
        encoding="utf-8",
    )
    result = run_chromium(chromium(), tmp_path / "profile", "--allow-file-access-from-files",
                          "--virtual-time-budget=30000", "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.parametrize("story_dir, chapter", [(TINY, None), (None, None), (None, "ch05_radio")],
                         ids=["tiny", "bundled", "bundled-radio-chapter"])
def test_mermaid_map_renders(story_dir, chapter, tmp_path):
    story = load_story(story_dir or bundled_story_dir())
    text = storymap.to_mermaid(storymap.build(story, chapter))
    dom = render(text, tmp_path)
    assert 'id="failed"' not in dom, dom[dom.find('id="failed"'):][:500]
    assert 'id="rendered"' in dom and "<svg" in dom
    first = next(iter(story.scenes.values())) if chapter is None else story.scenes[_chapter(story, chapter).first]
    assert first.title.replace("'", "&#39;")[:20] in dom or first.title[:20] in dom


def test_a_broken_map_is_caught(tmp_path):
    """The check can fail: Mermaid's own parse error comes back as a failure."""
    dom = render("flowchart TD\n  a -->", tmp_path)
    assert 'id="failed"' in dom and "Parse error" in dom


# L4: the story title went raw into the `%% Story map:` comment, where Mermaid reads `%%{...}%%`
# directives anywhere in the text. The review's titles, in a copy of the tiny story:
HOSTILE_TITLES = {
    "directive": 'X %%{init: {"theme":"forest"}}%% Y',
    "open-directive": "X %%{ Y",
    "script": "X <script>alert(1)</script> Y",
}
FOREST = "#cde498"  # the forest theme's node fill; the default theme's is #ECECFF


@pytest.mark.parametrize("title", list(HOSTILE_TITLES.values()), ids=list(HOSTILE_TITLES))
def test_a_hostile_story_title_neither_restyles_nor_breaks_the_map(title, tmp_path):
    import shutil

    from tests.classroom_support import cli

    story_dir = tmp_path / "hostile"
    shutil.copytree(TINY, story_dir)
    story_file = story_dir / "story" / "story.yaml"
    text = story_file.read_text(encoding="utf-8")
    story_file.write_text(text.replace("title: A tiny test story", f"title: {json.dumps(title)}", 1), encoding="utf-8")
    result = cli("graph", str(story_dir), "--format", "mermaid")
    assert result.returncode == 0, result.stderr
    assert "%%{" not in result.stdout and "<script" not in result.stdout
    dom = render(result.stdout, tmp_path)
    assert 'id="failed"' not in dom, dom[dom.find('id="failed"'):][:500]
    assert 'id="rendered"' in dom and "<svg" in dom
    assert FOREST not in dom.lower() and "#ececff" in dom.lower()
