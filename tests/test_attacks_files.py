"""Regression tests for the second attack review's file findings (reviews/2026-12-06/reliability.md):
files a story ships, settings and outputs are read and written the one way (engine/io/atomic.py),
each test reproducing its defect the way the review did."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env

STARTER = REPO / "examples" / "starter"
SECRET = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-the-teachers-key\n"


def env_in(home: Path, **extra: str) -> dict[str, str]:
    """The review's common.sh: HOME, the XDG folders and the cache inside the scratch folder."""
    return cli_env(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
                   XDG_CACHE_HOME=str(home / ".cache"), HUNGARY56_CACHE_DIR=str(home / "cache"), **extra)


def h56(*args: str, stdin: str = "", home: Path, timeout: float = 60, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine", *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", cwd=home, env=env_in(home, **extra), timeout=timeout)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "story"
    shutil.copytree(STARTER, folder)
    return folder


def all_text_under(folder: Path) -> str:
    out = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            out.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


@pytest.mark.slow
def test_nh1_a_story_cannot_copy_a_private_file_through_a_planted_endings_record(story: Path, home: Path) -> None:
    # endings_file.sh (a): mkdir story/saves; ln -s ~/.ssh/id_ed25519 story/saves/endings-found.txt;
    # printf '1\n1\nquit\n' | hungary56 play story
    key = home / ".ssh" / "id_ed25519"
    key.parent.mkdir()
    key.write_text(SECRET, encoding="utf-8")
    key.chmod(0o600)
    (story / "saves").mkdir()
    os.symlink(key, story / "saves" / "endings-found.txt")
    result = h56("play", str(story), stdin="1\n1\nquit\n", home=home)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "the-teachers-key" not in all_text_under(story)
    assert key.read_text(encoding="utf-8") == SECRET
    record = story / "saves" / "endings-found.txt"
    if record.exists() and not record.is_symlink():
        assert record.read_text(encoding="utf-8") == "home\n"  # the ending reached, nothing else


@pytest.mark.slow
def test_nh1_only_ending_ids_of_the_story_are_kept_from_an_endings_record(story: Path, home: Path) -> None:
    (story / "saves").mkdir()
    (story / "saves" / "endings-found.txt").write_text("AWS_SECRET=abc\nnot_an_ending\n", encoding="utf-8")
    result = h56("play", str(story), stdin="1\n1\nquit\n", home=home)
    assert result.returncode == 0, result.stderr
    assert (story / "saves" / "endings-found.txt").read_text(encoding="utf-8") == "home\n"


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


@pytest.mark.slow
@pytest.mark.parametrize("plant", ["dev_zero", "fifo"])
def test_nm6_a_planted_endings_record_never_crashes_or_hangs_the_game(story: Path, home: Path, plant: str) -> None:
    # endings_file.sh (b, c): saves/endings-found.txt -> /dev/zero (MemoryError) or a FIFO (hang)
    (story / "saves").mkdir()
    record = story / "saves" / "endings-found.txt"
    os.symlink("/dev/zero", record) if plant == "dev_zero" else make_fifo(record)
    result = h56("play", str(story), stdin="1\n1\nquit\n", home=home, timeout=30)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("plant", ["dev_zero", "fifo", "outside"])
def test_nm6_a_planted_playthrough_is_a_failure_with_a_reason_not_a_crash_or_a_hang(
        story: Path, home: Path, plant: str) -> None:
    # playthrough_files.sh: tests/playthroughs/x.yaml -> /dev/zero, a FIFO, a file outside the story
    folder = story / "tests" / "playthroughs"
    folder.mkdir(parents=True)
    secret = home / "secret.yaml"
    secret.write_text("name: x\ninputs: ['1']\ntranscript: the-teachers-secret\n", encoding="utf-8")
    if plant == "fifo":
        make_fifo(folder / "x.yaml")
    else:
        os.symlink("/dev/zero" if plant == "dev_zero" else secret, folder / "x.yaml")
    result = h56("test", str(story), "--playthroughs", home=home, timeout=30)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    reason = "it is not a regular file" if plant == "fifo" else "it is a symlink that leads out of its folder"
    assert f"x.yaml: cannot read it: {reason}" in result.stdout
    assert "the-teachers-secret" not in result.stdout


