"""Imports of the project's own modules: the imported module's body runs (once per lint, as
Python runs an import) and the names it binds are what the importing file gets, so a builder
in ``models.py`` called from ``train.py`` is interpreted with ``train.py``'s arguments.

Where modules are and their parsed source come from a project (``kerlint.project.Project``,
passed in: this layer reads no files). Installed packages are never followed; Keras and
TensorFlow are known through the catalog instead.
"""

from __future__ import annotations

import libcst as cst

from ..interp.values import UNKNOWN, LazyValue, ModuleVal, resolved
from ..names import Resolver, dotted_name


# Project modules one lint reads at most (an application imports a few; a library file, dozens).
MAX_MODULES = 10


def _namespace(name: str) -> ModuleVal:
    """A namespace package: a module with no code, holding the submodules imported through it."""
    from ..interp.scope import Env

    return ModuleVal(("namespace", name), Env(), loading=False)


class ProjectImports:
    def __init__(self, project, origin):
        self.project = project
        self.importers = [origin]  # the module whose import statements run, innermost last
        self.read: dict = {}  # path -> parsed module, for every project module the lint read

    def bind(self, sem, node) -> dict:
        """``{local name: Value}`` for what an import statement takes from project modules.
        Each is lazy: its module is read when the name is first used."""
        if isinstance(node, cst.ImportFrom):
            return self._import_from(sem, node)
        values = {}
        for alias in node.names:
            full = dotted_name(alias.name)
            if not full:
                continue
            parts = full.split(".")
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                path = self._resolve(full, 0)
                if path is not None:
                    values[alias.asname.name.value] = self._lazy_module(sem, path)
                continue
            paths = [self._resolve(".".join(parts[: i + 1]), 0) for i in range(len(parts))]
            if paths[0] is not None or (len(parts) > 1 and paths[-1] is not None):
                # A namespace package (a folder without __init__.py) has no file: an empty module.
                values[parts[0]] = self._lazy_package(sem, paths, parts)
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
        source = self._resolve(module, level)
        for alias in node.names:
            name = dotted_name(alias.name)
            if not name:
                continue
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            submodule = self._resolve(f"{module}.{name}" if module else name, level)
            if submodule is not None:  # ``from pkg import mod``
                values[local] = self._lazy_module(sem, submodule)
            elif source is not None:
                values[local] = LazyValue(lambda path=source, name=name: self._name_in(sem, path, name))
        return values

    def _lazy_module(self, sem, path) -> LazyValue:
        return LazyValue(lambda: self._load(sem, path))

    def _lazy_package(self, sem, paths: list, parts: list) -> LazyValue:
        """``import pkg.mod``: ``pkg``, with ``pkg.mod`` reachable through it."""
        def load():
            top = self._load(sem, paths[0]) if paths[0] is not None else _namespace(".".join(parts[:1]))
            outer = top
            for i, (path, part) in enumerate(zip(paths[1:], parts[1:]), 1):
                if not isinstance(outer, ModuleVal):
                    break
                if path is None:
                    if paths[-1] is None:
                        break
                    inner = outer.env.vars.setdefault(part, _namespace(".".join(parts[: i + 1])))
                else:
                    inner = self._load(sem, path)
                    outer.env.vars.setdefault(part, inner)
                outer = inner
            return top

        return LazyValue(load)

    def _name_in(self, sem, path, name: str):
        loaded = self._load(sem, path)
        if not isinstance(loaded, ModuleVal):
            return UNKNOWN
        value, found = loaded.env.lookup(name)
        return resolved(value) if found else UNKNOWN

    def _resolve(self, module: str | None, level: int):
        if not level and not module:
            return None
        return self.project.resolve(self.importers[-1], module, level)

    def _load(self, sem, path):
        """The ModuleVal of the project module at ``path`` (run on first import), or UNKNOWN."""
        if path is None or path in self.importers:
            return sem.interp.modules.get(path, UNKNOWN) if path is not None else UNKNOWN
        if path in sem.interp.modules:
            return sem.interp.modules[path]
        if len(self.read) >= MAX_MODULES:
            return UNKNOWN  # a file importing half a library: kerlint reads a few modules, not all
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
