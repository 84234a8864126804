"""Applying fixes: edits to a fixpoint, a check that the result still parses, atomic writes,
diffs, and the summary lines that tell what was fixed.

A fix never breaks a file: every round's text must parse (and compile, if the original did),
or the file is left as it was with an internal-error diagnostic; the bytes written keep the
file's encoding, BOM, line endings and permissions; a write is a rename of a synced temporary
file, so an interrupted run leaves the original intact.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tokenize
from collections import Counter
from dataclasses import field, replace
from itertools import count
from pathlib import Path

from .data import FACTORY, record
from .diagnostics import SAFE, UNSAFE, Report, TextEdit
from .files import decode, inside

# Rounds of lint -> fix. Non-overlapping fixes all land in one round; only fixes that touch
# the same text wait, so real files settle in two or three.
MAX_ROUNDS = 10


def apply_edits(source: str, edits) -> str:
    """Apply non-overlapping ``TextEdit``s (any order) to ``source``."""
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError("overlapping edits")
        out.append(source[pos : edit.start])
        out.append(edit.content)
        pos = edit.end
    out.append(source[pos:])
    return "".join(out)


@record(frozen=True)
class FixMode:
    """How --fix, --diff and --fix-only fix (``check``'s flags)."""

    unsafe: bool = False  # apply unsafe fixes too
    write: bool = True  # False for --diff and stdin
    diff: bool = False
    fixable: frozenset | None = None  # the codes whose fixes may apply (`fixable`/`unfixable`); None: all

    def __init__(self, unsafe=False, write=True, diff=False, fixable=None):
        set_field = object.__setattr__
        set_field(self, "unsafe", unsafe)
        set_field(self, "write", write)
        set_field(self, "diff", diff)
        set_field(self, "fixable", fixable)



@record
class FileFix:
    """What fixing did to one file (``FileResult.fix``)."""

    fixed: Counter = field(default_factory=Counter)  # code -> fixes applied (or that would be)
    diff: str | None = None
    output: bytes | None = None  # the fixed file's bytes (stdin mode)

    def __init__(self, fixed=FACTORY, diff=None, output=None):
        self.fixed = Counter() if fixed is FACTORY else fixed
        self.diff = diff
        self.output = output


@record
class FixOutcome:
    """What the fix loop ends with (``fix_to_fixpoint``)."""

    program: object  # the fixed program; the start one when nothing applied or on error
    reports: list  # diagnostics that remain in ``program``
    fixed: Counter
    original_reports: list
    error: Report | None = None

    def __init__(self, program, reports, fixed, original_reports, error=None):
        self.program = program
        self.reports = reports
        self.fixed = fixed
        self.original_reports = original_reports
        self.error = error

    @property
    def text(self) -> str:
        return self.program.text


def applies(report, unsafe: bool, fixable=None) -> bool:
    """Whether --fix applies the report's fix: safe (or unsafe, with ``unsafe``), and of a code
    in ``fixable`` (None: any code)."""
    fix = report.fix
    if fixable is not None and report.code not in fixable:
        return False
    return fix is not None and bool(fix.edits) and (fix.applicability == SAFE or (unsafe and fix.applicability == UNSAFE))


def without_fixes(results, codes):
    """The results with the fixes of ``codes`` (the unfixable ones) taken off their reports, as
    ruff does: no ``[*]``, not counted as fixable, no fix in JSON or SARIF."""
    for result in results:
        result.reports = [replace(r, fix=None) if r.fix is not None and r.code in codes else r
                          for r in result.reports]
    return results


def crosses_files(fix) -> bool:
    """A fix with an edit in another file than the one its diagnostic is in."""
    return fix is not None and any(e.path is not None for e in fix.edits)


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    if a.start == a.end == b.start == b.end:
        return True  # two insertions at one point: their order would be a guess
    return a.start < b.end and b.start < a.end


def _newline(text: str) -> str:
    m = re.search(r"\r\n|\r|\n", text)
    return m.group(0) if m else "\n"


def _normalized(edit: TextEdit, newline: str) -> TextEdit:
    if newline == "\n" or not re.search(r"\r\n|\r|\n", edit.content):
        return edit
    return replace(edit, content=re.sub(r"\r\n|\r|\n", newline, edit.content))


def choose(reports, text: str, unsafe: bool, fixable=None):
    """The fixes to apply this round, in position order, none touching another's text.

    Returns (chosen reports, malformed report or None): a fix whose own edits overlap is
    a kerlint bug. A fix that changes nothing is skipped.
    """
    taken: list[TextEdit] = []
    chosen = []
    # A fix that edits another file waits for the pass over all the linted files (crossfix).
    candidates = [r for r in reports if applies(r, unsafe, fixable) and not crosses_files(r.fix)]
    candidates.sort(key=lambda r: (min(e.start for e in r.fix.edits), r.code))
    for report in candidates:
        edits = report.fix.edits
        if any(_overlap(a, b) for i, a in enumerate(edits) for b in edits[i + 1 :]):
            return chosen, report
        if all(text[e.start : e.end] == e.content for e in edits):
            continue
        if any(_overlap(a, b) for a in edits for b in taken):
            continue  # waits for the next round, re-linted against the new text
        taken.extend(edits)
        chosen.append(report)
    return chosen, None


def _compile(text: str, ast_only: bool = False) -> None:
    """Python's check of ``text``, without the SyntaxWarnings it prints about the user's code
    (``x is 1``, ``assert (x, "message")``)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if ast_only:
            import ast

            ast.parse(text)
        else:
            compile(text, "<kerlint>", "exec", dont_inherit=True)


def _compiles(text: str) -> bool:
    try:
        _compile(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def parse_problem(text: str, must_compile: bool) -> str | None:
    """Why ``text`` is not valid Python (Python's and LibCST's view), or None."""
    import libcst as cst

    try:
        _compile(text, ast_only=not must_compile)
    except SyntaxError as exc:
        return f"{exc.msg} at line {exc.lineno}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return f"{type(exc).__name__}: {exc}"
    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return f"LibCST cannot parse it: {exc.message} at line {exc.raw_line}"
    except RecursionError:
        return "LibCST cannot parse it: nested too deeply"
    return None


def _internal(message: str, at: Report) -> Report:
    row, col = at.row, at.column
    return Report(
        "KER000",
        f"internal error in kerlint: {message}; the file was left unchanged. Please report this "
        "with the file that caused it",
        row,
        col,
        row,
        col,
    )


def codes_of(reports) -> str:
    return ", ".join(sorted({r.code for r in reports}))


class Unwritable(Exception):
    """A round's edits cannot be carried back into the source (a notebook's cells); says why."""


@record(frozen=True)
class PythonText:
    """A Python file's text as the fix loop sees it: what is linted is what is written, and an
    edit's line breaks become the file's own."""

    text: str
    newline: str = "\n"

    def __init__(self, text, newline="\n"):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "newline", newline)

    @classmethod
    def of(cls, text: str) -> PythonText:
        return cls(text, _newline(text))

    @property
    def code(self) -> str:
        return self.text

    def with_edits(self, edits) -> PythonText:
        return PythonText(apply_edits(self.text, [_normalized(e, self.newline) for e in edits]), self.newline)


@record(frozen=True)
class Stuck:
    """Why a fix loop gave up and left the source as it was: a kerlint bug met in a round."""

    reason: str  # "overlap", "unwritable", "invalid", "cycle" or "unsettled"
    at: Report  # the fix to blame: the malformed one, else the round's first
    fixes: tuple  # the round's fixes (for "overlap", the malformed one)
    culprits: tuple = ()  # "invalid": the fixes that break the code on their own
    detail: str = ""  # "unwritable", "invalid": what went wrong
    rounds: int = MAX_ROUNDS

    def __init__(self, reason, at, fixes, culprits=(), detail="", rounds=MAX_ROUNDS):
        set_field = object.__setattr__
        set_field(self, "reason", reason)
        set_field(self, "at", at)
        set_field(self, "fixes", fixes)
        set_field(self, "culprits", culprits)
        set_field(self, "detail", detail)
        set_field(self, "rounds", rounds)


def python_stuck_report(stuck: Stuck) -> Report:
    """The KER000 report of a Python file whose fixes gave up."""
    codes = codes_of(stuck.fixes)
    if stuck.reason == "invalid":
        return _internal(f"the fix for {codes_of(stuck.culprits)} would make the file invalid Python "
                         f"({stuck.detail})", stuck.culprits[0])
    message = {
        "overlap": f"the fix for {codes} has overlapping edits",
        "cycle": f"the fixes for {codes} undo each other",
        "unsettled": f"the fixes did not settle after {stuck.rounds} rounds ({codes})",
    }[stuck.reason]
    return _internal(message, stuck.at)


def _culprits(program, chosen, must_compile: bool) -> tuple:
    """The round's fixes that break the code on their own (all of them when none does alone)."""
    culprits = []
    for report in chosen:
        try:
            alone = program.with_edits(report.fix.edits)
        except Unwritable:
            culprits.append(report)
            continue
        if parse_problem(alone.code, must_compile) is not None:
            culprits.append(report)
    return tuple(culprits or chosen)


