"""What an editor shows of a document: its diagnostics, the fixes for them, a ``# noqa`` for one,
and hover text, with positions as editors count them (0-based lines, UTF-16 columns, per cell
in a notebook). Plain data, no protocol library: ``server`` speaks LSP with it.

A document is a Python file or a notebook as the editor holds it (unsaved text wins over the
disk, also for the project modules a file imports). Reports come from the same pipeline as
``kerlint check``; a fix applied here edits exactly what ``--fix`` would."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .codes import CODES
from .diagnostics import SAFE
from .fix import FixMode, crosses_files
from .source import NotebookSource, PythonSource

# What a hover over a diagnostic shows of its rule's explanation.
_HOVER_PARAGRAPHS = 1


@dataclass(frozen=True)
class Place:
    """A position as an editor counts it: which text (a file or a notebook cell), line, column."""

    uri: str
    line: int  # 0-based
    character: int  # 0-based, in UTF-16 code units


@dataclass(frozen=True)
class Span:
    uri: str
    start: tuple[int, int]  # (line, character), editor units
    end: tuple[int, int]


@dataclass(frozen=True)
class Edit:
    span: Span
    text: str


@dataclass(frozen=True)
class Shown:
    """A report as the editor shows it."""

    report: object  # diagnostics.Report
    span: Span
    severity: str  # "error" | "warning" | "note"
    url: str


@dataclass
class Cell:
    uri: str
    kind: str  # "code" | "markdown"
    text: str


@dataclass
class Document:
    """An open document: ``text`` for a Python file, ``cells`` for a notebook."""

    uri: str
    path: Path | None
    text: str = ""
    cells: list = field(default_factory=list)  # [Cell] for a notebook
    version: int = 0
    dependencies: dict = field(default_factory=dict)  # project modules the last lint read
    chunks: object = None  # chunks.ChunkCache: a keystroke re-parses only the statement it changed

    @property
    def is_notebook(self) -> bool:
        return bool(self.cells) or (self.path is not None and self.path.suffix == ".ipynb")

    @property
    def name(self) -> str:
        return str(self.path) if self.path is not None else self.uri

    def texts(self) -> dict[str, str]:
        """The text of each URI this document holds."""
        if self.is_notebook:
            return {c.uri: c.text for c in self.cells}
        return {self.uri: self.text}

    def source(self):
        """The ``source.Source`` kerlint lints: a notebook's cells as notebook JSON."""
        if self.is_notebook:
            made = NotebookSource(self.name, notebook_json(self.cells).encode("utf-8"), self.path)
        else:
            made = PythonSource.from_text(self.text, self.name, path=self.path)
        if self.chunks is None:
            from .chunks import ChunkCache

            self.chunks = ChunkCache()
        made.chunks = self.chunks
        return made


def notebook_json(cells) -> str:
    return json.dumps({
        "cells": [{"cell_type": c.kind, "metadata": {}, "source": c.text,
                   **({"outputs": [], "execution_count": None} if c.kind == "code" else {})} for c in cells],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    })


# -- positions -------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def utf16(line: str, column: int) -> int:
    """The UTF-16 offset of the 0-based character ``column`` of ``line``."""
    head = line[:column]
    return column + sum(1 for ch in head if ord(ch) > 0xFFFF)


def _point(lines: list[str], row: int, column: int) -> tuple[int, int]:
    """Editor units for a 1-based row and 1-based character column (clamped into the text)."""
    line = max(0, min(row - 1, len(lines) - 1))
    text = lines[line] if lines else ""
    return line, utf16(text, max(0, min(column - 1, len(text))))


def _cell_of(doc: Document, report):
    """(cell, row within it) of a notebook report, counting cells as the report does."""
    if report.cell is None or not 1 <= report.cell <= len(doc.cells):
        return None, None
    return doc.cells[report.cell - 1], report.cell_row


