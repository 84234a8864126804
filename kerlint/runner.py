"""Running the linter over paths: discovery, reading, the pre-scan, and worker processes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .diagnostics import Report
from .files import ReadError, decode, discover, read_source
from .lint import FileResult, lint_source, prescan

# Files per worker task: one file per task costs more in process traffic than small files
# take to lint.
BATCH = 16
PARALLEL_MIN_FILES = 24


def _display(path: Path) -> str:
    s = str(path)
    return s[2:] if s.startswith("./") else s


def lint_file(path: Path, select, keep_source=False) -> FileResult:
    name = _display(path)
    try:
        data, source = read_source(path)
    except ReadError as exc:
        return FileResult(name, [Report("KER000", f"cannot read the file: {exc}", 1, 1, 1, 1)])
    if not prescan(data):
        return FileResult(name, [], source=source if keep_source else None)
    return lint_source(source, name, select, keep_source=keep_source)


def _lint_batch(args):
    paths, select = args
    return [lint_file(Path(p), select) for p in paths]


def lint_paths(paths, select, *, stdin_filename=None, jobs=None) -> list[FileResult]:
    results = []
    files = []
    for raw in paths:
        if raw == "-":
            data = sys.stdin.buffer.read()
            name = stdin_filename or "-"
            try:
                source = decode(data)
            except ReadError as exc:
                results.append(FileResult(name, [Report("KER000", f"cannot read stdin: {exc}", 1, 1, 1, 1)]))
                continue
            results.append(lint_source(source, name, select))
            continue
        files.extend(path for path, _ in discover([raw]))
    jobs = jobs or os.cpu_count() or 1
    if len(files) >= PARALLEL_MIN_FILES and jobs > 1:
        results.extend(_parallel(files, select, jobs))
    else:
        results.extend(lint_file(p, select) for p in files)
    results.sort(key=lambda r: r.path)
    return results


def _parallel(files, select, jobs):
    from concurrent.futures import ProcessPoolExecutor

    batches = [([str(p) for p in files[i : i + BATCH]], select) for i in range(0, len(files), BATCH)]
    out = []
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for chunk in pool.map(_lint_batch, batches):
                out.extend(chunk)
    except (OSError, RuntimeError):
        # No worker processes on this platform: lint in this one.
        out = [lint_file(p, select) for p in files]
    return out
