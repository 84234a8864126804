"""``%load_ext kerlint``: kerlint in a Jupyter or IPython session.

Before each cell runs, the cell is linted together with the cells this session has run (so a
model built three cells ago is known), and what the cell brings that was not there before is
shown: an HTML table in Jupyter, text in a terminal. ``%kerlint strict`` stops a cell that calls
``fit()`` while the session's models have KER1/KER2 findings, before training starts;
``%kerlint on`` / ``off`` switch it; ``%kerlint summary`` prints what kerlint sees of the models.

Nothing here raises into the user's code or imports TensorFlow or Keras; a kerlint failure
is written to the log and the cell runs.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import time

from .editor import Cell, Document

log = logging.getLogger("kerlint.ipython")

_FITS = re.compile(r"\.(fit|fit_generator|train_on_batch)\s*\(")
_STOPPING = ("KER1", "KER2")
_MODES = ("on", "off", "strict")


class StrictStop(Exception):
    """Raised in place of a cell's code when strict mode stops it (shown without a traceback)."""

    def _render_traceback_(self):
        return [f"kerlint strict: {self}"]


class Session:
    """What the extension keeps for one IPython shell."""

    def __init__(self, shell):
        self.shell = shell
        self.mode = "on"
        self.cells: list[str] = []  # the cells run so far (the ones that ran without an error)
        self.counts: list = []  # their execution counts, to name them as the notebook does (In [3])
        self.last_ms: float | None = None  # how long the last check took
        self.known: set = set()  # keys of the findings already shown
        self.pending: str | None = None  # the cell about to run
        self.stop: str | None = None  # why strict mode stops the cell about to run

    # -- the session's program -------------------------------------------------------------
    def document(self, extra: str | None = None) -> Document:
        texts = self.cells + ([extra] if extra is not None else [])
        return Document("ipython:session", None, cells=[Cell(f"ipython:cell/{i}", "code", t)
                                                         for i, t in enumerate(texts, 1)])

    def findings(self, extra: str | None = None) -> list:
        from .config import ConfigError, SettingsResolver

        try:
            codes = sorted(SettingsResolver().for_dir(".").codes)
        except ConfigError as exc:
            log.warning("kerlint: %s", exc)
            return []
        return self.document(extra).source().lint(codes).reports

    # -- events ---------------------------------------------------------------------------
    def pre_run_cell(self, info) -> None:
        self.stop = None
        self.pending = None
        if self.mode == "off":
            return
        cell = getattr(info, "raw_cell", "") or ""
        if not cell.strip() or cell.lstrip().startswith(("%kerlint", "%load_ext", "%reload_ext")):
            return
        started = time.perf_counter()
        try:
            reports = self.findings(cell)
        except Exception:  # noqa: BLE001 - never into the user's code
            log.exception("kerlint failed on a cell")
            return
        self.last_ms = (time.perf_counter() - started) * 1000
        self.pending = cell
        index = len(self.cells) + 1
        new = [r for r in reports if _key(r, index) not in self.known]
        if new:
            _display(Findings(new, index, self.counts))
        if self.mode == "strict" and _FITS.search(cell):
            blocking = [r for r in reports if r.code.startswith(_STOPPING)]
            if blocking:
                codes = ", ".join(sorted({r.code for r in blocking}))
                self.stop = (f"this cell trains a model with {codes} findings; fix them, or run "
                             "`%kerlint off` (or `%kerlint on`) and run the cell again")
        self._remember(reports, index)

    def _remember(self, reports, index: int) -> None:
        self.known = {_key(r, index) for r in reports}

    def post_run_cell(self, result) -> None:
        if self.pending is not None and getattr(result, "success", False):
            self.cells.append(self.pending)
            self.counts.append(getattr(getattr(result, "info", None), "execution_count", None)
                               or getattr(result, "execution_count", None))
        elif self.pending is not None:
            # The cell failed: what it defined may not exist. Findings that came with it may show again.
            self.known = {k for k in self.known if k[1] != len(self.cells) + 1}
        self.pending = None
        self.stop = None

    def visit(self, module):
        """IPython's AST transformer hook, which runs after ``pre_run_cell``: in strict mode,
        a cell it decided to stop becomes ``raise StrictStop(...)``."""
        if self.stop is None:
            return module
        import ast

        stop = ast.parse(f"raise __import__('kerlint.ipython', fromlist=['StrictStop']).StrictStop({self.stop!r})")
        return ast.fix_missing_locations(ast.Module(body=stop.body, type_ignores=[]))

    # -- %kerlint -------------------------------------------------------------------------
    def magic(self, line: str) -> None:
        word = line.strip().lower()
        if word in _MODES:
            self.mode = word
            print(f"kerlint: {word}")
        elif word == "summary":
            print(self.summary() or "kerlint: no model in the cells run so far")
        elif word in ("", "status"):
            took = f", last check {self.last_ms:.0f} ms" if self.last_ms is not None else ""
            print(f"kerlint: {self.mode}, {len(self.cells)} cells seen{took}")
        else:
            print("usage: %kerlint on | off | strict | summary")

    def summary(self) -> str:
        from .summary import render_text, summarize_source

        entries, notice = summarize_source(self.document().source())
        return render_text(entries) if entries else (notice or "")


