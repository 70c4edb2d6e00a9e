"""`hungary56 lsp`: a language server over stdio (pygls) for story files: the linter's diagnostics as you type, completion, go to definition, hover, rename, symbols.

Everything it knows comes from the linter (engine/author/relint.py, the same codes and positions as
`hungary56 lint`) and the story index (engine/author/storyindex.py, the located node tree); the
open buffers an editor holds stand for their files. LSP positions are 0-based, ours 1-based.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from engine import __version__
from engine.author import storyindex
from engine.author.rename import rename_problem
from engine.core.errors import Problem
from engine.core.expr import FUNCTIONS, KEYWORDS
from engine.io.loader import read_text

_SCENE_AFTER = re.compile(r"""(?:\b(?:goto|next|first|start)\s*:\s*["']?|\bvisit(?:ed|s)\(\s*)([A-Za-z0-9_]*)$""")
_EXPRESSION_KEY = re.compile(r"""^\s*(?:-\s+)?(?:if|do|setup)\s*:""")
_INLINE = re.compile(r"\{(?:if|elif)?\s*[^{}]*$")
_KEY = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_]+)\s*:")
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}


class StoryServer(LanguageServer):
    """The server, with the open buffers of each story folder."""

    def buffers(self) -> dict[Path, str]:
        found = {}
        for uri, document in self.workspace.text_documents.items():
            path = to_fs_path(uri)
            if path:
                found[Path(path).resolve()] = document.source
        return found

    def index_for(self, uri: str) -> storyindex.StoryIndex | None:
        path = to_fs_path(uri)
        root = storyindex.find_root(Path(path).resolve().parent) if path else None
        return storyindex.read_index(root, self.buffers()) if root else None


def lint_problems(root: Path, buffers: dict[Path, str]) -> list[Problem]:
    """What `hungary56 lint` reports for the folder, with the open buffers in place of their files."""
    from engine.author.relint import the_long_way
    from engine.core.errors import StoryError
    from engine.io import cache
    from engine.io.loader import StoryFile, read_story

    try:
        files, problems = read_story(root)
    except StoryError as exc:
        return exc.problems
    replaced = []
    for file in files:
        text = buffers.get(Path(file.shown).resolve())
        if text is not None:
            data = text.encode("utf-8")
            file = StoryFile(file.shown, data, file.is_story, cache.file_key(file.shown, data))
        replaced.append(file)
    recordings = root / "tests" / "playthroughs"
    return the_long_way(replaced, problems, len(list(recordings.glob("*.yaml"))) if recordings.is_dir() else 0)


def _diagnostic(problem: Problem, lines: list[str]) -> types.Diagnostic:
    line = max(problem.location.line - 1, 0)
    start = max(problem.location.column - 1, 0)
    text = lines[line] if line < len(lines) else ""
    match = storyindex.WORD.match(text, start)
    end = match.end() if match else min(start + 1, max(len(text), start))
    return types.Diagnostic(
        range=types.Range(types.Position(line, start), types.Position(line, end)),
        message=problem.message, severity=_SEVERITY.get(problem.severity, types.DiagnosticSeverity.Information),
        code=problem.code, source="hungary56",
    )


def publish(server: StoryServer, uri: str) -> None:
    """Lint the story the document belongs to and publish every file's diagnostics (none clears them)."""
    path = to_fs_path(uri)
    root = storyindex.find_root(Path(path).resolve().parent) if path else None
    if root is None:
        return
    buffers = server.buffers()
    problems = lint_problems(root, buffers)
    by_file: dict[Path, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(Path(problem.location.path).resolve(), []).append(problem)
    story_paths, scene_paths = storyindex.story_files(root)
    for file in {p.resolve() for p in story_paths + scene_paths} | set(by_file):
        text = buffers.get(file)
        if text is None:
            try:
                text = read_text(file, within=root)
            except (OSError, UnicodeDecodeError):
                text = ""
        lines = text.splitlines()
        diagnostics = [_diagnostic(p, lines) for p in by_file.get(file, [])]
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=from_fs_path(str(file)) or "", diagnostics=diagnostics))


def _parent_key(lines: list[str], line: int) -> str:
    """The key of the mapping entry a line belongs to (for `- item` lines under `terms:` or `do:`)."""
    here = lines[line] if line < len(lines) else ""
    indent = len(here) - len(here.lstrip())
    for number in range(line - 1, -1, -1):
        match = _KEY.match(lines[number])
        text = lines[number]
        if text.strip() and len(text) - len(text.lstrip()) < indent and match:
            return match.group(2)
        if text.strip() and len(text) - len(text.lstrip()) < indent and not text.lstrip().startswith("-"):
            return ""
    return ""


