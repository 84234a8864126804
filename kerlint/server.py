"""``kerlint server``: the Language Server Protocol over stdio, for editors.

Needs the ``lsp`` extra (``pip install "kerlint[lsp]"``: pygls, the LSP library that ruff's
and Microsoft's Python tool servers were built on, with notebook document sync). Diagnostics on
open, change (debounced) and save, for Python files and notebooks; code actions for each fix,
"fix all" and ``# noqa``; hover with shapes and parameter counts. What it computes comes from
``editor``; this module only speaks the protocol. Logs go to the client's log, never stdout
(stdout is the protocol's channel)."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from . import __version__, editor
from .config import ConfigError, SettingsResolver
from .project import project_for

# Wait this long after a keystroke before linting: a burst of typing is linted once.
DEBOUNCE_SECONDS = 0.15
SOURCE = "kerlint"
_SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning,
             "note": lsp.DiagnosticSeverity.Information}
FIX_ALL = "source.fixAll.kerlint"

log = logging.getLogger("kerlint.server")


class KerlintServer(LanguageServer):
    def __init__(self):
        super().__init__(
            "kerlint", __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            notebook_document_sync=lsp.NotebookDocumentSyncOptions(
                notebook_selector=[lsp.NotebookDocumentFilterWithCells(
                    cells=[lsp.NotebookCellLanguage(language="python")], notebook="*")],
                save=True,
            ),
        )
        self.documents: dict[str, editor.Document] = {}  # uri -> open document
        self.shown: dict[str, list] = {}  # document uri -> [editor.Shown] of its last lint
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._resolver = None

    # -- configuration ----------------------------------------------------------------------
    def codes_for(self, doc: editor.Document) -> list:
        """The rules the project's configuration selects for the document."""
        if self._resolver is None:
            self._resolver = SettingsResolver()
        folder = doc.path.parent if doc.path is not None else Path.cwd()
        try:
            settings = self._resolver.for_dir(str(folder))
            return sorted(settings.codes_for(doc.path) if doc.path is not None else settings.codes)
        except ConfigError as exc:
            self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Error, f"kerlint: {exc}"))
            return []

    # -- documents -------------------------------------------------------------------------
    def opened(self, doc: editor.Document) -> None:
        self.documents[doc.uri] = doc
        self._buffer(doc)
        self.publish(doc.uri)

    def closed(self, uri: str) -> None:
        doc = self.documents.pop(uri, None)
        handle = self._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        if doc is None:
            return
        if doc.path is not None and not doc.is_notebook:
            project_for(doc.path).set_buffer(doc.path, None)
        for target in doc.texts():
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=target, diagnostics=[]))
        self.shown.pop(uri, None)

    def changed(self, uri: str) -> None:
        """Lint after a pause in typing."""
        doc = self.documents.get(uri)
        if doc is None:
            return
        self._buffer(doc)
        handle = self._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self._pending[uri] = loop.call_later(DEBOUNCE_SECONDS, self._publish_later, uri)

    def _publish_later(self, uri: str) -> None:
        self._pending.pop(uri, None)
        self.publish(uri)
        # Open files that import this one see its unsaved text too.
        here = self.documents.get(uri)
        if here is None or here.path is None:
            return
        for other in list(self.documents.values()):
            if other.uri != uri and str(here.path) in other.dependencies:
                self.publish(other.uri)

    def _buffer(self, doc: editor.Document) -> None:
        """An open Python file's text wins over the disk for the files importing it."""
        if doc.path is not None and not doc.is_notebook:
            project_for(doc.path).set_buffer(doc.path, doc.text)

    def publish(self, uri: str) -> None:
        doc = self.documents.get(uri)
        if doc is None:
            return
        try:
            shown = editor.diagnose(doc, self.codes_for(doc))
        except Exception as exc:  # noqa: BLE001 - a kerlint bug must not stop the server
            log.exception("kerlint failed on %s", uri)
            self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Error,
                                                         f"kerlint failed on {uri}: {exc!r}"))
            shown = []
        self.shown[uri] = shown
        by_uri: dict[str, list] = {target: [] for target in doc.texts()}
        for item in shown:
            by_uri.setdefault(item.span.uri, []).append(_diagnostic(item))
        for target, diagnostics in by_uri.items():
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=target, diagnostics=diagnostics))

    def document_of(self, uri: str) -> editor.Document | None:
        """The open document holding ``uri`` (a file, a notebook, or one of its cells)."""
        if uri in self.documents:
            return self.documents[uri]
        return next((d for d in self.documents.values() if any(c.uri == uri for c in d.cells)), None)

    def read_other(self, path: str) -> str | None:
        for doc in self.documents.values():
            if doc.path is not None and str(doc.path) == path and not doc.is_notebook:
                return doc.text
        try:
            return Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None


server = KerlintServer()


# -- protocol -----------------------------------------------------------------------------------


def _range(span) -> lsp.Range:
    return lsp.Range(lsp.Position(*span.start), lsp.Position(*span.end))


def _diagnostic(item) -> lsp.Diagnostic:
    report = item.report
    return lsp.Diagnostic(
        range=_range(item.span), message=report.message, severity=_SEVERITY[item.severity], code=report.code,
        code_description=lsp.CodeDescription(href=item.url) if item.url else None, source=SOURCE,
        related_information=[
            lsp.DiagnosticRelatedInformation(
                location=lsp.Location(uri=Path(os.path.abspath(name)).as_uri(),
                                      range=lsp.Range(lsp.Position(row - 1, column - 1),
                                                      lsp.Position(row - 1, column - 1))),
                message="the other place of this fault")
            for name, row, column in report.related] or None,
    )


