"""Training runs in a Jupyter notebook's saved outputs.

A notebook user's log is in the cells' outputs: the `fit()` progress printed to the stream
outputs (verbose=1 bars redrawn with \\r and \\b when the front end saved them raw, collapsed
to their last state when it did not; verbose=2 lines), and a `History.history` dict shown as a
cell's result or printed. Each code cell is read on its own, so runs of different cells never
merge, and each run keeps the cell it came from (counted like `kerlint check` counts them: every
cell, markdown too, from 1). A model.summary() printed in one cell holds for the runs of the
cells after it.
"""

from __future__ import annotations

import re
from typing import Any

from .console import parse_console_text
from .model import Run
from .tabular import LogFormatError, parse_history

# A printed or displayed History.history: a dict whose first key is a metric, a list after it.
HISTORY_TEXT = re.compile(r"""\{\s*['"][\w./]+['"]\s*:\s*\[""")
MAX_HISTORY_TEXT = 16 << 20


def is_notebook(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("cells"), list) and (
        "nbformat" in obj or "metadata" in obj)


def _text(value: Any) -> str:
    """nbformat keeps multi-line text as a string or a list of strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def _histories(text: str) -> list[Run]:
    """History dicts in a cell's text: the whole text when it is one (IPython pretty-prints a
    cell's result over several lines), else each line that starts like one (print())."""
    whole = text.strip()
    candidates = [whole] if HISTORY_TEXT.match(whole) else text.splitlines()
    runs: list[Run] = []
    for line in candidates:
        line = line.strip()
        if len(line) > MAX_HISTORY_TEXT or not HISTORY_TEXT.match(line):
            continue
        try:
            runs.extend(parse_history(line.encode("utf-8")))
        except LogFormatError:
            continue
    return runs


def _cell_output(cell: dict) -> tuple[str, str]:
    """The cell's stream text, in output order, and the text of its results and displays."""
    stream: list[str] = []
    shown: list[str] = []
    outputs = cell.get("outputs")
    for out in outputs if isinstance(outputs, list) else []:
        if not isinstance(out, dict):
            continue
        kind = out.get("output_type")
        if kind == "stream":
            stream.append(_text(out.get("text")))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data")
            if isinstance(data, dict):
                shown.append(_text(data.get("text/plain")))
    return "".join(stream), "\n".join(shown)


def parse_notebook(obj: dict) -> tuple[list[Run], int]:
    """The runs of every code cell, in cell order, each with its cell; and the number of code
    cells that have outputs at all (to tell "not run" from "no training in it")."""
    runs: list[Run] = []
    summary_units: int | None = None
    with_outputs = 0
    for index, cell in enumerate(obj["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        stream, shown = _cell_output(cell)
        if stream or shown:
            with_outputs += 1
        cell_runs, summary_units = parse_console_text(stream, summary_units) if stream else (
            [], summary_units)
        if not cell_runs:
            # fit(verbose=0) and then history.history shown or printed
            cell_runs = _histories(shown) + _histories(stream)
        for run in cell_runs:
            run.cell = index
            if run.summary_units is None:
                run.summary_units = summary_units
            runs.append(run)
    for i, run in enumerate(runs, start=1):
        run.index = i
    return runs, with_outputs
