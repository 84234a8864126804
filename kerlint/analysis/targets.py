"""What the file shows about the values a ``fit()`` trains towards: real-valued regression
targets of a known spread (a regression dataset loader, standardised targets, targets scaled
into a range, forecasting windows over such a series), or nothing.

The question is asked of one fit's ``y`` (label evidence belongs to its fit): the expression is
followed back through the assignments of the names it uses, in the function the fit is in (or
at module level), the latest binding before the fit winning, a binding inside a branch or a
loop making the name unknown unless every binding agrees. Pass-through operations (``.reshape``,
``np.array``, slicing, ``train_test_split``) keep what is known; any other operation (a
division, an unknown call) makes it unknown, and unknown means silence.

What is known is a ``Targets``: a few representative values (deciles of the distribution) and
words for a message. Rules compare the values with an activation's range.
"""

from __future__ import annotations

import math


import libcst as cst
from ..data import record
from ..interp.tree import code_children, visit

# Deciles (5%, 15%, ..., 95%) of the standard normal distribution: standardised targets.
_NORMAL = (-1.645, -1.036, -0.674, -0.385, -0.126, 0.126, 0.385, 0.674, 1.036, 1.645)
_MAX_DEPTH = 24  # names followed through at most this many assignments and calls


@record(frozen=True)
class Targets:
    """Real-valued targets of a known spread: ``values`` stand for their distribution."""

    what: str  # for a message: "boston_housing targets", "standardised targets"
    values: tuple[float, ...]

    def __init__(self, what, values):
        object.__setattr__(self, "what", what)
        object.__setattr__(self, "values", values)

    def share_outside(self, low: float, high: float) -> float:
        """The share of the targets an output bounded to [low, high] cannot reach."""
        return sum(1 for v in self.values if v < low or v > high) / len(self.values)


def _uniform(low: float, high: float) -> tuple[float, ...]:
    return tuple(low + (high - low) * (i + 0.5) / 10 for i in range(10))


def _normal(mean: float, std: float) -> tuple[float, ...]:
    return tuple(mean + std * z for z in _NORMAL)


STANDARDISED = Targets("standardised targets", _normal(0.0, 1.0))

# Regression dataset loaders: callee (its last dotted parts) -> the targets' deciles, roughly.
# Keras's ``load_data()`` returns ((x_train, y_train), (x_test, y_test)); scikit-learn's
# ``fetch_*``/``load_*`` a Bunch (``.target``) or ``(X, y)`` with ``return_X_y=True``;
# ``make_regression`` ``(X, y)``.
_KERAS_LOADERS = {
    "boston_housing.load_data": Targets("boston_housing targets",
                                        (10.2, 12.7, 15.2, 17.8, 19.6, 21.2, 23.1, 25.0, 31.2, 43.0)),
    "california_housing.load_data": Targets("california_housing targets",
                                            tuple(1e5 * v for v in (0.8, 1.0, 1.2, 1.4, 1.6, 1.9, 2.2, 2.6, 3.2, 4.8))),
}
_SKLEARN_LOADERS = {
    "fetch_california_housing": Targets("california housing targets",
                                        (0.8, 1.0, 1.2, 1.4, 1.6, 1.9, 2.2, 2.6, 3.2, 4.8)),
    "load_boston": _KERAS_LOADERS["boston_housing.load_data"],
    "load_diabetes": Targets("diabetes targets", _uniform(25.0, 346.0)),
    "load_linnerud": Targets("linnerud targets", _uniform(30.0, 250.0)),
}
_MAKE_REGRESSION = Targets("make_regression targets", _normal(0.0, 100.0))

# Calls and methods that keep the values of their first argument (or receiver).
_PASS_FUNCTIONS = {"array", "asarray", "asanyarray", "float32", "float64", "reshape", "squeeze", "ravel",
                   "expand_dims", "atleast_2d", "ascontiguousarray", "constant", "convert_to_tensor", "copy"}
_ARRAY_MODULES = {"np", "numpy", "tf", "ops", "keras.ops"}
_PASS_METHODS = {"reshape", "astype", "squeeze", "ravel", "flatten", "copy", "to_numpy", "numpy", "transpose"}
_PASS_ATTRIBUTES = {"values", "T"}
_SPLITTERS = {"train_test_split"}
_STANDARD_SCALERS = {"StandardScaler": 1.0, "RobustScaler": 0.74}  # spread in standard deviations
_RANGE_SCALERS = {"MinMaxScaler"}


