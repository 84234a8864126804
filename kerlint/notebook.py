"""Jupyter notebooks: the code cells as one program, reports per cell, fixes written back.

The code cells, in order, are joined into one program (a model built in one cell and
compiled in another is one model). IPython syntax is masked with text of the same length,
so every offset, row and column of the masked program is also one of the program the user
wrote, and fix edits apply to the cells unchanged. Notebooks are read with ``json``; a fixed
notebook differs from the file it came from only inside the ``source`` of the changed cells.

IPython syntax recognised: line magics, cell magics, shell escapes (``!``, ``!!``, and
``x = !cmd`` / ``x = %magic``), help (``?x``, ``x?``, ``x??``) and the escaped auto-call forms
(``/f a``, ``,f a b``, ``;f a b``). Auto-call without an escape (``%autocall`` mode, off by
default) cannot be told from a typo and stays a syntax error.
"""

from __future__ import annotations

import codecs
import difflib
import json
import re
from dataclasses import dataclass, field

from .diagnostics import Report
from .fix import Unwritable, codes_of
from .fix import apply_edits as apply_text

# Cell magics whose body is Python run in the notebook's namespace: the body is linted.
# Any other cell magic (%%bash, %%writefile, %%timeit, %%python, ...) takes its cell out.
PYTHON_CELL_MAGICS = frozenset({"time", "capture", "debug", "prun"})

_LINE_END = re.compile(r"\r\n|\r|\n")
_CELL_MAGIC = re.compile(r"[ \t]*%%(\w*)")
# `%time stmt` runs stmt in the namespace: `%time` becomes `pass;` and stmt stays.
_TIME_MAGIC = re.compile(r"%time[ \t]+(?=[^ \t\r\n#])")
_COMPOUND = re.compile(r"(async|class|def|for|if|try|while|with)\b")
# `lhs = !cmd`, `lhs = %magic args`: the right-hand side becomes an unknown name.
_ASSIGN_MAGIC = re.compile(r"[ \t]*[A-Za-z_][\w.\[\]'\", ]*?[ \t]*=[ \t]*(?=!|%[A-Za-z_%])")
# `obj?`, `obj??`, `np.*load*?`: help, not code.
_HELP_END = re.compile(r"[ \t]*[\w.*\[\]]+\?\??[ \t]*$")
_ESCAPES = ("%", "!", "?", "/", ",", ";")


class NotebookError(Exception):
    """The file is not a notebook kerlint can read (or write); the message says why."""

    def __init__(self, message: str, row: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass
class Cell:
    """A code cell that is part of the program."""

    index: int  # 1-based position among all the notebook's cells, markdown too, as ruff counts
    source: str  # the cell's text as the user wrote it
    start: int  # offset of the cell in the program
    row: int  # 1-based row of the cell's first line in the program
    rows: int
    newline_added: bool  # the program has a newline here that the cell does not end with
    masked: list = field(default_factory=list)  # [(start, end)] program offsets of IPython syntax
    open_end: bool = False  # ends inside a bracket, string or continuation: it cannot run alone
    dedent: int = 0  # the indentation IPython removes from every line (see ``_mask_cell``)

    @property
    def end(self) -> int:
        return self.start + len(self.source) + (1 if self.newline_added else 0)


@dataclass
class Notebook:
    text: str  # the file as read, without a BOM
    bom: bool
    data: dict
    cells: list  # [Cell] in program order
    program: str  # the code cells joined, as written
    masked: str  # the same, IPython syntax masked: what is parsed and linted

    def cell_at_row(self, row: int) -> Cell | None:
        """The cell holding program row ``row``; past the end (an error at end of file), the last."""
        last = None
        for cell in self.cells:
            if cell.rows:
                if cell.row <= row < cell.row + cell.rows:
                    return cell
                last = cell
        return last if last is not None and row >= last.row + last.rows else None

    def cell_for_span(self, start: int, end: int) -> Cell | None:
        """The cell holding program offsets [start, end), or None if the span leaves a cell."""
        for cell in self.cells:
            if cell.start <= start and end <= cell.end and (start < cell.end or start == end == cell.end):
                return cell
        return None


# ---------------------------------------------------------------------------- reading


def decode(data: bytes) -> tuple[str, bool]:
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), bom
    except UnicodeDecodeError as exc:
        raise NotebookError(f"the notebook is not valid UTF-8: {exc}") from None


