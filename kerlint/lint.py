"""Linting one source text: parse once, extract, run the selected rules, report plain data."""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import field, replace

from .data import FACTORY, record
from .diagnostics import Report, TextEdit, TextFix

# A file reaches Keras through an import or name that says keras/tensorflow/tf, or through a
# public Keras class name it never binds (a pasted snippet); KER900 needs a kerlint code in a
# noqa comment. A file with none of these cannot hold anything kerlint reports: it is not parsed.
_PRESCAN = re.compile(
    rb"\btf\b|\.compile\s*\(|\.fit(_generator)?\s*\(|_generator\s*\(|predict_classes|predict_proba|"
    rb"crossentropy|Crossentropy|(?i:\bker\d)"
)
_CAPITALIZED = re.compile(rb"\b[A-Z][A-Za-z0-9_]*")
_PUBLIC: frozenset | None = None  # public Keras class names, as bytes


def use_public_names(names) -> None:
    """Set the public Keras class names (from the cache; otherwise read from the catalog)."""
    global _PUBLIC
    _PUBLIC = frozenset(n.encode() for n in names)


def _public_names() -> frozenset:
    if _PUBLIC is None:
        from .catalog import get_catalog

        use_public_names(get_catalog().public_class_names())
    return _PUBLIC


def prescan(data: bytes | str) -> bool:
    """True when the text may contain something kerlint reports."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if b"keras" in data or b"tensorflow" in data or _PRESCAN.search(data) is not None:
        return True
    return not _public_names().isdisjoint(_CAPITALIZED.findall(data))


@record
class FileResult:
    path: str
    reports: list = field(default_factory=list)  # [Report]
    source: str | None = None  # the decoded text, when the caller needs it (fixes)
    error: str | None = None  # why the file was skipped (a notice, not a diagnostic)
    fix: object = None  # fix.FileFix when run with --fix / --diff
    # {path: digest} of the project modules the file imports and the analysis read: the result
    # holds only while they are unchanged (the cache checks them).
    dependencies: dict = field(default_factory=dict)

    def __init__(self, path, reports=FACTORY, source=None, error=None, fix=None, dependencies=FACTORY):
        self.path = path
        self.reports = [] if reports is FACTORY else reports
        self.source = source
        self.error = error
        self.fix = fix
        self.dependencies = {} if dependencies is FACTORY else dependencies


def parse_error_report(exc, source: str) -> Report:
    row = getattr(exc, "raw_line", None) or getattr(exc, "lineno", None) or 1
    col = getattr(exc, "raw_column", None)
    if col is None:
        col = (getattr(exc, "offset", None) or 1) - 1
    message = getattr(exc, "message", None) or str(exc).splitlines()[0]
    lines = source.splitlines()
    row = max(1, min(row, max(len(lines), 1)))
    return Report("KER000", f"syntax error, the file cannot be parsed: {message}", row, col + 1, row, col + 1)


def _syntax_report(exc, source: str) -> Report | None:
    """Python's own message and position where it has one: they read better than LibCST's.
    None when Python parses the text that LibCST does not."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except SyntaxError as py_exc:
        row = py_exc.lineno or 1
        col = max((py_exc.offset or 1) - 1, 0)
        return Report("KER000", f"syntax error, the file cannot be parsed: {py_exc.msg}", row, col + 1, row, col + 1)
    except (ValueError, RecursionError, MemoryError):
        return parse_error_report(exc, source)
    return None  # Python parses it: a limit of LibCST's, not an error in the file


class _Positions:
    def __init__(self, module, source: str, pos=None, heads=None):
        # PositionProvider's ranges, regenerating only the statements that hold reported nodes
        from .positions import StatementPositions, line_starts

        self.pos = pos if pos is not None else StatementPositions(module, source, heads)
        self.module = module
        self.line_starts = self.pos.line_starts if isinstance(self.pos, StatementPositions) else line_starts(source)
        self.length = len(source)

    def range(self, node):
        return self.pos.range(node)

    def offset(self, line: int, column: int) -> int:
        return self.line_starts[line - 1] + column


