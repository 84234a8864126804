"""Running the linter over paths: discovery, reading, the pre-scan, and worker processes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .diagnostics import Report
from .files import ReadError, decode, discover, read_source
from .lint import FileResult, lint_source, prescan

# Worker tasks: files in batches of about BATCH_BYTES of source (fewer round trips than a
# task per file), big files alone, biggest first so that no worker is left with a big file at
# the end; at least TASKS_PER_JOB tasks per worker to share out. On 2 cores, batches of 16 KB
# to 512 KB and a task per file measured alike, within the noise of a shared machine.
BATCH_BYTES = 96 * 1024
MIN_BATCH_BYTES = 8 * 1024
TASKS_PER_JOB = 4
# Source to lint (bytes) below which worker processes cost more than they save: starting
# them and importing LibCST in each takes about as long as linting this much.
PARALLEL_MIN_BYTES = 160 * 1024


def _display(path: Path) -> str:
    s = str(path)
    return s[2:] if s.startswith("./") else s


def lint_file(path: Path, select, keep_source=False, fix=None, cache=None, lookup=True) -> FileResult:
    """Lint (or fix) one file. With a ``cache.Cache``: answer from it when it holds the
    result (``lookup``), and store what linting found. A kerlint bug on this file is a
    diagnostic for it; the run goes on."""
    try:
        return _lint_file(path, select, keep_source, fix, cache, lookup)
    except Exception as exc:  # noqa: BLE001 - one file must not stop the run
        from .lint import internal_error

        return FileResult(_display(path), [internal_error(exc)])


def _lint_file(path: Path, select, keep_source, fix, cache, lookup) -> FileResult:
    name = _display(path)
    notebook = path.suffix == ".ipynb"
    if notebook:
        try:
            data = path.read_bytes()
        except OSError:
            data = None  # the notebook module reports it
    else:
        try:
            data, source = read_source(path)
        except ReadError as exc:
            return FileResult(name, [Report("KER000", f"cannot read the file: {exc}", 1, 1, 1, 1)])
        if not prescan(data):
            return FileResult(name, [], source=source if keep_source else None)
    key = cache.key(select, data, notebook) if cache is not None and data is not None else None
    if key is not None and lookup:
        hit = _from_cache(cache, key, name, fix, data, notebook)
        if hit is not None:
            return hit
    if notebook:
        from . import notebook as nb

        def lint(text):
            return lint_source(text, name, select).reports

        if data is None:
            return nb.lint_file(path, name, lint, fix)
        result = nb.fix_bytes(data, name, lint, fix, path) if fix is not None else nb.lint_bytes(data, name, lint)
    elif fix is not None:
        result = _fix(data, source, name, select, fix, path)
    else:
        result = lint_source(source, name, select, keep_source=keep_source)
    if key is not None and _cacheable(result):
        cache.put(key, result.reports, result.source if notebook else None)
    return result


def _cacheable(result: FileResult) -> bool:
    """A result that is what the file's bytes give: nothing fixed, no failure along the way."""
    if result.fix is not None and (result.fix.fixed or result.fix.output is not None):
        return False
    if result.error:  # skipped: the notice must come again
        return False
    return not any(r.code == "KER000" and not r.message.startswith("syntax error") for r in result.reports)


def _from_cache(cache, key, name, fix, data, notebook) -> FileResult | None:
    entry = cache.get(key)
    if entry is None:
        return None
    reports, source = entry
    if fix is None:
        return FileResult(name, reports, source=source)
    from .fix import FileFix, applies

    if any(applies(r, fix.unsafe) for r in reports):
        return None  # there is something to fix: lint and fix
    if not notebook:
        source = decode(data)
    return FileResult(name, reports, source=source, fix=FileFix())


def _prepass(path: Path, codes, fix, cache):
    """What this process can say of a file without LibCST: (result, None), or (None, size)
    when the file must be linted."""
    notebook = path.suffix == ".ipynb"
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return lint_file(path, codes, fix=fix), None  # reports why
    if not notebook and not prescan(data):
        name = _display(path)
        try:
            decode(data)
        except ReadError as exc:
            return FileResult(name, [Report("KER000", f"cannot read the file: {exc}", 1, 1, 1, 1)]), None
        return FileResult(name, []), None
    if cache is not None:
        hit = _from_cache(cache, cache.key(codes, data, notebook), _display(path), fix, data, notebook)
        if hit is not None:
            return hit, None
    return None, len(data)


