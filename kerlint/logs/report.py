"""Text and JSON reports for `kerlint log`."""

from __future__ import annotations

import json
import math
import textwrap
from typing import Any

from ..codes import CODES
from .diagnose import Diagnosis, epochs_text, fmt
from .model import Log, Run, is_accuracy_name, is_loss_name, is_val

SPARK = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"
SPARK_ASCII = "_.-~=+*#"
MAX_COLUMNS = 6
MAX_ROWS = 40
SPARK_WIDTH = 60
WRAP = 96


def _columns(run: Run) -> tuple[list[str], int]:
    names = run.metric_names()

    def rank(n: str) -> tuple:
        base = n[4:] if is_val(n) else n
        kind = 0 if is_loss_name(base) else 1 if is_accuracy_name(base) else 3 if base in (
            "lr", "learning_rate") else 2
        return (kind == 3, is_val(n), kind, names.index(n))

    ordered = sorted(names, key=rank)
    main = [n for n in ordered if n in (run.loss_key(), run.acc_key(), run.loss_key(val=True),
                                        run.acc_key(val=True), "lr", "learning_rate")]
    rest = [n for n in ordered if n not in main]
    cols = (main + rest)[:MAX_COLUMNS]
    cols.sort(key=rank)
    return cols, len(names) - len(cols)


def _rows(run: Run, marks: dict[int, list[str]]) -> list[int | None]:
    numbers = [ep.number for ep in run.epochs]
    if len(numbers) <= MAX_ROWS:
        return list(numbers)
    keep = set(numbers[:10]) | set(numbers[-10:]) | set(marks)
    rows: list[int | None] = []
    for n in numbers:
        if n in keep:
            rows.append(n)
        elif rows and rows[-1] is not None:
            rows.append(None)
    return rows


def sparkline(values: list[float], ascii_only: bool = False) -> tuple[str, bool]:
    """One character per epoch (buckets when there are more epochs than SPARK_WIDTH).
    Log scale when the values span more than 50x, as diverging losses do."""
    chars = SPARK_ASCII if ascii_only else SPARK
    if len(values) > SPARK_WIDTH:
        size = len(values) / SPARK_WIDTH
        buckets = []
        for i in range(SPARK_WIDTH):
            part = values[int(i * size): max(int((i + 1) * size), int(i * size) + 1)]
            finite = [v for v in part if math.isfinite(v)]
            buckets.append(sum(finite) / len(finite) if finite else math.nan)
        values = buckets
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return "!" * len(values), False
    lo, hi = min(finite), max(finite)
    log = lo > 0 and hi / lo > 50
    if log:
        lo, hi = math.log(lo), math.log(hi)
    out = []
    for v in values:
        if not math.isfinite(v):
            out.append("!")
            continue
        x = math.log(v) if log else v
        idx = 0 if hi == lo else int(round((x - lo) / (hi - lo) * (len(chars) - 1)))
        out.append(chars[max(0, min(idx, len(chars) - 1))])
    return "".join(out), log


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=WRAP, initial_indent=indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def _run_header(run: Run) -> str:
    numbers = [ep.number for ep in run.epochs]
    span = f"epoch {numbers[0]}" if len(numbers) == 1 else f"epochs {numbers[0]}-{numbers[-1]}"
    cell = f" (cell {run.cell})" if run.cell is not None else ""
    parts = [f"Run {run.index}{cell}: {span}" + (f" of {run.declared_epochs}"
                                                  if run.declared_epochs else "")]
    if run.train_samples:
        unit = run.samples_unit
        text = f"{run.train_samples} training {unit}"
        if run.val_samples:
            text += f", {run.val_samples} validation {unit}"
        parts.append(text)
    return ", ".join(parts)