# Bigger programs (characters; a notebook's: its code cells joined) are skipped with a notice,
# so that any file kerlint lints stays well under 1 GB and 15 s. Measured (`python
# tools/bench.py --large-only`, docs/performance.md): about 1.1 GB and, on a 2-core machine,
# 15 to 30 s of CPU per MB of generated Keras code (a data table, a long chain of `model.add`,
# whose analysis grows faster than its size), 7.5 s and 310 MB at this limit.
MAX_SOURCE_CHARS = 250_000


def too_big(source: str) -> str | None:
    """The notice for a program bigger than MAX_SOURCE_CHARS (None when it is not, or when a
    ``# kerlint: noqa`` line skips the whole file anyway)."""
    from .noqa import file_exemption

    if len(source) <= MAX_SOURCE_CHARS or file_exemption(source)[0]:
        return None
    return (f"skipped: {_megabytes(len(source))} of code is more than kerlint lints in one file "
            f"({_megabytes(MAX_SOURCE_CHARS)}); exclude it if it is generated")


def _megabytes(chars: int) -> str:
    return f"{chars / 1e6:.2f} MB" if chars < 10e6 else f"{chars / 1e6:.1f} MB"


# Nesting (counted as LibCST nests: each operand of an `and`/`or` chain, each of implicitly
# concatenated strings and each `elif` a level deeper) beyond which a file is skipped with a
# notice. LibCST's parse time grows with the square of the nesting (about 10 s for a chain of
# 1,000 subscripts) and its native stack overflows, killing the process, on input Python
# accepts (`a or a or ...` 10,000 long). Real code stays under 50.
MAX_NESTING = 300
# Nesting beyond which the analysis runs with a raised recursion limit in a thread with a
# large stack: extraction and LibCST's visitors recurse several frames a level.
DEEP_NESTING = 60
DEEP_RECURSION_LIMIT = 50_000
DEEP_STACK_BYTES = 512 * 1024 * 1024


def nesting(source: str):
    """``(depth, line)`` of the deepest nesting in ``source``, or a KER000 report when Python
    itself refuses the file for its nesting, or None when Python cannot parse it for another
    reason (a syntax error, or syntax newer than this Python: LibCST has its say).

    Only nodes that could reach MAX_NESTING are walked: a statement or expression nests less
    deeply than it has characters. The walk stops past MAX_NESTING."""
    import ast
    from itertools import accumulate
    import warnings

    from .positions import statement_heads

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Python's SyntaxWarnings about the user's code
            tree = ast.parse(source)
        # Its statements' lines serve the positions; the tree itself is dropped before LibCST
        # parses (it is megabytes for a big file).
        _last_heads[:] = [source, statement_heads(tree)]
    except SyntaxError as exc:
        if exc.msg.startswith("too many"):  # "too many nested parentheses" and the like
            row = exc.lineno or 1
            col = max((exc.offset or 1) - 1, 0) + 1
            return Report("KER000", f"syntax error, the file cannot be parsed: {exc.msg}", row, col, row, col)
        return None
    except (RecursionError, MemoryError):
        return Report("KER000", "syntax error, the file cannot be parsed: an expression is nested too deeply "
                      "for Python's parser", 1, 1, 1, 1)
    except ValueError:  # NUL bytes: LibCST reports them
        return None
    best, line = 0, 1
    stack = [(tree, 0, 1)]
    boolop, children = ast.BoolOp, ast.iter_child_nodes
    strings = (ast.Constant, ast.JoinedStr)
    leaves = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)  # no children
    # The offset of each line's start in bytes: ast's columns count bytes.
    data = source.encode("utf-8", "surrogatepass")
    starts = [0, *accumulate(map(len, data.splitlines(keepends=True)))]
    while stack:
        node, depth, at = stack.pop()
        for child in children(node):
            d = depth + (len(child.values) - 1 if child.__class__ is boolop else 1)
            where = getattr(child, "lineno", None)
            if where is None:  # no place of its own: an operator or a context (a leaf), arguments
                where, small = at, isinstance(child, leaves)
            else:
                end = child.end_lineno
                width = (child.end_col_offset - child.col_offset if where == end
                         else starts[end - 1] + child.end_col_offset - starts[where - 1] - child.col_offset)
                small = d + width <= MAX_NESTING
            if not small and isinstance(child, strings):
                # Implicitly concatenated strings are one node here, nested pairs in LibCST.
                d += _string_pieces(data[starts[where - 1] + child.col_offset:
                                         starts[child.end_lineno - 1] + child.end_col_offset]) - 1
            if d > best:
                best, line = d, where
                if d > MAX_NESTING:
                    return best, line
            if not small:
                stack.append((child, d, where))
    return best, line