def _dotted(node) -> str | None:
    """``np.random.normal`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _number(node) -> float | None:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = _number(node.expression)
        return -inner if inner is not None else None
    if isinstance(node, (cst.Integer, cst.Float)):
        try:
            return float(node.evaluated_value)
        except (ValueError, SyntaxError, OverflowError):
            return None
    return None


def _unparen(node):
    while getattr(node, "lpar", None):
        node = node.with_changes(lpar=[], rpar=[])
    return node


def _code(node) -> str:
    return cst.Module([]).code_for_node(node)


def _arg(call: cst.Call, keyword: str | None, position: int | None):
    """The value of an argument given by keyword or position, or None."""
    for i, arg in enumerate(call.args):
        if arg.star:
            return None
        if arg.keyword is not None:
            if arg.keyword.value == keyword:
                return arg.value
        elif i == position:
            return arg.value
    return None


# -- bindings ---------------------------------------------------------------------------------------
@record(frozen=True)
class _Binding:
    value: cst.CSTNode | None  # the right-hand side; None for a binding kerlint cannot read
    path: tuple  # where in a tuple target the name sits: ``(a, (b, c)) = ...`` gives c (1, 1)
    order: int  # document order
    conditional: bool  # inside a branch or a loop of its scope

    def __init__(self, value, path, order, conditional):
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "conditional", conditional)


class _Scope:
    def __init__(self, node, parent):
        self.node = node  # the FunctionDef, or None for the module
        self.parent = parent
        self.bindings: dict[str, list[_Binding]] = {}
        self.params: list[str] = []


class _Index(cst.CSTVisitor):
    """One walk: each scope's bindings in document order, functions by name, where each fit is."""

    def __init__(self, wanted: set):
        self.module_scope = _Scope(None, None)
        self._scopes = [self.module_scope]
        self._branch = [0]
        self._order = 0
        self.wanted = wanted
        self.fit_at: dict = {}  # id(fit call) -> (scope, order)
        self.functions: dict[str, list] = {}  # name -> [(FunctionDef, its scope)]

    def _tick(self) -> int:
        self._order += 1
        return self._order

    def _bind(self, target, value, path=()) -> None:
        scope = self._scopes[-1]
        if isinstance(target, cst.Name):
            binding = _Binding(value, path, self._tick(), self._branch[-1] > 0)
            scope.bindings.setdefault(target.value, []).append(binding)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for i, el in enumerate(target.elements):
                if isinstance(el, cst.StarredElement):
                    self._bind(el.value, None)
                else:
                    self._bind(el.value, value, (*path, i) if value is not None else ())

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._bind(node.name, None)
        scope = _Scope(node, self._scopes[-1])
        params = node.params
        for p in (*params.posonly_params, *params.params, *params.kwonly_params):
            scope.params.append(p.name.value)
        self.functions.setdefault(node.name.value, []).append((node, scope))
        self._scopes.append(scope)
        self._branch.append(0)

    def leave_FunctionDef(self, original_node) -> None:
        self._scopes.pop()
        self._branch.pop()

    def visit_Lambda(self, node) -> bool:
        return False

    def _enter_branch(self, node) -> None:
        self._branch[-1] += 1

    def _leave_branch(self, original_node) -> None:
        self._branch[-1] -= 1

    # ``with`` blocks always run: not a branch.
    visit_If = visit_While = visit_Try = visit_Match = _enter_branch
    leave_If = leave_For = leave_While = leave_Try = leave_Match = _leave_branch

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._bind(t.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target, None)  # ``y /= 255``: scaled by something

    def visit_For(self, node: cst.For) -> None:
        self._enter_branch(node)
        self._bind(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, None)

    def visit_Global(self, node) -> None:
        for item in node.names:
            self._bind(item.name, None)

    def visit_Call(self, node: cst.Call) -> None:
        if id(node) in self.wanted:
            self.fit_at[id(node)] = (self._scopes[-1], self._tick())


# -- following values -----------------------------------------------------------------------------------
@record(frozen=True)
class _Context:
    scope: _Scope
    before: int  # bindings at or after this document order are not in effect yet
    args: tuple = ()  # ((param, expression, caller context), ...) of an inlined function call

    def __init__(self, scope, before, args=()):
        object.__setattr__(self, "scope", scope)
        object.__setattr__(self, "before", before)
        object.__setattr__(self, "args", args)