def _workspace_edit(edits) -> lsp.WorkspaceEdit:
    changes: dict[str, list] = {}
    for edit in edits:
        changes.setdefault(edit.span.uri, []).append(lsp.TextEdit(range=_range(edit.span), new_text=edit.text))
    return lsp.WorkspaceEdit(changes=changes)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: KerlintServer, params: lsp.DidOpenTextDocumentParams):
    item = params.text_document
    if ls.workspace.get_notebook_document(cell_uri=item.uri) is not None:
        return  # a notebook's cell: the notebook is the document
    ls.opened(editor.Document(item.uri, editor.path_of(item.uri), text=item.text, version=item.version))


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: KerlintServer, params: lsp.DidChangeTextDocumentParams):
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return
    doc.text = ls.workspace.get_text_document(doc.uri).source
    doc.version = params.text_document.version
    ls.changed(doc.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: KerlintServer, params: lsp.DidSaveTextDocumentParams):
    ls.publish(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: KerlintServer, params: lsp.DidCloseTextDocumentParams):
    ls.closed(params.text_document.uri)


def _notebook(ls: KerlintServer, uri: str) -> editor.Document | None:
    nb = ls.workspace.get_notebook_document(notebook_uri=uri)
    if nb is None:
        return None
    cells = []
    for cell in nb.cells:
        kind = "code" if cell.kind == lsp.NotebookCellKind.Code else "markdown"
        cells.append(editor.Cell(cell.document, kind, ls.workspace.get_text_document(cell.document).source))
    return editor.Document(nb.uri, editor.path_of(nb.uri), cells=cells, version=nb.version)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
def notebook_did_open(ls: KerlintServer, params: lsp.DidOpenNotebookDocumentParams):
    doc = _notebook(ls, params.notebook_document.uri)
    if doc is not None:
        ls.opened(doc)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
def notebook_did_change(ls: KerlintServer, params: lsp.DidChangeNotebookDocumentParams):
    doc = _notebook(ls, params.notebook_document.uri)
    if doc is None:
        return
    ls.documents[doc.uri] = doc
    ls.changed(doc.uri)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
def notebook_did_save(ls: KerlintServer, params: lsp.DidSaveNotebookDocumentParams):
    ls.publish(params.notebook_document.uri)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
def notebook_did_close(ls: KerlintServer, params: lsp.DidCloseNotebookDocumentParams):
    ls.closed(params.notebook_document.uri)


def _overlaps(span, uri: str, rng: lsp.Range) -> bool:
    if span.uri != uri:
        return False
    start, end = (rng.start.line, rng.start.character), (rng.end.line, rng.end.character)
    return span.start <= end and start <= span.end


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL]))
def code_action(ls: KerlintServer, params: lsp.CodeActionParams):
    uri = params.text_document.uri
    doc = ls.document_of(uri)
    if doc is None:
        return []
    actions = []
    for item in ls.shown.get(doc.uri, []):
        if not _overlaps(item.span, uri, params.range):
            continue
        report = item.report
        edits = editor.fix_edits(doc, report, ls.read_other)
        if edits:
            actions.append(lsp.CodeAction(
                title=f"{report.code}: {report.fix.message} ({report.fix.applicability} fix)",
                kind=lsp.CodeActionKind.QuickFix, diagnostics=[_diagnostic(item)],
                is_preferred=editor.is_safe(report), edit=_workspace_edit(edits)))
        noqa = editor.noqa_edit(doc, report)
        if noqa is not None:
            actions.append(lsp.CodeAction(title=f"{report.code}: add `# noqa: {report.code}`",
                                          kind=lsp.CodeActionKind.QuickFix, diagnostics=[_diagnostic(item)],
                                          edit=_workspace_edit([noqa])))
    if any(editor.is_safe(item.report) for item in ls.shown.get(doc.uri, [])):
        edits = editor.fix_all(doc, ls.codes_for(doc))
        if edits:
            actions.append(lsp.CodeAction(title="kerlint: fix all safe problems in this file", kind=FIX_ALL,
                                          edit=_workspace_edit(edits)))
    return actions


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: KerlintServer, params: lsp.HoverParams):
    uri = params.text_document.uri
    doc = ls.document_of(uri)
    if doc is None:
        return None
    pos = params.position
    parts = []
    for item in ls.shown.get(doc.uri, []):
        if _overlaps(item.span, uri, lsp.Range(pos, pos)) and item.report.code.startswith("KER") \
                and item.report.code != "KER000":
            parts.append(editor.rule_hover(item.report.code))
    try:
        word = editor.word_at(doc.texts().get(uri, ""), pos.line, pos.character)
        shape = editor.model_hover(doc, editor.Place(uri, pos.line, pos.character), word)
    except Exception:  # noqa: BLE001 - a hover never breaks the editor
        log.exception("hover failed on %s", uri)
        shape = None
    if shape:
        parts.insert(0, shape)
    if not parts:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


def run() -> None:
    """Serve one client over stdin/stdout until it says exit."""
    logging.basicConfig(level=logging.WARNING, format="kerlint server: %(message)s")  # stderr
    server.start_io()