def span_of(doc: Document, report) -> Span:
    if doc.is_notebook:
        cell, row = _cell_of(doc, report)
        if cell is None:
            cell, row = (doc.cells[0] if doc.cells else Cell(doc.uri, "code", "")), 1
        lines = _lines(cell.text)
        start = _point(lines, row, report.column)
        end_row = report.extra.get("end_cell_row")
        end = _point(lines, end_row, report.end_column) if end_row else (start[0], utf16(lines[start[0]],
                                                                                          len(lines[start[0]])))
        return Span(cell.uri, start, end)
    lines = _lines(doc.text)
    return Span(doc.uri, _point(lines, report.row, report.column), _point(lines, report.end_row, report.end_column))


def severity(report) -> str:
    """The report's level, as every output format gives it (``codes.SEVERITIES``): "error",
    "warning" or "note" (the editor's Information)."""
    from .report import severity as level

    return level(report)


# -- diagnostics -----------------------------------------------------------------------------


def diagnose(doc: Document, codes) -> list[Shown]:
    """The document's reports, placed. A document that does not parse shows only why."""
    result = doc.source().lint(codes)
    doc.dependencies = result.dependencies
    shown = []
    for report in result.reports:
        entry = CODES.get(report.code)
        shown.append(Shown(report, span_of(doc, report), severity(report), entry.url if entry else ""))
    return shown


# -- fixes -----------------------------------------------------------------------------------


def fix_edits(doc: Document, report, read_other) -> list[Edit] | None:
    """The editor edits of a report's fix, or None when it cannot be applied here (a notebook
    fix leaving its cell). ``read_other(path)``: the text of another project file."""
    fix = report.fix
    if fix is None or not fix.edits:
        return None
    edits = []
    for e in fix.edits:
        if e.path is not None:
            lines = _lines(read_other(e.path) or "")
            uri = Path(e.path).as_uri()
            edits.append(Edit(Span(uri, _point(lines, e.row, e.column), _point(lines, e.end_row, e.end_column)),
                              e.content))
        elif doc.is_notebook:
            found = _notebook_edit(doc, e)
            if found is None:
                return None
            edits.append(found)
        else:
            lines = _lines(doc.text)
            edits.append(Edit(Span(doc.uri, _point(lines, e.row, e.column), _point(lines, e.end_row, e.end_column)),
                              e.content))
    return edits


def _notebook_edit(doc: Document, e) -> Edit | None:
    from .notebook import parse

    nb = parse(notebook_json(doc.cells))
    cell = nb.cell_for_span(e.start, e.end)
    if cell is None or cell.dedent:
        return None
    target = doc.cells[cell.index - 1]
    lines = _lines(target.text)
    start = _point(lines, e.row - cell.row + 1, e.column)
    end = _point(lines, e.end_row - cell.row + 1, e.end_column)
    return Edit(Span(target.uri, start, end), e.content)


def fix_all(doc: Document, codes) -> list[Edit]:
    """Edits that make the document what ``kerlint check --fix`` makes of it (safe fixes)."""
    source = doc.source()
    result = source.fix(codes, FixMode(unsafe=False, write=False))
    if not result.fix or not result.fix.fixed:
        return []
    if doc.is_notebook:
        return _cell_rewrites(doc, result.source)
    return [_whole(doc.uri, doc.text, result.source)]


def _whole(uri: str, old: str, new: str) -> Edit:
    lines = _lines(old)
    return Edit(Span(uri, (0, 0), (len(lines) - 1, utf16(lines[-1], len(lines[-1])))), new)


def _cell_rewrites(doc: Document, program: str) -> list[Edit]:
    """One edit per code cell the fixed program changed (a notebook's program is its code
    cells joined, each ending in a newline)."""
    from .notebook import parse

    nb = parse(notebook_json(doc.cells))
    edits = []
    for cell in nb.cells:
        new = program[cell.start:cell.end]
        if cell.newline_added and new.endswith("\n"):
            new = new[:-1]
        old = doc.cells[cell.index - 1].text
        if new != old:
            edits.append(_whole(doc.cells[cell.index - 1].uri, old, new))
    return edits


