"""Model extraction: one pass over a module's CST that builds the ModelSpec IR.

The extractor is a small abstract interpreter over statements. It keeps an environment
of what each name holds (a layer, a model, a tensor, a literal, a Keras reference or
UNKNOWN), follows the program in order, and records every layer, model, compile and fit.

- Branches (``if``/``try``/loops/``match``) run on copies of the environment; names whose
  values disagree afterwards become UNKNOWN. Layers and compiles added inside them are
  marked ``conditional``.
- A function called in the file is interpreted at its call site with its arguments bound
  (so a builder's model reaches its caller); a function never called is interpreted on its
  own with UNKNOWN parameters, so the models it builds are still checked.
- Anything that cannot be followed is UNKNOWN, and rules stay silent on UNKNOWN.
"""

from __future__ import annotations

import warnings
from typing import Iterable

import libcst as cst

from . import shapes
from .catalog import Signature, get_catalog, legacy, shape_rules
from .ir import (
    UNKNOWN,
    AttributeAccess,
    BoundArg,
    BoundArgs,
    CallSite,
    ClassVal,
    Compile,
    Const,
    DictVal,
    FileIR,
    Fit,
    FunctionVal,
    KerasObject,
    KerasRef,
    Layer,
    LayerCall,
    MethodCall,
    Model,
    Seq,
    SeqEntry,
    Tensor,
)
from .names import KerasPath, Resolver, canonicalize, dotted_name

FIT_METHODS = {"fit", "fit_generator", "train_on_batch"}
MODEL_METHODS = FIT_METHODS | {
    "compile",
    "evaluate",
    "evaluate_generator",
    "predict",
    "predict_generator",
    "predict_classes",
    "predict_proba",
    "predict_on_batch",
    "test_on_batch",
    "add",
    "pop",
    "build",
    "summary",
    "save",
    "save_weights",
    "load_weights",
    "get_layer",
}
_MAX_CALL_DEPTH = 4
_MAX_FUNCTION_RUNS = 400
_MAX_LOOP_BODY = 1  # loop bodies run once: the order inside stays certain up to the branch
_THIRD_PARTY_BY_MODULE = {
    module: name for name, info in legacy.THIRD_PARTY_LAYERS.items() for module in info["modules"]
}
# Calls that shuffle or split data at random (KER303 reads ``ir.shuffle_evidence``).
_SHUFFLE_CALLS = {"train_test_split", "permutation", "shuffle", "ShuffleSplit", "StratifiedShuffleSplit"}


# keras.Model(*args, **kwargs) forwards to Functional(inputs, outputs, name=None, ...).
_MODEL_SIGNATURE = Signature(("inputs", "outputs", "name"), frozenset({"trainable"}),
                             {"name": None, "trainable": True}, var_kwargs=True)


class _Return(Exception):
    pass


class Env:
    """Name bindings of one scope, with a link to the enclosing (global) scope."""

    __slots__ = ("vars", "parent")

    def __init__(self, parent: Env | None = None, vars: dict | None = None):
        self.vars = dict(vars) if vars else {}
        self.parent = parent

    def lookup(self, name: str):
        env = self
        while env is not None:
            if name in env.vars:
                return env.vars[name], True
            env = env.parent
        return UNKNOWN, False

    def copy(self) -> Env:
        return Env(self.parent, self.vars)


def _merge(base: Env, branches: list[Env]) -> None:
    """Merge branch environments back into ``base``: disagreeing names become UNKNOWN."""
    keys = set()
    for b in branches:
        keys.update(b.vars)
    for k in keys:
        vals = [b.vars.get(k, _MISSING) for b in branches]
        first = vals[0]
        if all(v is first for v in vals):
            if first is not _MISSING:
                base.vars[k] = first
        else:
            base.vars[k] = UNKNOWN


_MISSING = object()


def _literal(node: cst.BaseExpression):
    """The Python value of a simple literal node, or _MISSING."""
    if isinstance(node, (cst.Integer, cst.Float)):
        try:
            return node.evaluated_value
        except (ValueError, SyntaxError):  # past Python's 4,300-digit limit for int()
            return _MISSING
    if isinstance(node, cst.Imaginary):
        return _MISSING
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Python's warning for "\d": not ours to print
                value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd string prefixes: not a literal we use
            return _MISSING
        return value if value is not None else _MISSING
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    return _MISSING