# [source, positions.statement_heads of it]: from the parse nesting() made, for the positions.
_last_heads: list = [None, None]


def _take_heads(source: str):
    """The statement heads nesting() found in this very text, or None; forgotten once taken."""
    heads = _last_heads[1] if _last_heads[0] is source else None
    _last_heads[:] = [None, None]
    return heads


def _string_pieces(code: bytes) -> int:
    """How many string literals make up the code of a string node (``"a" "b"`` is two)."""
    import io
    import tokenize

    if code.count(b'"') + code.count(b"'") <= 2 * MAX_NESTING:
        return 1  # too few quotes for the pieces to matter
    try:
        text = code.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
        tokens = tokenize.generate_tokens(io.StringIO("(" + text + ")").readline)
        starts = (tokenize.STRING, getattr(tokenize, "FSTRING_START", tokenize.STRING))
        return max(1, sum(1 for t in tokens if t.type in starts))
    except (tokenize.TokenError, SyntaxError):
        return 1


def run_deep(fn, *args):
    """``fn(*args)`` in a thread with a large stack and a raised recursion limit: Python
    counts frames, not stack bytes, and the main thread's stack (often 8 MB) does not hold
    what a raised limit lets through. The main thread waits meanwhile."""
    import sys
    import threading

    box = {}

    def run():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            box["error"] = exc

    limit = sys.getrecursionlimit()
    try:
        size = threading.stack_size(DEEP_STACK_BYTES)
    except (ValueError, RuntimeError):  # no stack size control here: run as we are
        return fn(*args)
    try:
        thread = threading.Thread(target=run, name="kerlint-deep", daemon=True)
        sys.setrecursionlimit(max(limit, DEEP_RECURSION_LIMIT))
        try:
            thread.start()
        finally:
            threading.stack_size(size)
        thread.join()
    finally:
        sys.setrecursionlimit(limit)
    if "error" in box:
        raise box["error"]
    return box["value"]


def lint_source(source: str, path: str, select, *, noqa=True, origin=None, chunks=None) -> FileResult:
    """Lint a Python program's text with the rules in ``select`` (codes): the step every kind
    of ``source.Source`` comes to. ``noqa=False`` leaves ``# noqa`` comments to the caller (the
    flake8 plugin: flake8 reads them itself).

    A file kerlint cannot analyse (too big, nested too deeply) comes back with no reports
    and ``error`` saying why it was skipped. ``origin``, the file's path on disk, lets the
    analysis read the project modules it imports. ``chunks``, a ``chunks.ChunkCache`` kept across
    versions of one text (an editor buffer), re-parses only the statements that changed."""
    from .noqa import file_exemption

    result = FileResult(path)
    if file_exemption(source)[0]:
        return result
    result.error = too_big(source)
    if result.error:
        return result
    with collector_paused():
        _lint_guarded(result, source, select, noqa, origin, chunks)
    return result