def completions(index: storyindex.StoryIndex, lines: list[str], line: int, character: int) -> list[types.CompletionItem]:
    """What fits where the cursor stands: scene ids, variable names (and functions), glossary terms."""
    before = (lines[line] if line < len(lines) else "")[:character]
    if _SCENE_AFTER.search(before):
        return [types.CompletionItem(label=s.id, kind=types.CompletionItemKind.Reference,
                                     detail=s.title, documentation=storyindex.hover_text(index, s.id))
                for s in index.scenes.values()]
    if re.search(r"\bchapter\s*:\s*[A-Za-z0-9_]*$", before):
        return [types.CompletionItem(label=c, kind=types.CompletionItemKind.Module, detail=index.chapter_titles.get(c, ""))
                for c in index.chapters]
    if re.search(r"\bterms\s*:", before) or (before.lstrip().startswith("-") and _parent_key(lines, line) == "terms"):
        return [types.CompletionItem(label=term, kind=types.CompletionItemKind.Text) for term in index.terms]
    in_expression = _EXPRESSION_KEY.match(before) or _INLINE.search(before) or (
        before.lstrip().startswith("-") and _parent_key(lines, line) in ("do", "setup"))
    if in_expression:
        items = [types.CompletionItem(label=name, kind=types.CompletionItemKind.Variable,
                                      detail=index.variable_types.get(name, "")) for name in index.variables]
        items += [types.CompletionItem(label=f"{name}(", kind=types.CompletionItemKind.Function, detail=kind)
                  for name, kind in FUNCTIONS.items()]
        items += [types.CompletionItem(label=word, kind=types.CompletionItemKind.Keyword) for word in sorted(KEYWORDS)]
        return items
    return []


def _location(span: storyindex.Span) -> types.Location:
    start = types.Position(span.line - 1, span.column - 1)
    end = types.Position(span.line - 1, span.column - 1 + len(span.name))
    return types.Location(uri=from_fs_path(str(span.path)) or "", range=types.Range(start, end))


def _lines(server: StoryServer, uri: str) -> list[str]:
    return list(server.workspace.get_text_document(uri).source.splitlines())


def _at(server: StoryServer, uri: str, position: types.Position) -> tuple[storyindex.StoryIndex, str] | None:
    """The story index and the name under the cursor."""
    index = server.index_for(uri)
    if index is None:
        return None
    lines = _lines(server, uri)
    text = lines[position.line] if position.line < len(lines) else ""
    word, _ = storyindex.word_at(text, position.character + 1)
    return (index, word) if word else None


def rename_edit(index: storyindex.StoryIndex, old: str, new: str) -> dict[str, list[types.TextEdit]]:
    """Every mention of scene `old` (its definition and every reference) as text edits to `new`."""
    changes: dict[str, list[types.TextEdit]] = {}
    for span in index.mentions(old):
        changes.setdefault(from_fs_path(str(span.path)) or "", []).append(
            types.TextEdit(range=_location(span).range, new_text=new))
    return changes


def _symbols(index: storyindex.StoryIndex, path: Path) -> list[types.DocumentSymbol]:
    found = []
    for chapter_id, span in index.chapters.items():
        if span.path == path:
            where = _location(span).range
            found.append(types.DocumentSymbol(name=chapter_id, kind=types.SymbolKind.Namespace, range=where,
                                              selection_range=where, detail=index.chapter_titles.get(chapter_id, "")))
    for scene in index.scenes.values():
        if scene.definition.path == path:
            where = _location(scene.definition).range
            children = [types.DocumentSymbol(name=c.name.splitlines()[0][:60] or "choice", kind=types.SymbolKind.Event,
                                             range=_location(c).range, selection_range=_location(c).range)
                        for c in scene.choices]
            found.append(types.DocumentSymbol(name=scene.id, kind=types.SymbolKind.Class, range=where,
                                              selection_range=where, detail=scene.title, children=children or None))
    return found


def make_server() -> StoryServer:
    server = StoryServer("hungary56", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: StoryServer, params: types.DidOpenTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: StoryServer, params: types.DidChangeTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: StoryServer, params: types.DidSaveTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" ", "(", "{", "[", ","]))
    def completion(ls: StoryServer, params: types.CompletionParams) -> types.CompletionList:
        index = ls.index_for(params.text_document.uri)
        items = completions(index, _lines(ls, params.text_document.uri), params.position.line,
                            params.position.character) if index else []
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: StoryServer, params: types.DefinitionParams) -> types.Location | None:
        found = _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        index, word = found
        span = index.scenes[word].definition if word in index.scenes else \
            index.variables.get(word) or index.terms.get(word) or index.chapters.get(word)
        return _location(span) if span else None

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: StoryServer, params: types.HoverParams) -> types.Hover | None:
        found = _at(ls, params.text_document.uri, params.position)
        if found is not None and found[1] in found[0].variables and found[1] not in found[0].scenes:
            return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                            value=storyindex.variable_hover(found[0], found[1])))
        if found is None or found[1] not in found[0].scenes:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value=storyindex.hover_text(found[0], found[1])))

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: StoryServer, params: types.PrepareRenameParams) -> types.Range | None:
        found = _at(ls, params.text_document.uri, params.position)
        if found is None or found[1] not in found[0].scenes:
            return None
        lines = _lines(ls, params.text_document.uri)
        _, column = storyindex.word_at(lines[params.position.line], params.position.character + 1)
        return types.Range(types.Position(params.position.line, column - 1),
                           types.Position(params.position.line, column - 1 + len(found[1])))

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def rename(ls: StoryServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        found = _at(ls, params.text_document.uri, params.position)
        if found is None or found[1] not in found[0].scenes:
            return None
        index, old = found
        problem = rename_problem(index, old, params.new_name)
        if problem:
            raise ValueError(problem)
        return types.WorkspaceEdit(changes=rename_edit(index, old, params.new_name))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls: StoryServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        index = ls.index_for(params.text_document.uri)
        path = to_fs_path(params.text_document.uri)
        return _symbols(index, Path(path).resolve()) if index and path else []

    return server


def serve(stdin: Any = None, stdout: Any = None) -> None:
    """Speak the Language Server Protocol on standard input and output until the client says exit."""
    make_server().start_io(stdin, stdout)
