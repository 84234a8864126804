"""Running the linter over paths: discovery, the pre-pass (each file read, pre-scanned and looked
up in the cache once), and worker processes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from . import lint
from .files import discover
from .crossfix import prune_unreachable_fixes
from .fix import FileFix, applies
from .lint import FileResult, internal_error
from .source import Source, SourceError, from_bytes, read_file


class _RunLog:
    """``logging.getLogger("kerlint.run")`` (``check -v``: what happens to each file and why),
    without importing ``logging`` for a run that has not: no one can listen to it then."""

    @staticmethod
    def info(message, *args) -> None:
        logging = sys.modules.get("logging")
        if logging is not None:
            logging.getLogger("kerlint.run").info(message, *args)


log = _RunLog()

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


def _run(source: Source, codes, fix=None, cache=None, key=None) -> FileResult:
    """Lint (or fix) one source and store what linting found under ``key``. A kerlint bug on
    this file is a diagnostic for it; the run goes on."""
    try:
        result = source.fix(codes, fix) if fix is not None else source.lint(codes)
        if key is not None and _cacheable(result):
            cache.put(key, result.reports, result.source if source.keeps_text else None, result.dependencies)
        return result
    except Exception as exc:  # noqa: BLE001 - one file must not stop the run
        return FileResult(source.name, [internal_error(exc)])


def _cacheable(result: FileResult) -> bool:
    """A result that is what the file's bytes give: nothing fixed, no failure along the way."""
    if result.fix is not None and (result.fix.fixed or result.fix.output is not None):
        return False
    if result.error:  # skipped: the notice must come again
        return False
    return not any(r.code == "KER000" and not r.message.startswith("syntax error") for r in result.reports)


def _from_cache(cache, key, source: Source, fix) -> FileResult | None:
    entry = cache.get(key)
    if entry is None:
        return None
    reports, text = entry
    if fix is None:
        return FileResult(source.name, reports, source=text)
    if any(applies(r, fix.unsafe, fix.fixable) for r in reports):
        return None  # there is something to fix: lint and fix
    if not source.keeps_text:
        text = source.text_of(source.program())  # a fix result carries its text
    return FileResult(source.name, reports, source=text, fix=FileFix())


def _prepass(path: Path, codes, fix, cache):
    """Read a file once and say what this process can of it without LibCST: (result, None),
    or (None, (source, key)) when it must be linted (``key``: its cache key, or None)."""
    source = read_file(path, _display(path))
    if source.data is None or not source.may_report():
        log.info("%s: %s", source.name, "cannot be read" if source.data is None else
                 "not parsed: no Keras, TensorFlow or kerlint text in it (the pre-scan)")
        return source.unlinted(), None
    skipped = _too_big(source)
    if skipped is not None:
        log.info("%s: %s", source.name, skipped.error)
        return skipped, None
    key = _cache_key(cache, codes, source)
    if key is not None:
        hit = _from_cache(cache, key, source, fix)
        if hit is not None:
            log.info("%s: answered from the cache", source.name)
            return hit, None
    log.info("%s: linted", source.name)
    return None, (source, key)


def _cache_key(cache, codes, source: Source) -> str | None:
    if cache is None or source.data is None:
        return None
    from .lint import keras_target_of

    return cache.key(codes, source.data, source.kind, keras_target_of(source.path))


def _lint_path(path: Path, codes, fix=None, cache=None, keyed=False) -> FileResult:
    """Read and lint a file the pre-pass sent on. It is read again here, and its cache key made
    from the bytes read here: what is linted is what is stored."""
    source = read_file(path, _display(path))
    return _run(source, codes, fix, cache, _cache_key(cache, codes, source) if keyed else None)


def _too_big(source: Source) -> FileResult | None:
    """The result of a source whose program (a notebook's: its code cells joined) is bigger
    than kerlint lints: no reports, and the notice saying so. Decided here, so that the file
    goes to no worker. A program has at most as many characters as its file has bytes: only
    a file over the limit is decoded for it."""
    if source.data is None or len(source.data) <= lint.MAX_SOURCE_CHARS:
        return None
    try:
        program = source.program()
    except SourceError:
        return None  # linting says why it cannot be read
    notice = lint.too_big(source.text_of(program) or "")
    return None if notice is None else FileResult(source.name, [], error=notice)


def _load_linter():
    """Import what every lint uses. Done before the workers start, they inherit it where
    processes are forked (Linux): one import instead of one per worker."""
    import libcst  # noqa: F401

    from . import analysis, extract  # noqa: F401
    from .rules import all_rules

    all_rules()


def _worker_start():
    # What every lint imports, imported once and frozen: no collection walks it again.
    # (Collections during a lint are paused anyway: lint.collector_paused.)
    import gc

    _load_linter()
    gc.freeze()
    lint.own_collector()


def _lint_batch(batch, fix=None, cache=None):
    return [_lint_path(path, codes, fix, cache, keyed) for path, codes, keyed in batch]


def _skipper(resolver, top):
    """What a walk of ``top`` leaves out: each folder's config excludes, then .gitignore."""
    from .gitignore import GitIgnore

    gitignore = []

    def skip(path, is_dir):
        path = os.path.abspath(path)
        settings = resolver.for_dir(os.path.dirname(path))
        if settings.excluded(path, walking=True):
            log.info("%s: skipped: excluded by the configuration's exclude patterns", path)
            return True
        if not settings.respect_gitignore:
            return False
        if not gitignore:
            gitignore.append(GitIgnore(top))
        ignored = gitignore[0].ignored(path, is_dir)
        if ignored:
            log.info("%s: skipped: listed in .gitignore", path)
        return ignored

    return skip