def parse(text: str, bom: bool = False) -> Notebook:
    """Read notebook JSON text; raise NotebookError when it is not a notebook kerlint reads."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"the notebook is not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise NotebookError("the notebook is nested too deeply to be read") from None
    if not isinstance(data, dict):
        raise NotebookError("not a Jupyter notebook: the file holds JSON but not a notebook object")
    major = data.get("nbformat")
    if "cells" not in data and "worksheets" in data or (isinstance(major, int) and major < 4):
        version = major if isinstance(major, int) else 3
        raise NotebookError(
            f"nbformat {version} notebooks are not supported: open and save the notebook in a current "
            "Jupyter to convert it to nbformat 4"
        )
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise NotebookError('not a Jupyter notebook: there is no "cells" list')
    sources = []
    for i, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise NotebookError(f"not a valid Jupyter notebook: cell {i} has no cell_type")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        elif not isinstance(source, str):
            raise NotebookError(f"not a valid Jupyter notebook: the source of cell {i} is not text")
        sources.append((i, cell["cell_type"], source))
    nb = Notebook(text, bom, data, [], "", "")
    if not _is_python(data):
        return nb  # an R or Julia notebook: nothing here is Python
    program = []
    masked = []
    offset = 0
    row = 1
    for index, cell_type, source in sources:
        if cell_type != "code":
            continue
        mask = _mask_cell(source)
        if mask is None:
            continue  # a cell magic whose body is not Python
        text_masked, spans, open_end, dedent = mask
        added = bool(source) and not source.endswith(("\n", "\r"))
        rows = len(_LINE_END.findall(source)) + (1 if added else 0)
        cell = Cell(index, source, offset, row, rows, added, [(offset + s, offset + e) for s, e in spans], open_end,
                    dedent)
        nb.cells.append(cell)
        program.append(source + ("\n" if added else ""))
        masked.append(text_masked + ("\n" if added else ""))
        offset = cell.end
        row += rows
    nb.program = "".join(program)
    nb.masked = "".join(masked)
    return nb


def _is_python(data: dict) -> bool:
    meta = data.get("metadata")
    if not isinstance(meta, dict):
        return True
    for key, name in (("language_info", "name"), ("kernelspec", "language")):
        value = meta.get(key)
        if isinstance(value, dict) and isinstance(value.get(name), str):
            return value[name].lower() in ("python", "python3", "ipython", "ipython3")
    return True


# ---------------------------------------------------------------------------- IPython syntax


def _fill(length: int, word: str) -> str:
    """``word`` padded to ``length`` (``0`` when the word does not fit): a no-op the same size."""
    if length >= len(word):
        return word.ljust(length)
    return "0".ljust(length)


class _Scanner:
    """Tracks brackets, strings and backslash continuations from one physical line to the next."""

    def __init__(self):
        self.depth = 0
        self.string = None  # the closing quote of a string still open at the end of a line
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.string is None and not self.continued

    def scan(self, body: str, i: int = 0) -> None:
        """Scan ``body`` (a line without its line ending) from ``i``."""
        n = len(body)
        comment = False
        while i < n:
            if self.string is not None:
                quote = self.string
                while i < n:
                    c = body[i]
                    if c == "\\":
                        i += 2
                        continue
                    if body.startswith(quote, i):
                        self.string = None
                        i += len(quote)
                        break
                    i += 1
                continue
            c = body[i]
            if c == "#":
                comment = True
                break
            if c in "'\"":
                quote = body[i : i + 3] if body.startswith(c * 3, i) else c
                self.string = quote
                i += len(quote)
                continue
            if c in "([{":
                self.depth += 1
            elif c in ")]}":
                self.depth = max(0, self.depth - 1)
            i += 1
        escaped = not comment and body.endswith("\\") and (len(body) - len(body.rstrip("\\"))) % 2 == 1
        if self.string is not None and len(self.string) == 1 and not escaped:
            self.string = None  # an unterminated one-line string: Python reports it, we move on
        self.continued = escaped and self.string is None


def _mask_cell(source: str):
    """(masked text, [(start, end)], open at end, dedent) for a cell, or None when it is left
    out: a cell magic whose body is not Python, or lines indented less than its first line.

    IPython runs a cell whose first line is indented with that indentation removed from every
    line. The same is done here with the text kept in place: each line's leading ``dedent``
    characters move to its end, so rows stay the same and columns are ``dedent`` to the left
    (``locate`` moves them back). Such a cell is masked as a whole: no fix is written into it."""
    dedent = _common_indent(source)
    if dedent is None:
        return None
    if dedent:
        source = _rotate(source, dedent)
    masked = _mask_lines(source)
    if masked is None:
        return None
    text, spans, open_end = masked
    if dedent:
        spans = [(0, len(source))]
    return text, spans, open_end, dedent


def _common_indent(source: str) -> int | None:
    """The indentation of a cell's first line of code (0 when there is none), or None when a
    later line of code is indented less (IPython would refuse the cell too). Comments may sit at
    any indentation."""
    lines = [body for body in _LINE_END.split(source)
             if body.strip() and not body.lstrip().startswith("#") and not _CELL_MAGIC.match(body)]
    code = lines[0] if lines else ""
    prefix = code[: len(code) - len(code.lstrip(" \t"))]
    if not prefix:
        return 0
    if any(not body.startswith(prefix) for body in lines):
        return None
    return len(prefix)


def _rotate(source: str, k: int) -> str:
    """Each line that starts with ``k`` characters of indentation has them moved to its end."""
    out = []
    pos = 0
    for m in _LINE_END.finditer(source + "\n"):
        body = source[pos : m.start()]
        if body[:k].strip(" \t") == "" and len(body) > k:
            body = body[k:] + body[:k]
        out.append(body + source[m.start() : m.end()])
        pos = m.end()
    return "".join(out)


def _mask_lines(source: str):
    lines = []
    pos = 0
    for m in _LINE_END.finditer(source):
        lines.append((pos, source[pos : m.start()], m.end()))
        pos = m.end()
    if pos < len(source):
        lines.append((pos, source[pos:], len(source)))
    out = list(source)
    spans = []

    def mask(start: int, end: int, word: str) -> None:
        if end > start:
            out[start:end] = _fill(end - start, word)
            spans.append((start, end))

    first = next((k for k, (_, body, _) in enumerate(lines) if body.strip()), None)
    skip_to = 0
    if first is not None:
        m = _CELL_MAGIC.match(lines[first][1])
        if m:
            if m.group(1) not in PYTHON_CELL_MAGICS:
                return None
            start, body, _ = lines[first]
            mask(start, start + len(body), "pass")
            skip_to = first + 1
    scanner = _Scanner()
    continuing_magic = False
    for k, (start, body, _) in enumerate(lines):
        if k < skip_to:
            continue
        if continuing_magic:
            # a backslash-continued magic: the rest of it becomes blank
            mask(start, start + len(body), "")
            continuing_magic = body.endswith("\\")
            continue
        if not scanner.at_statement_start:
            scanner.scan(body)
            continue
        stripped = body.lstrip(" \t")
        indent = len(body) - len(stripped)
        if stripped.startswith("%time"):
            m = _TIME_MAGIC.match(stripped)
            if m and not _COMPOUND.match(stripped, m.end()):
                mask(start + indent, start + indent + len("%time"), "pass;")
                scanner.scan(body, indent + m.end())
                continue
        if stripped.startswith(_ESCAPES):
            mask(start + indent, start + len(body), "pass")
            continuing_magic = body.endswith("\\")
            continue
        m = _ASSIGN_MAGIC.match(body)
        if m:
            mask(start + m.end(), start + len(body), "_")
            continuing_magic = body.endswith("\\")
            continue
        if _HELP_END.match(body):
            mask(start + indent, start + len(body), "pass")
            continue
        scanner.scan(body)
    return "".join(out), sorted(spans), not scanner.at_statement_start


# ---------------------------------------------------------------------------- linting


def lint_notebook(nb: Notebook, lint, may_report=None) -> list:
    """The Reports for a parsed notebook, each with its cell. ``may_report(text)``: the
    pre-scan (``lint.prescan`` unless given)."""
    from .lint import prescan

    if not nb.cells or not (may_report or prescan)(nb.masked):
        return []
    unfinished = [_unfinished(nb, cell) for cell in nb.cells if cell.open_end]
    if any(unfinished):
        # Joined, the next cell could finish the statement; Jupyter never joins them.
        return [r for r in unfinished if r is not None]
    reports = lint(nb.masked)
    rows = _file_rows(nb) if reports else {}
    for report in reports:
        locate(nb, report)
        _place_in_file(report, rows)
    return reports


def _file_rows(nb: Notebook) -> dict:
    """``{cell index: [the .ipynb line holding each of its source lines]}``: where an annotation
    on the notebook file must point (GitHub, SARIF, JUnit name lines of the file, not of the
    joined cells). A source kept as one JSON string is on one line."""
    try:
        tree = _Spans(nb.text).value(_Spans.skip(nb.text, 0))[0]
        cells = tree.children["cells"].children
    except (ValueError, IndexError, KeyError, TypeError, AttributeError, RecursionError):
        return {}
    out = {}
    for cell in nb.cells:
        try:
            span = cells[cell.index - 1].children["source"]
        except (IndexError, KeyError, TypeError, AttributeError):
            continue
        starts = [child.start for child in span.children] if isinstance(span.children, list) else [span.start]
        out[cell.index] = [nb.text.count("\n", 0, start) + 1 for start in starts]
    return out


def _place_in_file(report: Report, rows: dict) -> None:
    lines = rows.get(report.cell)
    if not lines or report.cell_row is None:
        return
    report.extra["file_row"] = lines[min(report.cell_row, len(lines)) - 1]
    end = report.extra.get("end_cell_row")
    if end is not None:
        report.extra["file_end_row"] = lines[min(end, len(lines)) - 1]


def _unfinished(nb: Notebook, cell: Cell) -> Report | None:
    """Python's error for a cell that ends inside a bracket, string or continuation, run alone."""
    import ast

    try:
        ast.parse(nb.masked[cell.start : cell.end])
    except SyntaxError as exc:
        row = min(max(exc.lineno or cell.rows, 1), cell.rows)
        column = max(exc.offset or 1, 1) + cell.dedent
        report = Report(
            "KER000",
            f"syntax error, the cell cannot be parsed on its own (Jupyter runs each cell alone): {exc.msg}",
            cell.row + row - 1, column, cell.row + row - 1, column,
        )
        report.cell, report.cell_row = cell.index, row
        return report
    except (ValueError, RecursionError, MemoryError):
        pass
    return None