@pytest.mark.slow
def test_nm7_a_story_whose_saves_folder_links_to_another_storys_saves_never_writes_there(
        story: Path, home: Path) -> None:
    # story_saves_symlink.sh: the story ships `saves -> ~/.local/share/hungary56/saves/hungary56`
    other = home / ".local/share/hungary56/saves/hungary56"
    other.mkdir(parents=True)
    for name in ("autosave.json", "autosave-previous.json"):
        (other / name).write_text('{"the other story": "a 7-turn game"}', encoding="utf-8")
    os.symlink(other, story / "saves")
    for _ in range(2):
        result = h56("play", str(story), stdin="1\nquit\n", home=home)
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in other.iterdir()) == ["autosave-previous.json", "autosave.json"]
    assert all((other / n).read_text(encoding="utf-8") == '{"the other story": "a 7-turn game"}'
               for n in ("autosave.json", "autosave-previous.json"))
    assert (home / ".local/share/hungary56/saves/starter/autosave.json").is_file()


@pytest.mark.slow
def test_nm7_record_and_new_scene_refuse_a_folder_linked_out_of_the_story(story: Path, home: Path) -> None:
    # story_saves_symlink.sh: tests/playthroughs -> outside, then `record`; scenes -> outside, then
    # `new scene --file scenes/x.yaml`
    outside = home / "outside"
    outside.mkdir()
    (story / "tests").mkdir()
    os.symlink(outside, story / "tests" / "playthroughs")
    result = h56("record", str(story), "--name", "demo", "--choices", "1 1", home=home)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "symlink" in result.stderr and list(outside.iterdir()) == []

    scenes_outside = home / "scenes-outside"
    shutil.move(story / "scenes", scenes_outside)
    os.symlink(scenes_outside, story / "scenes")
    before = sorted(p.name for p in scenes_outside.iterdir())
    result = h56("new", "scene", "cellar", "--chapter", "radio", "--file", "scenes/x.yaml", str(story), home=home)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert sorted(p.name for p in scenes_outside.iterdir()) == before


@pytest.mark.slow
@pytest.mark.parametrize("plant", ["fifo", "dev_zero", "absent"])
def test_nl10_a_story_yaml_that_cannot_be_read_is_named(story: Path, home: Path, plant: str) -> None:
    # misc_low.sh (3): story/story.yaml a FIFO, a link to /dev/zero, or absent; the errors blamed
    # story/glossary.yaml:3:1 ("missing required key") and the chapters
    path = story / "story" / "story.yaml"
    path.unlink()
    if plant == "fifo":
        make_fifo(path)
    elif plant == "dev_zero":
        os.symlink("/dev/zero", path)
    result = h56("lint", str(story), home=home, timeout=30)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stdout.splitlines() if " error " in line]
    assert not any("glossary.yaml" in line for line in errors), errors
    if plant == "absent":
        assert any("story/story.yaml: error E103 the story is missing required key 'id'" in e for e in errors), errors
    else:
        assert errors == [f"{path}: error E001 cannot read the file: it is "
                          + ("not a regular file (a folder, a device or a pipe)" if plant == "fifo" else
                             "a symlink that leads out of its folder; hungary56 reads only the files inside "
                             "the story folder")], errors


@pytest.mark.slow
def test_informational_a_scene_file_linked_out_of_the_story_is_not_read(story: Path, home: Path) -> None:
    # the earlier reviews' informational note: `scenes/x.yaml -> a secrets-shaped file` was read
    # through, and anything echoed would go into `lint --format github` annotations
    secret = home / "credentials.yaml"
    secret.write_text("aws_secret_access_key: the-teachers-secret\n", encoding="utf-8")
    os.symlink(secret, story / "scenes" / "x.yaml")
    result = h56("lint", str(story), "--format", "github", home=home, timeout=30)
    assert result.returncode == 1 and "the-teachers-secret" not in result.stdout + result.stderr
    assert "leads out of its folder" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("plant", ["nested", "dev_zero", "fifo"])
