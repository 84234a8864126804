"""Fixes that edit two files: a fault completed in ``train.py`` (its ``compile()``) about a layer
``models.py`` defines is fixed in ``models.py``. Such a fix is applied after every file's own
fixes, only when every file it edits is linted in the same run, and the files it changed are
written together or not at all (``fix.write_together``). Python files only: a notebook's
report keeps no fix that leaves it."""

from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import Report
from .fix import MAX_ROUNDS, WriteError, applies, apply_edits, crosses_files, encode_like, parse_problem, \
    unified_diff, write_together
from .files import decode
from .project import project_for


def prune_unreachable_fixes(files, results) -> None:
    """Drop the fixes that edit a file this run does not lint: ``--fix`` could not apply them."""
    linted = None  # worked out for the first such fix only: most runs have none
    for result in results:
        for report in result.reports:
            if crosses_files(report.fix):
                if linted is None:
                    linted = _linted(files)
                if not _reachable(report.fix, linted):
                    report.fix = None


def fix_across_files(files, results, mode) -> None:
    """The second pass of ``--fix`` / ``--diff`` over ``files`` (``[(path, codes)]``) and their
    ``results`` (same order), once each file's own fixes are done."""
    linted = _linted(files)
    if not any(r.fix is not None and _next_fix(r.reports, linted, mode) for r in results):
        return
    run = _Run(files, results, linted, mode)
    for _ in range(MAX_ROUNDS):
        if not any([run.fix_one(i) for i in range(len(results))]):
            break
    run.finish()


def _linted(files) -> dict:
    """Absolute path -> index, for the Python files of the run."""
    return {os.path.abspath(path): i for i, (path, _) in enumerate(files) if Path(path).suffix == ".py"}


def _reachable(fix, linted) -> bool:
    return all(e.path is None or e.path in linted for e in fix.edits)


def _next_fix(reports, linted, mode):
    return next((r for r in reports
                 if crosses_files(r.fix) and applies(r, mode.unsafe, mode.fixable) and _reachable(r.fix, linted)), None)


class _Run:
    def __init__(self, files, results, linted, mode):
        self.files, self.results, self.linted, self.mode = files, results, linted, mode
        self.original: dict[str, bytes] = {}  # path -> bytes on disk before this pass
        self.texts: dict[str, str] = {}  # path -> text after the fixes so far
        self.touched: set[str] = set()
        self.applied: list[tuple[int, str]] = []  # (file index, code) of each fix applied here

    def text(self, path: str) -> str:
        if path not in self.texts:
            i = self.linted[path]
            data = Path(path).read_bytes()
            self.original[path] = data
            # --diff leaves the disk as it was: a file's own fixes are in its result's text.
            own = self.results[i].source if not self.mode.write else None
            self.texts[path] = own if isinstance(own, str) else decode(data)
        return self.texts[path]

    def relint(self, i: int) -> list:
        from .source import PythonSource

        path, codes = self.files[i]
        here = os.path.abspath(path)
        project = project_for(Path(here))
        for other, text in self.texts.items():
            project.set_buffer(Path(other), text)
        try:
            result = PythonSource.from_text(self.text(here), self.results[i].path, path=Path(here)).lint(codes)
        finally:
            for other in self.texts:
                project.set_buffer(Path(other), None)
        return result.reports

    def fix_one(self, i: int) -> bool:
        """Apply the first cross-file fix file ``i`` reports now; False when there is none."""
        here = os.path.abspath(self.files[i][0])
        if here not in self.linted or self.results[i].fix is None or not _next_fix(self.results[i].reports, self.linted, self.mode):
            return False
        self.results[i].reports = self.relint(i)
        report = _next_fix(self.results[i].reports, self.linted, self.mode)
        if report is None:
            return False
        new = {}
        for edit in report.fix.edits:
            new.setdefault(edit.path or here, []).append(edit)
        texts = {path: apply_edits(self.text(path), edits) for path, edits in new.items()}
        if any(parse_problem(text, must_compile=False) for text in texts.values()):
            report.fix = None  # a kerlint bug: the file stays as it is, the diagnostic without its fix
            return False
        self.texts.update(texts)
        self.touched.update(texts)
        self.results[i].fix.fixed[report.code] += 1
        self.applied.append((i, report.code))
        return True

    def finish(self) -> None:
        changed = {p: t for p, t in self.texts.items() if p in self.touched}
        if self.mode.write and changed:
            try:
                write_together([(Path(p), encode_like(self.original[p], t), self.original[p])
                                for p, t in changed.items()])
            except WriteError as exc:
                self._undo(changed, exc)
                return
        for path, text in changed.items():
            result = self.results[self.linted[path]]
            result.source = text
            if self.mode.diff:
                result.fix.diff = unified_diff(result.path, decode(self.original[path]), text) or None
        # What is left to report, now that the modules hold their fixes.
        for i in sorted({self.linted[p] for p in changed} | {i for i, _ in self.applied}):
            self.results[i].reports = self.relint(i)

    def _undo(self, changed, exc: WriteError) -> None:
        for i, code in self.applied:
            self.results[i].fix.fixed[code] -= 1
        i = self.applied[0][0]
        self.texts = {}
        names = ", ".join(self.results[self.linted[p]].path for p in changed)
        self.results[i].reports = sorted(self.relint(i) + [Report(
            "KER000", f"cannot write the fixes that edit {names} together: {exc}; none of them was changed",
            1, 1, 1, 1)], key=Report.sort_key)