def _lint_guarded(result: FileResult, source: str, select, noqa: bool, origin, chunks) -> None:
    """``_lint``, unless the file nests deeper than kerlint analyses; with a deep stack when
    it nests deeply."""
    found = nesting(source)
    if isinstance(found, Report):
        result.reports.append(found)
        return
    depth, line = found or (0, 1)
    if depth > MAX_NESTING:
        result.error = (f"skipped: the code at line {line} nests more than {MAX_NESTING} levels deep, "
                        "more than kerlint analyses")
        return
    if depth <= DEEP_NESTING:
        try:
            _lint(result, source, select, noqa, origin, chunks)
            return
        except RecursionError:  # deeper than the nesting shows: once more with a deep stack
            result.reports = []
    try:
        run_deep(_lint, result, source, select, noqa, origin)
    except RecursionError:
        result.reports = []
        result.error = "skipped: the file nests too deeply for kerlint to analyse it"


# Set by own_collector(): this process lints and nothing else.
_collector_owned = False


def own_collector() -> None:
    """In kerlint's own processes (the command line, its workers): each tree is moved out of
    the collector's reach once parsed (``gc.freeze``, which costs nothing), so that the
    collection after its file walks only what the analysis made. The tree has no cycles: it
    is freed by reference counting once the analysis objects holding it are collected.

    Not for a host process (the flake8 plugin, an editor's server): freezing would take its own
    objects out of collection too."""
    global _collector_owned
    _collector_owned = True


@contextmanager
def collector_paused():
    """No cyclic garbage collection while a file is linted, one collection of what it left after.

    A file's trees are hundreds of thousands of objects that stay alive until its lint ends, and
    each automatic collection meanwhile walks them to free almost nothing: on the bench corpus
    that was a fifth of the CPU. What is cyclic garbage at the end is collected then, so memory
    stays as it was (measured: the same peak on 250 KB files)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect(1)
        if was_enabled:
            gc.enable()


# What makes `check` read a file's project imports: a model trained here, on whatever was built
# elsewhere. A library module that only defines (most of a big repository) is linted alone.
_TRAINS = re.compile(r"\.(compile|fit|fit_generator|train_on_batch)\s*\(")


# os.environ["TF_USE_LEGACY_KERAS"] = "1", setdefault("TF_USE_LEGACY_KERAS", "1"), %env ...=1:
# TensorFlow 2.16+ then gives tf_keras (Keras 2) for tf.keras.
_LEGACY_TF_KERAS = re.compile(r"""TF_USE_LEGACY_KERAS['"]?\]?\s*[=,:]\s*['"]?(?:1|[Tt]rue|TRUE)\b""")


def keras_target_of(origin) -> str | None:
    """The Keras the project of the file at ``origin`` pins ("2", "3"), or None."""
    from .keras_target import project_target
    from .project import root_for

    return project_target(root_for(origin))


def project_imports(origin, source: str | None = None):
    """What follows the project modules a file imports, or None. With ``source``, only for a
    file that compiles or fits a model (``summary`` always follows them)."""
    if origin is None or (source is not None and not _TRAINS.search(source)):
        return None
    from .project import project_for
    from .semantics.imports import ProjectImports

    return ProjectImports(project_for(origin), origin)