def test_nl1_a_damaged_settings_file_falls_back_to_the_defaults(story: Path, home: Path, plant: str) -> None:
    # settings_file.sh: settings.json of 100,000 nested brackets (RecursionError), a symlink to
    # /dev/zero (MemoryError), a FIFO (hang), on every `play`
    path = home / ".config" / "hungary56" / "settings.json"
    path.parent.mkdir(parents=True)
    if plant == "nested":
        path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    elif plant == "dev_zero":
        os.symlink("/dev/zero", path)
    else:
        make_fifo(path)
    result = h56("play", str(story), stdin="quit\n", home=home, timeout=30)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "At the gate" in result.stdout


@pytest.mark.slow
def test_nl8_settings_width_checks_every_digit(story: Path, home: Path) -> None:
    # misc_low.sh (1): `settings width 0100000000000` was accepted and saved as 100000000000
    result = h56("play", str(story), stdin="settings width 0100000000000\nsettings width 0100\nquit\n", home=home)
    assert result.returncode == 0, result.stderr
    assert "Width can be auto or a number from 30 to 200, not '0100000000000'" in result.stdout
    saved = (home / ".config" / "hungary56" / "settings.json").read_text(encoding="utf-8")
    assert '"width": 100' in saved and "100000000000" not in saved


def special_target(kind: str, path: Path) -> None:
    if kind == "fifo":
        make_fifo(path)
    elif kind == "device":
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a copy of /dev/null, as the review made
        except PermissionError:
            pytest.skip("mknod needs root")
    else:
        os.symlink("/dev/null", path)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "device", "link-to-dev-null"])
@pytest.mark.parametrize("command", [["graph"], ["walkthrough"], ["handout", "guide"]])
def test_nm9_an_output_never_replaces_a_device_node_or_a_fifo(story: Path, home: Path, kind: str,
                                                             command: list[str]) -> None:
    # output_device.sh: `graph -o` / `walkthrough -o` at a mknod'd character device and a FIFO
    # were replaced by regular files (as root, `graph -o /dev/null` replaced the system's /dev/null)
    target = home / "out.md"
    special_target(kind, target)
    before = os.lstat(target)
    result = h56(*command, str(story), "-o", str(target), home=home, timeout=30)
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert "not a regular file" in result.stderr and "left as it was" in result.stderr, result.stderr
    after = os.lstat(target)
    assert (after.st_ino, stat.S_IFMT(after.st_mode)) == (before.st_ino, stat.S_IFMT(before.st_mode))


@pytest.mark.slow
@pytest.mark.parametrize("command", [["graph"], ["walkthrough"]])
def test_nm9_an_output_never_replaces_a_file_that_is_not_the_engines_own(story: Path, home: Path,
                                                                         command: list[str]) -> None:
    target = home / "notes.md"
    target.write_text("# My notes\nNot a map.\n", encoding="utf-8")
    result = h56(*command, str(story), "-o", str(target), home=home, timeout=30)
    assert result.returncode != 0 and "was not written by hungary56" in result.stderr
    assert target.read_text(encoding="utf-8") == "# My notes\nNot a map.\n"
    again = home / "out"
    assert h56(*command, str(story), "-o", str(again), home=home).returncode == 0
    assert h56(*command, str(story), "-o", str(again), home=home).returncode == 0  # its own: replaced


@pytest.mark.slow
def test_nm10_a_large_file_that_is_not_a_transcript_is_never_replaced(story: Path, home: Path) -> None:
    # transcript_replaced.sh: a 14 MB thesis.md became a 7 KB transcript without a word
    thesis = home / "thesis.md"
    text = "# My thesis\n" + "A line of the thesis.\n" * 700_000
    thesis.write_text(text, encoding="utf-8")
    result = h56("play", str(story), "--transcript", str(thesis), stdin="1\nquit\n", home=home)
    assert result.returncode == 2 and "is not a hungary56 transcript" in result.stderr
    assert thesis.read_text(encoding="utf-8") == text


