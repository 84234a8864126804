"""``# noqa`` comments: suppression, file-level exemption, and KER900 for the unused ones.

The syntax is flake8's (``# noqa``, ``# noqa: KER101,KER203``; a listed code also covers the
codes it is a prefix of), so a comment means the same to kerlint and to its flake8 plugin. A
diagnostic spanning several lines (a multi-line call) is suppressed by a comment on its first
or its last line. ``# kerlint: noqa`` on a line of its own skips the file;
``# kerlint: noqa: KER101`` drops those codes in the whole file.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import field

from .codes import UNUSED_NOQA
from .data import FACTORY, record
from .diagnostics import SAFE, Report, TextEdit, TextFix

# flake8's NOQA_INLINE_REGEXP, with `#noqa` (no space) accepted as ruff does.
NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.I)
FILE_NOQA = re.compile(r"^\s*#\s*kerlint\s*:\s*noqa(?::\s?(?P<codes>[A-Z0-9,\s]+))?\s*$", re.I | re.M)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.I)
_MAYBE = re.compile(r"noqa", re.I)


def file_exemption(source: str) -> tuple[bool, tuple]:
    """(whole file skipped, codes dropped in the whole file) from ``# kerlint: noqa`` lines."""
    if "kerlint" not in source:
        return False, ()
    codes = []
    for m in FILE_NOQA.finditer(source):
        if not m.group("codes"):
            return True, ()
        codes.extend(c.upper() for c in _CODE.findall(m.group("codes")))
    return False, tuple(codes)



@record
class Directive:
    """One noqa comment: where it is, the codes it lists, and those it silenced."""

    row: int
    start: int  # 0-based column of the ``#``
    end: int
    codes: tuple | None  # None: bare ``# noqa``
    used: set = field(default_factory=set)

    def __init__(self, row, start, end, codes, used=FACTORY):
        self.row = row
        self.start = start
        self.end = end
        self.codes = codes
        self.used = set() if used is FACTORY else used

    def matches(self, code: str) -> str | None:
        """The listed code that covers ``code`` ("" for a bare noqa), or None."""
        if self.codes is None:
            return ""
        for c in self.codes:
            if code.startswith(c):
                return c
        return None


def directives(source: str) -> dict[int, Directive]:
    """``# noqa`` comments by 1-based row. Only real comments count, not text in strings."""
    out = {}
    for row, col, text in _comments(source):
        m = NOQA.search(text)
        if m is None:
            continue
        codes = tuple(c.upper() for c in _CODE.findall(m.group("codes"))) if m.group("codes") else None
        end = col + m.end()
        # The separator flake8's regex swallows after the last code is not part of the directive.
        while end > col + m.start() and text[end - col - 1] in ", \t":
            end -= 1
        out[row] = Directive(row, col + m.start(), end, codes)
    return out


def _comments(source: str):
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                yield tok.start[0], tok.start[1], tok.string
    except (tokenize.TokenError, SyntaxError):
        # Source tokenize cannot follow: fall back to the text after the first `#` of a line.
        for row, line in enumerate(source.splitlines(), 1):
            i = line.find("#")
            if i >= 0:
                yield row, i, line[i:]


def apply(source: str, reports: list, select) -> list:
    """Drop the reports a ``# noqa`` suppresses; add KER900 reports when it is selected."""
    _, file_codes = file_exemption(source)
    if file_codes:
        reports = [r for r in reports if r.code == "KER000" or not r.code.startswith(file_codes)]
    if not _MAYBE.search(source) or not _may_matter(source, reports, select):
        return reports
    found = directives(source)
    if not found:
        return reports
    kept = []
    for report in reports:
        if report.code == "KER000":  # the file could not be read or parsed: no comment silences that
            kept.append(report)
            continue
        for row in dict.fromkeys((report.row, report.end_row)):
            d = found.get(row)
            hit = d.matches(report.code) if d is not None else None
            if hit is not None:
                d.used.add(hit)
                break
        else:
            kept.append(report)
    if UNUSED_NOQA in select:
        kept.extend(_unused(source, found.values(), set(select)))
        kept.sort(key=Report.sort_key)
    return kept


# A noqa comment that names a KER code: KER900 may report it unused.
_NAMES_KER = re.compile(r"noqa\s*:[^\r\n]*KER", re.I)


def _may_matter(source: str, reports: list, select) -> bool:
    """Whether any ``noqa`` comment can change ``reports``: one on a reported line, or one
    naming a KER code while KER900 is selected. Without, the file is not tokenized (most files
    that say "noqa" say it for other tools, on lines kerlint reports nothing about)."""
    if "\r" in source or (UNUSED_NOQA in select and _NAMES_KER.search(source)):
        return True
    if not reports:
        return False
    rows = {row for r in reports for row in (r.row, r.end_row)}
    row, at = 1, 0
    for m in _MAYBE.finditer(source):
        row += source.count("\n", at, m.start())
        at = m.start()
        if row in rows:
            return True
    return False


def _unused(source: str, found, select):
    from .config import known_codes

    known = known_codes()
    lines = None
    for d in found:
        if d.codes is None or UNUSED_NOQA in d.codes:
            continue
        unused = [c for c in d.codes if c.startswith("KER") and c not in d.used]
        if not unused:
            continue
        if lines is None:
            lines = source.splitlines(keepends=True)
        why = []
        unknown = [c for c in unused if not any(k.startswith(c) for k in known)]
        disabled = [c for c in unused if c not in unknown and not any(k.startswith(c) for k in select)]
        matched = [c for c in unused if c not in unknown and c not in disabled]
        if matched:
            why.append(f"{', '.join(matched)} suppress{'es' if len(matched) == 1 else ''} nothing on this line")
        if disabled:
            why.append(f"{', '.join(disabled)} {'is' if len(disabled) == 1 else 'are'} not enabled")
        if unknown:
            why.append(f"{', '.join(unknown)} {'is not a' if len(unknown) == 1 else 'are not'} kerlint code{'s' if len(unknown) > 1 else ''}")
        message = "unused noqa directive: " + "; ".join(why)
        keep = [c for c in d.codes if c not in unused]
        yield Report(
            UNUSED_NOQA,
            message,
            d.row,
            d.start + 1,
            d.row,
            d.end + 1,
            _fix(lines, d, keep),
            noqa_row=d.row,
        )


def _fix(lines, d: Directive, keep) -> TextFix:
    offset = sum(len(line) for line in lines[: d.row - 1])
    line = lines[d.row - 1]
    if keep:
        start, end, content = d.start, d.end, "# noqa: " + ", ".join(keep)
        message = "Remove the unused codes"
    else:
        start, end, content = d.start, d.end, ""
        # Take the blank before the comment with it, unless the comment is all the line holds.
        while start > 0 and line[start - 1] in " \t":
            start -= 1
        if start == 0:
            start = d.start
        rest = line[d.end :].rstrip("\r\n")
        if rest.strip() and not rest.lstrip().startswith("#"):
            # More comment text follows (`# noqa: KER101 because ...`): keep it a comment.
            start, content = d.start, "#"
        message = "Remove the unused noqa directive"
    edit = TextEdit(offset + start, offset + end, content, d.row, start + 1, d.row, end + 1)
    return TextFix(SAFE, message, (edit,))