def noqa_edit(doc: Document, report) -> Edit | None:
    """``# noqa: CODE`` at the end of the report's line, or the code added to one there: what
    ``check --add-noqa`` writes, as the edit of the part of the line that changes."""
    from .add_noqa import line_with_noqa
    from .noqa import directives

    if doc.is_notebook:
        cell, row = _cell_of(doc, report)
        if cell is None:
            return None
        uri, text = cell.uri, cell.text
    else:
        uri, text, row = doc.uri, doc.text, report.noqa_row or report.row
    lines = _lines(text)
    if not 1 <= row <= len(lines):
        return None
    line = lines[row - 1]
    new = line_with_noqa(line, directives(text).get(row), {report.code})
    if new is None:
        return None
    start = len(os.path.commonprefix([line, new]))
    kept = len(os.path.commonprefix([line[start:][::-1], new[start:][::-1]]))
    span = Span(uri, (row - 1, utf16(line, start)), (row - 1, utf16(line, len(line) - kept)))
    return Edit(span, new[start:len(new) - kept])


def is_safe(report) -> bool:
    return report.fix is not None and report.fix.applicability == SAFE and not crosses_files(report.fix)


# -- hover -----------------------------------------------------------------------------------


def rule_hover(code: str) -> str:
    """The rule's short explanation and its documentation link, as Markdown."""
    from .codes import explain

    entry = explain(code)
    paragraphs = [p.strip() for p in entry.explanation.strip().split("\n\n") if p.strip()]
    text = "\n\n".join(" ".join(p.split()) for p in paragraphs[:_HOVER_PARAGRAPHS])
    return f"**{code} {entry.name}**: {entry.summary}\n\n{text}\n\n[Documentation]({entry.url})"


def model_hover(doc: Document, place: Place, word: str | None) -> str | None:
    """The inferred output shape and parameters of the layer called at ``place``, or of the
    model named ``word``, from ``kerlint summary``."""
    from .summary import summarize_source

    entries, _ = summarize_source(doc.source())
    cell_index = _cell_index(doc, place.uri)
    row = place.line + 1
    best = None
    for entry in entries:
        if entry.get("kind") != "model":
            continue
        if word is not None and entry.get("name") == word:
            return _model_text(entry)
        for layer in entry.get("layers", []):
            loc = layer.get("location")
            if not loc or loc.get("row") != row or loc.get("cell") != cell_index:
                continue
            if loc["column"] - 1 <= _char(doc, place) and (best is None or loc["column"] > best[0]["location"]["column"]):
                best = (layer, entry)
    return _layer_text(*best) if best else None


def _cell_index(doc: Document, uri: str) -> int | None:
    if not doc.is_notebook:
        return None
    return next((i for i, c in enumerate(doc.cells, 1) if c.uri == uri), None)


def _char(doc: Document, place: Place) -> int:
    text = doc.texts().get(place.uri, "")
    lines = _lines(text)
    line = lines[place.line] if place.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= place.character:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def _shape(shape) -> str:
    if shape is None:
        return "?"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _count(n) -> str:
    return "?" if n is None else f"{n:,}"


def _layer_text(layer: dict, entry: dict) -> str:
    return (f"**{layer['name']}** ({layer['class']}) in model `{entry.get('name') or '?'}`: "
            f"output shape {_shape(layer.get('output_shape'))}, {_count(layer.get('params'))} parameters")


def _model_text(entry: dict) -> str:
    params = entry.get("params")
    counts = "? parameters" if params is None else (
        f"{params['total']:,} parameters ({params['trainable']:,} trainable)")
    layers = entry.get("layers") or []
    out = _shape(layers[-1].get("output_shape")) if layers else "?"
    text = f"**{entry.get('name')}**: {entry.get('style')} model, graph {entry.get('graph')}; output {out}; {counts}"
    if entry.get("why"):
        text += f"\n\n{entry['why']}"
    return text


def word_at(text: str, line: int, character: int) -> str | None:
    lines = _lines(text)
    if line >= len(lines):
        return None
    s = lines[line]
    for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*", s):
        if utf16(s, m.start()) <= character <= utf16(s, m.end()):
            return m.group(0)
    return None


def path_of(uri: str) -> Path | None:
    """The file a ``file:`` URI names (None for an unsaved buffer)."""
    if not uri.startswith("file:"):
        return None
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    return Path(os.path.abspath(unquote(parsed.path)))
