"""Point a log's diagnoses at the source that trained it.

`kerlint log run.log --source train.py` (and `kerlint log train.ipynb`, whose cells hold both)
runs `kerlint check` and `kerlint summary` on the source, as commands of the same `kerlint`
program (the caller hands over a way to run them): the log reader depends on the code registry
only, never on the linter's engine (tests/test_architecture.py), and both commands print a
documented, stable JSON. From the summary it takes, for each run, the model that the run's
`fit()` trained: its output layer gives the class count (what chance level is) and its loss
says whether ln C measures it at all. From `check` it takes the findings whose codes the
diagnoses name as their usual causes, and joins them to the diagnoses.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..codes import CODES, LOG, of_kind
from .model import ClassCount, Run

# Runs `kerlint ARGS...` and gives (exit status, stdout, stderr).
Runner = Callable[[list[str]], "tuple[int, str, str]"]
# The crossentropies whose value for a uniform guess over C classes is ln C (binary: ln 2).
CATEGORICAL_LOSSES = frozenset({"categorical_crossentropy", "sparse_categorical_crossentropy"})
BINARY_LOSSES = frozenset({"binary_crossentropy"})
# Keras losses that are none of them: a regression's, or a classifier's on another scale (hinge,
# focal crossentropy). A model trained with one has no chance level in ln C.
OTHER_LOSSES = frozenset({
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "huber", "log_cosh", "cosine_similarity", "poisson",
    "mse", "mae", "mape", "msle", "logcosh", "hinge", "squared_hinge", "categorical_hinge",
    "binary_focal_crossentropy", "categorical_focal_crossentropy", "kl_divergence",
    "kullback_leibler_divergence", "kld", "ctc", "dice", "tversky", "circle",
})


def cause_codes() -> list[str]:
    """Every rule a log code names as a usual cause (the registry's `causes`)."""
    codes: dict[str, None] = {}
    for entry in of_kind(LOG):
        for code in re.findall(r"KER\d{3}", getattr(entry, "causes", "")):
            codes.setdefault(code, None)
    return list(codes)


Place = tuple  # (file, cell or None, row)


def _shown(filename: str) -> str:
    here = os.getcwd() + os.sep
    return filename[len(here):] if os.path.isabs(filename) and filename.startswith(here) else filename


@dataclass
class Finding:
    """A `kerlint check` diagnostic."""

    code: str
    message: str
    filename: str
    cell: int | None
    row: int
    column: int

    def where(self) -> str:
        """As `kerlint check` shows it: train.py:12:5, train.ipynb:cell 3:5:5 (relative to the
        current folder when the file is in it; the JSON keeps `check`'s absolute path)."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{_shown(self.filename)}:{cell}{self.row}:{self.column}"

    def place(self) -> Place:
        return (self.filename, self.cell, self.row)

    def short(self) -> str:
        """The message's first clause: what is wrong, without the why."""
        text = self.message.split(": ", 1)[0].split("; ", 1)[0]
        return text if len(text) <= 140 else CODES[self.code].summary if self.code in CODES else text[:137] + "..."


@dataclass
class SourceModel:
    """A model of `kerlint summary`: where its layers, compiles and fits are, its output."""

    filename: str
    name: str | None
    units: int | None  # the last dimension of a 2-D output shape
    output: str  # "Dense(5) at train.py:7:5"
    loss: Any
    places: set = field(default_factory=set)
    fits: list = field(default_factory=list)  # [(file, cell, row)]


@dataclass
class SourceCheck:
    path: str
    findings: list[Finding] = field(default_factory=list)
    models: list[SourceModel] = field(default_factory=list)
    error: str | None = None


def _run(runner: Runner, args: list[str]) -> tuple[Any, str | None]:
    what = args[0]
    status, out, err = runner(args)
    if status not in (0, 1):
        lines = err.strip().splitlines()
        return None, f"`kerlint {what}` failed: {lines[-1] if lines else f'exit {status}'}"
    try:
        return json.loads(out or "[]"), None
    except ValueError:
        return None, f"`kerlint {what}` printed no JSON"


def _location(obj: Any, default_file: str) -> Place | None:
    if not isinstance(obj, dict):
        return None
    row = obj.get("row")
    if not isinstance(row, int):
        return None
    return (obj.get("filename") or default_file, obj.get("cell"), row)


def _model(entry: dict) -> SourceModel:
    filename = entry.get("filename") or ""
    layers = [x for x in entry.get("layers") or [] if isinstance(x, dict)]
    places: set = set()
    for item in layers + list(entry.get("compiles") or []) + list(entry.get("fits") or []):
        place = _location(item.get("location") if isinstance(item, dict) else None, filename)
        if place is not None:
            places.add(place)
    fits = [p for p in (_location(f.get("location"), filename) for f in entry.get("fits") or []
                        if isinstance(f, dict)) if p is not None]
    units, output = None, ""
    if layers:
        last = layers[-1]
        shape = last.get("output_shape")
        if isinstance(shape, list) and len(shape) == 2 and isinstance(shape[1], int):
            units = shape[1]
        place = _location(last.get("location"), filename)
        loc = last.get("location") or {}
        if place is not None:
            cell = f"cell {place[1]}:" if place[1] is not None else ""
            output = (f"{last.get('class', 'the output layer')}({units if units is not None else '?'})"
                      f" at {place[0]}:{cell}{place[2]}:{loc.get('column', 1)}")
    compiles = [c for c in entry.get("compiles") or [] if isinstance(c, dict)]
    loss = compiles[-1].get("loss") if compiles else None
    return SourceModel(filename, entry.get("name"), units, output, loss, places, fits)


def check_source(path: str, runner: Runner) -> SourceCheck:
    """`kerlint check` (with the opt-in rules a log code names) and `kerlint summary` on ``path``
    (a file, a notebook or a folder)."""
    result = SourceCheck(path)
    found, error = _run(runner, ["check", "--output-format", "json", "--exit-zero", "--no-cache",
                                 "--extend-select", ",".join(cause_codes()), "--", path])
    entries, summary_error = _run(runner, ["summary", "--output-format", "json", "--", path])
    result.error = error or summary_error
    for d in found if isinstance(found, list) else []:
        loc = d.get("location") if isinstance(d, dict) else None
        if not isinstance(loc, dict) or not isinstance(d.get("code"), str):
            continue
        result.findings.append(Finding(d["code"], str(d.get("message", "")),
                                       str(d.get("filename", path)), d.get("cell"),
                                       int(loc.get("row", 1)), int(loc.get("column", 1))))
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("kind") == "model":
            result.models.append(_model(entry))
    return result


def model_of(run: Run, source: SourceCheck) -> SourceModel | None:
    """The model whose fit() printed the run: the one fitted in the run's notebook cell, or
    the only one the source fits (or builds)."""
    if run.cell is not None:
        here = [m for m in source.models if any(f[1] == run.cell for f in m.fits)]
        if len(here) == 1:
            return here[0]
        if len(here) > 1:
            return None
    fitted = [m for m in source.models if m.fits]
    if len(fitted) == 1:
        return fitted[0]
    if not fitted and len(source.models) == 1:
        return source.models[0]
    return None


def classes_of(model: SourceModel) -> tuple[ClassCount | None, str | None]:
    """(the class count the model's output and loss give, the loss it is trained with when that
    is no crossentropy). A multi-label head (binary crossentropy over several units), a loss per
    output or one kerlint does not know give neither."""
    loss = model.loss if isinstance(model.loss, str) else None
    if loss in OTHER_LOSSES:
        return None, loss
    units = model.units
    if units is None or loss is None:
        return None, None
    if loss in BINARY_LOSSES and units == 1:
        return ClassCount(2, "source", f"{model.output}, {loss}"), None
    if loss in CATEGORICAL_LOSSES and units >= 2:
        return ClassCount(units, "source", model.output), None
    return None, None


def findings_for(run: Run, rules: list[str], source: SourceCheck,
                 model: SourceModel | None) -> list[Finding]:
    """The source's findings of the rules that usually cause a diagnosis of ``run``. Left out:
    those that sit on another model's layers, compile or fit, and in a notebook those in cells
    after the run's (they had not run when it trained)."""
    others: set = set()
    for m in source.models if model is not None else []:
        if m is not model:
            others |= m.places
    mine = model.places if model is not None else set()
    out = []
    for rule in rules:
        for f in source.findings:
            if f.code != rule:
                continue
            if f.place() in others and f.place() not in mine:
                continue
            if run.cell is not None and f.cell is not None and f.cell > run.cell:
                continue
            out.append(f)
    return out