def locate(nb: Notebook, report: Report) -> None:
    """Give a report on the program its cell and row in the cell; drop a fix that leaves a cell,
    touches masked IPython syntax (it cannot be written back as it was meant) or edits another
    file (the pass that writes two files together is for Python files)."""
    cell = nb.cell_at_row(report.row)
    if cell is None:
        return
    report.cell = cell.index
    report.cell_row = report.row - cell.row + 1
    report.column += cell.dedent
    end_cell = nb.cell_at_row(report.end_row)
    if end_cell is cell:
        report.extra["end_cell_row"] = report.end_row - cell.row + 1
        report.end_column += cell.dedent
    if report.fix is not None and not all(e.path is None and _writable(nb, e.start, e.end) for e in report.fix.edits):
        report.fix = None


def _writable(nb: Notebook, start: int, end: int) -> bool:
    cell = nb.cell_for_span(start, end)
    if cell is None:
        return False
    return not any(start < m_end and end > m_start or m_start < start < m_end for m_start, m_end in cell.masked)


# ---------------------------------------------------------------------------- fixing


def apply_edits(nb: Notebook, edits) -> dict:
    """New sources {cell index: text} for the cells that program-offset ``edits`` change."""
    by_cell = {}
    for edit in edits:
        cell = nb.cell_for_span(edit.start, edit.end)
        if cell is None or not _writable(nb, edit.start, edit.end):
            raise ValueError("the edit does not fall inside one cell's Python code")
        by_cell.setdefault(cell.index, (cell, []))[1].append(edit)
    out = {}
    for index, (cell, cell_edits) in by_cell.items():
        m = _LINE_END.search(cell.source)
        newline = m.group(0) if m else "\n"
        local = [_Shifted(e.start - cell.start, e.end - cell.start, _LINE_END.sub(newline, e.content))
                 for e in cell_edits]
        text = apply_text(cell.source + ("\n" if cell.newline_added else ""), local)
        if cell.newline_added and text.endswith("\n"):
            text = text[:-1]
        if text != cell.source:
            out[index] = text
    return out


