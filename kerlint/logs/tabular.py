"""CSVLogger files and History.history dumps (JSON, or the Python repr printed by print())."""

from __future__ import annotations

import ast
import csv
import io
import json
import math
import re
import warnings
from typing import Any, BinaryIO

from .model import Epoch, Run

MAX_JSON = 256 << 20


class LogFormatError(ValueError):
    """The input has the shape of a CSV/JSON history but its content cannot be read."""


class HistorySyntaxError(LogFormatError):
    """Starts like JSON but does not parse: may still be console text."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def looks_like_csv_header(line: str) -> bool:
    cells = [c.strip() for c in line.split(",")]
    if len(cells) < 2:
        return False
    names = set(cells)
    return "epoch" in names and any(c.endswith("loss") or c.endswith("acc")
                                    or c.endswith("accuracy") for c in cells)


def parse_csv(stream: BinaryIO) -> list[Run]:
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
    reader = csv.reader(text)
    header: list[str] | None = None
    runs: list[Run] = []
    run: Run | None = None
    last_epoch: int | None = None
    for row in reader:
        if not row or all(not c.strip() for c in row):
            continue
        cells = [c.strip() for c in row]
        if "epoch" in cells and not any(_number(c) is not None for c in cells):
            # a header: the first, or a second one written by a later run
            header = cells
            run = None
            continue
        if header is None:
            continue
        values = dict(zip(header, cells))
        epoch_value = _number(values.get("epoch"))
        if epoch_value is None:
            continue
        number = int(epoch_value) + 1  # CSVLogger counts from 0; the console shows Epoch 1
        if run is None or (last_epoch is not None and number <= last_epoch):
            run = Run(index=len(runs) + 1)
            runs.append(run)
        metrics = {}
        for name, cell in values.items():
            if name == "epoch" or not name:
                continue
            v = _number(cell)
            if v is not None:
                metrics[name] = v
        if metrics:
            run.epochs.append(Epoch(number=number, metrics=metrics))
        last_epoch = number
    return [r for r in runs if r.epochs]


def _load_history_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    # print(history.history) writes a Python dict; nan/inf are not literals there
    cleaned = re.sub(r"(?<![\w'\"])(-?)(nan|inf)(?![\w'\"])", r"'\1\2'", text)
    cleaned = re.sub(r"np\.float(?:32|64)\(([^()]*)\)", r"\1", cleaned)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning from odd literals is not for the user
            return ast.literal_eval(cleaned)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError) as exc:
        raise HistorySyntaxError(f"not valid JSON nor a Python dict: {exc}") from None


def _history_run(obj: dict, index: int) -> Run | None:
    if "history" in obj and isinstance(obj["history"], dict):
        obj = obj["history"]
    columns = {k: v for k, v in obj.items() if isinstance(k, str) and isinstance(v, list)}
    epochs_col = columns.pop("epoch", None)
    if not columns:
        return None
    length = max(len(v) for v in columns.values())
    run = Run(index=index)
    for i in range(length):
        metrics = {}
        for name, values in columns.items():
            if i < len(values):
                v = _number(values[i])
                if v is not None:
                    metrics[name] = v
        number = i + 1
        if epochs_col is not None and i < len(epochs_col):
            e = _number(epochs_col[i])
            if e is not None and math.isfinite(e):
                number = int(e) + 1
        if metrics:
            run.epochs.append(Epoch(number=number, metrics=metrics))
    return run if run.epochs else None


def parse_history(data: bytes) -> list[Run]:
    obj = _load_history_text(data.decode("utf-8", errors="replace"))
    items = obj if isinstance(obj, list) else [obj]
    runs = []
    for item in items:
        if isinstance(item, dict):
            run = _history_run(item, len(runs) + 1)
            if run is not None:
                runs.append(run)
    if not runs:
        raise LogFormatError("no metric lists found (expected {\"loss\": [...], ...})")
    return runs