@pytest.mark.slow
def test_nm10_a_transcript_grown_past_10_mib_is_added_to(story: Path, home: Path) -> None:
    # transcript_replaced.sh: a class transcript that had grown past 10 MiB lost 100,000 sessions
    path = home / "class.md"
    assert h56("play", str(story), "--transcript", str(path), stdin="1\nquit\n", home=home).returncode == 0
    earlier = path.read_text(encoding="utf-8") + "A session of long ago.\n" * 600_000
    path.write_text(earlier, encoding="utf-8")
    assert path.stat().st_size > 10 * 2**20
    result = h56("play", str(story), "--transcript", str(path), stdin="2\nquit\n", home=home)
    assert result.returncode == 0 and "Adding this session to the end of" in result.stderr
    now = path.read_text(encoding="utf-8")
    assert now.startswith(earlier) and "Stay at the back" in now[len(earlier):]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "unreadable"])
def test_nm10_a_fifo_or_an_unreadable_file_is_refused_as_a_transcript(story: Path, home: Path, kind: str) -> None:
    path = home / "pipe.md"
    if kind == "fifo":
        make_fifo(path)
    else:
        path.write_text("# Someone's work\n", encoding="utf-8")
        path.chmod(0)
        if os.access(path, os.R_OK):
            path.chmod(0o644)
            pytest.skip("root reads any file")
    result = h56("play", str(story), "--transcript", str(path), stdin="1\nquit\n", home=home, timeout=30)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "left as it was" in result.stderr
    assert stat.S_ISFIFO(os.lstat(path).st_mode) if kind == "fifo" else True


@pytest.mark.slow
def test_nl11_a_guide_never_replaces_a_map_file_of_the_users_and_names_both_files(story: Path, home: Path) -> None:
    # misc_low.sh (4): `handout guide -o lesson.md` replaced an existing lesson-map.svg without a word
    svg = home / "lesson-map.svg"
    svg.write_text("<svg><!-- the teacher's own drawing --></svg>\n", encoding="utf-8")
    result = h56("handout", "guide", str(story), "-o", str(home / "lesson.md"), home=home)
    if "lesson-map.svg" not in result.stderr and result.returncode == 0:
        pytest.skip("this story's guide has no map")
    assert result.returncode != 0 and "was not written by hungary56" in result.stderr
    assert svg.read_text(encoding="utf-8") == "<svg><!-- the teacher's own drawing --></svg>\n"
    svg.unlink()
    result = h56("handout", "guide", str(story), "-o", str(home / "lesson.md"), home=home)
    assert result.returncode == 0 and f"Wrote {home / 'lesson.md'} and {svg}" in result.stderr


