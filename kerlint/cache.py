"""The result cache: what linting a file found, so an unchanged file is not parsed again.

An entry holds one file's reports. Its key is a hash of the file's bytes, of kerlint itself
(the version and every source and data file of the package, so an edited checkout never reads
what older code found) and of the settings that shape the result (the selected codes, and
whether the bytes are a notebook). Entries are JSON files under the cache directory, one per
key, each with a checksum: an entry that fails to read, to check or to validate is a miss,
never a result. Writes go to a temporary file renamed over the entry, so runs sharing the
directory never see half an entry; two runs writing the same key write the same bytes.

Nothing here imports LibCST: a run whose files are all cache hits never parses Python.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

from . import __version__
from .diagnostics import Report, TextEdit, TextFix

DEFAULT_DIR = ".kerlint_cache"
FORMAT = 3  # of the entries; bump when their layout changes
PRUNE_AFTER = 7 * 24 * 3600  # seconds: folders of other kerlint builds unused this long go
_APPLICABILITIES = ("safe", "unsafe")
_SEVERITIES = ("error", "warning", "note")
_serial = 0


def package_fingerprint() -> str:
    """kerlint's version and the size and modification time of each of its files."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(f"kerlint {__version__} format {FORMAT}".encode())
    start = len(str(root)) + 1  # each entry's path relative to the root (os.path.relpath, cheaper)
    stack = [root]
    entries = []
    while stack:
        folder = stack.pop()
        try:
            listing = list(os.scandir(folder))
        except OSError:
            continue
        for e in listing:
            if e.is_dir(follow_symlinks=False):
                if e.name != "__pycache__":
                    stack.append(Path(e.path))
            elif e.name.endswith((".py", ".json")):
                try:
                    st = e.stat()
                except OSError:
                    continue
                entries.append(f"{e.path[start:]}:{st.st_size}:{st.st_mtime_ns}")
    for line in sorted(entries):
        h.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()[:24]


def warn(message: str) -> None:
    sys.stderr.write(f"kerlint: warning: {message}\n")