@dataclass(frozen=True)
class _Shifted:
    start: int
    end: int
    content: str


@dataclass(frozen=True)
class CellProgram:
    """A notebook as the fix loop sees it (``fix.fix_to_fixpoint``): the program its code
    cells make, linted masked, and edited through the cells."""

    nb: Notebook

    @property
    def text(self) -> str:
        return self.nb.program

    @property
    def code(self) -> str:
        return self.nb.masked

    def with_edits(self, edits) -> CellProgram:
        try:
            return CellProgram(parse(dump(self.nb, apply_edits(self.nb, edits)), self.nb.bom))
        except (NotebookError, ValueError) as exc:
            raise Unwritable(f"cannot be written to the cells ({exc})") from None


def stuck_report(stuck) -> Report:
    """The KER000 report of a notebook whose fixes gave up (a ``fix.Stuck``), in the fix's cell.
    Unlike a Python file's, it names every fix of the round, not only the ones that break the
    code alone, and not the fixes that did not settle: the wording notebooks have always had."""
    codes = codes_of(stuck.fixes)
    message = {
        "overlap": f"the fix for {codes} has overlapping edits",
        "unwritable": f"the fix for {codes} {stuck.detail}",
        "invalid": f"the fix for {codes} would make the code invalid Python ({stuck.detail})",
        "cycle": f"the fixes for {codes} undo each other",
        "unsettled": f"the fixes did not settle after {stuck.rounds} rounds",
    }[stuck.reason]
    at = stuck.at
    error = Report("KER000", f"internal error in kerlint: {message}; the notebook was left unchanged",
                   at.row, at.column, at.row, at.column)
    error.cell, error.cell_row = at.cell, at.cell_row
    return error