def _key(report, index: int) -> tuple:
    """A finding as shown; the same finding in a later lint of the session has the same key."""
    return report.code, report.cell or index, report.cell_row, report.column, report.message


class Findings:
    """The findings a cell brings, shown as a table (HTML) or lines (text)."""

    def __init__(self, reports, index: int, counts=()):
        self.reports = sorted(reports, key=lambda r: (r.cell or 0, r.cell_row or 0, r.column, r.code))
        self.index = index
        self.counts = list(counts)

    def _where(self, report) -> str:
        if report.cell is None or report.cell == self.index:
            return f"line {report.cell_row or report.row}"
        count = self.counts[report.cell - 1] if report.cell <= len(self.counts) else None
        earlier = f"In [{count}]" if count is not None else "an earlier cell"
        return f"{earlier}, line {report.cell_row}"

    def __repr__(self) -> str:
        return "\n".join(f"kerlint: {self._where(r)}:{r.column}: {r.code} {r.message}" for r in self.reports)

    def _repr_html_(self) -> str:
        from .codes import CODES

        rows = []
        for r in self.reports:
            entry = CODES.get(r.code)
            code = (f'<a href="{html.escape(entry.url)}" target="_blank">{r.code}</a>' if entry else r.code)
            rows.append(f"<tr><td>{html.escape(self._where(r))}:{r.column}</td><td><b>{code}</b></td>"
                        f"<td style='text-align:left'>{html.escape(r.message)}</td></tr>")
        return ("<table class='kerlint'><thead><tr><th>where</th><th>code</th><th style='text-align:left'>"
                "kerlint</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _display(obj) -> None:
    try:
        from IPython.display import display

        display(obj)
    except Exception:  # noqa: BLE001 - showing must not break the cell either
        log.exception("kerlint could not show its findings")


def _warm_up() -> None:
    """Import the linter's heavy parts (LibCST) while the user reads, not in their first cell."""
    try:
        from . import lint  # noqa: F401
        import libcst  # noqa: F401
    except Exception:  # noqa: BLE001 - the first cell will import them, and say what fails
        pass


_SESSIONS: dict = {}


def load(shell) -> None:
    if id(shell) in _SESSIONS:
        return
    session = Session(shell)
    _SESSIONS[id(shell)] = session
    shell.events.register("pre_run_cell", session.pre_run_cell)
    shell.events.register("post_run_cell", session.post_run_cell)
    shell.ast_transformers.append(session)
    shell.register_magic_function(session.magic, magic_kind="line", magic_name="kerlint")
    threading.Thread(target=_warm_up, daemon=True).start()


def unload(shell) -> None:
    session = _SESSIONS.pop(id(shell), None)
    if session is None:
        return
    shell.events.unregister("pre_run_cell", session.pre_run_cell)
    shell.events.unregister("post_run_cell", session.post_run_cell)
    if session in shell.ast_transformers:
        shell.ast_transformers.remove(session)