class TargetFinder:
    """Answers ``targets(fit)`` for the fits of one file (one walk of the module, made lazily)."""

    def __init__(self, ir, fits):
        self._index = _Index({id(f.node) for f in fits})
        visit(ir.module, self._index)
        # Keras calls by what they are, whatever the import: ``datasets.boston_housing.load_data``.
        self._keras_calls = {id(site.node): site.ref.canonical for site in ir.calls}
        self._names: dict = {}  # what a name holds at a point: each asked once

    def compiled_targets(self, model, compile) -> list:
        """What each fit of ``model`` under ``compile`` trains towards (None where not known)."""
        return [self.targets(fit) for fit in model.fits if fit.compile is compile]

    def targets(self, fit) -> Targets | None:
        """What the file shows about the values ``fit`` trains towards, or None."""
        y = fit.args.get("y")
        where = self._index.fit_at.get(id(fit.node))
        if y is None or where is None:
            return None
        scope, order = where
        return self._value(y.node.value, (), _Context(scope, order), 0)

    # -- names
    def _name(self, name: str, path: tuple, ctx: _Context, depth: int):
        if ctx.args:
            return self._lookup(name, path, ctx, depth)  # inside an inlined call: not kept
        key = (name, path, id(ctx.scope), ctx.before)
        if key not in self._names:
            self._names[key] = None  # a name read while it is being followed: not known
            self._names[key] = self._lookup(name, path, ctx, depth)
        return self._names[key]

    def _lookup(self, name: str, path: tuple, ctx: _Context, depth: int):
        for param, expr, caller in ctx.args:
            if param == name:
                return self._value(expr, path, caller, depth + 1)
        scope, before = ctx.scope, ctx.before
        while scope is not None:
            if name in scope.params:
                return None
            bindings = [b for b in scope.bindings.get(name, []) if b.order < before]
            if bindings or name in scope.bindings:
                return self._bindings(bindings, path, _Context(scope, before, ctx.args), depth)
            scope, before = scope.parent, math.inf  # a global: read when the function runs
        return None

    def _bindings(self, bindings: list, path: tuple, ctx: _Context, depth: int):
        """The value after the bindings in order: the last one wins, a conditional one must agree."""
        last = max((i for i, b in enumerate(bindings) if not b.conditional), default=0)
        result = None
        for i, b in enumerate(bindings[last:]):
            here = _Context(ctx.scope, b.order, ctx.args)
            value = self._value(b.value, b.path + path, here, depth + 1) if b.value is not None else None
            if b.conditional and i > 0 and value != result:
                value = None
            result = value
        return result

    # -- expressions
    def _value(self, node, path: tuple, ctx: _Context, depth: int):
        if node is None or depth > _MAX_DEPTH:
            return None
        node = _unparen(node)
        if isinstance(node, cst.Name):
            return self._name(node.value, path, ctx, depth)
        if isinstance(node, (cst.Tuple, cst.List)) and path:
            i = path[0]
            if isinstance(i, int) and i < len(node.elements) and not isinstance(node.elements[i], cst.StarredElement):
                return self._value(node.elements[i].value, path[1:], ctx, depth + 1)
            return None
        if isinstance(node, cst.Subscript):
            return self._subscript(node, path, ctx, depth)
        if isinstance(node, cst.Attribute):
            if node.attr.value in _PASS_ATTRIBUTES:
                return self._value(node.value, path, ctx, depth + 1)
            if node.attr.value == "target":
                return self._value(node.value, ("target", *path), ctx, depth + 1)
            return None
        if isinstance(node, cst.BinaryOperation):
            return _arithmetic(node)
        if isinstance(node, cst.Call):
            return self._call(node, path, ctx, depth)
        return None

    def _subscript(self, node: cst.Subscript, path: tuple, ctx: _Context, depth: int):
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return self._value(node.value, path, ctx, depth + 1)  # rows or columns: the same values
        index = node.slice[0].slice.value
        if isinstance(index, cst.Integer):
            position = _number(index)
            return self._value(node.value, (int(position), *path), ctx, depth + 1) if position is not None else None
        if isinstance(index, cst.SimpleString):
            if index.evaluated_value == "target":
                return self._value(node.value, ("target", *path), ctx, depth + 1)
            return None  # a column by name: which one is not known
        if isinstance(index, (cst.Name, cst.Attribute)):
            return self._value(node.value, path, ctx, depth + 1)  # rows picked by an index array
        return None

    def _call(self, call: cst.Call, path: tuple, ctx: _Context, depth: int):
        func = call.func
        name = self._keras_calls.get(id(call)) or _dotted(func)
        if name is None:
            return self._method(func, path, ctx, depth)  # ``(y - m).astype(...)``
        module, _, last = name.rpartition(".")
        if isinstance(func, cst.Name):
            inlined = self._function_call(call, func.value, path, ctx, depth)
            if inlined is not False:
                return inlined
        found = _loader(name, call, path)
        if found is not False:
            return found
        if last in _SPLITTERS:
            arrays = [a.value for a in call.args if a.keyword is None and not a.star]
            if not path or not isinstance(path[0], int) or path[0] // 2 >= len(arrays):
                return None
            return self._value(arrays[path[0] // 2], path[1:], ctx, depth + 1)
        if last == "scale" and (module.endswith("preprocessing") or not module):
            return STANDARDISED  # sklearn.preprocessing.scale
        if last in _PASS_FUNCTIONS and (not module or module in _ARRAY_MODULES):
            first = call.args[0].value if call.args and call.args[0].keyword is None and not call.args[0].star else None
            return self._value(first, path, ctx, depth + 1)
        return self._method(func, path, ctx, depth)

    def _method(self, func, path: tuple, ctx: _Context, depth: int):
        """A method that keeps its receiver's values, or a scaler's transform."""
        if not isinstance(func, cst.Attribute):
            return None
        if func.attr.value in _PASS_METHODS:
            return self._value(func.value, path, ctx, depth + 1)
        if func.attr.value in ("fit_transform", "transform"):
            return self._scaled(func.value, ctx, depth)
        return None

    def _scaled(self, scaler, ctx: _Context, depth: int):
        """What a scaler object's ``transform`` gives, from the class it was made from."""
        for _ in range(_MAX_DEPTH):
            scaler = _unparen(scaler)
            if isinstance(scaler, cst.Call) and isinstance(scaler.func, cst.Attribute) and scaler.func.attr.value == "fit":
                scaler = scaler.func.value  # ``StandardScaler().fit(y)`` is the scaler
                continue
            if isinstance(scaler, cst.Name):
                scaler = self._scaler_value(scaler.value, ctx)
                if scaler is None:
                    return None
                continue
            break
        if not isinstance(scaler, cst.Call):
            return None
        kind = (_dotted(scaler.func) or "").rsplit(".", 1)[-1]
        if kind in _STANDARD_SCALERS:
            spread = _STANDARD_SCALERS[kind]
            return STANDARDISED if spread == 1.0 else Targets("robustly scaled targets", _normal(0.0, spread))
        if kind in _RANGE_SCALERS:
            return _range_scaled(scaler)
        return None

    def _scaler_value(self, name: str, ctx: _Context):
        """The one expression a scaler name is bound to in scope, or None."""
        scope, before = ctx.scope, ctx.before
        while scope is not None:
            if name in scope.params:
                return None
            bindings = [b for b in scope.bindings.get(name, []) if b.order < before]
            if bindings:
                values = {id(b.value) for b in bindings}
                if len(bindings) != 1 and len(values) != 1 or bindings[-1].path:
                    return None
                return bindings[-1].value
            scope, before = scope.parent, math.inf
        return None

    # -- functions defined in the file
    def _function_call(self, call: cst.Call, name: str, path: tuple, ctx: _Context, depth: int):
        """A call of a function the file defines once: forecasting windows over a series, or a
        function returning one expression. False when ``name`` is no such function."""
        defs = self._index.functions.get(name, [])
        if len(defs) != 1:
            return False
        node, scope = defs[0]
        bound = _bind_params(node, call)
        if bound is None:
            return None
        windowed = _windowed_param(node)
        if windowed is not None:
            series = bound.get(windowed)
            return _window(self._value(series, (), ctx, depth + 1)) if series is not None else None
        returns = _returns(node)
        if len(returns) != 1 or returns[0].value is None:
            return None
        args = tuple((p, expr, ctx) for p, expr in bound.items())
        return self._value(returns[0].value, path, _Context(scope, math.inf, args), depth + 1)


def _loader(name: str, call: cst.Call, path: tuple):
    """The targets of a regression dataset loader when ``path`` selects them; None for another
    part of what it returns; False when the callee is no loader."""
    for suffix, targets in _KERAS_LOADERS.items():
        if name == suffix or name.endswith("." + suffix):
            # ((x_train, y_train), (x_test, y_test)): the second of either pair.
            return targets if len(path) >= 2 and path[0] in (0, 1) and path[1] == 1 else None
    last = name.rsplit(".", 1)[-1]
    if last in _SKLEARN_LOADERS:
        if path[:1] == ("target",):
            return _SKLEARN_LOADERS[last]
        return_xy = _arg(call, "return_X_y", None)
        if isinstance(return_xy, cst.Name) and return_xy.value == "True" and path[:1] == (1,):
            return _SKLEARN_LOADERS[last]
        return None
    if last == "make_regression":
        return _MAKE_REGRESSION if path[:1] == (1,) else None
    return False


def _range_scaled(scaler: cst.Call) -> Targets | None:
    """``MinMaxScaler(feature_range=(a, b))`` (default (0, 1)): targets spread over [a, b]."""
    rng = _arg(scaler, "feature_range", 0)
    if rng is None:
        return Targets("targets scaled to [0, 1]", _uniform(0.0, 1.0))
    if isinstance(rng, (cst.Tuple, cst.List)) and len(rng.elements) == 2:
        low, high = (_number(el.value) for el in rng.elements)
        if low is not None and high is not None and low < high:
            return Targets(f"targets scaled to [{low:g}, {high:g}]", _uniform(low, high))
    return None


def _arithmetic(node: cst.BinaryOperation) -> Targets | None:
    """``(y - mean) / std`` standardises; ``(y - min) / (max - min)`` spreads over [0, 1].
    Anything else (a division by a constant, a product) leaves the range unknown."""
    if not isinstance(node.operator, cst.Divide):
        return None
    left, right = _unparen(node.left), _unparen(node.right)
    if not (isinstance(left, cst.BinaryOperation) and isinstance(left.operator, cst.Subtract)):
        return None
    centre, spread = _code(left.right).lower(), _code(right).lower()
    if ("mean" in centre or centre in ("mu", "mu_y")) and any(w in spread for w in ("std", "sigma", "stdev")):
        return STANDARDISED
    if "min" in centre and "max" in spread and "min" in spread:
        return Targets("targets scaled to [0, 1]", _uniform(0.0, 1.0))
    return None


def _window(series: Targets | None) -> Targets | None:
    if series is None:
        return None
    what = series.what.replace("targets", "forecast targets", 1) if "targets" in series.what else series.what
    return Targets(what, series.values)


def _bind_params(node: cst.FunctionDef, call: cst.Call) -> dict | None:
    """{parameter: argument expression} for a call of ``node`` (defaults left out), or None."""
    params = [*node.params.posonly_params, *node.params.params]
    names = [p.name.value for p in (*params, *node.params.kwonly_params)]
    bound = {}
    positional = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if positional >= len(params):
                return None
            bound[params[positional].name.value] = arg.value
            positional += 1
        elif arg.keyword.value in names:
            bound[arg.keyword.value] = arg.value
        else:
            return None
    return bound


def _statements(node):
    """Every node under ``node``, functions and classes inside it left out."""
    stack = list(code_children(node.body)) if isinstance(node.body, cst.CSTNode) else []
    while stack:
        n = stack.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        yield n
        stack.extend(code_children(n))


def _returns(node: cst.FunctionDef) -> list:
    return [n for n in _statements(node) if isinstance(n, cst.Return)]


def _root(node):
    node = _unparen(node)
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        node = _unparen(node.value)
    return node.value if isinstance(node, cst.Name) else None


def _local_values(node: cst.FunctionDef) -> dict:
    """{name: value} for the names a function assigns exactly once (``a, b = x[i], x[j]`` too)."""
    found: dict = {}

    def bind(target, value):
        if isinstance(target, cst.Name):
            found.setdefault(target.value, []).append(value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            values = value.elements if isinstance(value, (cst.Tuple, cst.List)) else None
            if values is not None and len(values) != len(target.elements):
                values = None
            for i, el in enumerate(target.elements):
                bind(el.value, values[i].value if values is not None else None)

    for n in _statements(node):
        if isinstance(n, cst.Assign):
            for t in n.targets:
                bind(t.target, _unparen(n.value))
    return {name: values[0] for name, values in found.items() if len(values) == 1 and values[0] is not None}


def _windowed_param(node: cst.FunctionDef) -> str | None:
    """The parameter a forecasting-window function slices: every ``list.append(...)`` in it
    appends a slice or an element of that one parameter (``X.append(data[i:i + n])``, or a
    local name assigned one)."""
    params = {p.name.value for p in (*node.params.posonly_params, *node.params.params)}
    local = None
    appended = set()
    for n in _statements(node):
        if not (isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "append"):
            continue
        if len(n.args) != 1:
            return None
        value = _unparen(n.args[0].value)
        if isinstance(value, cst.Name):
            local = _local_values(node) if local is None else local
            value = local.get(value.value)
        if not isinstance(value, cst.Subscript):
            return None
        appended.add(_root(value))
    if len(appended) != 1:
        return None
    param = appended.pop()
    return param if param in params else None
