"""One lesson route's pack (issue #26): `handout enquiry|guide|worksheet --route N`, `--level`, the
routes' timings, the pronunciation guide, plain-words conditions and the class record. The slow tests
print every route's pages through headless Chromium on A4 and check sizes with pdftotext -bbox, and run
axe-core on the HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.classroom.enquiry import MAX_SOURCES, MIN_SOURCES, build_enquiry
from engine.classroom.guide import LESSON_MINUTES, Route, guide_context
from engine.classroom.handout import render_enquiry, render_guide, render_record, render_worksheet
from engine.classroom.map import DISTRICTS
from engine.classroom.record import csv_text, parse
from engine.classroom.words import respell_name
from engine.core.model import Story
from engine.io.loader import load_story
from tests.browser_support import chromium, run_chromium
from tests.classroom_support import ARTIFACTS, REPO, cli
from tests.test_handout import _answers, _axe

ROUTES = (1, 2, 3)
LEVELS = ("support", "core", "extension")


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story(REPO)


@pytest.fixture(scope="module")
def routes(story: Story) -> list[Route]:
    found: list[Route] = guide_context(story, maps=False)["routes"]  # type: ignore[assignment]
    return found


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>|\\", "", html).split()).replace("&#39;", "'").replace("&#34;", '"')


def test_every_route_fits_50_minutes_and_adds_up(routes: list[Route]) -> None:
    assert len(routes) == 3
    for route in routes:
        assert route.minutes <= LESSON_MINUTES, (route.number, route.minutes)
        slots = route.slots
        assert slots[0].start == 0 and all(a.end == b.start for a, b in zip(slots, slots[1:]))
        assert any(s.activity.startswith("Writing task") for s in slots)


def test_route_1_reaches_the_radio_and_route_3_the_epilogue(routes: list[Route]) -> None:
    assert "ch05_radio" in [p.chapter.id for p in routes[0].chapters]
    assert "epilogue" in [p.chapter.id for p in routes[2].chapters]


def test_timing_is_three_minutes_a_vote_plus_reading_plus_writing(routes: list[Route]) -> None:
    for route in routes:
        for pack in route.chapters:
            slot = next(s for s in route.slots if s.activity.startswith(pack.chapter.title + ":"))
            assert slot.end - slot.start == pack.figures.aloud + 3 * pack.figures.decisions


def test_the_plan_never_restarts_the_program_per_chapter(routes: list[Route]) -> None:
    for route in routes:
        text = " ".join(s.activity for s in route.slots)
        assert text.count("hungary56 play") == 1, text
        if len(route.chapters) > 1:
            assert "do not restart the program" in text


def test_docs_classroom_and_the_guide_agree_on_the_routes(routes: list[Route]) -> None:
    docs = (REPO / "docs" / "classroom.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d)\. (.+?) \| (.+?) \| (.+?) \| (\d+) \| (.+?) \|$", docs, re.M)
    assert len(rows) == 3
    for (number, title, told, played, minutes, question), route in zip(rows, routes):
        assert int(number) == route.number and title == route.title and question == route.question
        assert re.findall(r"`(\w+)`", told) == [p.chapter.id for p in route.told]
        assert re.findall(r"`(\w+)`", played) == [p.chapter.id for p in route.chapters]
        assert int(minutes) == route.minutes


def test_docs_lesson_from_start_to_end_follows_route_1s_plan(routes: list[Route]) -> None:
    docs = (REPO / "docs" / "classroom.md").read_text(encoding="utf-8")
    lesson = docs.split("## A lesson from start to end", 1)[1].split("\n## ", 1)[0]
    assert f"(Route 1, {routes[0].minutes} minutes)" in docs
    bounds = [(int(a), int(b)) for a, b in re.findall(r"^\| (\d+)-(\d+) \|", lesson, re.M)]
    assert bounds == [(s.start, s.end) for s in routes[0].slots]
    assert routes[0].start_command.split("--chapter ")[1] in lesson
    assert lesson.count("hungary56 play --teacher --chapter") == 1  # started once


def test_the_enquiry_has_3_to_5_quotations_with_provenance_a_pair_and_skills(story: Story, routes: list[Route]) -> None:
    for route in routes:
        enquiry = build_enquiry(story, route)
        assert MIN_SOURCES <= len(enquiry.sources) <= MAX_SOURCES
        assert all(s.card.form == "quotation" and s.card.locator and s.card.provenance for s in enquiry.sources)
        assert enquiry.pair is not None
        skills = {q.skill for q in enquiry.questions}
        assert {"sourcing", "contextualisation", "corroboration", "close reading"} <= skills
        html = render_enquiry(story, "html", route.number)
        for s in enquiry.sources:
            assert " ".join(s.card.locator.split())[:30].replace("'", "&#39;") in html
            assert "Glossed version" in html
        assert "<svg" in html  # the map


def test_the_nagy_kadar_pair_is_used_when_both_cards_are_quotations(story: Story, routes: list[Route]) -> None:
    enquiry = build_enquiry(story, routes[2])
    nagy = [s for s in enquiry.sources if "Nagy" in s.card.who and s.card.when == "1956-11-04"]
    assert nagy and enquiry.pair is not None and nagy[0] in enquiry.pair
    kadar = next(c for ch in story.chapters if ch.id == "ch12_whirlwind" for c in ch.cards if "Kádár" in c.who)
    if kadar.form == "quotation":
        assert any(s.card == kadar for s in enquiry.pair)


def test_the_mark_scheme_is_in_the_teachers_copy_only(story: Story) -> None:
    for number in ROUTES:
        for fmt in ("html", "md"):
            assert "Mark scheme" in render_enquiry(story, fmt, number, teacher=True)
            assert "Mark scheme" not in render_enquiry(story, fmt, number)
            for level in LEVELS:
                sheet = render_worksheet(story, fmt, route=number, level=level)
                assert "Mark scheme" not in sheet and "Level 4" not in sheet


def test_route_2_sorts_the_five_explanations_and_exam_questions_are_for_the_teacher(story: Story) -> None:
    student, teacher = render_enquiry(story, "html", 2), render_enquiry(story, "html", 2, teacher=True)
    assert "Card sort: 5 explanations" in student and student.count('class="sort-card"') == 5
    assert "Exam-style questions" not in student and "Model answers" not in student
    for board in ("GCSE (4 marks)", "GCSE (8 marks)", "IB paper 2", "AP European History"):
        assert board in teacher


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_support_worksheet_has_a_word_bank_with_meanings_and_more_room(story: Story, fmt: str) -> None:
    support = render_worksheet(story, fmt, route=1, level="support")
    core = render_worksheet(story, fmt, route=1, level="core")
    assert "provenance" in support and "can be trusted" in support and "people walking past" in support
    assert "Word bank" not in core
    if fmt == "html":
        assert support.count('class="write"') > core.count('class="write"')
    for number in ROUTES:
        sheet = render_worksheet(story, fmt, route=number)
        assert "The question:" in sheet and "Source A" in sheet and "CORROBORATION" in sheet.upper()


@pytest.mark.parametrize("level", LEVELS)
def test_route_worksheets_hold_no_answers(story: Story, level: str) -> None:
    answers = _answers()
    for number in ROUTES:
        plain = _plain(render_worksheet(story, "html", route=number, level=level))
        assert [a for a in answers if a in plain] == []
        assert "The question:" in plain and "Writing task" in plain
        assert ("Word bank" in plain) == (level == "support") and ("Sentence starters" in plain) == (level == "support")
        assert ("interpretation" in plain.lower()) == (level == "extension")


_RAW = re.compile(r"\[if |\{if |\{else\}|only if |Only if |\b(?:with_zsuzsa|kept_flag_piece|took_rifle_at_radio|exposure "
                  r">=|visited\()")


def test_no_raw_expression_in_any_printed_page(story: Story) -> None:
    pages = [render_guide(story, fmt) for fmt in ("html", "md")]
    for number in ROUTES:
        pages += [render_guide(story, "html", route=number), render_enquiry(story, "html", number, teacher=True)]
        pages += [render_worksheet(story, "html", route=number, level=level) for level in LEVELS]
    for page in pages:
        assert _RAW.findall(page) == []
    assert "when &#39;Beside Zsuzsa&#39; is yes" in pages[0]


def test_the_route_guide_prints_provenance_and_a_pronunciation_guide(story: Story) -> None:
    html = render_guide(story, "html", route=1)
    assert "Saying the names" in html and "Provenance:" in html and "Before the class plays" in html
    assert "KAH-dahr" not in html or "Kádár" in html
    assert "GE-rur" in html  # Gerő
    assert "Content warnings in this lesson" in html and "People are shot and killed" in html


def test_hungarian_names_are_respelled_with_the_stress_first() -> None:
    assert respell_name("Kádár") == "KAH-dahr"
    assert respell_name("Csepel") == "CHE-pel"
    assert respell_name("Nagy") == "NODJ"
    assert respell_name("Tököl") == "TUR-kurl"


@pytest.mark.slow
def test_an_unknown_route_or_an_enquiry_without_one_is_a_clear_error() -> None:
    result = cli("handout", "guide", "--route", "9")
    assert result.returncode != 0 and "there is no route 9" in result.stderr and "Traceback" not in result.stderr
    result = cli("handout", "enquiry")
    assert result.returncode != 0 and "--route" in result.stderr
    result = cli("handout", "worksheet", "--level", "support")
    assert result.returncode != 0 and "--level is for one route's worksheet" in result.stderr


TRANSCRIPT = """# Sixteen Points: Budapest, Autumn 1956: transcript