def fix_to_fixpoint(start, lint, describe, *, unsafe: bool = False, fixable=None,
                    max_rounds: int = MAX_ROUNDS) -> FixOutcome:
    """Lint, apply the applicable fixes, re-lint, until nothing more is fixable: the one fix
    loop, for every kind of source.

    ``start`` is the program as read (``PythonText``, or a notebook's ``CellProgram``): its
    ``text`` is what the user wrote, its ``code`` what is parsed and linted, and
    ``with_edits`` gives the next round's program. ``lint(program)`` returns its reports;
    ``describe(Stuck)`` makes the report of a round that gives up. On any sign of a kerlint bug
    (a fixed text that does not parse, a fix with overlapping edits or that cannot be written
    back, fixes that cycle or do not settle) the outcome is the start program with that report
    added. ``fixable``: the codes whose fixes apply (None: all).
    """
    first = lint(start)
    program, reports, fixed = start, first, Counter()
    seen = {start.text}
    must_compile = _compiles(start.code)

    def stuck(reason: str, chosen, **details) -> FixOutcome:
        error = describe(Stuck(reason, chosen[0], tuple(chosen), rounds=max_rounds, **details))
        return FixOutcome(start, sorted(first + [error], key=Report.sort_key), Counter(), first, error)

    for round_ in count():
        chosen, malformed = choose(reports, program.code, unsafe, fixable)
        if malformed is not None:
            return stuck("overlap", [malformed])
        if not chosen:
            return FixOutcome(program, reports, fixed, first)
        if round_ == max_rounds:
            return stuck("unsettled", chosen)
        try:
            new = program.with_edits([e for r in chosen for e in r.fix.edits])
        except Unwritable as exc:
            return stuck("unwritable", chosen, detail=str(exc))
        problem = parse_problem(new.code, must_compile)
        if problem is not None:
            return stuck("invalid", chosen, culprits=_culprits(program, chosen, must_compile), detail=problem)
        if new.text in seen:
            return stuck("cycle", chosen)
        seen.add(new.text)
        fixed.update(r.code for r in chosen)
        before = reports
        program, reports = new, lint(new)
        fixed.update(_absorbed(before, chosen, reports, unsafe))