class Extractor:
    def __init__(self, module: cst.Module, snippet_names: set[str] | None = None, excluded: set[str] = frozenset()):
        self.catalog = get_catalog()
        self.ir = FileIR(module=module, resolver=Resolver())
        self.seq = 0
        self.cond = 0
        self.depth = 0
        self.runs = 0
        self.active: list = []  # functions being interpreted (no recursion)
        self.functions: list[FunctionVal] = []
        self.bound_names: set[str] = set()
        self.snippet_used: set[str] = set()
        self.excluded = excluded
        self.public = self.catalog.public_class_names()
        self.globals = Env()
        self._layer_by_node: dict = {}

    # -- driver -----------------------------------------------------------------------
    def run(self) -> FileIR:
        module = self.ir.module
        self.exec_block(module.body, self.globals)
        self._run_uncalled()
        self.ir.snippet_names = set(self.snippet_used)
        if self.ir.snippet_names:
            self.ir.uses_keras = True
        return self.ir

    def _run_uncalled(self):
        seen = set()
        while True:
            pending = [f for f in self.functions if f.calls == 0 and id(f) not in seen]
            if not pending or self.runs > _MAX_FUNCTION_RUNS:
                return
            # Callers are usually defined after the functions they call: starting from
            # the last one lets a ``main()`` carry its builders' models.
            f = pending[-1]
            seen.add(id(f))
            self.call_function(f, [], {}, standalone=True)

    # -- statements ---------------------------------------------------------------------
    def exec_block(self, body: Iterable, env: Env):
        if isinstance(body, cst.BaseSuite):
            if isinstance(body, cst.SimpleStatementSuite):
                for small in body.body:
                    self.exec_small(small, env)
                return
            body = body.body
        for stmt in body:
            self.exec_stmt(stmt, env)

    def exec_stmt(self, stmt, env: Env):
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small, env, stmt)
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt, env)
        elif isinstance(stmt, (cst.For, cst.While)):
            self.exec_loop(stmt, env)
        elif isinstance(stmt, cst.Try) or type(stmt).__name__ == "TryStar":
            self.exec_try(stmt, env)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                value = self.eval(item.item, env)
                if item.asname is not None:
                    self.bind_target(item.asname.name, UNKNOWN if not isinstance(value, Model) else value, env)
            self.exec_block(stmt.body, env)
        elif isinstance(stmt, cst.FunctionDef):
            for dec in stmt.decorators:
                self.eval(dec.decorator, env)
            f = FunctionVal(stmt, owner=None)
            f.closure = env
            self.functions.append(f)
            self.bind_name(stmt.name.value, f, env)
        elif isinstance(stmt, cst.ClassDef):
            self.exec_class(stmt, env)
        elif isinstance(stmt, cst.Match):
            self.eval(stmt.subject, env)
            branches = []
            self.cond += 1
            for case in stmt.cases:
                b = env.copy()
                self.exec_block(case.body, b)
                branches.append(b)
            self.cond -= 1
            branches.append(env.copy())
            _merge(env, branches)

    def exec_if(self, stmt: cst.If, env: Env):
        self.eval(stmt.test, env)
        self.cond += 1
        body_env = env.copy()
        try:
            self.exec_block(stmt.body, body_env)
        except _Return:
            body_env = None
        else_env = env.copy()
        orelse = stmt.orelse
        try:
            if isinstance(orelse, cst.If):
                self.exec_if(orelse, else_env)
            elif isinstance(orelse, cst.Else):
                self.exec_block(orelse.body, else_env)
        except _Return:
            else_env = None
        self.cond -= 1
        live = [b for b in (body_env, else_env) if b is not None]
        if live:
            _merge(env, live)

    def exec_loop(self, stmt, env: Env):
        if isinstance(stmt, cst.For):
            self.eval(stmt.iter, env)
        else:
            self.eval(stmt.test, env)
        self.cond += 1
        body_env = env.copy()
        if isinstance(stmt, cst.For):
            self.bind_target(stmt.target, UNKNOWN, body_env)
        try:
            self.exec_block(stmt.body, body_env)
        except _Return:
            pass
        else_env = env.copy()
        if stmt.orelse is not None:
            self.exec_block(stmt.orelse.body, else_env)
        self.cond -= 1
        _merge(env, [body_env, else_env])

    def exec_try(self, stmt, env: Env):
        # The body usually runs to the end: interpret it in place.
        self.exec_block(stmt.body, env)
        branches = [env.copy()]
        self.cond += 1
        for handler in stmt.handlers:
            b = env.copy()
            if handler.name is not None:
                self.bind_target(handler.name.name, UNKNOWN, b)
            try:
                self.exec_block(handler.body, b)
            except _Return:
                continue
            branches.append(b)
        if stmt.orelse is not None:
            self.exec_block(stmt.orelse.body, branches[0])
        self.cond -= 1
        _merge(env, branches)
        if stmt.finalbody is not None:
            self.exec_block(stmt.finalbody.body, env)

    def exec_class(self, stmt: cst.ClassDef, env: Env):
        base_kind = None
        for arg in stmt.bases:
            value = self.eval(arg.value, env)
            if isinstance(value, KerasRef):
                c = value.canonical
                if c in ("models.Model", "models.Sequential"):
                    base_kind = "model"
                elif c.startswith("layers."):
                    base_kind = "layer"
                elif c.startswith(("losses.", "callbacks.", "metrics.", "optimizers.")):
                    base_kind = c.split(".")[0]
            elif isinstance(value, ClassVal) and value.keras_base:
                base_kind = value.keras_base
        cls = ClassVal(stmt, base_kind)
        self.bind_name(stmt.name.value, cls, env)
        body = stmt.body.body if isinstance(stmt.body, cst.IndentedBlock) else ()
        class_env = Env(env)
        for item in body:
            if isinstance(item, cst.FunctionDef):
                f = FunctionVal(item, owner=stmt.name.value)
                f.closure = env
                f.cls = cls
                self.functions.append(f)
            else:
                self.exec_stmt(item, class_env)

    def exec_small(self, small, env: Env, stmt=None):
        if isinstance(small, cst.Expr):
            self.eval(small.value, env, statement=stmt)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, env, statement=stmt)
            for target in small.targets:
                self.bind_target(target.target, value, env)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                value = self.eval(small.value, env, statement=stmt)
                self.bind_target(small.target, value, env)
        elif isinstance(small, cst.AugAssign):
            self.eval(small.value, env)
            self.bind_target(small.target, UNKNOWN, env, aug=True)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            self.exec_import(small, env)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, env) if small.value is not None else Const(None)
            frame = self.active[-1] if self.active else None
            if frame is not None:
                frame["returns"].append(value)
                if self.cond == frame["cond"]:
                    raise _Return()
        elif isinstance(small, cst.Del):
            self.bind_target(small.target, UNKNOWN, env)
        elif isinstance(small, (cst.Raise, cst.Assert)):
            for child in small.children:
                if isinstance(child, cst.BaseExpression):
                    self.eval(child, env)
        elif isinstance(small, (cst.Global, cst.Nonlocal)):
            for n in small.names:
                self.bound_names.add(n.name.value)

    def exec_import(self, node, env: Env):
        resolver = self.ir.resolver
        bound = resolver.add(node)
        for local in bound:
            self.bound_names.add(local)
            qualified = resolver.bindings.get(local)
            value = self._ref_for(qualified) if qualified else UNKNOWN
            env.vars[local] = value
        if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
            module = dotted_name(node.module) if node.module is not None else None
            if module and canonicalize(module) is not None:
                self.ir.uses_keras = True
        if any(isinstance(env.vars.get(n), KerasRef) for n in bound):
            self.ir.uses_keras = True

    def _ref_for(self, qualified: str):
        path = canonicalize(qualified)
        if path is not None:
            return KerasRef(path)
        root = qualified.split(".")[0]
        if root in _THIRD_PARTY_BY_MODULE or qualified.split(".")[-1] in legacy.THIRD_PARTY_LAYERS:
            last = qualified.split(".")[-1]
            if last in legacy.THIRD_PARTY_LAYERS and root in legacy.THIRD_PARTY_LAYERS[last]["modules"]:
                return KerasRef(KerasPath(f"layers.{last}", qualified))
            if qualified == root:
                return KerasRef(KerasPath(f"thirdparty.{root}", qualified))
        return UNKNOWN

    # -- binding ----------------------------------------------------------------------
    def bind_name(self, name: str, value, env: Env):
        self.bound_names.add(name)
        env.vars[name] = value
        if isinstance(value, Model) and value.name is None:
            value.name = name

    def bind_target(self, target, value, env: Env, aug=False):
        if isinstance(target, cst.Name):
            if aug:
                self.bound_names.add(target.value)
                env.vars[target.value] = UNKNOWN
            else:
                self.bind_name(target.value, value, env)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            items = value.items if isinstance(value, Seq) and len(value.items) == len(elements) else None
            for i, el in enumerate(elements):
                if isinstance(el, cst.StarredElement):
                    self.bind_target(el.value, UNKNOWN, env)
                    items = None
                    continue
                self.bind_target(el.value, items[i] if items is not None else UNKNOWN, env)
        elif isinstance(target, cst.Attribute):
            base = self.eval(target.value, env)
            attr = target.attr.value
            self.ir.attributes.append(AttributeAccess(target, base, attr, store=True))
            if isinstance(base, Layer) and attr == "activation":
                base.activation_overridden = True
            elif isinstance(base, Model):
                base.tampered = base.tampered or attr in ("layers", "outputs", "output")
        elif isinstance(target, cst.Subscript):
            base = self.eval(target.value, env)
            for el in target.slice:
                if isinstance(el.slice, cst.Index):
                    self.eval(el.slice.value, env)
            if isinstance(base, Seq):
                # the list changed in a way we do not follow
                base.items = [UNKNOWN] * len(base.items)
                base.opaque = True
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, UNKNOWN, env)

    # -- expressions --------------------------------------------------------------------
    def eval(self, node, env: Env, statement=None):
        if node is None:
            return UNKNOWN
        lit = _literal(node)
        if lit is not _MISSING:
            return Const(lit, node)
        if isinstance(node, cst.Name):
            return self.eval_name(node, env)
        if isinstance(node, cst.Attribute):
            return self.eval_attribute(node, env)
        if isinstance(node, cst.Call):
            return self.eval_call(node, env, statement)
        if isinstance(node, (cst.List, cst.Tuple)):
            items = []
            for el in node.elements:
                v = self.eval(el.value, env)
                if isinstance(el, cst.StarredElement):
                    if isinstance(v, Seq):
                        items.extend(v.items)
                        continue
                    return UNKNOWN
                items.append(v)
            return Seq(items, "list" if isinstance(node, cst.List) else "tuple", node)
        if isinstance(node, cst.Dict):
            items = []
            for el in node.elements:
                if isinstance(el, cst.DictElement):
                    items.append((self.eval(el.key, env), self.eval(el.value, env)))
                else:
                    self.eval(el.value, env)
            return DictVal(items, node)
        if isinstance(node, cst.UnaryOperation):
            v = self.eval(node.expression, env)
            if isinstance(v, Const) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool):
                if isinstance(node.operator, cst.Minus):
                    return Const(-v.value, node)
                if isinstance(node.operator, cst.Plus):
                    return Const(v.value, node)
            if isinstance(node.operator, cst.Not) and isinstance(v, Const):
                return Const(not v.value, node)
            return UNKNOWN
        if isinstance(node, cst.BinaryOperation):
            return self.eval_binop(node, env)
        if isinstance(node, cst.Subscript):
            base = self.eval(node.value, env)
            index = None
            for el in node.slice:
                if isinstance(el.slice, cst.Index):
                    index = self.eval(el.slice.value, env)
                else:
                    for child in (el.slice.lower, el.slice.upper, el.slice.step):
                        self.eval(child, env)
            if (
                len(node.slice) == 1
                and isinstance(base, Seq)
                and isinstance(index, Const)
                and isinstance(index.value, int)
                and not base.opaque
            ):
                try:
                    return base.items[index.value]
                except IndexError:
                    return UNKNOWN
            return UNKNOWN
        if isinstance(node, cst.Lambda):
            return UNKNOWN
        if isinstance(node, cst.NamedExpr):
            value = self.eval(node.value, env)
            self.bind_target(node.target, value, env)
            return value
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            inner = Env(env)
            self.cond += 1
            for comp in _comp_fors(node.for_in):
                self.eval(comp.iter, inner)
                self.bind_target(comp.target, UNKNOWN, inner)
                for cond in comp.ifs:
                    self.eval(cond.test, inner)
            if isinstance(node, cst.DictComp):
                self.eval(node.key, inner)
                self.eval(node.value, inner)
            else:
                self.eval(node.elt, inner)
            self.cond -= 1
            return UNKNOWN
        # Anything else: visit sub-expressions so that calls inside are still recorded.
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.eval(child, env)
            elif isinstance(child, (cst.FormattedStringExpression,)):
                self.eval(child.expression, env)
            elif isinstance(child, (cst.Arg, cst.Element, cst.DictElement, cst.ComparisonTarget)):
                for sub in child.children:
                    if isinstance(sub, cst.BaseExpression):
                        self.eval(sub, env)
        return UNKNOWN

    def eval_binop(self, node: cst.BinaryOperation, env: Env):
        left = self.eval(node.left, env)
        right = self.eval(node.right, env)
        if isinstance(left, Const) and isinstance(right, Const):
            a, b = left.value, right.value
            if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b)):
                op = node.operator
                try:
                    if isinstance(op, cst.Add):
                        return Const(a + b, node)
                    if isinstance(op, cst.Subtract):
                        return Const(a - b, node)
                    if isinstance(op, cst.Multiply):
                        return Const(a * b, node)
                    if isinstance(op, cst.FloorDivide):
                        return Const(a // b, node)
                    if isinstance(op, cst.Divide):
                        return Const(a / b, node)
                    if isinstance(op, cst.Power) and abs(b) < 64 and abs(a) < 1e6:
                        return Const(a**b, node)
                except (ZeroDivisionError, OverflowError):
                    return UNKNOWN
        if isinstance(left, Seq) and isinstance(right, Seq) and isinstance(node.operator, cst.Add):
            return Seq(left.items + right.items, left.kind, node)
        return UNKNOWN

    def eval_name(self, node: cst.Name, env: Env):
        value, found = env.lookup(node.value)
        if found:
            return value
        name = node.value
        if name in self.public and name not in self.excluded:
            # A snippet with no imports: a public Keras name the file never binds.
            self.snippet_used.add(name)
            path = canonicalize("keras." + self.public[name])
            return KerasRef(path, node)
        if name in ("tf", "keras") and name not in self.excluded:
            self.snippet_used.add(name)
            return KerasRef(canonicalize("tensorflow" if name == "tf" else "keras"), node)
        return UNKNOWN

    def eval_attribute(self, node: cst.Attribute, env: Env):
        base = self.eval(node.value, env)
        attr = node.attr.value
        if isinstance(base, KerasRef):
            raw = base.path.raw + "." + attr
            path = canonicalize(raw)
            if path is None and base.canonical.startswith("thirdparty."):
                if attr in legacy.THIRD_PARTY_LAYERS:
                    return KerasRef(KerasPath(f"layers.{attr}", raw), node)
                return UNKNOWN
            if path is None:
                return UNKNOWN
            if base.path.legacy_module and not path.legacy_module:
                path = KerasPath(path.canonical, path.raw, base.path.legacy_module)
            return KerasRef(path, node)
        if isinstance(base, (KerasObject, Model, Layer)):
            self.ir.attributes.append(AttributeAccess(node, base, attr))
            if isinstance(base, Model) and attr in ("output", "input"):
                if attr == "output" and base.outputs and len(base.outputs) == 1:
                    return base.outputs[0]
                if attr == "input" and base.inputs and len(base.inputs) == 1:
                    return base.inputs[0]
            if isinstance(base, Layer) and attr == "output":
                return Tensor(None, node=node)
        elif base is UNKNOWN and attr in ("lr",):
            self.ir.attributes.append(AttributeAccess(node, base, attr))
        return UNKNOWN

    def _attr_of(self, base: KerasRef, node: cst.Attribute):
        path = canonicalize(base.path.raw + "." + node.attr.value)
        if path is None:
            if base.canonical.startswith("thirdparty.") and node.attr.value in legacy.THIRD_PARTY_LAYERS:
                return KerasRef(KerasPath(f"layers.{node.attr.value}", base.path.raw), node)
            return UNKNOWN
        if base.path.legacy_module and not path.legacy_module:
            path = KerasPath(path.canonical, path.raw, base.path.legacy_module)
        return KerasRef(path, node)

    # -- calls --------------------------------------------------------------------------
    def eval_args(self, call: cst.Call, env: Env):
        out = []
        for arg in call.args:
            out.append((arg, self.eval(arg.value, env)))
        return out

    def eval_call(self, node: cst.Call, env: Env, statement=None):
        self.seq += 1
        func = node.func
        receiver = None
        method = None
        if isinstance(func, cst.Attribute):
            receiver = self.eval(func.value, env)
            method = func.attr.value
            if isinstance(receiver, KerasRef):
                callee = self._attr_of(receiver, func)
            else:
                callee = None
                if isinstance(receiver, (KerasObject, Model, Layer)):
                    self.ir.attributes.append(AttributeAccess(func, receiver, method))
        else:
            callee = self.eval(func, env)
        args = self.eval_args(node, env)
        called = method if method is not None else (func.value if isinstance(func, cst.Name) else None)
        if called in _SHUFFLE_CALLS or (called == "sample" and any(a.keyword and a.keyword.value == "frac" for a in node.args)):
            self.ir.shuffle_evidence = True

        if method is not None and not isinstance(receiver, KerasRef):
            return self.call_method(node, receiver, method, args, env, statement)
        if isinstance(callee, KerasRef):
            return self.call_keras(node, callee, args, env)
        if isinstance(callee, Layer):
            return self.call_layer(node, callee, args)
        if isinstance(callee, Model):
            wrapper = Layer(None, BoundArgs(), node, model=callee)
            return self.call_layer(node, wrapper, args)
        if isinstance(callee, FunctionVal):
            return self.call_function(callee, [v for a, v in args if a.keyword is None and a.star == ""],
                                      {a.keyword.value: v for a, v in args if a.keyword is not None},
                                      star=any(a.star for a, _ in args))
        if isinstance(callee, KerasObject):
            # ``loss_fn(y, model(x))`` in a custom training loop: rules judge it like a compile.
            self.ir.object_calls.append(CallSite(node, callee.ref, self._bind(None, args), callee))
            return UNKNOWN
        if isinstance(callee, ClassVal):
            if callee.keras_base == "model":
                m = Model("subclassed", node)
                self.ir.models.append(m)
                return m
            if callee.keras_base == "layer":
                layer = Layer(None, self._bind(None, args), node)
                self.ir.layers.append(layer)
                return layer
            return UNKNOWN
        return UNKNOWN

    def call_method(self, node, receiver, method, args, env, statement):
        if isinstance(receiver, Seq) and method in ("append", "extend", "insert") and not receiver.opaque:
            if method == "append" and len(args) == 1:
                receiver.items.append(args[0][1])
            elif method == "extend" and len(args) == 1 and isinstance(args[0][1], Seq):
                receiver.items.extend(args[0][1].items)
            else:
                receiver.opaque = True
            if self.cond:
                receiver.opaque = True
            return Const(None)
        model = receiver if isinstance(receiver, Model) else None
        if model is not None or (receiver is UNKNOWN and method in MODEL_METHODS):
            return self.model_method(node, model, receiver, method, args, statement)
        return UNKNOWN

    def model_method(self, node, model, receiver, method, args, statement):
        cat = self.catalog
        sig_name = "fit" if method in ("fit_generator",) else method
        sig = cat.signature("model_methods", sig_name) if method in FIT_METHODS | {"compile", "evaluate", "predict"} else None
        bound = self._bind(sig, args, keras1=legacy.KERAS1_METHOD_ARGS.get(method))
        self.ir.method_calls.append(MethodCall(node, method, receiver, self.seq, bool(self.cond)))
        if method == "add" and model is not None:
            if model.style != "sequential":
                return Const(None)
            value = args[0][1] if args else UNKNOWN
            if isinstance(value, Tensor) and value.is_input:
                model.inputs = [value]
                return Const(None)
            if not isinstance(value, Layer):
                value = Layer(None, BoundArgs(), args[0][0].value if args else node, model=value if isinstance(value, Model) else None)
            model.entries.append(
                SeqEntry(value, args[0][0].value if args else node, bool(self.cond), add_call=node, statement=statement)
            )
            return Const(None)
        if method == "pop" and model is not None:
            model.tampered = True
            return UNKNOWN
        if method == "build" and model is not None and args:
            model.build_shape = shapes.shape_from_seq(args[0][1], batch=False)
            return Const(None)
        if method == "compile":
            if model is None:
                return Const(None)
            c = Compile(model, node, bound, self.seq, bool(self.cond))
            model.compiles.append(c)
            return Const(None)
        if method in FIT_METHODS:
            fit = Fit(model, node, method, bound, self.seq, bool(self.cond))
            if model is not None:
                before = [c for c in model.compiles if c.seq < fit.seq]
                fit.compile = before[-1] if before else None
                model.fits.append(fit)
            self.ir.fits.append(fit)
            return UNKNOWN
        return UNKNOWN

    def _bind(self, sig, args, keras1: dict | None = None, kind: str | None = None) -> BoundArgs:
        out = BoundArgs(signature=sig)
        positional = list(sig.positional) if sig is not None else []
        i = 0
        for arg, value in args:
            if arg.star:
                out.has_star = True
                continue
            if arg.keyword is None:
                if i < len(positional):
                    name = positional[i]
                    out.by_name[name] = BoundArg(name, value, arg, None)
                else:
                    out.extra_positional.append(BoundArg(f"#{i}", value, arg, None))
                i += 1
                continue
            written = arg.keyword.value
            name = written
            if keras1 and written in keras1 and not (sig is not None and sig.accepts(written)):
                mapped = keras1[written]
                name = mapped if mapped is not None else written
            ba = BoundArg(name, value, arg, written)
            if sig is None or sig.accepts(name) or sig.var_kwargs:
                out.by_name[name] = ba
                if sig is not None and not sig.accepts(name):
                    out.unknown_keywords.append(ba)
            else:
                out.unknown_keywords.append(ba)
        return out

    def _keras1_args(self, kind: str) -> dict:
        table = dict(legacy.KERAS1_ARGS["*"])
        table.update(legacy.KERAS1_ARGS.get(kind, {}))
        return table

    def call_keras(self, node: cst.Call, ref: KerasRef, args, env):
        cat = self.catalog
        c = ref.canonical
        module, _, name = c.rpartition(".")
        if c in ("layers.Input", "Input") or (module == "layers" and name == "Input"):
            bound = self._bind(cat.signature("input", "Input"), args)
            shape = shapes.shape_from_seq(bound.value("shape"))
            if shape is None:
                shape = shapes.shape_from_seq(bound.value("batch_shape"), batch=False)
            t = Tensor(shape, node=node, is_input=True)
            t.args = bound
            self.ir.calls.append(CallSite(node, ref, bound, t))
            return t
        if c in ("models.Sequential",):
            bound = self._bind(cat.signature("models", "Sequential"), args)
            m = Model("sequential", node)
            layers_arg = bound.get("layers")
            if layers_arg is not None:
                value = layers_arg.value
                if isinstance(value, Seq) and not value.opaque:
                    for item in value.items:
                        el = getattr(item, "node", None) or layers_arg.value.node or node
                        if isinstance(item, Tensor) and item.is_input:
                            m.inputs = [item]
                            continue
                        if not isinstance(item, Layer):
                            item = Layer(None, BoundArgs(), el, model=item if isinstance(item, Model) else None)
                        m.entries.append(SeqEntry(item, el, False))
                elif not (isinstance(value, Const) and value.value is None):
                    m.tampered = True
            self.ir.models.append(m)
            self.ir.calls.append(CallSite(node, ref, bound, m))
            return m
        if c == "models.Model":
            bound = self._bind(_MODEL_SIGNATURE, args)
            ins = bound.get("inputs")
            outs = bound.get("outputs")
            if ins is None and outs is None:
                m = Model("opaque", node)
            else:
                m = Model("functional", node)
                m.inputs = _tensors(ins.value) if ins is not None else []
                if outs is not None:
                    if isinstance(outs.value, DictVal):
                        m.outputs_are_dict = True
                        m.outputs = [v for _, v in outs.value.items if isinstance(v, Tensor)]
                        if len(m.outputs) != len(outs.value.items):
                            m.outputs = None
                    else:
                        m.outputs = _tensors(outs.value)
            self.ir.models.append(m)
            self.ir.calls.append(CallSite(node, ref, bound, m))
            return m
        if module == "layers":
            if name in shape_rules.MERGE_FUNCTIONS:
                kind = shape_rules.MERGE_FUNCTIONS[name]
                layer = Layer(kind, self._bind(cat.layer_signature(kind), args[1:]), node, ref)
                self.ir.layers.append(layer)
                inputs = args[0][1] if args else UNKNOWN
                return self.call_layer(node, layer, [(args[0][0], inputs)] if args else [])
            kind = cat.canonical_layer(name)
            if kind is None and name in legacy.THIRD_PARTY_LAYERS:
                kind = name
            if kind is not None:
                return self.make_layer(node, ref, kind, args)
        for section in ("losses", "optimizers", "callbacks", "metrics"):
            if module == section or (section == "optimizers" and module == "optimizers.schedules"):
                table = {
                    "losses": cat.loss_classes,
                    "optimizers": cat.optimizer_classes,
                    "callbacks": cat.callback_classes,
                    "metrics": cat.metric_classes,
                }[section]
                sec = section
                if module == "optimizers.schedules":
                    table, sec = cat.schedule_classes, "schedules"
                canon = table.get(name) or table.get(name[:1].upper() + name[1:])
                if canon is not None:
                    bound = self._bind(cat.signature(sec, canon), args, keras1={"lr": "learning_rate"} if sec == "optimizers" else None)
                    obj = KerasObject(sec, canon, bound, node, ref)
                    self.ir.objects.append(obj)
                    self.ir.calls.append(CallSite(node, ref, bound, obj))
                    return obj
        bound = self._bind(None, args)
        self.ir.calls.append(CallSite(node, ref, bound, UNKNOWN))
        if c.startswith("models.") and name in ("load_model", "clone_model", "model_from_json"):
            m = Model("opaque", node)
            self.ir.models.append(m)
            return m
        if c.startswith("applications.") and name[:1].isupper():
            # ResNet50(...), not imagenet_utils.correct_pad(...) or preprocess_input(...)
            m = Model("opaque", node)
            self.ir.models.append(m)
            return m
        return UNKNOWN

    def make_layer(self, node, ref, kind, args):
        cat = self.catalog
        sig = cat.layer_signature(kind)
        bound = self._bind(sig, args, keras1=self._keras1_args(kind))
        inner = None
        if kind in ("TimeDistributed", "Bidirectional"):
            first = bound.get("layer")
            if first is not None and isinstance(first.value, Layer):
                inner = first.value
        layer = Layer(kind, bound, node, ref, inner=inner)
        self.ir.layers.append(layer)
        self.ir.calls.append(CallSite(node, ref, bound, layer))
        return layer

    def call_layer(self, node, layer: Layer, args):
        inputs_val = args[0][1] if args else UNKNOWN
        if isinstance(inputs_val, Seq):
            tensors = [v if isinstance(v, Tensor) else Tensor(None) for v in inputs_val.items]
        elif isinstance(inputs_val, Tensor):
            tensors = [inputs_val]
        else:
            tensors = [Tensor(None)]
        extra = [v for a, v in args[1:] if a.keyword is None and isinstance(v, Tensor)]
        if layer.kind in ("Attention", "AdditiveAttention", "MultiHeadAttention", "GroupQueryAttention"):
            kw = {a.keyword.value: v for a, v in args if a.keyword is not None}
            if "value" in kw and isinstance(kw["value"], Tensor):
                extra.append(kw["value"])
            elif "query" in kw and isinstance(kw["query"], Tensor):
                tensors = [kw["query"]]
                if isinstance(kw.get("value"), Tensor):
                    extra.append(kw["value"])
            tensors = tensors + extra
        lc = LayerCall(layer, tensors, node)
        lc.in_shapes = [t.shape for t in tensors]
        lc.raw_input = inputs_val
        if layer.model is not None or not layer.known:
            outs = None
        elif any(s is None for s in lc.in_shapes):
            outs = None
        else:
            call_kw = {a.keyword.value: v for a, v in args if a.keyword is not None}
            outs, err = shapes.infer(layer, lc.in_shapes, call_kw)
            lc.error = err
        lc.out_shapes = outs or []
        self.ir.layer_calls.append(lc)
        if outs and len(outs) > 1:
            return Seq([Tensor(s, lc, i, node) for i, s in enumerate(outs)], "list", node)
        if layer.kind in ("LSTM", "GRU", "SimpleRNN", "Bidirectional") and outs is None:
            state = layer.args.value("return_state") if layer.kind != "Bidirectional" or layer.inner is None else layer.inner.args.value("return_state")
            if not (isinstance(state, Const) and state.value is False):
                return UNKNOWN
        return Tensor(outs[0] if outs else None, lc, 0, node)

    def call_function(self, f: FunctionVal, pos, kw, star=False, standalone=False):
        if f in [fr["f"] for fr in self.active] or self.depth >= _MAX_CALL_DEPTH or self.runs > _MAX_FUNCTION_RUNS:
            f.calls += 1
            return UNKNOWN
        f.calls += 1
        self.runs += 1
        node = f.node
        local = Env(f.closure or self.globals)
        params = node.params
        plist = list(params.posonly_params) + list(params.params)
        for i, p in enumerate(plist):
            if standalone or star:
                value = UNKNOWN
            elif i < len(pos):
                value = pos[i]
            elif p.name.value in kw:
                value = kw[p.name.value]
            elif p.default is not None:
                value = self.eval(p.default, local)
            else:
                value = UNKNOWN
            local.vars[p.name.value] = value
            self.bound_names.add(p.name.value)
        for p in params.kwonly_params:
            value = UNKNOWN
            if not (standalone or star):
                if p.name.value in kw:
                    value = kw[p.name.value]
                elif p.default is not None:
                    value = self.eval(p.default, local)
            local.vars[p.name.value] = value
            self.bound_names.add(p.name.value)
        for p in (params.star_arg, params.star_kwarg):
            if isinstance(p, cst.Param):
                local.vars[p.name.value] = UNKNOWN
                self.bound_names.add(p.name.value)
        frame = {"f": f, "returns": [], "cond": self.cond}
        self.active.append(frame)
        self.depth += 1
        saved_cond = self.cond
        try:
            self.exec_block(node.body, local)
        except _Return:
            pass
        except RecursionError:
            pass
        finally:
            self.cond = saved_cond
            self.depth -= 1
            self.active.pop()
        returns = frame["returns"]
        if len(returns) == 1:
            return returns[0]
        if returns and all(r is returns[0] for r in returns):
            return returns[0]
        return UNKNOWN


def _comp_fors(for_in):
    while for_in is not None:
        yield for_in
        for_in = for_in.inner_for_in


def _tensors(value):
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, Seq) and all(isinstance(v, Tensor) for v in value.items):
        return list(value.items)
    if isinstance(value, DictVal) and all(isinstance(v, Tensor) for _, v in value.items):
        return [v for _, v in value.items]
    return None


def extract(module: cst.Module) -> FileIR:
    ex = Extractor(module)
    ir = ex.run()
    clash = ex.snippet_used & ex.bound_names
    if clash:
        # A name used before the file binds it (or bound in another scope) is not Keras.
        ex = Extractor(module, excluded=clash | ex.bound_names)
        ir = ex.run()
    ir.bound_names = ex.bound_names
    return ir