def dump(nb: Notebook, sources: dict) -> str:
    """The notebook file text with the cells in ``sources`` ({cell index: text}) replaced.

    Every byte outside the replaced ``source`` values stays as it was: the whole notebook is
    re-serialised the way Jupyter writes it only when that reproduces the original file exactly;
    otherwise just the changed ``source`` values are spliced into the original text.
    """
    if not sources:
        return nb.text
    new = json.loads(nb.text)
    for index, text in sources.items():
        cell = new["cells"][index - 1]
        cell["source"] = _split_lines(text) if isinstance(cell.get("source"), list) else text
    style = _style(nb)
    if style is not None:
        indent, ascii_only, tail = style
        out = json.dumps(new, indent=indent, ensure_ascii=ascii_only) + tail
    else:
        out = _splice(nb, new, sources)
    if json.loads(out) != new:
        raise NotebookError("kerlint could not write the notebook back faithfully; it was left unchanged")
    return out


def encode(nb: Notebook, text: str) -> bytes:
    """Notebook text as file bytes, with the BOM the file had."""
    return (codecs.BOM_UTF8 if nb.bom else b"") + text.encode("utf-8")


def _split_lines(text: str) -> list:
    return text.splitlines(True)  # as nbformat splits multi-line strings


def _style(nb: Notebook):
    """(indent, ensure_ascii, tail) with which json.dumps reproduces the file exactly, or None."""
    text = nb.text
    body = text.rstrip(" \t\r\n")
    tail = text[len(body) :]
    m = re.search(r"\n([ \t]+)\S", body)
    guesses = [m.group(1) if m else 1, 1, 2, 4]
    for indent in guesses:
        if isinstance(indent, str) and indent.strip(" ") == "":
            indent = len(indent)
        for ascii_only in (False, True):
            try:
                if json.dumps(nb.data, indent=indent, ensure_ascii=ascii_only) == body:
                    return indent, ascii_only, tail
            except (TypeError, ValueError, RecursionError):
                return None
    return None


