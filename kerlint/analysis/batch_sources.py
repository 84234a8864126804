"""What a fit() trains on when it is not arrays: a tf.data dataset, a Python generator, a
keras.utils.Sequence or PyDataset, followed through the names the file binds (KER309, KER303)."""

from __future__ import annotations

import libcst as cst

from ..interp.values import ClassVal, Instance
from ..ir import KerasRef
from ..interp.tree import code_children

DATASET, GENERATOR = "a tf.data dataset", "a Python generator"
_SAME = "same"  # ``ds = ds.batch(32)``: a name rebound from itself, its other bindings say

# Keras helpers that return a tf.data dataset (one, unless subset="both": a pair, left alone).
_KERAS_DATASETS = {
    "image_dataset_from_directory", "text_dataset_from_directory", "audio_dataset_from_directory",
    "timeseries_dataset_from_array",
}
# tf.data.Dataset methods that return a dataset.
_DATASET_METHODS = {
    "batch", "padded_batch", "unbatch", "rebatch", "prefetch", "shuffle", "map", "cache", "repeat", "take",
    "skip", "filter", "with_options", "apply", "concatenate", "interleave", "flat_map", "shard",
}
# The Keras base classes of batch sources that are not arrays.
_SEQUENCES = {"utils.Sequence": "a keras.utils.Sequence", "utils.PyDataset": "a keras.utils.PyDataset"}
_MAX_DEPTH = 8


def _tf_data_maker(canonical: str) -> bool:
    if canonical.rsplit(".", 1)[-1] in _KERAS_DATASETS:
        return True
    if not canonical.startswith("tf.data."):
        return False
    last = canonical.rsplit(".", 1)[-1]
    # Dataset.from_tensor_slices, TFRecordDataset, experimental.make_csv_dataset; not Options(), AUTOTUNE.
    return canonical.startswith("tf.data.Dataset.") or last.endswith("Dataset") or (
        last.startswith("make_") and last.endswith("dataset")
    )


def _sequence_kind(value) -> str | None:
    """The Keras base a file-defined class derives from, for an object of it."""
    if not isinstance(value, Instance):
        return None
    stack, seen = [value.cls], set()
    while stack:
        cls = stack.pop()
        if id(cls) in seen:
            continue
        seen.add(id(cls))
        for base in cls.bases:
            if isinstance(base, KerasRef) and base.canonical in _SEQUENCES:
                return _SEQUENCES[base.canonical]
            if isinstance(base, ClassVal):
                stack.append(base)
    return None


def _has_yield(function: cst.FunctionDef) -> bool:
    """A ``yield`` in the function's own body (not in a function or class inside it)."""
    stack = [function.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Yield):
            return True
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(code_children(node))
    return False


class _Scope:
    """The statement-level bindings of the module or of one function: name -> values (a value
    expression, a FunctionDef, or None for a binding kerlint does not read)."""

    def __init__(self, node, parent):
        self.node = node
        self.parent = parent
        self.bindings: dict = {}
        self.expressions: set = set()  # ids of the expressions of the scope's own statements

    def bind(self, target, value) -> None:
        if isinstance(target, cst.Name):
            self.bindings.setdefault(target.value, []).append(value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                self.bind(el.value, None)  # unpacking: which part is which is not read here
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, None)


def _scopes(module: cst.Module) -> list:
    """Every scope of the module, its statements walked once (expressions are not entered)."""
    out = [_Scope(module, None)]
    _walk(module.body, out[0], out)
    return out


def _walk(body, scope: _Scope, out: list) -> None:
    for stmt in body:
        if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in stmt.body:
                _small(small, scope)
        elif isinstance(stmt, cst.FunctionDef):
            scope.bind(stmt.name, stmt)
            inner = _Scope(stmt, scope)
            out.append(inner)
            p = stmt.params
            for param in (*p.posonly_params, *p.params, *p.kwonly_params):
                inner.bind(param.name, None)
            for star in (p.star_arg, p.star_kwarg):
                if isinstance(star, cst.Param):
                    inner.bind(star.name, None)
            _walk_block(stmt.body, inner, out)
        elif isinstance(stmt, cst.ClassDef):
            scope.bind(stmt.name, None)
            _walk_block(stmt.body, _Scope(stmt, scope), out)  # methods get scopes; class names are not read
        else:
            if isinstance(stmt, cst.For):
                scope.bind(stmt.target, None)
            if isinstance(stmt, cst.With):
                for item in stmt.items:
                    if item.asname is not None:
                        scope.bind(item.asname.name, None)
            for child in code_children(stmt):
                _walk_block(child, scope, out)