def _lint(result: FileResult, source: str, select, noqa: bool, origin=None, chunks=None) -> None:
    import libcst as cst

    from .analysis import FileAnalysis
    from .extract import extract
    from .interp.tree import parse_module
    from .noqa import apply as apply_noqa
    from .rules import all_rules

    heads = _take_heads(source)
    parsed = chunks.parse(source) if chunks is not None else None
    module, chunk_positions = parsed if parsed is not None else (None, None)
    try:
        if module is None:
            module = parse_module(source)
    except cst.ParserSyntaxError as exc:
        report = _syntax_report(exc, source)
        if report is None:
            result.error = f"skipped: kerlint's parser (LibCST) cannot read it: {exc.message}"
        else:
            result.reports.append(report)
        return
    if _collector_owned:
        gc.freeze()  # see own_collector
    try:
        imports = project_imports(origin, source)
        ir = extract(module, imports)
        if origin is not None:
            ir.resolver.keras_target = keras_target_of(origin)
        ir.resolver.legacy_tf_keras = _LEGACY_TF_KERAS.search(source) is not None
        if imports is not None:
            result.dependencies = {str(p): imports.project.fingerprint(p) for p in ir.modules_read}
    except RecursionError:
        raise  # lint_source tries again with a deeper stack
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        result.reports.append(_internal("extraction", exc))
        return
    rules = all_rules()
    analysis = FileAnalysis(ir, source)  # one per file: the rules share what it works out
    found = []
    seen = set()
    for code in select:
        rule = rules.get(code)
        if rule is None:
            continue
        try:
            for diag in rule.check(analysis):
                key = (diag.code, id(diag.node))
                if key in seen:
                    continue
                seen.add(key)
                found.append(diag)
        except RecursionError:
            raise  # lint_source tries again with a deeper stack
        except Exception as exc:  # noqa: BLE001 - report, and let the other rules run
            result.reports.append(_internal(code, exc))
    if found:
        positions = _Positions(module, source, chunk_positions, heads)
        failed = set()
        elsewhere = Elsewhere(ir.modules_read, ir.models, select, imports.project.text if imports is not None else None)
        for diag in found:
            try:
                report = _to_report(diag, positions, elsewhere)
            except RecursionError:
                raise
            except Exception as exc:  # noqa: BLE001 - a malformed diagnostic or fix of one rule
                if diag.code not in failed:
                    failed.add(diag.code)
                    result.reports.append(_internal(diag.code, exc))
                continue
            if report is not None:
                result.reports.append(report)
        line = positions.pos.first_difference(source)
        if line is not None:
            # LibCST dropped something (a line holding only a backslash): positions and fixes
            # would land on the wrong text.
            result.reports = []
            result.error = (f"skipped: kerlint's parser (LibCST) does not read this file exactly, from line {line} "
                            "(a line holding only a backslash?)")
            return
    result.reports.sort(key=Report.sort_key)
    if noqa:
        result.reports = apply_noqa(source, result.reports, select)


def internal_error(exc: BaseException) -> Report:
    """A kerlint bug met on a file, outside any one rule."""
    return _internal("linting", exc)


def _internal(where: str, exc: Exception) -> Report:
    return Report(
        "KER000",
        f"internal error in kerlint ({where}): {type(exc).__name__}: {exc}; please report this "
        "with the file that caused it",
        1,
        1,
        1,
        1,
    )


class Elsewhere:
    """Positions in the project modules a file imported (computed only for reported nodes)."""

    def __init__(self, modules: dict, models=(), select=(), texts=None):
        self.modules = modules
        self.models = models  # this file's models, some built by imported functions
        self.select = select
        self._positions: dict = {}
        # path -> source (the project's ``text``): positions without regenerating a module whole
        self._texts = texts
        self._sources: dict = {}  # path -> the text positions and the alone-lint read

    def built_through(self, diag) -> tuple:
        """Where in this file a fault at a node of an imported module may be reported: the
        rule's anchors, else the calls that built the model holding it, when the module linted
        alone does not report the same fault there (``call_sites``)."""
        if diag.anchors:
            return diag.anchors
        from .call_sites import built_through, reported_alone

        places = built_through(diag.node, self.models)
        found = self.find(diag.node) if places else None
        if found is None:
            return ()
        path, _, (row, col, _, _) = found
        alone = reported_alone(self._lint_alone, path, self._text(path), self.select, diag.code, row, col + 1)
        return () if alone else places

    def _text(self, path) -> str:
        """The module's source: the project's text, else its tree's code (generated once)."""
        if path not in self._sources:
            text = self._texts(path) if self._texts is not None else None
            self._sources[path] = text if text is not None else self.modules[path].code
        return self._sources[path]

    def _lint_alone(self, text: str, path) -> list:
        from pathlib import Path

        return lint_source(text, str(path), self.select, noqa=False, origin=Path(path)).reports

    def find(self, node):
        """(path, _Positions of its module, range) of a node of another module, or None."""
        for path, module in self.modules.items():
            if path not in self._positions:
                self._positions[path] = _Positions(module, self._text(path))
            positions = self._positions[path]
            r = positions.range(node)
            if r is not None:
                return path, positions, r
        return None

    def locate(self, node):
        """(path, row, column) of a node of another module, or None."""
        found = self.find(node)
        return None if found is None else (found[0], found[2][0], found[2][1] + 1)