def _absorbed(before, chosen, after, unsafe: bool) -> Counter:
    """Codes of fixable reports that waited on an overlapping fix and are gone after it: one
    edit fixed both (KER401 and KER402 on one optimizer call), so both count as fixed."""
    waiting = Counter(r.code for r in before if applies(r, unsafe) and r not in chosen)
    gone = Counter(r.code for r in before if r not in chosen) - Counter(r.code for r in after)
    return Counter({code: min(n, gone[code]) for code, n in waiting.items() if gone[code]})


def fix_text(source: str, lint, *, unsafe: bool = False, max_rounds: int = MAX_ROUNDS) -> FixOutcome:
    """``fix_to_fixpoint`` on Python text, ``lint(text)`` giving its reports."""
    return fix_to_fixpoint(PythonText.of(source), lambda program: lint(program.code), python_stuck_report,
                           unsafe=unsafe, max_rounds=max_rounds)


# -- bytes, files, diffs ---------------------------------------------------------------


class WriteError(Exception):
    """The fixed text could not be written; the message says why."""


def encode_like(original: bytes, text: str) -> bytes:
    """``text`` encoded as ``original`` was: its declared encoding and its BOM."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(original).readline)
    try:
        data = text.encode(encoding)  # "utf-8-sig" writes the BOM back
    except UnicodeEncodeError as exc:
        raise WriteError(f"the fixed text cannot be encoded as {encoding}: {exc}") from None
    again, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    if again != encoding or decode(data) != text:
        raise WriteError(f"the fixed text would not read back as {encoding}")
    return data


def write_atomic(path: Path, data: bytes, expected: bytes) -> None:
    """Replace ``path``'s content with ``data``: temporary file in the same directory,
    fsync, rename. Keeps the mode (and owner, where allowed). Refuses a read-only file and
    one that no longer holds ``expected`` (edited meanwhile). A symlink's target is written
    when it lies in the link's folder or the current one (or below): never out of the tree."""
    write_together([(path, data, expected)])