## THE BEM STATUE

### The morning of the twenty-third

The class voted (30 in all): 1. 14, 2. 9, 3. 7

**The class chose: 1. Take the other pole of Zsuzsa's banner**

> Why: =HYPERLINK("x") they wanted to lead

### WHAT REALLY HAPPENED

**\\[HISTORICAL\\] The class chose: Take the other pole of Zsuzsa's banner**

- The class voted (30 in all): 1. 14, 2. 9, 3. 7

### Under the general's statue

The class voted (30 in all): 1. 12, 2. 12, 3. 6

**The class chose: 2. Climb onto a lamp-post base**

*Undone: Climb onto a lamp-post base. The choice taken instead follows.*

The class voted (30 in all): 1. 12, 2. 12, 3. 6

**The class chose: 3. Stay quiet**

## Debrief so far

The class voted (30 in all): 1. 1, 2. 29
"""


def test_the_class_record_reads_votes_ties_reasons_and_undos() -> None:
    record = parse(TRANSCRIPT)
    assert [(v.scene, v.number, v.split, v.kind, v.tie) for v in record.votes] == [
        ("The morning of the twenty-third", 1, (14, 9, 7), "historical", False),
        ("Under the general's statue", 3, (12, 12, 6), "", True)]
    assert record.votes[0].reason.startswith("=HYPERLINK")
    table = csv_text(record)
    assert table.splitlines()[0].startswith("chapter,decision,votes")
    assert "'=HYPERLINK" in table  # never a formula in a spreadsheet
    html = render_record(TRANSCRIPT, "html")
    assert "a tie settled by the class" in html and "<table>" in html


@pytest.mark.slow
def test_handout_record_writes_csv_and_a_one_page_pdf(tmp_path: Path) -> None:
    transcript = tmp_path / "lesson.md"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    result = cli("handout", "record", str(transcript), "-o", str(tmp_path / "10b.csv"))
    assert result.returncode == 0, result.stderr
    rows = (tmp_path / "10b.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 3 and rows[1].startswith("The Bem Statue,The morning of the twenty-third")
    chromium()
    result = cli("handout", "record", str(transcript), "-o", str(tmp_path / "10b.pdf"))
    assert result.returncode == 0, result.stderr
    info = subprocess.run(["pdfinfo", str(tmp_path / "10b.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "(A4)" in info
    result = cli("handout", "guide", "-o", str(tmp_path / "guide.csv"))
    assert result.returncode != 0 and "only a class record" in result.stderr


@pytest.mark.slow
def test_a_real_teacher_session_becomes_a_class_record(tmp_path: Path) -> None:
    """Recorded by the real program (the format may drift: the record must follow it)."""
    transcript = tmp_path / "lesson.md"
    lines = "\n\n\nvote 14 9 7\nthey wanted to lead\n\n\n\n\n\nvote 12 12 6\n2\n\n\n\n"
    result = cli("play", "--teacher", "--ask-why", "--chapter", "ch02_bem", "--transcript", str(transcript),
                 "--saves", str(tmp_path / "saves"), stdin=lines)
    assert transcript.is_file(), result.stderr
    record = parse(transcript.read_text(encoding="utf-8"))
    assert [(v.split, v.number, v.tie) for v in record.votes][:2] == [((14, 9, 7), 1, False), ((12, 12, 6), 2, True)]
    assert record.votes[0].reason == "they wanted to lead" and record.votes[0].kind == "historical"


# --- in a real browser --------------------------------------------------------------------------------


def _pdf(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / f"{'-'.join(a.strip('-') for a in args)}.pdf"
    result = cli("handout", *args, "-o", str(out))
    assert result.returncode == 0, result.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(out, ARTIFACTS / f"route-{out.name}")
    return out


def _words(pdf: Path) -> list[tuple[float, float, str]]:
    """(yMin, height, word) of every word pdftotext -bbox finds."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(float(y0), float(y1) - float(y0), w) for y0, y1, w in
            re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', out)]