def _to_report(diag, positions: _Positions, elsewhere: Elsewhere | None = None) -> Report | None:
    r = positions.range(diag.node)
    related = None
    fixable = diag.fix is not None and diag.fix.edits and all(e is not None for e in diag.fix.edits)
    if r is None:
        # A fault completed in this file about a node of an imported module: reported at the
        # anchor (its compile(), say) naming the other place; a fault wholly in the other
        # module is reported when that module is linted.
        anchors = elsewhere.built_through(diag) if elsewhere is not None else diag.anchors
        anchor = next((a for a in anchors if positions.range(a) is not None), None)
        found = elsewhere.locate(diag.node) if anchor is not None and elsewhere is not None else None
        if found is None:
            return None
        r = positions.range(anchor)
        related = found
        # Completed by this file's arguments to a shared builder: editing the builder would
        # change the models its other callers build, so no fix is offered here.
        fixable = fixable and bool(diag.anchors)
    elif elsewhere is not None:
        related = next(filter(None, (elsewhere.locate(n) for n in diag.about if positions.range(n) is None)), None)
    line, col, end_line, end_col = r
    fix = None
    if fixable:
        edits = [_text_edit(edit, positions, elsewhere) for edit in diag.fix.edits]
        if all(e is not None for e in edits):
            edits.sort(key=lambda e: (e.path or "", e.start))
            fix = TextFix(diag.fix.applicability, diag.fix.message, tuple(edits))
    report = Report(diag.code, diag.message, line, col + 1, end_line, end_col + 1, fix, noqa_row=line,
                    severity=diag.severity)
    if related is not None:
        from .project import display_path

        where = f"{display_path(related[0])}:{related[1]}:{related[2]}"
        report.message = f"{report.message} ({where})"
        report.related = ((display_path(related[0]), related[1], related[2]),)
    return report


def _text_edit(edit, positions: _Positions, elsewhere: Elsewhere | None) -> TextEdit | None:
    """A fix's edit as text offsets: in this file, or (``path`` set) in a project module it
    imports; None when its node is in neither."""
    er = positions.range(edit.node)
    path = None
    if er is None:
        found = elsewhere.find(edit.node) if elsewhere is not None else None
        if found is None:
            return None
        path, positions, er = str(found[0]), found[1], found[2]
    content = edit.replacement
    if not isinstance(content, str):
        content = positions.module.code_for_node(content)
    if getattr(edit, "insert", None) is not None:
        made = _insertion(edit.insert, er, content, positions)
    else:
        made = TextEdit(positions.offset(er[0], er[1]), positions.offset(er[2], er[3]), content,
                        er[0], er[1] + 1, er[2], er[3] + 1)
    return made if path is None else replace(made, path=path)


def _insertion(where: str, er, content: str, positions: _Positions) -> TextEdit:
    """A zero-width edit inserting whole lines before/after the lines of a node, or with
    ``"lines"`` an edit replacing the node's whole lines (line break included)."""
    if where == "lines":
        end_row = er[2] + 1
        if end_row - 1 < len(positions.line_starts):
            end = positions.line_starts[end_row - 1]
        else:
            end, end_row = positions.length, er[2]
        return TextEdit(positions.line_starts[er[0] - 1], end, content, er[0], 1, end_row, 1)
    row = er[0] if where == "before" else er[2] + 1
    if row - 1 < len(positions.line_starts):
        start = positions.line_starts[row - 1]
    else:  # after the last line, which has no line break
        start, content, row = positions.length, "\n" + content, er[2]
    return TextEdit(start, start, content, row, 1, row, 1)
