"""`hungary56 walkthrough`: golden Markdown over the fixture stories, and the HTML page in real headless Chromium."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.browser_support import chromium as _chromium
from tests.browser_support import run_chromium as _run_chromium
from tests.classroom_support import ARTIFACTS, STORIES, check_golden, cli

pytestmark = pytest.mark.slow  # every test here drives a real program (or searches at length)

FIXTURES = sorted(p.name for p in STORIES.iterdir() if (p / "story").is_dir())
GOLDEN_STORIES = ("classroom", "tiny")  # other fixtures belong to other tests and change with them


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_walkthrough_of_every_fixture_story(name: str, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"handout.{fmt}"
    result = cli("walkthrough", str(STORIES / name), "--format", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "teacher's walkthrough" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", GOLDEN_STORIES)
def test_markdown_walkthrough_matches_golden(name: str, tmp_path: Path) -> None:
    out = tmp_path / "handout.md"
    result = cli("walkthrough", str(STORIES / name), "--format", "md", "-o", str(out))
    assert result.returncode == 0, result.stderr
    check_golden(f"{name}-walkthrough.md", out.read_text(encoding="utf-8"))


def test_walkthrough_to_stdout_is_the_same_markdown(tmp_path: Path) -> None:
    out = tmp_path / "w.md"
    cli("walkthrough", str(STORIES / "classroom"), "-o", str(out))
    printed = cli("walkthrough", str(STORIES / "classroom"))
    assert printed.returncode == 0
    assert printed.stdout == out.read_text(encoding="utf-8")


def test_walkthrough_follows_the_historical_path_and_lists_the_other_choices() -> None:
    text = cli("walkthrough", str(STORIES / "classroom"), "--format", "md").stdout
    taken = re.findall(r"\*\*The path takes:\*\* (.*)", text)
    assert taken == ["[HISTORICAL] Stay and vote for the points", "[HISTORICAL] Help carry the wounded"]
    assert "- [PLAUSIBLE] Take a rifle from the lorry (only if `courage >= 2`): Some took arms" in text
    assert "- [COUNTERFACTUAL] Persuade the guards to open the gate: The gate was never opened" in text
    # Reading times, questions and both sides of a contested account are in the handout.
    # reading times are computed from the words, not the typed figure (6)
    assert "| 23 October 1956 to 24 October 1956 | The radio building | 1 min | `radio` |" in text
    assert "1. What would you have done at the gate, and why?" in text
    assert "*UN Special Committee (1957):* The ÁVH fired first" in text


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("walkthrough", str(STORIES / "tiny"), "--format", "docx")
    assert result.returncode == 2
    assert "invalid choice: 'docx'" in result.stderr
    assert "Traceback" not in result.stderr
    result = cli("walkthrough", str(STORIES / "tiny"), "--format", "pdf")  # a PDF needs a file
    assert result.returncode == 2 and "give -o FILE.pdf" in result.stderr


class _Assets(HTMLParser):
    """Every element that could load something from outside the file."""

    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        for key, value in attrs:
            if key in ("src", "href") and value and not value.startswith("#"):
                self.external.append(f"{tag} {key}={value}")


def _html(tmp_path: Path, story: str = "classroom") -> Path:
    out = tmp_path / "handout.html"
    result = cli("walkthrough", str(STORIES / story), "-o", str(out))  # the format follows the extension
    assert result.returncode == 0, result.stderr
    return out


def test_html_is_self_contained_escaped_and_has_print_css(tmp_path: Path) -> None:
    text = _html(tmp_path).read_text(encoding="utf-8")
    assets = _Assets()
    assets.feed(text)
    assert assets.external == [] and assets.scripts == 0
    assert "@import" not in text and "url(" not in text
    assert "@media print" in text and "break-before: page" in text
    # Story text is escaped: the source's "<en.wikipedia.org> &" is text, not markup.
    assert "&lt;en.wikipedia.org&gt; &amp; its talk page" in text
    assert "<en.wikipedia.org>" not in text


def test_html_walkthrough_in_headless_chromium(tmp_path: Path) -> None:
    browser = _chromium()
    page = _html(tmp_path)
    url = page.as_uri()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "walkthrough-classroom.png"
    shot.unlink(missing_ok=True)

    result = _run_chromium(browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000", url)
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], "console messages:\n" + "\n".join(console)
    assert shot.exists() and shot.stat().st_size > 2_000, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    dom = _run_chromium(browser, tmp_path / "profile2", "--dump-dom", url)
    assert [line for line in dom.stderr.splitlines() if ":CONSOLE" in line] == []
    assert "<h2>The radio building</h2>" in dom.stdout
    assert html.escape("<en.wikipedia.org>") in dom.stdout

    # Printing gives a page per chapter (print CSS: a page break before each) plus the title and back pages.
    pdf = tmp_path / "handout.pdf"
    _run_chromium(browser, tmp_path / "profile3", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", url)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
    assert pages >= 4, f"{pages} printed pages"


def test_templates_ship_in_the_wheel(tmp_path: Path) -> None:
    import sys
    import zipfile

    pytest.importorskip("build")
    result = subprocess.run([sys.executable, "-m", "build", "--wheel", "-o", str(tmp_path), str(Path(__file__).parent.parent)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "engine/classroom/templates/walkthrough.md.j2" in names and "engine/classroom/templates/walkthrough.html.j2" in names


# --- L3: a condition's source inside a Markdown code span -------------------------------------------

HOSTILE_CONDITION = "courage >= 0 or 'x` <img src=x onerror=alert(1)> `' == 'y'"
MARKED = Path(__file__).parent / "browser" / "node_modules" / "marked" / "lib" / "marked.esm.js"


def _code_spans_hold(markdown: str, content: str) -> bool:
    """Whether `content` sits whole inside one CommonMark code span: an opening run of n backticks,
    then the content (perhaps padded with a space), then a run of exactly n, and no run of exactly n
    inside (which would close the span early)."""
    for match in re.finditer(r"(?<!`)(`+)(?!`)(.*?)(?<!`)\1(?!`)", markdown):
        inner = match.group(2)
        if content in inner and not re.search(rf"(?<!`){match.group(1)}(?!`)", inner):
            return True
    return False


def _render_with_marked(markdown: str) -> str:
    if not MARKED.is_file() or shutil.which("node") is None:
        pytest.skip("node and marked (a Mermaid dependency in tests/browser) are needed to render Markdown")
    script = (f"import {{ marked }} from {MARKED.as_uri()!r};"
              "let s=''; process.stdin.on('data', d => s += d); process.stdin.on('end', () => process.stdout.write(marked.parse(s)));")
    result = subprocess.run(["node", "--input-type=module", "-e", script], input=markdown, capture_output=True,
                            text=True, timeout=60, check=True)
    return result.stdout


@pytest.mark.parametrize("command", [["walkthrough"], ["handout", "guide", "--format", "md"]])
def test_a_condition_with_backticks_and_html_stays_inert_in_markdown(tmp_path: Path, command: list[str]) -> None:
    """The review's attack (L3): the condition passes lint; a CommonMark renderer must show it as text."""
    story = tmp_path / "hostile"
    shutil.copytree(STORIES / "tiny", story)
    scene = story / "scenes" / "two.yaml"
    text = scene.read_text(encoding="utf-8")
    quoted = "'" + HOSTILE_CONDITION.replace("'", "''") + "'"
    scene.write_text(text.replace('        if: "armed and courage >= 2"', f"        if: {quoted}", 1), encoding="utf-8")
    assert cli("lint", str(story)).returncode == 0
    result = cli(*command[:2], str(story), *command[2:])
    assert result.returncode == 0, result.stderr
    if command[0] == "handout":
        # the guide prints conditions in plain words (issue #26): the raw condition is never printed
        assert "onerror" not in result.stdout and "<img" not in _render_with_marked(result.stdout)
        return
    assert _code_spans_hold(result.stdout, HOSTILE_CONDITION), result.stdout
    rendered = _render_with_marked(result.stdout)
    assert "<img" not in rendered and "&lt;img src=x onerror=alert(1)&gt;" in rendered
