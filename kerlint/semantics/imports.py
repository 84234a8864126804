"""Imports of the project's own modules: the imported module's body runs (once per lint, as
Python runs an import) and the names it binds are what the importing file gets, so a builder
in ``models.py`` called from ``train.py`` is interpreted with ``train.py``'s arguments.

Where modules are and their parsed source come from a project (``kerlint.project.Project``,
passed in: this layer reads no files). Installed packages are never followed; Keras and
TensorFlow are known through the catalog instead.
"""

from __future__ import annotations

import libcst as cst

from ..interp.values import UNKNOWN, ModuleVal
from ..names import Resolver, dotted_name


class ProjectImports:
    def __init__(self, project, origin):
        self.project = project
        self.importers = [origin]  # the module whose import statements run, innermost last
        self.read: dict = {}  # path -> parsed module, for every project module the lint read

    def bind(self, sem, node) -> dict:
        """``{local name: Value}`` for what an import statement takes from project modules."""
        if isinstance(node, cst.ImportFrom):
            return self._import_from(sem, node)
        values = {}
        for alias in node.names:
            full = dotted_name(alias.name)
            if not full:
                continue
            parts = full.split(".")
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                target = self._load(sem, self._resolve(full, 0))
                if target is not UNKNOWN:
                    values[alias.asname.name.value] = target
                continue
            top = self._load(sem, self._resolve(parts[0], 0))
            if top is UNKNOWN:
                continue
            values[parts[0]] = top
            outer = top
            for i in range(1, len(parts)):  # ``import pkg.mod`` makes pkg.mod reachable
                inner = self._load(sem, self._resolve(".".join(parts[: i + 1]), 0))
                if inner is UNKNOWN or not isinstance(outer, ModuleVal):
                    break
                outer.env.vars.setdefault(parts[i], inner)
                outer = inner
        return values

    def _import_from(self, sem, node: cst.ImportFrom) -> dict:
        level = len(node.relative)
        module = dotted_name(node.module) if node.module is not None else None
        if node.module is not None and module is None:
            return {}
        if isinstance(node.names, cst.ImportStar):
            loaded = self._load(sem, self._resolve(module, level))
            if not isinstance(loaded, ModuleVal):
                return {}
            return {k: v for k, v in loaded.env.vars.items() if not k.startswith("_")}
        values = {}
        source = None
        for alias in node.names:
            name = dotted_name(alias.name)
            if not name:
                continue
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            submodule = self._resolve(f"{module}.{name}" if module else name, level)
            if submodule is not None:  # ``from pkg import mod``
                loaded = self._load(sem, submodule)
                if loaded is not UNKNOWN:
                    values[local] = loaded
                continue
            if source is None:
                source = self._load(sem, self._resolve(module, level))
            if isinstance(source, ModuleVal):
                value, found = source.env.lookup(name)
                if found:
                    values[local] = value
        return values

    def _resolve(self, module: str | None, level: int):
        if not level and not module:
            return None
        return self.project.resolve(self.importers[-1], module, level)

    def _load(self, sem, path):
        """The ModuleVal of the project module at ``path`` (run on first import), or UNKNOWN."""
        if path is None or path in self.importers:
            return sem.interp.modules.get(path, UNKNOWN) if path is not None else UNKNOWN
        tree = self.project.parsed(path)
        if tree is None:
            return UNKNOWN
        self.read[path] = tree
        self.importers.append(path)
        resolver, sem.resolver = sem.resolver, Resolver()  # its imports are its own
        try:
            return sem.interp.load_module(path, tree)
        finally:
            sem.resolver = resolver
            self.importers.pop()