class Cache:
    """The cache at ``root``; ``open`` makes one. Picklable: worker processes write entries."""

    def __init__(self, root: Path, fingerprint: str | None = None, writable: bool = True):
        self.root = Path(root)
        self.fingerprint = fingerprint or package_fingerprint()
        self.folder = self.root / f"v{FORMAT}-{self.fingerprint}"
        self.writable = writable

    @classmethod
    def open(cls, root, *, report=warn) -> Cache | None:
        """The cache in folder ``root``, created with a ``.gitignore`` that ignores it.

        A folder that cannot be created or written is a warning (through ``report``), not a
        failure: the run goes on reading what entries there are, or without a cache."""
        cache = cls(Path(root))
        try:
            cache.folder.mkdir(parents=True, exist_ok=True)
            _write_if_missing(cache.root / ".gitignore", b"# Automatically created by kerlint.\n*\n")
            _write_if_missing(
                cache.root / "CACHEDIR.TAG",
                b"Signature: 8a477f597d28d172789f06886806bc55\n"
                b"# This file is a cache directory tag created by kerlint.\n",
            )
            if not os.access(cache.folder, os.W_OK):
                raise PermissionError("permission denied")
        except OSError as exc:
            report(f"cannot write the cache in {root}: {exc.strerror or exc}; results will not be cached")
            cache.writable = False
            return cache if cache.folder.is_dir() else None
        cache._prune()
        return cache

    def _prune(self) -> None:
        """Remove the folders of other kerlint builds that no run has used for a while."""
        now = time.time()
        try:
            # Touch our own folder so a concurrent run of another build keeps it.
            os.utime(self.folder)
            listing = list(os.scandir(self.root))
        except OSError:
            return
        for e in listing:
            if e.name.startswith("v") and e.path != str(self.folder) and e.is_dir(follow_symlinks=False):
                try:
                    old = now - e.stat(follow_symlinks=False).st_mtime > PRUNE_AFTER
                except OSError:
                    continue
                if old:
                    import shutil

                    shutil.rmtree(e.path, ignore_errors=True)

    # -- entries -------------------------------------------------------------------------

    def key(self, codes, data: bytes, kind: str = "python", target: str | None = None) -> str:
        """The key of a source's result: its bytes, its kind (``Source.kind``), the codes, and
        the Keras its project pins (``keras_target``: a new pin changes what KER4 reports)."""
        h = hashlib.sha256()
        h.update(self.fingerprint.encode())
        h.update(f"\0{kind}\0{target or ''}\0".encode())
        h.update(",".join(sorted(codes)).encode())
        h.update(b"\0")
        h.update(data)
        return h.hexdigest()

    def _path(self, key: str) -> str:
        # Strings, not pathlib: this runs for every file of a run.
        return f"{self.folder}{os.sep}{key[:2]}{os.sep}{key[2:]}"

    def get(self, key: str):
        """(reports, source) stored for ``key``, or None when there is no sound entry."""
        try:
            with open(self._path(key), "rb", buffering=0) as fh:
                raw = fh.read()
        except OSError:
            return None
        try:
            digest, _, body = raw.partition(b"\n")
            if hashlib.sha256(body).hexdigest().encode() != digest:
                return None
            entry = json.loads(body)
            if not isinstance(entry, dict) or entry.get("key") != key:
                return None
            reports = [_report(r) for r in _list(entry.get("reports"))]
            source = entry.get("source")
            if source is not None and not isinstance(source, str):
                return None
            if not _unchanged(entry.get("dependencies", {})):
                return None
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            return None
        return reports, source

    def put(self, key: str, reports, source: str | None = None, dependencies: dict | None = None) -> None:
        """Store an entry; a failure to write is not an error (the next run lints again).
        ``dependencies``: {path: digest} of the project modules the result was worked out
        with; the entry holds only while each still has that digest."""
        if not self.writable:
            return
        body = json.dumps(
            {"key": key, "reports": [_plain(r) for r in reports], "source": source,
             "dependencies": dependencies or {}},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8", "surrogatepass")
        data = hashlib.sha256(body).hexdigest().encode() + b"\n" + body
        path = Path(self._path(key))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, data)
        except OSError:
            pass

    # -- what the command line needs before any rule module is imported ----------------

    def meta(self) -> dict | None:
        """{"public": [names]} for this kerlint build: read from the cache, or worked out
        (reading the catalog) and stored."""
        path = self.folder / "meta.json"
        try:
            raw = path.read_bytes()
            digest, _, body = raw.partition(b"\n")
            if hashlib.sha256(body).hexdigest().encode() == digest:
                meta = json.loads(body)
                if _valid_meta(meta):
                    return meta
        except (OSError, ValueError, TypeError, RecursionError):
            pass
        meta = build_meta()
        if self.writable:
            body = json.dumps(meta, sort_keys=True).encode()
            try:
                _write_atomic(path, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
            except OSError:
                pass
        return meta


def build_meta() -> dict:
    from .catalog import get_catalog

    return {"public": sorted(get_catalog().public_class_names())}


def _valid_meta(meta) -> bool:
    return (
        isinstance(meta, dict)
        and isinstance(meta.get("public"), list)
        and all(isinstance(n, str) for n in meta["public"])
    )


def default_root(config_file: str | None = None, isolated: bool = False) -> Path:
    """``.kerlint_cache`` in the project root: the folder of the configuration in force for
    the current directory, else the current directory."""
    from .config import find_config

    cwd = Path.cwd()
    if isolated:
        return cwd / DEFAULT_DIR
    if config_file is not None:
        return Path(os.path.abspath(config_file)).parent / DEFAULT_DIR
    found = find_config(cwd)
    return (found.parent if found is not None else cwd) / DEFAULT_DIR


# -- plain data <-> JSON, checked field by field -------------------------------------------


def _plain(r: Report) -> list:
    fix = None
    if r.fix is not None:
        fix = [r.fix.applicability, r.fix.message,
               [[e.start, e.end, e.content, e.row, e.column, e.end_row, e.end_column, e.path] for e in r.fix.edits]]
    return [r.code, r.message, r.row, r.column, r.end_row, r.end_column, fix, r.noqa_row, r.cell, r.cell_row,
            r.extra, [list(x) for x in r.related], r.severity]


def _unchanged(dependencies) -> bool:
    """Every project module an entry was worked out with still has the digest it had."""
    if not isinstance(dependencies, dict):
        return False
    if not dependencies:
        return True
    from .project import Project

    for path, digest in dependencies.items():
        if Project.digest_of(Path(path)) != digest:
            return False
    return True


def _list(value) -> list:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _int(value, optional: bool = False):
    if value is None and optional:
        return None
    if type(value) is not int:
        raise TypeError("not an int")
    return value


def _str(value) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _report(item) -> Report:
    code, message, row, column, end_row, end_column, fix, noqa_row, cell, cell_row, extra, related, severity = _list(item)
    text_fix = None
    if fix is not None:
        applicability, fix_message, edits = _list(fix)
        if applicability not in _APPLICABILITIES:
            raise ValueError("unknown applicability")
        text_edits = []
        for e in _list(edits):
            start, end, content, e_row, e_col, e_end_row, e_end_col, path = _list(e)
            text_edits.append(TextEdit(_int(start), _int(end), _str(content), _int(e_row), _int(e_col),
                                       _int(e_end_row), _int(e_end_col), None if path is None else _str(path)))
        text_fix = TextFix(applicability, _str(fix_message), tuple(text_edits))
    if not isinstance(extra, dict) or not all(isinstance(k, str) and type(v) is int for k, v in extra.items()):
        raise TypeError("bad extra")
    places = tuple((_str(f), _int(r), _int(c)) for f, r, c in (_list(x) for x in _list(related)))
    return Report(_str(code), _str(message), _int(row), _int(column), _int(end_row), _int(end_column), text_fix,
                  _int(noqa_row, True), _int(cell, True), _int(cell_row, True), dict(extra), places,
                  None if severity is None else _severity(severity))


def _severity(value) -> str:
    if value not in _SEVERITIES:
        raise ValueError("unknown severity")
    return value


def _write_if_missing(path: Path, data: bytes) -> None:
    if not path.exists():
        _write_atomic(path, data)


def _write_atomic(path: Path, data: bytes) -> None:
    # A name no other process picks (pid, and a counter within it); `tempfile` costs start-up time.
    global _serial
    _serial += 1
    tmp = path.parent / f".tmp-{os.getpid()}-{_serial}-{path.name[:16]}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
