"""Linting one source text: parse once, extract, run the selected rules, report plain data."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .diagnostics import Report, TextEdit, TextFix

# A file reaches Keras through an import or name that says keras/tensorflow/tf, or through a
# public Keras class name it never binds (a pasted snippet); KER900 needs a kerlint code in a
# `# noqa`. A file with none of these cannot hold anything kerlint reports: it is not parsed.
_PRESCAN = re.compile(
    rb"\btf\b|\.compile\s*\(|\.fit(_generator)?\s*\(|_generator\s*\(|predict_classes|predict_proba|"
    rb"crossentropy|Crossentropy|(?i:\bker\d)"
)
_CAPITALIZED = re.compile(rb"\b[A-Z][A-Za-z0-9_]*")
_PUBLIC: frozenset | None = None  # public Keras class names, as bytes


def use_public_names(names) -> None:
    """Set the public Keras class names (from the cache; otherwise read from the catalog)."""
    global _PUBLIC
    _PUBLIC = frozenset(n.encode() for n in names)


def _public_names() -> frozenset:
    if _PUBLIC is None:
        from .catalog import get_catalog

        use_public_names(get_catalog().public_class_names())
    return _PUBLIC


def prescan(data: bytes | str) -> bool:
    """True when the text may contain something kerlint reports."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if b"keras" in data or b"tensorflow" in data or _PRESCAN.search(data) is not None:
        return True
    return not _public_names().isdisjoint(_CAPITALIZED.findall(data))


@dataclass
class FileResult:
    path: str
    reports: list = field(default_factory=list)  # [Report]
    source: str | None = None  # the decoded text, when the caller needs it (fixes)
    error: str | None = None  # a message when the file could not be read at all
    fix: object = None  # fix.FileFix when run with --fix / --diff


def parse_error_report(exc, source: str) -> Report:
    row = getattr(exc, "raw_line", None) or getattr(exc, "lineno", None) or 1
    col = getattr(exc, "raw_column", None)
    if col is None:
        col = (getattr(exc, "offset", None) or 1) - 1
    message = getattr(exc, "message", None) or str(exc).splitlines()[0]
    lines = source.splitlines()
    row = max(1, min(row, max(len(lines), 1)))
    return Report("KER000", f"syntax error, the file cannot be parsed: {message}", row, col + 1, row, col + 1)


def _syntax_report(exc, source: str) -> Report:
    """Python's own message and position where it has one: they read better than LibCST's."""
    import ast

    try:
        ast.parse(source)
    except SyntaxError as py_exc:
        row = py_exc.lineno or 1
        col = max((py_exc.offset or 1) - 1, 0)
        return Report("KER000", f"syntax error, the file cannot be parsed: {py_exc.msg}", row, col + 1, row, col + 1)
    except (ValueError, RecursionError, MemoryError):
        pass
    return parse_error_report(exc, source)


class _Positions:
    def __init__(self, module, source: str):
        from libcst.metadata import MetadataWrapper, PositionProvider

        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.pos = wrapper.resolve(PositionProvider)
        self.module = module
        self.line_starts = [0]
        for m in re.finditer(r"\r\n|\r|\n", source):
            self.line_starts.append(m.end())
        self.length = len(source)

    def range(self, node):
        r = self.pos.get(node)
        if r is None:
            return None
        return r.start.line, r.start.column, r.end.line, r.end.column

    def offset(self, line: int, column: int) -> int:
        return self.line_starts[line - 1] + column


def lint_source(source: str, path: str, select, *, keep_source=False, noqa=True) -> FileResult:
    """Lint decoded source text with the rules in ``select`` (codes). ``noqa=False`` leaves
    ``# noqa`` comments to the caller (the flake8 plugin: flake8 reads them itself)."""
    import libcst as cst

    from .extract import extract
    from .noqa import apply as apply_noqa, file_exemption
    from .rules import all_rules

    result = FileResult(path, source=source if keep_source else None)
    if file_exemption(source)[0]:
        return result
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        result.reports.append(_syntax_report(exc, source))
        return result
    except RecursionError:
        result.reports.append(Report("KER000", "the file is nested too deeply to be parsed", 1, 1, 1, 1))
        return result
    try:
        ir = extract(module)
    except RecursionError:
        result.reports.append(Report("KER000", "the file is nested too deeply to be analysed", 1, 1, 1, 1))
        return result
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        result.reports.append(_internal("extraction", exc))
        return result
    rules = all_rules()
    found = []
    seen = set()
    for code in select:
        rule = rules.get(code)
        if rule is None:
            continue
        try:
            for diag in rule.check(ir):
                key = (diag.code, id(diag.node))
                if key in seen:
                    continue
                seen.add(key)
                found.append(diag)
        except Exception as exc:  # noqa: BLE001 - report, and let the other rules run
            result.reports.append(_internal(code, exc))
    if found:
        positions = _Positions(module, source)
        for diag in found:
            report = _to_report(diag, positions)
            if report is not None:
                result.reports.append(report)
    result.reports.sort(key=Report.sort_key)
    if noqa:
        result.reports = apply_noqa(source, result.reports, select)
    return result


def _internal(where: str, exc: Exception) -> Report:
    return Report(
        "KER000",
        f"internal error in kerlint ({where}): {type(exc).__name__}: {exc}; please report this "
        "with the file that caused it",
        1,
        1,
        1,
        1,
    )


def _to_report(diag, positions: _Positions) -> Report | None:
    r = positions.range(diag.node)
    if r is None:
        return None
    line, col, end_line, end_col = r
    fix = None
    if diag.fix is not None and diag.fix.edits and all(e is not None for e in diag.fix.edits):
        edits = []
        for edit in diag.fix.edits:
            er = positions.range(edit.node)
            if er is None:
                edits = None
                break
            content = edit.replacement
            if not isinstance(content, str):
                content = positions.module.code_for_node(content)
            if getattr(edit, "insert", None) is not None:
                edits.append(_insertion(edit.insert, er, content, positions))
                continue
            edits.append(
                TextEdit(
                    positions.offset(er[0], er[1]),
                    positions.offset(er[2], er[3]),
                    content,
                    er[0],
                    er[1] + 1,
                    er[2],
                    er[3] + 1,
                )
            )
        if edits:
            edits.sort(key=lambda e: e.start)
            fix = TextFix(diag.fix.applicability, diag.fix.message, tuple(edits))
    return Report(diag.code, diag.message, line, col + 1, end_line, end_col + 1, fix, noqa_row=line)


def _insertion(where: str, er, content: str, positions: _Positions) -> TextEdit:
    """A zero-width edit inserting whole lines before/after the lines of a node, or with
    ``"lines"`` an edit replacing the node's whole lines (line break included)."""
    if where == "lines":
        end_row = er[2] + 1
        if end_row - 1 < len(positions.line_starts):
            end = positions.line_starts[end_row - 1]
        else:
            end, end_row = positions.length, er[2]
        return TextEdit(positions.line_starts[er[0] - 1], end, content, er[0], 1, end_row, 1)
    row = er[0] if where == "before" else er[2] + 1
    if row - 1 < len(positions.line_starts):
        start = positions.line_starts[row - 1]
    else:  # after the last line, which has no line break
        start, content, row = positions.length, "\n" + content, er[2]
    return TextEdit(start, start, content, row, 1, row, 1)