@pytest.mark.slow
def test_nl12_the_transcript_is_appended_to_not_rewritten_at_every_choice(story: Path, home: Path) -> None:
    # misc_low.sh (5): each of ~3 flushes per choice rewrote and fsynced the whole file
    path = home / "tr.md"
    assert h56("play", str(story), "--transcript", str(path), stdin="quit\n", home=home).returncode == 0
    inode = path.stat().st_ino
    result = h56("play", str(story), "--transcript", str(path), stdin="1\nundo\n1\nlook\n1\n1\nquit\n", home=home)
    assert result.returncode == 0, result.stderr
    assert path.stat().st_ino == inode  # written in place (appended), never replaced by a rewrite
    assert [p.name for p in home.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.slow
def test_nl2_a_saves_text_variable_cannot_send_escape_sequences_into_the_transcript(story: Path, home: Path) -> None:
    # save_string_transcript.sh: a save passed on by a classmate, with `name` = "Anna ESC c BEL
    # U+009D0;TITLE BEL U+202E..." shown through {name}, was written raw into the --transcript file
    variables = story / "story" / "variables.yaml"
    variables.write_text(variables.read_text(encoding="utf-8")
                         + "  name:\n    type: str\n    initial: Anna\n    description: Your name.\n", encoding="utf-8")
    scenes = story / "scenes" / "one.yaml"
    scenes.write_text(scenes.read_text(encoding="utf-8").replace(
        "text: Shots ring out from the building. The crowd scatters into doorways.",
        "text: \"{name}, shots ring out from the building. The crowd scatters into doorways.\""),
        encoding="utf-8")
    saves = home / "D"
    assert h56("play", str(story), "--saves", str(saves), stdin="1\nsave mine\nquit\n", home=home).returncode == 0
    slot = saves / "starter" / "mine.json"
    document = json.loads(slot.read_text(encoding="utf-8"))
    document["state"]["variables"]["name"] = "Anna\x1bc\x07\x9d0;TITLE\x07\u202eevil"
    slot.write_text(json.dumps(document), encoding="utf-8")
    transcript = home / "tr.md"
    result = h56("play", str(story), "--saves", str(saves), "--load", "mine", "--transcript", str(transcript),
                 stdin="look\nquit\n", home=home)
    assert result.returncode == 0, result.stderr
    written = transcript.read_text(encoding="utf-8")
    assert "Anna" in written and "0;TITLE" in written
    assert not any(char in written for char in "\x1b\x07\x9d\u202e")
    assert not any(char in result.stdout for char in "\x1b\x07\x9d\u202e")


# Every place in engine/ that opens or reads a file other than through engine/io/atomic.py, and why
# it may: none of them reads a file a story, a folder or the environment could plant.
OTHER_OPENS = {
    "engine/cli.py": ["open(os.devnull", "os.open(os.devnull"],  # standard streams
    "engine/play/terminal.py": ["os.open(os.devnull"],
    "engine/commands/common.py": ["os.open(os.devnull"],
    "engine/io/lock.py": ["os.open(Path(folder) / name, _FLAGS"],  # a lock file, never read (O_NOFOLLOW)
    # the transcript, appended to (O_NOFOLLOW, checked regular) and its last byte read, once the
    # play command has checked the file with read_head
    "engine/io/appending.py": ["fd = os.open(self.path, os.O_WRONLY", "fd = os.open(self.path, _READ"],
    "engine/author/starter.py": ["source.read_text(", "schema.read_text("],  # the starter shipped with the engine
    "engine/author/generate.py": ["path.read_text(", "path.read_text("],  # the repository's docs (a developer tool)
    "engine/commands/handout.py": ["out.read_bytes()"],  # the PDF Chromium printed into our own temporary folder
    # the browser build: the Pyodide tarball, checked against its pinned hash, opened from memory
    "engine/web/pyodide.py": ["tarfile.open(fileobj=io.BytesIO(data)"],
    # the engine's own package files (the page's static assets, its modules and attrs' for the zip)
    "engine/web/site.py": ['joinpath(name).read_text(', "item.read_bytes()", "root.joinpath(part).read_bytes()",
                           "path.read_bytes()"],
}


def test_one_reader_reads_every_file_the_engine_did_not_write_itself() -> None:
    """Issue 27: story files, the files a story ships under saves/ and tests/, settings.json, cache
    entries, saves and recordings are read by engine/io/atomic.py alone (read_regular, read_head,
    read_checked: a regular file, no symlink out of its folder, a size limit, never waiting on a FIFO)."""
    import re

    pattern = re.compile(r"\.read_text\(|\.read_bytes\(|(?:^|[^.\w])open\(|os\.open\(|\.open\(|os\.fdopen\(")
    found: dict[str, list[str]] = {}
    for path in sorted((REPO / "engine").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        if relative == "engine/io/atomic.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0]
            if pattern.search(code) and not code.lstrip().startswith("def "):
                found.setdefault(relative, []).append(line.strip())
    assert sorted(found) == sorted(OTHER_OPENS), found
    for relative, lines in found.items():
        assert len(lines) == len(OTHER_OPENS[relative]), (relative, lines)
        assert all(any(allowed in line for line in lines) for allowed in OTHER_OPENS[relative]), (relative, lines)