def write_together(files) -> None:
    """``write_atomic`` for several files ``[(path, data, expected)]``: every one is checked
    and its new content written aside first, then all are renamed in place; if a rename
    fails, those already done get their old content back. All or none."""
    staged = []
    try:
        for path, data, expected in files:
            staged.append((*_stage(path, data, expected), expected))
        done = []
        try:
            for real, tmp, expected in staged:
                os.replace(tmp, real)
                done.append((real, expected))
        except OSError:
            for real, expected in done:
                real.write_bytes(expected)
            raise
    except OSError as exc:
        raise WriteError(exc.strerror or str(exc)) from None
    finally:
        for _, tmp, _ in staged:
            if os.path.exists(tmp):
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
    for real, _, _ in staged:
        _sync_folder(real.parent)


def _stage(path: Path, data: bytes, expected: bytes) -> tuple[Path, str]:
    """(the file to replace, a synced temporary file beside it holding ``data``)."""
    real = os.path.realpath(path)
    if real != os.path.abspath(path) and not any(
        inside(real, os.path.realpath(folder)) for folder in (os.path.dirname(os.path.abspath(path)), os.getcwd())
    ):
        raise WriteError(f"it is a symbolic link to {real}, outside the folder kerlint was run on")
    path = Path(real)
    try:
        st = os.stat(path)
        if not os.access(path, os.W_OK):
            # The rename would get past a read-only mode; an editor would not.
            raise WriteError("the file is read-only")
        with open(path, "rb") as f:
            if f.read() != expected:
                raise WriteError("the file changed on disk while kerlint was fixing it")
        import tempfile  # here: `kerlint check` without --fix need not load it

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".kerlint.tmp", dir=path.parent)
    except OSError as exc:
        raise WriteError(exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown"):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:
                pass  # not ours to give away; the mode is kept
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteError(exc.strerror or str(exc)) from None
        raise
    return path, tmp


def _sync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable."""
    try:
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def unified_diff(name: str, old: str, new: str) -> str:
    import difflib

    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    out = []
    for line in difflib.unified_diff(a, b, fromfile=name, tofile=name):
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


# -- what the run tells the user ---------------------------------------------------------


def _plural(n: int, word: str, suffix: str = "s") -> str:
    return f"{n} {word}{'' if n == 1 else suffix}"


def summary(results, *, fixing: bool, unsafe: bool, fix_only: bool, diff: bool) -> list[str]:
    """The closing lines, in ruff's words: found/fixed/remaining, and what a flag would fix."""
    fixed = sum(sum(r.fix.fixed.values()) for r in results if getattr(r, "fix", None) is not None)
    remaining = [rep for r in results for rep in r.reports]
    # After --fix, what is left either had no fix or waits on one that could not apply.
    applicable = 0 if fixing else sum(1 for rep in remaining if applies(rep, unsafe))
    hidden = 0 if unsafe else sum(1 for rep in remaining if rep.fix is not None and rep.fix.applicability == UNSAFE)
    lines = []
    if fix_only or diff:
        verb = "Would fix" if diff else "Fixed"
        if hidden:
            extra = f"{_plural(hidden, 'additional fix', 'es')} available with `--unsafe-fixes`"
            if fixed:
                lines.append(f"{verb} {_plural(fixed, 'error')} ({extra}).")
            else:
                none = "No errors would be fixed" if diff else "No errors fixed"
                lines.append(f"{none} ({_plural(hidden, 'fix', 'es')} available with `--unsafe-fixes`).")
        elif fixed:
            lines.append(f"{verb} {_plural(fixed, 'error')}.")
        elif diff:
            lines.append("No errors would be fixed.")
        else:
            lines.append("No errors fixed.")
        return lines
    if fixed:
        total = fixed + len(remaining)
        lines.append(f"Found {_plural(total, 'error')} ({fixed} fixed, {len(remaining)} remaining).")
    elif remaining:
        lines.append(f"Found {_plural(len(remaining), 'error')}.")
    else:
        lines.append("All checks passed!")
    if applicable and hidden:
        lines.append(f"{applicable} fixable with the `--fix` option "
                     f"({_plural(hidden, 'hidden fix', 'es')} can be enabled with the `--unsafe-fixes` option).")
    elif applicable:
        lines.append(f"{applicable} fixable with the `--fix` option.")
    elif hidden:
        lines.append(f"No fixes available ({_plural(hidden, 'hidden fix', 'es')} can be enabled with the "
                     "`--unsafe-fixes` option).")
    return lines