def _fix(data, source, name, select, mode, path=None) -> FileResult:
    """--fix / --diff on one file (``path`` None: stdin): lint and fix to a fixpoint."""
    from .fix import fix_source

    skipped = []

    def lint(text):
        result = lint_source(text, name, select)
        if result.error and not skipped:
            skipped.append(result.error)
        return result.reports

    result = fix_source(data, source, name, lint, mode, path)
    result.error = skipped[0] if skipped else None
    return result


def _worker_start():
    # A LibCST tree is hundreds of thousands of objects without cycles: the default collector
    # thresholds make the parse spend about 5% in collections that free nothing.
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _lint_batch(batch, cache=None):
    return [lint_file(Path(p), select, fix=fix, cache=cache, lookup=False) for p, select, fix in batch]


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
               force_exclude=False, fix=None, cache=None) -> list[FileResult]:
    """Lint files, folders and ``-`` (stdin). With a ``config.Resolver`` each file gets the
    selection of its own configuration (``select`` is then unused); without one, ``select``.
    With a ``cache.Cache``, files are answered from it when it can and their results stored."""
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
    results.extend(lint_files(files, jobs=jobs, fix=fix, cache=cache))
    results.sort(key=lambda r: r.path)
    return results


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def lint_files(files, *, jobs=None, fix=None, cache=None) -> list[FileResult]:
    """Results for ``[(path, codes)]``, in the order given. The pre-scan and the cache are
    consulted in this process (neither imports LibCST); what is left is linted here or, when
    there is enough of it, by a pool of worker processes."""
    out: list = [None] * len(files)
    todo = []  # [(index, size)]
    for i, (path, codes) in enumerate(files):
        try:
            result, size = _prepass(path, codes, fix, cache)
        except Exception as exc:  # noqa: BLE001 - one file must not stop the run
            from .lint import internal_error

            result, size = FileResult(_display(path), [internal_error(exc)]), None
        if result is not None:
            out[i] = result
        else:
            todo.append((i, size))
    jobs = jobs or available_cores()
    if jobs > 1 and len(todo) > 1 and sum(size for _, size in todo) >= PARALLEL_MIN_BYTES:
        for i, result in _parallel([(i, files[i][0], files[i][1], size) for i, size in todo], jobs, fix, cache):
            out[i] = result
    else:
        for i, _ in todo:
            path, codes = files[i]
            out[i] = lint_file(path, codes, fix=fix, cache=cache, lookup=False)
    return out


def batches(items, jobs: int):
    """``[(key, size)]`` into lists of keys: biggest files first, each batch about
    ``BATCH_BYTES`` (less when that would leave fewer than TASKS_PER_JOB tasks per worker)."""
    items = sorted(items, key=lambda item: -item[1])
    total = sum(size for _, size in items)
    target = max(MIN_BATCH_BYTES, min(BATCH_BYTES, total // max(jobs * TASKS_PER_JOB, 1)))
    out, current, filled = [], [], 0
    for key, size in items:
        if current and filled + size > target:
            out.append(current)
            current, filled = [], 0
        current.append(key)
        filled += size
    if current:
        out.append(current)
    return out


def _parallel(todo, jobs, fix=None, cache=None):
    """[(index, result)] for ``[(index, path, codes, size)]``, linted by worker processes."""
    from concurrent.futures import ProcessPoolExecutor

    by_index = {i: (path, codes) for i, path, codes, _ in todo}
    groups = batches([(i, size) for i, _, _, size in todo], jobs)
    out = []
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(groups)), initializer=_worker_start) as pool:
            futures = [
                (group, pool.submit(_lint_batch, [(str(by_index[i][0]), by_index[i][1], fix) for i in group], cache))
                for group in groups
            ]
            for group, future in futures:
                out.extend(zip(group, future.result()))
    except (OSError, RuntimeError):
        # No worker processes on this platform: lint in this one.
        done = {i for i, _ in out}
        out.extend((i, lint_file(p, codes, fix=fix, cache=cache, lookup=False))
                   for i, p, codes, _ in todo if i not in done)
    return out