def _run_notes(run: Run) -> list[str]:
    notes = []
    if run.truncated_at is not None:
        notes.append(f"the log ends at the header of epoch {run.truncated_at}")
    if run.early_stopped_epoch is not None:
        notes.append(f"EarlyStopping stopped the run at epoch {run.early_stopped_epoch}")
    if run.restored_best:
        which = f" of epoch {run.restored_best_epoch}" if run.restored_best_epoch else ""
        notes.append(f"EarlyStopping restored the weights{which}")
    if any(ep.partial for ep in run.epochs):
        notes.append("* no final progress line: the last running values are shown")
    return notes


def _checked(log: Log, source: Any) -> str:
    """The header's note on the source: checked, and how many findings it has."""
    if source is None:
        return ""
    name = "its code" if source.path == log.source else source.path  # a notebook's own
    if source.error and not source.findings and not source.models:
        return f"; {name} not checked"
    n = len(source.findings)
    return f"; {name} checked ({n} finding{'s' if n != 1 else ''})"


def _check_lines(d: Diagnosis, source: Any, found: list, shown: set) -> list[str]:
    """The source rules behind a diagnosis: where the source has them (a finding already shown
    for the run is named, not repeated), else their names."""
    if found:
        lines = []
        for f in found:
            key = (d.run, f.place(), f.code)
            lines.append(_wrap(f"at {f.where()} {f.code} " + ("(above)" if key in shown
                                                                else f.short()), "  "))
            shown.add(key)
        return lines
    if not d.rules:
        return []
    names = ", ".join(f"{r} {CODES[r].name}" for r in d.rules)
    if source is not None and not (source.error and not source.findings and not source.models):
        return [_wrap(f"check: {names} (none in {source.path})", "  ")]
    return [_wrap("check: " + names, "  ")]


def render_text(log: Log, diags: list[Diagnosis], ascii_only: bool = False, source: Any = None,
                joins: dict[int, list] | None = None) -> str:
    lines: list[str] = []
    kind = {"console": "Keras console log", "csv": "CSVLogger file",
            "json": "History dump", "notebook": "notebook"}[log.format]
    n_epochs = sum(len(r.epochs) for r in log.runs)
    lines.append(f"{log.source}: {kind}, {len(log.runs)} run{'s' if len(log.runs) != 1 else ''}, "
                 f"{n_epochs} epoch{'s' if n_epochs != 1 else ''}{_checked(log, source)}")
    for run in log.runs:
        lines.append("")
        lines.append(_run_header(run))
        marks: dict[int, list[str]] = {}
        for d in diags:
            if d.run == run.index and d.epochs:
                marks.setdefault(d.epochs[0], []).append(d.code)
        cols, hidden = _columns(run)
        widths = [max(len(c), 10) for c in cols]
        lines.append("  epoch   " + "  ".join(c.rjust(w) for c, w in zip(cols, widths)))
        for number in _rows(run, marks):
            if number is None:
                lines.append("    ...")
                continue
            ep = run.epoch(number)
            assert ep is not None
            cells = [fmt(ep.metrics[c]).rjust(w) if c in ep.metrics else "".rjust(w)
                     for c, w in zip(cols, widths)]
            tag = "*" if ep.partial else " "
            row = f"  {number:>5}{tag}  " + "  ".join(cells)
            if number in marks:
                row += "  < " + " ".join(sorted(set(marks[number])))
            lines.append(row)
        if hidden:
            lines.append(f"  ({hidden} more metric{'s' if hidden > 1 else ''}: "
                         "see --output-format json)")
        spark_names = [n for n in (run.loss_key(), run.loss_key(val=True)) if n]
        if len(run.epochs) > 1 and spark_names:
            width = max(len(n) for n in spark_names)
            for name in spark_names:
                values = [v for _, v in run.series(name)]
                line, log_scale = sparkline(values, ascii_only)
                finite = [v for v in values if math.isfinite(v)]
                rng = f"{fmt(min(finite))} .. {fmt(max(finite))}" if finite else "no finite value"
                lines.append(f"  {name.ljust(width)}  {line}  {rng}"
                             + ("  (log scale)" if log_scale else ""))
        for note in _run_notes(run):
            lines.append(f"  {note}")
    lines.append("")
    cells = {run.index: run.cell for run in log.runs}
    shown: set = set()
    for d in diags:
        cell = f", cell {cells[d.run]}" if cells.get(d.run) is not None else ""
        where = f"run {d.run}{cell}" + (f", {epochs_text(d.epochs)}" if d.epochs else "")
        lines.append(f"{d.code} {d.name} ({where})")
        lines.append(_wrap(d.message, "  "))
        lines.append(_wrap(d.explanation, "  "))
        if d.suggestion:
            lines.append(_wrap("fix: " + d.suggestion, "  "))
        lines.extend(_check_lines(d, source, (joins or {}).get(id(d), []), shown))
        lines.append("")
    if diags:
        codes = sorted({d.code for d in diags})
        lines.append(f"Found {len(diags)} problem{'s' if len(diags) != 1 else ''}: "
                     + ", ".join(codes) + ".")
    else:
        lines.append("No problem found.")
    return "\n".join(lines) + "\n"