# DejaVu Sans's word boxes are 1.164 times the font size: 11 pt text is 12.8 pt high.
BOX = 1.164


@pytest.mark.slow
@pytest.mark.parametrize("number", ROUTES)
def test_each_route_prints_on_a4_in_large_print_with_a_name_line_and_no_raw_code(tmp_path: Path, number: int) -> None:
    chromium()
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    story = load_story(REPO)
    map_words = {w for p in story.places.values() for w in (p.name + " " + p.hu).split()}
    map_words |= {name for name, *_ in DISTRICTS} | set("Danube") | {"Danube", "km", "N", "↑", "→", "south-west", "south", "Places"}
    kinds = [("enquiry",), ("enquiry", "--teacher"), ("guide",), *(("worksheet", "--level", lv) for lv in LEVELS)]
    for kind in kinds:
        pdf = _pdf(tmp_path, *kind, "--route", str(number))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "(A4)" in info, info
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Condensed" not in fonts, (kind, fonts)  # large print is never the condensed face
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert _RAW.findall(text) == [], kind
        words = _words(pdf)
        body = [(y, h, w) for y, h, w in words if 40 < y < 800 and w not in map_words and not w.isdigit()]
        small = [(w, round(h / BOX, 1)) for _y, h, w in body if h < 11 * BOX - 0.2]
        # a map's labels are drawn in the SVG's own sizes; every other word is at least 11 pt
        assert small == [], (kind, small[:20])
        if kind[0] == "worksheet" or kind == ("enquiry",):
            assert text.count("Name: ____") >= pages, (kind, pages)
            assert "Mark scheme" not in text
        if kind[0] == "guide":
            aloud = [w for _y, h, w in body if abs(h - 12 * BOX) < 0.3]
            assert len(aloud) > 500  # the scenes read aloud are 12 pt


