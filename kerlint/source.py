"""What kerlint lints: a Python file, a notebook or stdin, read once, linted and fixed one way.

A ``Source`` holds the bytes as read (or why they could not be read), the name reports give it,
and its path (None for stdin, whose fixed bytes go to stdout). Its kind says what its program
is: a Python file's is its decoded text; a notebook's is its code cells joined, which fixes
edit through the cells. ``lint`` and ``fix`` are the one way in for every kind, used by the
runner (files and stdin) and the flake8 plugin; the fix loop itself is ``fix.fix_to_fixpoint``.
The pre-scan (``may_report``) and the cache key read the same bytes, so nothing is read twice.

Nothing here imports LibCST: only linting a program does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from pathlib import Path

from .diagnostics import Report
from .files import ReadError, decode, read_bytes
from .fix import (
    FileFix,
    PythonText,
    WriteError,
    encode_like,
    fix_to_fixpoint,
    python_stuck_report,
    unified_diff,
    write_atomic,
)
from .lint import FileResult, lint_source, prescan


def _file_report(message: str, row: int = 1, column: int = 1) -> Report:
    return Report("KER000", message, row, column, row, column)


class SourceError(Exception):
    """The source holds no program kerlint can read; ``report`` says why."""

    def __init__(self, report: Report):
        super().__init__(report.message)
        self.report = report


class Source(ABC):
    """One file, or stdin (``path`` None), as read. Subclasses give the kind's program."""

    kind = ""  # "python" or "notebook"; part of the cache key

    def __init__(self, name: str, data: bytes | None, path: Path | None = None, unreadable: Report | None = None):
        self.name = name
        self.data = data  # None when the bytes could not be read: ``unreadable`` says why
        self.path = path
        self.unreadable = unreadable
        self.dependencies: dict = {}  # project modules the last lint read: {path: digest}
        self.chunks = None  # chunks.ChunkCache of an editor buffer: its unchanged statements reused

    @property
    def keeps_text(self) -> bool:
        """Whether a lint result carries the program text, which the reporter shows snippets
        of: it cannot read the text back from stdin, nor from a notebook."""
        return self.path is None

    def may_report(self) -> bool:
        """The pre-scan: False when the bytes cannot hold anything kerlint reports."""
        return True

    def lint(self, select, *, noqa: bool = True) -> FileResult:
        """The reports for the codes in ``select``. ``noqa=False`` leaves ``# noqa`` comments
        to the caller (the flake8 plugin: flake8 reads them itself)."""
        try:
            program = self.program()
        except SourceError as exc:
            return FileResult(self.name, [exc.report])
        reports, notice = self.lint_program(program, select, noqa)
        return FileResult(self.name, reports, source=self.text_of(program) if self.keeps_text else None, error=notice,
                          dependencies=self.dependencies)

    def unlinted(self) -> FileResult:
        """The result of a source the pre-scan clears: nothing, unless it cannot be read."""
        try:
            self.program()
        except SourceError as exc:
            return FileResult(self.name, [exc.report])
        return FileResult(self.name, [])

    def fix(self, select, mode) -> FileResult:
        """--fix / --diff (a ``fix.FixMode``): fix to a fixpoint, then write the file back only
        when it changed, still parses and encodes as it was read. For stdin, ``fix.output``
        holds the bytes to print (the original ones when nothing changed)."""
        stdin = self.path is None
        ffix = FileFix(output=self.data if stdin else None)
        try:
            start = self.program()
        except SourceError as exc:
            return FileResult(self.name, [exc.report], fix=ffix)
        notices = []

        def lint(program):
            reports, notice = self.lint_program(program, select)
            notices.append(notice)
            return reports

        outcome = fix_to_fixpoint(start, lint, self.stuck_report, unsafe=mode.unsafe, fixable=mode.fixable)
        ffix.fixed = outcome.fixed
        result = FileResult(self.name, list(outcome.reports), source=self.text_of(outcome.program),
                            error=next(filter(None, notices), None), fix=ffix, dependencies=self.dependencies)
        if outcome.program is start:
            return result
        try:
            data = self.encode(outcome.program)
            if stdin:
                ffix.output = data
            elif mode.write:
                write_atomic(self.path, data, self.data)
        except WriteError as exc:
            result.reports = sorted(outcome.original_reports + [self.write_failure(exc, mode)], key=Report.sort_key)
            result.source = self.text_of(start)
            ffix.fixed = Counter()
            return result
        if mode.diff:
            ffix.diff = self.diff(start, outcome.program)
        return result

    # -- what each kind gives ------------------------------------------------------------

    @abstractmethod
    def program(self):
        """The program to lint and fix (what ``fix_to_fixpoint`` takes); SourceError if none."""

    @abstractmethod
    def lint_program(self, program, select, noqa: bool = True) -> tuple[list, str | None]:
        """(reports, notice): the notice says why the program was skipped, if it was."""

    @abstractmethod
    def text_of(self, program) -> str | None:
        """The text a result carries for the reporter's code snippets."""

    @abstractmethod
    def stuck_report(self, stuck) -> Report:
        """The KER000 report when the fix loop gives up (a ``fix.Stuck``)."""

    @abstractmethod
    def encode(self, program) -> bytes:
        """The file's bytes for a fixed program, as the original was encoded."""

    @abstractmethod
    def write_failure(self, exc: WriteError, mode) -> Report:
        """The KER000 report when the fixed bytes cannot be encoded or written."""

    @abstractmethod
    def diff(self, start, end) -> str:
        """--diff: what fixing changed."""