def _num(v: float) -> Any:
    """JSON has no NaN or Infinity: non-finite values are written as strings."""
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, float):
        return _num(obj)
    return obj


def _finding(f: Any) -> dict[str, Any]:
    return {"code": f.code, "name": CODES[f.code].name if f.code in CODES else None,
            "message": f.message, "filename": f.filename, "cell": f.cell,
            "location": {"row": f.row, "column": f.column}}


def _source_dict(source: Any) -> dict[str, Any] | None:
    if source is None:
        return None
    return {"path": source.path, "error": source.error, "findings": len(source.findings),
            "models": len(source.models)}


def _classes_dict(run: Run) -> dict[str, Any] | None:
    c = run.classes
    return None if c is None else {"count": c.count, "from": c.origin, "text": c.text}


def to_dict(log: Log, diags: list[Diagnosis], source: Any = None,
            joins: dict[int, list] | None = None) -> dict[str, Any]:
    runs = []
    for run in log.runs:
        epochs = []
        for ep in run.epochs:
            item: dict[str, Any] = {"epoch": ep.number, "metrics": ep.metrics}
            if ep.partial:
                item["partial"] = True
            if ep.total_steps:
                item["steps"] = ep.total_steps
            if ep.trace is not None:
                item["batches"] = [{"step": s, "loss": l, **({"accuracy": a} if a is not None
                                                             else {})}
                                   for s, l, a in ep.trace.series()]
            epochs.append(item)
        runs.append({
            "run": run.index,
            "cell": run.cell,
            "classes": _classes_dict(run),
            "declared_epochs": run.declared_epochs,
            "train_samples": run.train_samples,
            "val_samples": run.val_samples,
            "restored_best_epoch": run.restored_best_epoch,
            "early_stopped_epoch": run.early_stopped_epoch,
            "truncated_at": run.truncated_at,
            "epochs": epochs,
        })
    return _clean({
        "source": log.source,
        "format": log.format,
        "runs": runs,
        "diagnostics": [{
            "code": d.code,
            "name": d.name,
            "run": d.run,
            "epochs": d.epochs,
            "message": d.message,
            "explanation": d.explanation,
            "rules": [{"code": r, "name": CODES[r].name} for r in d.rules],
            "evidence": d.evidence,
            "fix": d.suggestion,
            "source_findings": [_finding(f) for f in (joins or {}).get(id(d), [])],
        } for d in diags],
        "checked_source": _source_dict(source),
        "summary": {"runs": len(log.runs), "epochs": sum(len(r.epochs) for r in log.runs),
                    "diagnostics": len(diags)},
    })


def render_json(log: Log, diags: list[Diagnosis], source: Any = None,
                joins: dict[int, list] | None = None) -> str:
    return json.dumps(to_dict(log, diags, source, joins), indent=2, allow_nan=False) + "\n"