def _walk_block(node, scope: _Scope, out: list) -> None:
    """The statements under a compound statement's part: bodies, else/except/finally blocks."""
    if isinstance(node, (cst.IndentedBlock, cst.SimpleStatementSuite)):
        _walk(node.body, scope, out)
    elif isinstance(node, (cst.Else, cst.If, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase)):
        for child in code_children(node):
            _walk_block(child, scope, out)
        if isinstance(node, cst.ExceptHandler) and node.name is not None:
            scope.bind(node.name.name, None)


def _small(small, scope: _Scope) -> None:
    value = getattr(small, "value", None)
    node = value
    while isinstance(node, (cst.Attribute, cst.Subscript)):  # model.fit(...).history
        node = node.value
    for n in (value, node):
        if n is not None:
            scope.expressions.add(id(n))
    if isinstance(small, cst.Assign):
        for t in small.targets:
            scope.bind(t.target, small.value if len(small.targets) == 1 else None)
    elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
        scope.bind(small.target, None)
    elif isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
        for alias in small.names:
            name = alias.asname.name if alias.asname is not None else alias.name
            while isinstance(name, cst.Attribute):
                name = name.value
            scope.bind(name, None)


class _Sources:
    """What the file shows about the ``x`` a fit trains on: a tf.data dataset, a generator."""

    def __init__(self, file):
        self.sites = {id(site.node): site.ref.canonical for site in file.ir.calls}
        self.scopes = _scopes(file.ir.module)

    def scope_of(self, node) -> _Scope | None:
        return next((s for s in self.scopes if id(node) in s.expressions), None)

    def kind(self, node, scope: _Scope, depth: int = 0, seen: frozenset = frozenset()) -> str | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, cst.Name):
            return self._name(node.value, scope, depth, seen)
        if not isinstance(node, cst.Call):
            return None
        canonical = self.sites.get(id(node))
        if canonical is not None:
            return DATASET if _tf_data_maker(canonical) else None
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _DATASET_METHODS:
            base = self.kind(func.value, scope, depth + 1, seen)
            return base if base in (DATASET, _SAME) else None
        if isinstance(func, cst.Name):
            values = self._bindings(func.value, scope)
            if values and len(values) == 1 and isinstance(values[0], cst.FunctionDef):
                return GENERATOR if _has_yield(values[0]) else None
        return None

    @staticmethod
    def _bindings(name: str, scope: _Scope):
        """The bindings of ``name`` seen from ``scope``, as Python looks names up: the scope's
        own, else the enclosing functions' and the module's (class bodies are skipped)."""
        own = True
        while scope is not None:
            if (own or not isinstance(scope.node, cst.ClassDef)) and name in scope.bindings:
                return scope.bindings[name]
            own = False
            scope = scope.parent
        return None

    def _name(self, name: str, scope: _Scope, depth: int, seen: frozenset) -> str | None:
        if name in seen:
            return _SAME
        values = self._bindings(name, scope)
        if not values or any(v is None or isinstance(v, cst.FunctionDef) for v in values):
            return None
        kinds = {self.kind(v, scope, depth + 1, seen | {name}) for v in values}
        kinds.discard(_SAME)
        return kinds.pop() if len(kinds) == 1 and None not in kinds else None


class BatchSources:
    """Per file: the kind of batch source each fit's ``x`` is, or None for arrays and the unknown."""

    def __init__(self, file):
        self.file = file
        self._sources = None

    def kind_of_x(self, fit) -> str | None:
        x = fit.args.get("x")
        if x is None:
            return None
        kind = _sequence_kind(x.value)
        if kind is None:
            if self._sources is None:
                self._sources = _Sources(self.file)
            scope = self._sources.scope_of(fit.node)
            kind = self._sources.kind(x.node.value, scope) if scope is not None else None
        return kind if kind in (DATASET, GENERATOR, *_SEQUENCES.values()) else None
