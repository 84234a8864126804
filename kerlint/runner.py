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


def lint_file(path: Path, select, keep_source=False, fix=None) -> FileResult:
    name = _display(path)
    if path.suffix == ".ipynb":
        from . import notebook

        return notebook.lint_file(path, name, lambda text: lint_source(text, name, select).reports, fix)
    try:
        data, source = read_source(path)
    except ReadError as exc:
        return FileResult(name, [Report("KER000", f"cannot read the file: {exc}", 1, 1, 1, 1)])
    if not prescan(data):
        return FileResult(name, [], source=source if keep_source else None)
    if fix is not None:
        return _fix(data, source, name, select, fix, path)
    return lint_source(source, name, select, keep_source=keep_source)


def _fix(data, source, name, select, mode, path=None) -> FileResult:
    """--fix / --diff on one file (``path`` None: stdin): lint and fix to a fixpoint."""
    from .fix import fix_source

    return fix_source(data, source, name, lambda text: lint_source(text, name, select).reports, mode, path)


def _lint_batch(batch):
    return [lint_file(Path(p), select, fix=fix) for p, select, fix in batch]


def _skipper(resolver, top):
    """What a walk of ``top`` leaves out: each folder's config excludes, then .gitignore."""
    from .gitignore import GitIgnore

    gitignore = []

    def skip(path, is_dir):
        path = os.path.abspath(path)
        settings = resolver.for_dir(os.path.dirname(path))
        if settings.excluded(path, walking=True):
            return True
        if not settings.respect_gitignore:
            return False
        if not gitignore:
            gitignore.append(GitIgnore(top))
        return gitignore[0].ignored(path, is_dir)

    return skip


def lint_paths(paths, select, *, stdin_filename=None, jobs=None, resolver=None,
               force_exclude=False, fix=None) -> list[FileResult]:
    """Lint files, folders and ``-`` (stdin). With a ``config.Resolver`` each file gets the
    selection of its own configuration (``select`` is then unused); without one, ``select``."""
    results = []
    files = []  # [(path, codes)]
    for raw in paths:
        if raw == "-":
            data = sys.stdin.buffer.read()
            name = stdin_filename or "-"
            codes = select
            if resolver is not None:
                target = stdin_filename or "-"
                settings = resolver.for_path(Path(target).parent if stdin_filename else Path.cwd())
                if force_exclude and stdin_filename and settings.excluded(stdin_filename):
                    continue
                codes = settings.codes_for(stdin_filename) if stdin_filename else sorted(settings.codes)
            if name.endswith(".ipynb"):
                from . import notebook

                def lint(text, codes=codes):
                    return lint_source(text, name, codes).reports

                if fix is not None:
                    results.append(notebook.fix_bytes(data, name, lint, fix))
                else:
                    results.append(notebook.lint_bytes(data, name, lint))
                continue
            try:
                source = decode(data)
            except ReadError as exc:
                results.append(FileResult(name, [Report("KER000", f"cannot read stdin: {exc}", 1, 1, 1, 1)]))
                if fix is not None:  # stdin goes back out as it came
                    from .fix import FileFix

                    results[-1].fix = FileFix(output=data)
                continue
            if fix is not None:
                results.append(_fix(data, source, name, codes, fix))
                continue
            results.append(lint_source(source, name, codes, keep_source=True))
            continue
        if resolver is None:
            files.extend((path, select) for path, _ in discover([raw]))
            continue
        for path, explicit in discover([raw], skip=_skipper(resolver, raw)):
            settings = resolver.for_dir(os.path.dirname(os.path.abspath(path)))
            # A named file is linted even when excluded, unless --force-exclude (ruff's rule,
            # which pre-commit hooks rely on because they name every file).
            if explicit and force_exclude and settings.excluded(path):
                continue
            files.append((path, settings.codes_for(path)))
    jobs = jobs or os.cpu_count() or 1
    if len(files) >= PARALLEL_MIN_FILES and jobs > 1:
        results.extend(_parallel(files, jobs, fix))
    else:
        results.extend(lint_file(p, codes, fix=fix) for p, codes in files)
    results.sort(key=lambda r: r.path)
    return results


def _parallel(files, jobs, fix=None):
    from concurrent.futures import ProcessPoolExecutor

    batches = [[(str(p), codes, fix) for p, codes in files[i : i + BATCH]] for i in range(0, len(files), BATCH)]
    out = []
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for chunk in pool.map(_lint_batch, batches):
                out.extend(chunk)
    except (OSError, RuntimeError):
        # No worker processes on this platform: lint in this one.
        out = [lint_file(p, codes, fix=fix) for p, codes in files]
    return out