class PythonSource(Source):
    kind = "python"

    def __init__(self, name: str, data: bytes | None, path: Path | None = None, unreadable: Report | None = None,
                 text: str | None = None):
        super().__init__(name, data, path, unreadable)
        self._text = text  # given already decoded (flake8), not decoded from ``data``

    @staticmethod
    def read_error(exc: ReadError) -> str:
        return str(exc)

    @classmethod
    def from_text(cls, text: str, name: str, path: Path | None = None) -> PythonSource:
        """Text someone else decoded (flake8 passes lines): its bytes serve the pre-scan only.
        ``path``: where the file is, to read the project modules it imports."""
        return cls(name, text.encode("utf-8", "surrogatepass"), path=path, text=text)

    def may_report(self) -> bool:
        return may_report(self.data, self.path)

    def program(self) -> PythonText:
        if self.data is None:
            raise SourceError(self.unreadable)
        if self._text is not None:
            return PythonText.of(self._text)
        try:
            return PythonText.of(decode(self.data))
        except ReadError as exc:
            where = "stdin" if self.path is None else "the file"
            raise SourceError(_file_report(f"cannot read {where}: {exc}")) from None

    def lint_program(self, program: PythonText, select, noqa: bool = True):
        result = lint_source(program.code, self.name, select, noqa=noqa, origin=self.path, chunks=self.chunks)
        self.dependencies = result.dependencies
        return result.reports, result.error

    def text_of(self, program: PythonText) -> str:
        return program.text

    def stuck_report(self, stuck) -> Report:
        return python_stuck_report(stuck)

    def encode(self, program: PythonText) -> bytes:
        return encode_like(self.data, program.text)

    def write_failure(self, exc: WriteError, mode) -> Report:
        what = "cannot write the fixed file" if mode.write and self.path is not None else "cannot encode the fixed text"
        return _file_report(f"{what}: {exc}; the file was left unchanged")

    def diff(self, start: PythonText, end: PythonText) -> str:
        return unified_diff(self.name, start.text, end.text)


class NotebookSource(Source):
    """A Jupyter notebook; see ``notebook``. Reports carry their cell."""

    kind = "notebook"

    @property
    def keeps_text(self) -> bool:
        return True  # the program is the cells joined: there is no file to read it from

    @staticmethod
    def read_error(exc: ReadError) -> str:
        """In the system's words, as notebooks have always said it (Python files: kerlint's)."""
        os_error = exc.os_error
        return os_error.strerror or str(os_error)

    def program(self):
        from .notebook import CellProgram, NotebookError, parse
        from .notebook import decode as decode_notebook

        if self.data is None:
            raise SourceError(self.unreadable)
        try:
            return CellProgram(parse(*decode_notebook(self.data)))
        except NotebookError as exc:
            raise SourceError(_file_report(exc.message, exc.row, exc.column)) from None

    def lint_program(self, program, select, noqa: bool = True):
        from .notebook import lint_notebook

        notices = []

        def lint(code):
            result = lint_source(code, self.name, select, origin=self.path, chunks=self.chunks)
            self.dependencies = result.dependencies
            notices.append(result.error)  # why the joined code was skipped (too big, too deep)
            return result.reports

        reports = lint_notebook(program.nb, lint, lambda text: may_report(text, self.path))
        return reports, next(filter(None, notices), None)

    def text_of(self, program) -> str | None:
        return program.nb.program if program.nb.cells else None

    def stuck_report(self, stuck) -> Report:
        from .notebook import stuck_report

        return stuck_report(stuck)

    def encode(self, program) -> bytes:
        from .notebook import encode

        return encode(program.nb, program.nb.text)

    def write_failure(self, exc: WriteError, mode) -> Report:
        return _file_report(f"cannot write the fixed notebook: {exc}; it was left unchanged")

    def diff(self, start, end) -> str:
        from .notebook import diff

        return diff(start.nb, end.nb.text, self.name)


def may_report(data: bytes | str, path: Path | None) -> bool:
    """The pre-scan of a program's text, and for a file on disk, of the project modules it
    imports (a file with no Keras text of its own may train a model built in one)."""
    if prescan(data):
        return True
    if path is None:
        return False
    from .project import imports_reach_keras

    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return imports_reach_keras(path, data, prescan)


def read_file(path: Path, name: str) -> Source:
    """The file at ``path`` (reported as ``name``), read once; a notebook by its suffix."""
    kind = NotebookSource if path.suffix == ".ipynb" else PythonSource
    try:
        return kind(name, read_bytes(path), path)
    except ReadError as exc:
        return kind(name, None, path, _file_report(f"cannot read the file: {kind.read_error(exc)}"))


def from_bytes(data: bytes, name: str) -> Source:
    """Bytes read elsewhere (stdin: its fixes go to ``fix.output``), reported as ``name``: a
    notebook when the name says so."""
    return (NotebookSource if name.endswith(".ipynb") else PythonSource)(name, data)
