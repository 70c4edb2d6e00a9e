"""The language server (issue #25): a client that speaks JSON-RPC over stdio to the real `hungary56 lsp`
process, as an editor does: diagnostics, completion, definition, hover, rename and symbols."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TINY, cli_env

pytest.importorskip("pygls")


class Client:
    """A minimal LSP client: Content-Length framed JSON-RPC over the server's stdin and stdout."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "engine", "lsp"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=cli_env())
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method: str, params: dict[str, Any]) -> Any:
        message = self.answer(method, params)
        assert "error" not in message, message
        return message.get("result")

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """The whole response message (a result or an error)."""
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.messages.get(timeout=60)
            if message.get("id") == self.next_id and "method" not in message:
                return message
            self.notifications.append(message)

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The next diagnostics published for `uri`."""
        while True:
            for note in self.notifications:
                if note.get("method") == "textDocument/publishDiagnostics" and note["params"]["uri"] == uri:
                    self.notifications.remove(note)
                    return list(note["params"]["diagnostics"])
            self.notifications.append(self.messages.get(timeout=60))

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


@pytest.fixture
def client(story: Path):
    c = Client(story)
    result = c.request("initialize", {"processId": None, "rootUri": story.as_uri(), "capabilities": {}})
    assert result["capabilities"]["renameProvider"]
    assert result["serverInfo"]["name"] == "hungary56"
    c.notify("initialized", {})
    yield c
    c.close()


def open_file(client: Client, path: Path, text: str | None = None) -> str:
    uri = path.resolve().as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text(encoding="utf-8") if text is None else text}})
    return uri


def position_of(text: str, needle: str, offset: int = 0) -> dict[str, int]:
    before = text[: text.index(needle) + offset]
    return {"line": before.count("\n"), "character": len(before) - (before.rfind("\n") + 1)}


@pytest.mark.slow
def test_a_mistyped_goto_is_a_diagnostic_at_its_line_with_the_lint_code(client: Client, story: Path) -> None:
    path = story / "scenes" / "one.yaml"
    text = path.read_text(encoding="utf-8").replace("        goto: street\n        do:", "        goto: stret\n        do:")
    uri = open_file(client, path, text)
    found = client.diagnostics(uri)
    errors = [d for d in found if d["code"] == "E120"]
    assert len(errors) == 1, found
    line = text[: text.index("goto: stret")].count("\n")
    assert errors[0]["range"]["start"] == {"line": line, "character": 14}
    assert errors[0]["range"]["end"] == {"line": line, "character": 19}
    assert "unknown scene 'stret' (did you mean 'street'?)" in errors[0]["message"]
    assert errors[0]["severity"] == 1
    # fixed in the editor (not saved): the diagnostic goes away
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": path.read_text(encoding="utf-8")}]})
    assert [d for d in client.diagnostics(uri) if d["code"] == "E120"] == []


@pytest.mark.slow
def test_completion_after_goto_offers_the_scene_ids(client: Client, story: Path) -> None:
    path = story / "scenes" / "one.yaml"
    text = path.read_text(encoding="utf-8").replace("        goto: street\n        do:", "        goto: \n        do:")
    uri = open_file(client, path, text)
    result = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                        "position": position_of(text, "goto: \n", len("goto: "))})
    labels = {item["label"] for item in result["items"]}
    assert {"gate", "street", "square", "end_home", "end_fallen"} <= labels
    # in a condition: the variables and the functions
    result = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                        "position": position_of(text, 'do: ["armed', len('do: ["'))})
    labels = {item["label"] for item in result["items"]}
    assert {"armed", "courage", "visited("} <= labels


@pytest.mark.slow
def test_definition_hover_and_symbols(client: Client, story: Path) -> None:
    path = story / "scenes" / "one.yaml"
    text = path.read_text(encoding="utf-8")
    uri = open_file(client, path)
    where = position_of(text, "next: square", len("next: s"))
    found = client.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": where})
    assert found["uri"] == (story / "scenes" / "two.yaml").resolve().as_uri()
    two = (story / "scenes" / "two.yaml").read_text(encoding="utf-8")
    assert found["range"]["start"] == position_of(two, "square", 0)
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": where})
    assert "**The square**" in hover["contents"]["value"] and "1956-10-24" in hover["contents"]["value"]
    assert "Tanks at the Parliament." in hover["contents"]["value"]
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [s["name"] for s in symbols] == ["gate", "street"]
    assert [c["name"] for c in symbols[0]["children"]] == ["Take the rifle", "Help a wounded man"]


@pytest.mark.slow
def test_rename_a_scene_is_one_workspace_edit_across_files(client: Client, story: Path) -> None:
    one = story / "scenes" / "one.yaml"
    # an unsaved buffer that asks about the scene in a condition and in inline text
    changed = one.read_text(encoding="utf-8").replace("        goto: street\n        do:", "        goto: street\n"
                                                      "        if: \"not visited(square)\"\n        do:")
    changed = changed.replace("    text: The night goes on.", "    text: \"{if visited(square)}Again.{end} The night goes on.\"")
    open_file(client, one, changed)
    path = story / "scenes" / "two.yaml"
    text = path.read_text(encoding="utf-8")
    uri = open_file(client, path)
    where = position_of(text, "id: square", len("id: "))
    edit = client.request("textDocument/rename", {"textDocument": {"uri": uri}, "position": where, "newName": "kossuth"})
    files = {Path(u).name: edits for u, edits in edit["changes"].items()}
    assert set(files) == {"two.yaml", "one.yaml", "story.yaml"}  # the id, `next: square`, the chapter's `first`
    assert all(e["newText"] == "kossuth" for edits in files.values() for e in edits)
    lines = changed.splitlines()
    for edit in files["one.yaml"]:
        start, end = edit["range"]["start"], edit["range"]["end"]
        assert lines[start["line"]][start["character"]:end["character"]] == "square"
    assert len(files["one.yaml"]) == 3  # `next: square`, visited() in the condition and in the text
    clash = client.answer("textDocument/rename", {"textDocument": {"uri": uri}, "position": where, "newName": "gate"})
    assert "already a scene 'gate'" in clash["error"]["message"]


def test_completions_in_process(story: Path) -> None:
    """What fits where the cursor stands, without the server: scenes, chapters, variables, terms."""
    from engine.author.lsp import completions
    from engine.author.storyindex import read_index, variable_hover

    index = read_index(story)
    lines = ["    chapter: ", "    terms: [", "      if: \"visited(", "    text: \"{if cou", "      - goto: "]
    labels = [{item.label for item in completions(index, lines, n, len(line))} for n, line in enumerate(lines)]
    assert labels[0] == {"one", "two"}
    assert labels[1] == {"ÁVH"}
    assert {"gate", "square"} <= labels[2] and {"courage", "armed"} <= labels[3] and "street" in labels[4]
    assert variable_hover(index, "courage") == "**courage** (int, from 0: Risk taken.)"