@pytest.mark.slow
@pytest.mark.parametrize("number", ROUTES)
def test_axe_finds_no_violations_in_a_routes_pages(tmp_path: Path, number: int) -> None:
    browser = chromium()
    story = load_story(REPO)
    pages = {"guide": render_guide(story, "html", route=number),
             "enquiry": render_enquiry(story, "html", number, teacher=True),
             "worksheet": render_worksheet(story, "html", route=number, level="support"),
             "extension": render_worksheet(story, "html", route=number, level="extension"),
             "record": render_record(TRANSCRIPT, "html")}
    for name, html in pages.items():
        page = tmp_path / f"{name}-{number}.html"
        page.write_text(html, encoding="utf-8")
        for width in (1280, 390):
            result = _axe(browser, page, tmp_path, width)
            assert result["violations"] == [], (name, width, result["violations"])
            assert result["scrollWidth"] <= result["clientWidth"], (name, width, result)  # type: ignore[operator]
@pytest.mark.slow
def test_map_labels_never_overlap_in_the_rendered_svg(tmp_path: Path) -> None:
    """The boxes Chromium draws for the map's labels and markers: no label's box overlaps another
    label's or a marker's."""
    browser = chromium()
    story = load_story(REPO)
    from engine.classroom.map import chapter_places, svg_map

    maps = [svg_map(story, map_id="city")]
    maps += [svg_map(story, chapter_places(story, c.id), width=200, legend=False, map_id=f"m{i}")
             for i, c in enumerate(story.chapters) if chapter_places(story, c.id)]
    for route in guide_context(story, maps=False)["routes"]:  # type: ignore[attr-defined]
        ids = list(dict.fromkeys(p.id for pack in route.all_chapters for p in pack.places))
        maps.append(svg_map(story, ids, map_id=f"route{route.number}"))
    probe = ("<script>var out=[];document.querySelectorAll('svg').forEach(function(svg,i){"
             "var boxes=[];svg.querySelectorAll('text.district,text.side,text.small,circle[r=\"8\"]').forEach(function(e){"
             "var b=e.getBoundingClientRect();boxes.push([e.tagName,e.textContent,b.x,b.y,b.width,b.height]);});out.push(boxes);});"
             "var pre=document.createElement('pre');pre.id='boxes';pre.textContent=JSON.stringify(out);"
             "document.body.appendChild(pre);</script>")
    page = tmp_path / "maps.html"
    page.write_text("<!DOCTYPE html><html lang=en><body>" + "".join(maps) + probe + "</body></html>", encoding="utf-8")
    result = run_chromium(browser, tmp_path / "profile-maps", "--dump-dom", page.as_uri())
    import html as html_module
    import json

    found = json.loads(html_module.unescape(re.search(r'<pre id="boxes">(.*?)</pre>', result.stdout, re.S).group(1)))  # type: ignore[union-attr]
    clashes = []
    for i, boxes in enumerate(found):
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                (ta, sa, xa, ya, wa, ha), (tb, sb, xb, yb, wb, hb) = boxes[a], boxes[b]
                if ta == "circle" and tb == "circle":
                    continue  # markers are spread apart by the map itself
                if xa < xb + wb - 1 and xb < xa + wa - 1 and ya < yb + hb - 1 and yb < ya + ha - 1:
                    clashes.append((i, sa, sb))
    assert clashes == [], clashes
