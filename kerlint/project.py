"""The linted project's own modules: where an import of one leads, and its parsed source.

A file that imports ``models`` or ``.losses`` from its own project is understood with that
module read too (issue: see the whole project). The project root is the folder of the nearest
``pyproject.toml`` with ``[tool.kerlint]``, else of the repository (``.git``), else the file's
own folder. An absolute import is looked up from the importing file's folder (a script run as
``python train.py`` imports its neighbours), the root and ``root/src``; a relative one from the
importing package. Nothing outside the root is read, nor installed packages.

Each module is read and parsed once per process; ``Project.text`` is the one place module
source comes from (an editor can put open buffers there).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .config import find_config
from .files import exists

# A module bigger than this is not read for an import (generated code).
MAX_MODULE_BYTES = 1_000_000
_TOP_LEVEL_NOT_OURS = {"keras", "tensorflow", "tf_keras", "tf", "numpy", "np", "pandas", "sklearn", "torch", "jax"}


class Project:
    def __init__(self, root: Path):
        self.root = Path(os.path.abspath(root))
        self._parsed: dict[Path, object] = {}
        self._texts: dict[Path, tuple] = {}  # path -> (stat it was read at, text)
        self._buffers: dict[Path, str] = {}  # texts that win over the disk (fixes not written yet)

    # -- where an import leads ----------------------------------------------------------
    def resolve(self, importer: Path, module: str | None, level: int = 0) -> Path | None:
        """The project file ``from <level dots><module> import ...`` / ``import <module>`` in
        ``importer`` reads, or None (not the project's, or not found)."""
        parts = module.split(".") if module else []
        if level:
            base = Path(os.path.abspath(importer)).parent
            for _ in range(level - 1):
                base = base.parent
            bases = [base]
        else:
            if not parts or parts[0] in _TOP_LEVEL_NOT_OURS:
                return None
            here = Path(os.path.abspath(importer)).parent
            bases = [here, self.root, self.root / "src"]
        for base in bases:
            found = _module_file(base, parts)
            if found is not None and self.contains(found) and found != Path(os.path.abspath(importer)):
                return found
        return None

    def contains(self, path: Path) -> bool:
        try:
            Path(os.path.abspath(path)).relative_to(self.root)
        except ValueError:
            return False
        return True

    # -- what a module holds --------------------------------------------------------------
    def set_buffer(self, path: Path, text: str | None) -> None:
        """Make ``text`` the module's source until set to None (then the disk's again)."""
        path = Path(os.path.abspath(path))
        if text is None:
            self._buffers.pop(path, None)
        else:
            self._buffers[path] = text
        self._texts.pop(path, None)
        self._parsed.pop(path, None)

    def text(self, path: Path) -> str | None:
        """A module's source, or None when it cannot be read as UTF-8 Python or is too big.
        Read again (and parsed again) when the file changed since (a long-lived process)."""
        if path in self._buffers:
            if path not in self._texts:
                self._texts[path] = (None, self._buffers[path])
            return self._buffers[path]
        stamp = _stamp(path)
        known = self._texts.get(path)
        if known is None or known[0] != stamp:
            self._texts[path] = (stamp, _read(path))
            self._parsed.pop(path, None)
        return self._texts[path][1]

    def parsed(self, path: Path):
        """A module's LibCST tree (parsed once per process while unchanged), or None."""
        text = self.text(path)
        if path not in self._parsed:
            from .interp.tree import parse_module

            tree = None
            if text is not None:
                try:
                    tree = parse_module(text)
                except Exception:  # noqa: BLE001 - a module kerlint cannot read is not followed
                    tree = None
            self._parsed[path] = tree
        return self._parsed[path]

    def fingerprint(self, path: Path) -> str | None:
        """A digest of a module's source as this run read it, for cache entries."""
        return _digest(self.text(path))

    @staticmethod
    def digest_of(path: Path) -> str | None:
        """The digest of a module's source as it is on disk now."""
        return _digest(_read(path))



def display_path(path: Path) -> str:
    """A module's path as reports show it: relative to the working folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


_IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import|import[ \t]+([\w.]+))", re.M)


def imports_reach_keras(path: Path, data: bytes, prescan) -> bool:
    """True when a file without Keras text of its own imports a project module that has some
    (``prescan`` says which text may): its models come from there."""
    if b"import" not in data:
        return False
    project = project_for(path)
    for m in _IMPORT.finditer(data):
        dots, module, plain = (g.decode("ascii", "replace") if g else "" for g in m.groups())
        target = project.resolve(Path(path), module or plain or None, len(dots))
        if target is not None and (text := project.text(target)) is not None and prescan(text):
            return True
    return False


def root_for(path: Path) -> Path:
    """The project root of a linted file (see the module docstring)."""
    # Strings, not pathlib: asked for every file of a run, mostly of a folder asked before.
    folder = os.path.dirname(os.path.abspath(path))
    root = _ROOTS.get(folder)
    if root is None:
        config = find_config(folder)
        if config is not None:
            root = config.parent
        else:
            root = Path(_repository(folder) or folder)
        _ROOTS[folder] = root
    return root


_ROOTS: dict[str, Path] = {}  # folder -> its project root, once per process
_REPOSITORIES: dict[str, str | None] = {}  # folder -> the nearest folder at or above it with .git


def _repository(folder: str) -> str | None:
    walked, found = [], None
    while True:
        if folder in _REPOSITORIES:
            found = _REPOSITORIES[folder]
            break
        walked.append(folder)
        if exists(os.path.join(folder, ".git")):
            found = folder
            break
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    for folder in walked:
        _REPOSITORIES[folder] = found
    return found


_PROJECTS: dict[Path, Project] = {}


def project_for(path: Path) -> Project:
    """The Project of a linted file, one per root per process (its parsed modules are shared)."""
    root = root_for(path)
    if root not in _PROJECTS:
        _PROJECTS[root] = Project(root)
    return _PROJECTS[root]


def _module_file(base: Path, parts: list) -> Path | None:
    if not parts:
        init = base / "__init__.py"
        return init if init.is_file() else None
    target = base.joinpath(*parts)
    for candidate in (target.with_suffix(".py") if target.name else None, target / "__init__.py"):
        if candidate is not None and candidate.is_file():
            return Path(os.path.abspath(candidate))
    return None


def _stamp(path: Path):
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _digest(text: str | None) -> str | None:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() if text is not None else None


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_MODULE_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
