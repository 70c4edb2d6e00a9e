"""`hungary56 handout guide|worksheet|enquiry|record`: the classroom pack, as one printable HTML page,
Markdown or a PDF printed by Chromium (and a class record as CSV)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from engine.commands.common import add_story_argument, load

KINDS = ("guide", "worksheet", "enquiry", "record")
SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".pdf": "pdf", ".csv": "csv"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "handout", help="write the teacher's guide, the student worksheet, a route's enquiry or a class record",
        description="Write the classroom pack. 'guide': the teacher's guide, with every scene (the 'what if' "
        "scenes and endings too), warnings where a vote ends the story, learning objectives, computed reading "
        "times, decisions, questions, source cards, three lesson routes of 45 to 50 minutes, the vocabulary and a map of "
        "Budapest. 'worksheet': the student worksheet, without answers. 'enquiry': a route's document-based "
        "enquiry (--route N; --teacher adds the mark scheme). 'record': a teacher-mode transcript's votes as a "
        "one-page class record (HTML, PDF or CSV). HTML prints on A4 from a browser; -o FILE.pdf prints it "
        "through Chromium when it is installed.",
    )
    parser.add_argument("kind", choices=KINDS, help="guide (for the teacher), worksheet (for students), enquiry "
                        "(a route's sources and questions) or record (a class's votes from a transcript)")
    parser.add_argument("transcript", nargs="?", metavar="TRANSCRIPT",
                        help="for record: the teacher-mode transcript (hungary56 play --teacher --transcript FILE)")
    add_story_argument(parser)
    parser.add_argument("--route", type=int, metavar="N", default=None,
                        help="print only lesson route N (1, 2 or 3) in large print; needed for enquiry")
    parser.add_argument("--level", choices=("support", "core", "extension"), default="core",
                        help="the worksheet's level (with --route): support (glossed sources, word bank, sentence "
                        "starters, more room), core, or extension (longer sources, the interpretation question)")
    parser.add_argument("--teacher", action="store_true",
                        help="for enquiry: the teacher's copy, with the mark scheme and model answers")
    parser.add_argument("--format", choices=("md", "html", "pdf", "csv"), default=None,
                        help="md, html or pdf (printed through Chromium), csv for record; default: from the -o "
                        "file's extension, else md")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    parser.set_defaults(run=run)


def output_format(fmt: str | None, output: str | None) -> str:
    """The format asked for, else the one the output's extension names, else Markdown."""
    if fmt:
        return fmt
    if output:
        return SUFFIX_FORMATS.get(Path(output).suffix.lower(), "md")
    return "md"


def write_file(path: Path, data: bytes) -> None:
    """Write atomically, with the permissions any new file gets here (0644 under umask 022, not 0600),
    into a folder that must exist."""
    from engine.core.errors import UsageError
    from engine.io.atomic import same_first_line, write_atomically

    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder; give a file name")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist")
    umask = os.umask(0)
    os.umask(umask)
    try:
        # never over a device or a FIFO, nor over a file that is not a handout of the same kind
        write_atomically(path, data, owned=same_first_line(data))
        # a handout is for sharing: the umask's permissions (0644 under 022) even over a private file
        os.chmod(path, 0o666 & ~umask)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def chromium() -> str | None:
    return next((found for name in ("chromium", "chromium-browser", "google-chrome", "chrome")
                 if (found := shutil.which(name))), None)


def print_pdf(html: str, path: Path) -> None:
    """Print an HTML page to PDF (A4, the page's own header and footer) through headless Chromium."""
    from engine.core.errors import UsageError
    from engine.io.atomic import write_atomically

    browser = chromium()
    if browser is None:
        raise UsageError(
            f"cannot write {path}: printing a PDF needs Chromium, which is not installed here. Write HTML "
            f"instead (-o {path.with_suffix('.html')}) and print it from a browser (A4, no headers and footers)."
        )
    with tempfile.TemporaryDirectory(prefix="hungary56-print-") as tmp:
        page = Path(tmp) / "handout.html"
        write_atomically(page, html)
        out = Path(tmp) / "handout.pdf"
        args = [browser, "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", f"--user-data-dir={Path(tmp) / 'profile'}",
                "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(2, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            subprocess.run(args, capture_output=True, timeout=180, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise UsageError(f"cannot print {path}: Chromium did not finish ({exc})") from None
        if not out.is_file() or out.stat().st_size == 0:
            raise UsageError(f"cannot print {path}: Chromium wrote no PDF. Write HTML (-o "
                             f"{path.with_suffix('.html')}) and print it from a browser.")
        write_file(path, out.read_bytes())


def emit(text: str, fmt: str, output: str | None, extra: dict[str, str] | None = None) -> None:
    """Standard output, or FILE (with `extra` files written beside it first)."""
    if not output:
        sys.stdout.write(text)
        return
    path = Path(output)
    for name, content in (extra or {}).items():
        write_file(path.parent / name, content.encode("utf-8"))
    if fmt == "pdf":
        print_pdf(text, path)
    else:
        write_file(path, text.encode("utf-8"))
    beside = "".join(f" and {path.parent / name}" for name in extra or {})  # files not named: said (NL11)
    print(f"Wrote {output}{beside}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from engine.classroom.handout import render_enquiry, render_guide, render_record, render_worksheet
    from engine.classroom.map import svg_map
    from engine.core.errors import UsageError

    fmt = output_format(args.format, args.output)
    if fmt == "pdf" and not args.output:
        raise UsageError("a PDF needs a file: give -o FILE.pdf")
    if fmt == "csv" and args.kind != "record":
        raise UsageError("only a class record is written as CSV: hungary56 handout record TRANSCRIPT -o class.csv")
    if args.kind == "record":
        if not args.transcript:
            raise UsageError("a class record needs a transcript: hungary56 handout record lesson.md -o record.html")
        text = render_record(_read_transcript(Path(args.transcript)), "html" if fmt == "pdf" else fmt)
        emit(text, fmt, args.output)
        return 0
    if args.transcript:
        # the optional positional is the story folder for every kind but record
        args.story_dir = args.transcript
    if args.kind == "enquiry" and args.route is None:
        raise UsageError("an enquiry is per lesson route: give --route 1, 2 or 3")
    if args.level != "core" and (args.kind != "worksheet" or args.route is None):
        raise UsageError("--level is for one route's worksheet: hungary56 handout worksheet --route N --level LEVEL")
    if args.teacher and args.kind != "enquiry":
        raise UsageError("--teacher is for the enquiry's teacher's copy: hungary56 handout enquiry --route N --teacher")
    story = load(args)
    extra: dict[str, str] = {}
    page = "html" if fmt == "pdf" else fmt
    if args.kind == "guide":
        map_file = ""
        if fmt == "md" and args.output:
            map_file = f"{Path(args.output).stem}-map.svg"
            extra[map_file] = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg_map(story) + "\n"
        text = render_guide(story, page, map_file=map_file, route=args.route)
    elif args.kind == "enquiry":
        text = render_enquiry(story, page, args.route, teacher=args.teacher)
    else:
        text = render_worksheet(story, page, route=args.route, level=args.level)
    emit(text, fmt, args.output, extra)
    return 0


def _read_transcript(path: Path) -> str:
    from engine.core.errors import UsageError
    from engine.io.atomic import read_regular

    try:
        return read_regular(path, 20_000_000).decode("utf-8", errors="replace")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