def _lint_stdin(select, stdin_filename, resolver, force_exclude, fix) -> FileResult | None:
    """``-``: stdin, named ``--stdin-filename`` (its configuration too); None when excluded."""
    data = sys.stdin.buffer.read()
    codes = select
    if resolver is not None:
        settings = resolver.for_path(Path(stdin_filename).parent if stdin_filename else Path.cwd())
        if force_exclude and stdin_filename and settings.excluded(stdin_filename):
            return None
        codes = settings.codes_for(stdin_filename) if stdin_filename else sorted(settings.codes)
    source = from_bytes(data, stdin_filename or "-")
    skipped = _too_big(source)
    if skipped is not None:
        if fix is not None:
            skipped.fix = FileFix(output=data)  # `--fix -` prints the source back, unchanged
        return skipped
    return source.fix(codes, fix) if fix is not None else source.lint(codes)


def discover_files(raw: str, resolver, force_exclude=False):
    """The files of one path argument (not ``-``) as ``lint_paths`` finds them, with the
    configured excludes, .gitignore and --force-exclude applied (``kerlint summary``)."""
    for path, explicit in discover([raw], skip=_skipper(resolver, raw)):
        settings = resolver.for_dir(os.path.dirname(os.path.abspath(path)))
        if explicit and force_exclude and settings.excluded(path):
            continue
        yield path


def lint_paths(paths, select, *, stdin_filename=None, jobs=None, resolver=None,
               force_exclude=False, fix=None, cache=None) -> list[FileResult]:
    """Lint files, folders and ``-`` (stdin). With a ``config.SettingsResolver`` each file gets the
    selection of its own configuration (``select`` is then unused); without one, ``select``.
    With a ``cache.Cache``, files are answered from it when it can and their results stored."""
    results = []
    files = []  # [(path, codes)]
    for raw in paths:
        if raw == "-":
            result = _lint_stdin(select, stdin_filename, resolver, force_exclude, fix)
            if result is not None:
                results.append(result)
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
    linted = lint_files(files, jobs=jobs, fix=fix, cache=cache)
    if fix is not None:
        from .crossfix import fix_across_files

        fix_across_files(files, linted, fix)
    prune_unreachable_fixes(files, linted)
    results.extend(linted)
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
    there is enough of it, by a pool of worker processes.

    With workers possible, a file is not kept once pre-scanned: whoever lints it reads it
    again (from the OS's cache), so that this process never holds a whole project's bytes
    and the workers forked from it do not inherit them."""
    out: list = [None] * len(files)
    jobs = jobs or available_cores()
    keep = jobs == 1 or len(files) == 1  # no workers: lint the bytes the pre-pass read
    kept = {}  # {index: (source, codes, key)}
    tasks, sizes = {}, {}  # {index: (path, codes, keyed)}, {index: bytes}
    for i, (path, codes) in enumerate(files):
        try:
            result, job = _prepass(path, codes, fix, cache)
        except Exception as exc:  # noqa: BLE001 - one file must not stop the run
            result, job = FileResult(_display(path), [internal_error(exc)]), None
        if result is not None:
            out[i] = result
            continue
        source, key = job
        if keep:
            kept[i] = (source, codes, key)
        else:
            tasks[i], sizes[i] = (path, codes, key is not None), len(source.data)
    source = job = None  # nor the last file's bytes
    for i, (source, codes, key) in kept.items():
        out[i] = _run(source, codes, fix, cache, key)
    if len(tasks) > 1 and sum(sizes.values()) >= PARALLEL_MIN_BYTES:
        linted = _parallel(tasks, sizes, jobs, fix, cache)
    else:
        linted = zip(tasks, _lint_batch(tasks.values(), fix, cache))
    for i, result in linted:
        out[i] = result
    return out


def batches(items, jobs: int):
    """``[(key, size)]`` into lists of keys: biggest files first, each batch about
    ``BATCH_BYTES`` (less when that would leave fewer than TASKS_PER_JOB tasks per worker).
    Towards the end the batches shrink with what is left to share, down to MIN_BATCH_BYTES:
    the workers then finish close together, instead of one linting a last full batch alone."""
    items = sorted(items, key=lambda item: -item[1])
    total = sum(size for _, size in items)
    target = max(MIN_BATCH_BYTES, min(BATCH_BYTES, total // max(jobs * TASKS_PER_JOB, 1)))
    left = total
    out, current, filled = [], [], 0
    for key, size in items:
        if current and filled + size > max(MIN_BATCH_BYTES, min(target, left // (2 * jobs))):
            out.append(current)
            left -= filled
            current, filled = [], 0
        current.append(key)
        filled += size
    if current:
        out.append(current)
    return out


def _parallel(tasks, sizes, jobs, fix=None, cache=None):
    """[(index, result)] for ``{index: (path, codes, keyed)}``, linted by worker processes."""
    from concurrent.futures import ProcessPoolExecutor

    groups = batches(list(sizes.items()), jobs)
    out = []
    _load_linter()
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(groups)), initializer=_worker_start) as pool:
            futures = [(group, pool.submit(_lint_batch, [tasks[i] for i in group], fix, cache)) for group in groups]
            for group, future in futures:
                out.extend(zip(group, future.result()))
    except (OSError, RuntimeError):
        # No worker processes on this platform: lint in this one.
        done = {i for i, _ in out}
        left = [i for i in tasks if i not in done]
        out.extend(zip(left, _lint_batch([tasks[i] for i in left], fix, cache)))
    return out