def _splice(nb: Notebook, new: dict, sources: dict) -> str:
    text = nb.text
    try:
        tree = _Spans(text).value(_Spans.skip(text, 0))[0]
    except (ValueError, IndexError, RecursionError):
        raise NotebookError("kerlint could not write the notebook back faithfully; it was left unchanged") from None
    cells = tree.children["cells"]
    ascii_only = not re.search(r"[^\x00-\x7f]", text) and bool(
        re.search(r"\\u(00[89a-fA-F][0-9a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-fA-F][0-9a-fA-F]{3})", text)
    )
    replacements = []
    for index in sorted(sources):
        span = cells.children[index - 1].children["source"]
        value = new["cells"][index - 1]["source"]
        replacements.append((span.start, span.end, _render_source(text, span, value, ascii_only)))
    out = []
    pos = 0
    for start, end, content in replacements:
        out.append(text[pos:start])
        out.append(content)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _render_source(text: str, span, value, ascii_only: bool) -> str:
    """A ``source`` value in the layout of the one it replaces."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=ascii_only)
    items = [json.dumps(line, ensure_ascii=ascii_only) for line in value]
    if not items:
        return "[]"
    elements = span.children
    if elements:
        opening = text[span.start + 1 : elements[0].start]
        closing = text[elements[-1].end : span.end - 1]
        if len(elements) > 1:
            sep = text[elements[0].end : elements[1].start]
        else:
            sep = "," + opening if "\n" in opening else ", "
    else:
        # an empty list: write the lines as Jupyter would, one level deeper than the key
        line_start = text.rfind("\n", 0, span.start) + 1
        key_indent = re.match(r"[ \t]*", text[line_start:]).group(0)
        m = re.search(r"\n([ \t]+)\S", text)
        newline = "\r\n" if "\r\n" in text else "\n"
        opening = newline + key_indent + (m.group(1) if m else " ")
        sep = "," + opening
        closing = newline + key_indent
    return "[" + opening + sep.join(items) + closing + "]"


@dataclass
class _Span:
    start: int
    end: int
    children: object = None  # {key: _Span} for objects, [_Span] for arrays


class _Spans:
    """Where each value of a JSON text starts and ends (json itself does not say)."""

    _WS = re.compile(r"[ \t\r\n]*")
    _SCALAR = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")

    def __init__(self, text: str):
        self.text = text

    @classmethod
    def skip(cls, text: str, i: int) -> int:
        return cls._WS.match(text, i).end()

    def value(self, i: int):
        text = self.text
        c = text[i]
        if c == "{":
            children = {}
            j = self.skip(text, i + 1)
            if text[j] == "}":
                return _Span(i, j + 1, children), j + 1
            while True:
                key, j = json.decoder.scanstring(text, j + 1)
                j = self.skip(text, j)
                if text[j] != ":":
                    raise ValueError("expected ':'")
                child, j = self.value(self.skip(text, j + 1))
                children[key] = child
                j = self.skip(text, j)
                if text[j] == "}":
                    return _Span(i, j + 1, children), j + 1
                if text[j] != ",":
                    raise ValueError("expected ','")
                j = self.skip(text, j + 1)
        if c == "[":
            children = []
            j = self.skip(text, i + 1)
            if text[j] == "]":
                return _Span(i, j + 1, children), j + 1
            while True:
                child, j = self.value(j)
                children.append(child)
                j = self.skip(text, j)
                if text[j] == "]":
                    return _Span(i, j + 1, children), j + 1
                if text[j] != ",":
                    raise ValueError("expected ','")
                j = self.skip(text, j + 1)
        if c == '"':
            _, j = json.decoder.scanstring(text, i + 1)
            return _Span(i, j), j
        m = self._SCALAR.match(text, i)
        if not m or m.end() == i:
            raise ValueError("unexpected character")
        return _Span(i, m.end()), m.end()


# ---------------------------------------------------------------------------- --diff


def diff(before: Notebook, after_text: str, name: str) -> str:
    """A unified diff of the cells whose source differs, one hunk group per cell."""
    after = json.loads(after_text.lstrip("\ufeff"))
    out = []
    for i, (old, new) in enumerate(zip(before.data["cells"], after["cells"]), 1):
        a = _joined(old.get("source", ""))
        b = _joined(new.get("source", ""))
        if a == b:
            continue
        out.extend(
            difflib.unified_diff(
                _diff_lines(a), _diff_lines(b), f"{name}:cell {i}", f"{name}:cell {i}", lineterm="\n"
            )
        )
    return "".join(out)


def _joined(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def _diff_lines(text: str) -> list:
    lines = text.splitlines(True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of cell\n"
    return lines
