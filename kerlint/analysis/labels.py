"""What ``fit()`` is given: labels the file made one-hot, label arrays whose shape the file
writes, validation data, and what holds for the arrays a fit trains on (one-hot, real-valued,
synthetic, one sample), followed back from that fit alone."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from ..ir import Const, Fit
from ..names import dotted_name

_ONE_HOT = ("to_categorical", "one_hot")

# NumPy-style array makers whose shape argument kerlint can read: name -> where the shape is.
_ARRAY_MAKERS = {
    "ones": 0, "zeros": 0, "empty": 0, "full": 0, "random": 0, "random_sample": 0,
    "randint": 2, "integers": 2, "uniform": 2, "normal": 2, "binomial": 2, "choice": 1,
}


# -- one-hot labels ----------------------------------------------------------------------------
class OneHotCalls(set):
    """The ids of a file's ``to_categorical(...)`` / ``one_hot(...)`` call nodes, with the file
    they are in: a fit's labels are followed back to them through the assignments that reach
    that fit, so that one model's one-hot labels say nothing about another model's."""

    def __init__(self, ids, ir):
        super().__init__(ids)
        self._ir = ir

    @property
    def flow(self) -> ArrayFlow:
        return array_flow(self._ir)


def one_hot_calls(ir) -> OneHotCalls:
    """The ids of the file's ``to_categorical(...)`` / ``one_hot(...)`` call nodes."""
    return OneHotCalls((id(site.node) for site in ir.calls if site.ref.canonical.rsplit(".", 1)[-1] in _ONE_HOT), ir)


def contains(node: cst.CSTNode, ids: set) -> bool:
    """Whether ``node`` or a node below it has its id in ``ids``."""
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in ids:
            return True
        stack.extend(n.children)
    return False


def _target_names(target):
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            yield from _target_names(el.value)


def names_assigned_from(assigns, calls: set) -> set:
    """Names that an assignment among ``assigns`` binds to an expression holding one of ``calls``."""
    names = set()
    for assign in assigns:
        if contains(assign.value, calls):
            for target in assign.targets:
                names.update(_target_names(target.target))
    return names


def _root_name(node):
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def fit_on_one_hot(fit: Fit, calls: OneHotCalls, names: set) -> bool:
    """``fit()``'s labels are a one-hot call, or an array that every assignment reaching this
    fit makes one-hot (``names``: the names the file assigns from a one-hot call anywhere)."""
    y = fit.args.get("y")
    if y is None:
        return False
    if contains(y.node.value, calls):
        return True
    if not names:
        return False  # no assignment in the file holds a one-hot call
    return ONE_HOT in calls.flow.facts(y.node.value, fit.node)


# -- label arrays written in the file -------------------------------------------------------------
def _int(node: cst.Integer):
    try:
        return node.evaluated_value
    except (ValueError, SyntaxError):  # past Python's 4,300-digit limit for int()
        return None


def literal_array_shape(node) -> tuple | None:
    """The shape of ``np.zeros((n, t))``-like label arrays written in the file, or None."""
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return None
    where = _ARRAY_MAKERS.get(node.func.attr.value)
    if where is None:
        return None
    shape = None
    for i, arg in enumerate(node.args):
        if arg.keyword is not None and arg.keyword.value in ("size", "shape"):
            shape = arg.value
        elif arg.keyword is None and not arg.star and i == where:
            shape = arg.value
    if isinstance(shape, cst.Integer):
        return (_int(shape),)
    if isinstance(shape, (cst.Tuple, cst.List)):
        return tuple(_int(el.value) if isinstance(el.value, cst.Integer) else None for el in shape.elements)
    return None


# -- validation data ----------------------------------------------------------------------------------
def fit_is_validated(fit: Fit) -> bool:
    """True when ``fit()`` is given validation data (a split of 0 or ``None`` is none)."""
    for name in ("validation_data", "validation_split"):
        arg = fit.args.get(name)
        if arg is None:
            continue
        v = arg.value
        if isinstance(v, Const) and (v.value is None or v.value == 0):
            continue
        return True
    return False


# -- where the arrays a fit is given come from -------------------------------------------------
# Label evidence belongs to its fit: what the file shows about an array counts only where the
# array reaches. A name is followed back through the assignments that reach its use, in the
# use's own function (or at module level), and a fact holds only when it holds on every one
# of them.
ONE_HOT = "one-hot"  # made by to_categorical / one_hot
REAL = "real-valued"  # floats that are not class ids: a regression loader, float arithmetic, a scaler
SYNTHETIC = "synthetic"  # made up in the file: random draws, sklearn make_*, constant or literal arrays
_RNG = "random generator"  # np.random.default_rng(...): an object that draws, not an array
_SCALER = "scaler"  # a sklearn scaler: what it transforms is real-valued
_NOTHING: frozenset = frozenset()
_MAX_DEPTH = 24  # deeper than any real chain of assignments between a loader and a fit

_ALIASES = {"np": "numpy", "tf": "tensorflow"}  # for snippets that use them without importing
_SNIPPET_MODULES = {"keras", "tensorflow", "numpy", "sklearn", "datasets", "boston_housing", "california_housing"}
_RANDOM_MODULES = {"numpy.random", "tensorflow.random", "keras.random", "jax.random", "tensorflow.keras.random"}
_RANDOM_FLOATS = {
    "rand", "randn", "random", "random_sample", "ranf", "sample", "normal", "uniform", "standard_normal",
    "lognormal", "exponential", "beta", "gamma", "laplace", "logistic", "gumbel", "standard_t",
    "multivariate_normal", "truncated_normal", "stateless_normal", "stateless_uniform",
    "stateless_truncated_normal",
}
_RANDOM_INTEGERS = {"randint", "integers", "binomial", "poisson", "random_integers", "geometric",
                    "multinomial", "categorical", "stateless_categorical"}
_RNG_MAKERS = {"default_rng", "RandomState", "Generator", "from_seed", "SeedGenerator"}
_CONSTANT_MAKERS = {"zeros", "ones", "full", "empty", "zeros_like", "ones_like", "full_like", "empty_like",
                    "eye", "identity", "fill", "arange", "range"}
_ARRAY_MODULES = {"numpy", "tensorflow", "keras.ops", "tensorflow.math", "pandas", "jax.numpy"}
_FLOAT_MAKERS = {"linspace", "logspace"}
_FLOAT_FUNCTIONS = {"sin", "cos", "tan", "exp", "log", "log1p", "log2", "log10", "sqrt", "tanh", "sinh",
                    "cosh", "arctan", "arcsin", "arccos", "expm1", "cbrt", "sinc"}
# Functions whose result holds what their first argument holds (a copy, a view, a container).
_SAME_VALUES = {"array", "asarray", "asanyarray", "ascontiguousarray", "float32", "float64", "reshape",
                "expand_dims", "squeeze", "ravel", "transpose", "copy", "constant", "convert_to_tensor",
                "cast", "Series", "DataFrame", "stack", "vstack", "hstack", "concatenate", "atleast_2d",
                "clip", "tile", "repeat"}
# Functions and methods that turn floats into class ids or indices.
_TO_CLASSES = {"round", "rint", "around", "floor", "ceil", "trunc", "fix", "argmax", "argmin", "sign",
               "where", "digitize", "searchsorted", "unique", "bincount"}
_SAME_VALUE_METHODS = {"reshape", "copy", "flatten", "ravel", "squeeze", "to_numpy", "numpy", "transpose",
                       "sum", "mean", "std", "dot", "cumsum", "clip", "max", "min", "repeat", "take", "pop"}
_SCALERS = {"QuantileTransformer", "PowerTransformer"}  # and every ``*Scaler``
_SKLEARN_REAL_MAKERS = {"make_regression", "make_friedman1", "make_friedman2", "make_friedman3",
                        "make_sparse_uncorrelated", "make_s_curve", "make_swiss_roll", "make_low_rank_matrix"}
_SKLEARN_MAKERS = {"make_classification", "make_blobs", "make_moons", "make_circles", "make_gaussian_quantiles",
                   "make_hastie_10_2", "make_multilabel_classification", "make_biclusters", "make_checkerboard"}
_SKLEARN_REGRESSION_LOADERS = {"fetch_california_housing", "load_boston", "load_diabetes", "load_linnerud"}
_KERAS_REGRESSION_LOADERS = ("boston_housing.load_data", "california_housing.load_data")
_SPLITS = {"train_test_split"}  # returns a train and a test part of each array, in order
_INTEGER_DTYPE = re.compile(r"^(u?int\d*|bool_?|long)$")

_BLOCK_PARTS = (cst.If, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase)


@dataclass(frozen=True)
class _Site:
    """Where a statement runs: its function (None at module level), its place in the text, and
    the blocks (bodies of if/for/try/...) that hold it inside that function."""

    scope: cst.CSTNode | None
    seq: int
    blocks: tuple


@dataclass(frozen=True)
class _Binding:
    name: str
    source: cst.CSTNode | None  # the assigned value (an AugAssign for ``y /= 2``); None: not followed
    path: tuple  # indices into the value when unpacked from it (``(x, y), _ = load_data()``)
    site: _Site


def _scope_key(scope) -> int:
    return 0 if scope is None else id(scope)


def _numbers_only(node) -> bool:
    """A literal list/tuple of numbers, nested at any depth (``[[0, 0], [0, 1]]``)."""
    if isinstance(node, (cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.UnaryOperation):
        return _numbers_only(node.expression)
    if isinstance(node, (cst.List, cst.Tuple)):
        return bool(node.elements) and all(
            isinstance(el, cst.Element) and _numbers_only(el.value) for el in node.elements)
    return False


def _is_literal(node) -> bool:
    return isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)) or (
        isinstance(node, cst.UnaryOperation) and _is_literal(node.expression))


def _positional(call: cst.Call) -> list:
    return [a.value for a in call.args if a.keyword is None and not a.star]


def _keyword(call: cst.Call, name: str):
    for a in call.args:
        if a.keyword is not None and a.keyword.value == name:
            return a.value
    return None


def _both(a, b):
    """What holds on both of two paths (None, a constant, holds nothing of its own)."""
    if a is None:
        return b
    if b is None:
        return a
    return a & b


class ArrayFlow:
    """One walk over a module's statements: every binding of a name with where it is made,
    and the statement every call is in. It answers what holds for an array written at a call
    (a ``fit()``): one-hot, real-valued, synthetic, one sample."""

    def __init__(self, ir):
        self._resolver = ir.resolver
        self._bound = ir.bound_names
        self._one_hot = {id(site.node) for site in ir.calls
                         if site.ref.canonical.rsplit(".", 1)[-1] in _ONE_HOT}
        self._sites: dict = {}  # id(call) -> _Site of its statement
        self._bindings: dict = {}  # (scope key, name) -> [_Binding], in text order
        self._parent: dict = {}  # scope key -> the scope whose names it sees (class bodies skipped)
        self._fills: dict = {}  # name -> [_Site] where it is written into (``x[i] = ...``)
        self._seq = 0
        self._walk(ir.module.body, None, ())

    # -- the walk --------------------------------------------------------------------------------
    def _site(self, scope, blocks) -> _Site:
        self._seq += 1
        return _Site(scope, self._seq, blocks)

    def _walk(self, body, scope, blocks) -> None:
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                self._line(stmt, stmt.body, scope, blocks)
            else:
                self._compound(stmt, scope, blocks, self._site(scope, blocks))

    def _body(self, body, scope, blocks) -> None:
        if isinstance(body, cst.SimpleStatementSuite):
            self._line(body, body.body, scope, blocks)
        else:
            self._walk(body.body, scope, blocks)

    def _line(self, node, smalls, scope, blocks) -> None:
        site = self._site(scope, blocks)
        self._index_calls(node, site)
        for small in smalls:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    self._bind_target(target.target, small.value, (), site)
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                self._bind_target(small.target, small.value, (), site)
            elif isinstance(small, cst.AugAssign):
                self._bind_target(small.target, small, (), site)

    def _compound(self, stmt, scope, blocks, site) -> None:
        inner, inner_blocks = scope, blocks
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            self._bind(stmt.name.value, None, (), site)
            inner, inner_blocks = stmt, ()
            outer = self._parent.get(_scope_key(scope)) if isinstance(scope, cst.ClassDef) else scope
            self._parent[_scope_key(stmt)] = outer
        self._bind_header(stmt, inner, site)
        for child in stmt.children:
            if isinstance(child, (cst.IndentedBlock, cst.SimpleStatementSuite)):
                self._body(child, inner, inner_blocks + (id(child),))
            elif isinstance(child, _BLOCK_PARTS):
                # elif / else / except / finally / case: a header and a body of their own
                self._compound(child, scope, blocks, self._site(scope, blocks))
            else:
                self._index_calls(child, site)

    def _bind_header(self, stmt, inner, site) -> None:
        """Names a compound statement binds in its header: loop targets, ``as`` names,
        parameters (bound in the function, before its first statement)."""
        if isinstance(stmt, cst.For):
            self._bind_target(stmt.target, None, (), site)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                if item.asname is not None:
                    self._bind_target(item.asname.name, None, (), site)
        elif isinstance(stmt, (cst.ExceptHandler, cst.ExceptStarHandler)) and stmt.name is not None:
            self._bind_target(stmt.name.name, None, (), site)
        elif isinstance(stmt, cst.FunctionDef):
            entry = self._site(inner, ())
            params = stmt.params
            for p in (*params.posonly_params, *params.params, *params.kwonly_params):
                self._bind(p.name.value, None, (), entry)
            for star in (params.star_arg, params.star_kwarg):
                if isinstance(star, cst.Param):
                    self._bind(star.name.value, None, (), entry)

    def _index_calls(self, node, site) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, cst.Call):
                self._sites[id(n)] = site
            stack.extend(n.children)

    def _bind_target(self, target, value, path, site) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, value, path, site)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            starred = any(isinstance(el, cst.StarredElement) for el in elements)
            values = None
            if not path and isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(elements):
                values = [el.value for el in value.elements]
            for i, el in enumerate(elements):
                if starred or isinstance(el.value, cst.StarredElement):
                    self._bind_target(el.value, None, (), site)
                elif values is not None:
                    self._bind_target(el.value, values[i], (), site)
                else:
                    self._bind_target(el.value, value, (*path, i) if value is not None else (), site)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None, (), site)
        elif isinstance(target, cst.Subscript):
            root = _root_name(target)
            if root is not None:
                self._fills.setdefault(root, []).append(site)

    def _bind(self, name, value, path, site) -> None:
        key = (_scope_key(site.scope), name)
        self._bindings.setdefault(key, []).append(_Binding(name, value, path, site))

    # -- reaching assignments --------------------------------------------------------------------
    def _reaching(self, name: str, site: _Site) -> list | None:
        """The bindings of ``name`` that may give its value at ``site``, or None when kerlint
        cannot tell (a name bound in the function only after its use, or never bound)."""
        bindings = self._bindings.get((_scope_key(site.scope), name))
        if bindings:
            out = []
            for b in reversed([b for b in bindings if b.site.seq < site.seq]):
                out.append(b)
                if site.blocks[: len(b.site.blocks)] == b.site.blocks:
                    return out  # this one is made on every path to the use: earlier ones are overwritten
            return None
        scope = site.scope
        while scope is not None:
            # A free name: the enclosing scope's, as it stands after that scope's statements
            # (a function is called once the script has prepared its data).
            scope = self._parent.get(_scope_key(scope))
            bindings = self._bindings.get((_scope_key(scope), name))
            if bindings:
                return [bindings[-1]]
        return None

    # -- facts -------------------------------------------------------------------------------------
    def facts(self, expr: cst.CSTNode, at: cst.Call) -> frozenset:
        """What holds for the array ``expr`` written in the call ``at`` on every path the file
        gives it: a set of ONE_HOT, REAL, SYNTHETIC (empty when nothing is known)."""
        site = self._sites.get(id(at))
        if site is None:
            return _NOTHING  # a call in another module, or not in a statement kerlint indexed
        found = self._facts(expr, site, 0) or _NOTHING
        if contains(expr, self._one_hot):
            found |= {ONE_HOT}
        return found - {_RNG, _SCALER}

    def _facts(self, expr, site: _Site, depth: int):
        """frozenset of facts, or None for a constant (which changes nothing in arithmetic)."""
        if depth > _MAX_DEPTH:
            return _NOTHING
        d = depth + 1
        if _is_literal(expr):
            return None
        if isinstance(expr, cst.UnaryOperation):
            return self._facts(expr.expression, site, d)
        if isinstance(expr, cst.Name):
            return self._name_facts(expr.value, site, d)
        if isinstance(expr, (cst.Subscript, cst.Attribute)):
            return self._facts(expr.value, site, d) or _NOTHING
        if isinstance(expr, cst.BinaryOperation):
            return self._arithmetic(expr.operator, (expr.left, expr.right), site, d)
        if isinstance(expr, cst.Comparison):
            return self._classes_of([expr.left, *(c.comparator for c in expr.comparisons)], site, d)
        if isinstance(expr, cst.IfExp):
            return _both(self._facts(expr.body, site, d), self._facts(expr.orelse, site, d)) or _NOTHING
        if isinstance(expr, (cst.List, cst.Tuple)):
            if _numbers_only(expr):
                return frozenset({SYNTHETIC})  # numbers written in the file (an XOR table)
            return self._all_of([el.value for el in expr.elements if isinstance(el, cst.Element)], site, d)
        if isinstance(expr, cst.Call):
            return self._call_facts(expr, site, d)
        return _NOTHING

    def _name_facts(self, name: str, site: _Site, depth: int):
        bindings = self._reaching(name, site)
        if not bindings:
            return _NOTHING
        found = None
        for b in bindings:
            facts = self._binding_facts(b, depth)
            if facts is not None and SYNTHETIC in facts and self._filled(b):
                facts -= {SYNTHETIC}  # ``x = np.zeros(...)`` then ``x[i] = ...``: filled with data
            found = _both(found, facts)
        return found

    def _filled(self, b: _Binding) -> bool:
        """The array ``b`` binds is written into element by element later: in its own scope
        before the name is bound again, or in a function that reads it as a free name."""
        key = _scope_key(b.site.scope)
        later = [o.site.seq for o in self._bindings.get((key, b.name), ()) if o.site.seq > b.site.seq]
        until = min(later, default=None)
        for fill in self._fills.get(b.name, ()):
            if _scope_key(fill.scope) == key:
                if fill.seq > b.site.seq and (until is None or fill.seq < until):
                    return True
            elif (_scope_key(fill.scope), b.name) not in self._bindings:
                return True
        return False

    def _binding_facts(self, b: _Binding, depth: int):
        source = b.source
        if source is None:
            return _NOTHING
        if isinstance(source, cst.AugAssign):
            before = self._name_facts(b.name, b.site, depth)
            return self._arithmetic(source.operator, (before, source.value), b.site, depth, known=(0,))
        found = self._unpacked(source, b.path, b.site, depth) if b.path else self._facts(source, b.site, depth)
        if contains(source, self._one_hot):
            found = (found or _NOTHING) | {ONE_HOT}
        return found

    def _unpacked(self, source, path: tuple, site: _Site, depth: int):
        """What holds for one element of an unpacked value."""
        if isinstance(source, cst.Call) and self._function(source).rsplit(".", 1)[-1] in _SPLITS:
            arrays = _positional(source)
            i = path[0] // 2  # (a_train, a_test, b_train, b_test, ...)
            if i >= len(arrays):
                return _NOTHING
            return self._facts(arrays[i], site, depth) or _NOTHING
        return self._facts(source, site, depth) or _NOTHING  # a loader, random draws: every part alike

    def _all_of(self, exprs, site: _Site, depth: int):
        found = None
        for e in exprs:
            found = _both(found, self._facts(e, site, depth))
        return found if found is not None else _NOTHING

    def _arithmetic(self, operator, operands, site: _Site, depth: int, known=()):
        """Arithmetic: synthetic when every array in it is, real-valued when one is or it divides,
        one-hot when one is (label smoothing). ``known``: operands already given as facts."""
        facts = [o if i in known else self._facts(o, site, depth) for i, o in enumerate(operands)]
        arrays = [f for f in facts if f is not None]
        if not arrays:
            return None
        found = set()
        if all(SYNTHETIC in f for f in arrays):
            found.add(SYNTHETIC)
        if any(REAL in f for f in arrays) or isinstance(operator, (cst.Divide, cst.DivideAssign)):
            found.add(REAL)
        if any(ONE_HOT in f for f in arrays):
            found.add(ONE_HOT)
        return frozenset(found)

    def _classes_of(self, exprs, site: _Site, depth: int):
        """A comparison or rounding: class ids or flags, synthetic when what it reads is."""
        found = self._all_of(exprs, site, depth)
        return found & {SYNTHETIC}

    # -- calls -----------------------------------------------------------------------------------
    def _module_function(self, func) -> str | None:
        """``numpy.random.rand`` for ``np.random.rand`` when the root is an imported module (or a
        snippet's ``np``/``tf``), ``sklearn.datasets.make_moons`` for an imported name; None for
        a method of a value."""
        dotted = dotted_name(func)
        if dotted is None:
            return None
        root, _, rest = dotted.partition(".")
        qualified = self._resolver.qualify(dotted)
        if qualified is not None:
            return qualified
        if root in self._bound:
            return None
        if root in _ALIASES:
            return _ALIASES[root] + ("." + rest if rest else "")
        if not rest or root in _SNIPPET_MODULES:
            return dotted  # a snippet's unbound function or module: taken as written
        return None  # a method of a value the snippet does not bind (``img.reshape``)

    def _function(self, call: cst.Call) -> str:
        return self._module_function(call.func) or ""

    def _call_facts(self, call: cst.Call, site: _Site, depth: int):
        if id(call) in self._one_hot:
            return frozenset({ONE_HOT})
        function = self._module_function(call.func)
        if function is not None:
            return self._function_facts(function, call, site, depth)
        if isinstance(call.func, cst.Attribute):
            return self._method_facts(call.func.attr.value, call.func.value, call, site, depth)
        return _NOTHING

    def _function_facts(self, function: str, call: cst.Call, site: _Site, depth: int):
        module, _, name = function.rpartition(".")
        if module in _RANDOM_MODULES:
            return self._draw(name, _positional(call), site, depth)
        if function.endswith(_KERAS_REGRESSION_LOADERS) or self._sklearn(module, name, _SKLEARN_REGRESSION_LOADERS):
            return frozenset({REAL})
        if self._sklearn(module, name, _SKLEARN_REAL_MAKERS):
            return frozenset({SYNTHETIC, REAL})
        if self._sklearn(module, name, _SKLEARN_MAKERS):
            return frozenset({SYNTHETIC})
        if name.endswith("Scaler") or name in _SCALERS:
            return frozenset({_SCALER})
        if module not in _ARRAY_MODULES:
            return _NOTHING
        if name in _CONSTANT_MAKERS:
            return frozenset({SYNTHETIC})
        if name in _FLOAT_MAKERS:
            return frozenset({SYNTHETIC, REAL})
        args = _positional(call)
        if not args:
            return _NOTHING
        first = self._facts(args[0], site, depth)
        if name in _FLOAT_FUNCTIONS:
            return (first or _NOTHING) & {SYNTHETIC} | {REAL}
        if name in _TO_CLASSES:
            return (first or _NOTHING) & {SYNTHETIC}
        if name in _SAME_VALUES:
            return first if first is not None else _NOTHING
        return _NOTHING

    def _sklearn(self, module: str, name: str, names: set) -> bool:
        return name in names and (module.startswith("sklearn") or module in ("", "datasets"))

    def _draw(self, name: str, args, site: _Site, depth: int):
        if name in _RANDOM_FLOATS:
            return frozenset({SYNTHETIC, REAL})
        if name in _RANDOM_INTEGERS:
            return frozenset({SYNTHETIC})
        if name in _RNG_MAKERS:
            return frozenset({_RNG})
        if name == "choice" and args:
            # choice(10, n) draws numbers; choice(data, n) samples the data
            if _is_literal(args[0]):
                return frozenset({SYNTHETIC})
            return self._facts(args[0], site, depth) or _NOTHING
        return _NOTHING

    def _method_facts(self, method: str, receiver, call: cst.Call, site: _Site, depth: int):
        held = self._facts(receiver, site, depth) or _NOTHING
        args = _positional(call)
        if _RNG in held:
            return self._draw(method, args, site, depth)
        if _SCALER in held and method in ("fit_transform", "transform", "inverse_transform"):
            first = self._facts(args[0], site, depth) if args else None
            return (first or _NOTHING) & {SYNTHETIC} | {REAL}
        if method == "astype":
            dtype = args[0] if args else _keyword(call, "dtype")
            return held & {SYNTHETIC} if _integer_dtype(dtype) else held
        if method in _SAME_VALUE_METHODS:
            return held
        return held & {SYNTHETIC}

    # -- one-hot calls behind an array -------------------------------------------------------------
    def one_hot_reaching(self, expr: cst.CSTNode, at: cst.Call) -> set:
        """The ids of the one-hot calls whose result may flow into ``expr`` (written in the call
        ``at``) on some path: in it, or behind a name it reads."""
        site = self._sites.get(id(at))
        found: set = set()
        if site is not None:
            self._collect_one_hot(expr, site, found, set())
        return found

    def _collect_one_hot(self, expr, site: _Site, found: set, seen: set) -> None:
        stack = [expr]
        while stack:
            node = stack.pop()
            if id(node) in self._one_hot:
                found.add(id(node))
            if isinstance(node, cst.Name):
                for b in self._reaching(node.value, site) or ():
                    if b.source is not None and id(b.source) not in seen:
                        seen.add(id(b.source))
                        self._collect_one_hot(b.source, b.site, found, seen)
            stack.extend(node.children)

    # -- one sample --------------------------------------------------------------------------------
    def one_sample(self, expr: cst.CSTNode, at: cst.Call) -> bool:
        """``expr``, written in the call ``at``, is one sample given a batch axis:
        ``img[None]``, ``x[i:i + 1]``, ``np.expand_dims(img, 0)``, ``img.reshape((1,) + img.shape)``,
        ``np.array([img])``."""
        site = self._sites.get(id(at))
        return site is not None and self._one_sample(expr, site, 0)

    def _one_sample(self, expr, site: _Site, depth: int) -> bool:
        if depth > _MAX_DEPTH:
            return False
        d = depth + 1
        if isinstance(expr, cst.Name):
            bindings = self._reaching(expr.value, site)
            return bool(bindings) and all(
                b.source is not None and not b.path and not isinstance(b.source, cst.AugAssign)
                and self._one_sample(b.source, b.site, d) for b in bindings)
        if isinstance(expr, cst.Subscript):
            return _batch_of_one(expr)
        if isinstance(expr, cst.BinaryOperation):
            # ``img[None] / 255.0``: the array operand keeps its shape
            arrays = [o for o in (expr.left, expr.right) if not _is_literal(o)]
            return len(arrays) == 1 and self._one_sample(arrays[0], site, d)
        if not isinstance(expr, cst.Call):
            return False
        args = _positional(expr)
        function = self._module_function(expr.func)
        name = (function or dotted_name(expr.func) or "").rsplit(".", 1)[-1]
        if function is None and isinstance(expr.func, cst.Attribute):
            if name == "reshape":
                return _leading_one(args[0] if args else None, args)
            if name in ("astype", "copy"):
                return self._one_sample(expr.func.value, site, d)
            return False
        if name == "expand_dims":
            axis = args[1] if len(args) > 1 else _keyword(expr, "axis")
            return isinstance(axis, cst.Integer) and axis.value == "0"
        if name == "reshape" and len(args) > 1:
            return _leading_one(args[1], args[1:])
        if name in ("array", "asarray", "stack") and args and isinstance(args[0], cst.List):
            elements = args[0].elements
            return len(elements) == 1 and isinstance(elements[0], cst.Element) and not _numbers_only(elements[0].value)
        return False


def _integer_dtype(node) -> bool:
    if node is None:
        return False
    if isinstance(node, cst.SimpleString):
        return bool(_INTEGER_DTYPE.match(node.evaluated_value))
    dotted = dotted_name(node)
    return dotted is not None and bool(_INTEGER_DTYPE.match(dotted.rsplit(".", 1)[-1]))


def _leading_one(shape, args) -> bool:
    """A reshape target whose first axis is 1: ``reshape(1, 28, 28)``, ``reshape((1, 28))``,
    ``reshape((1,) + x.shape)``."""
    if shape is None:
        return False
    if isinstance(shape, cst.Integer):
        return shape.value == "1" and len(args) > 1
    if isinstance(shape, cst.BinaryOperation) and isinstance(shape.operator, cst.Add):
        return _leading_one(shape.left, [shape.left, shape])
    if isinstance(shape, (cst.Tuple, cst.List)) and shape.elements:
        first = shape.elements[0]
        return isinstance(first, cst.Element) and isinstance(first.value, cst.Integer) and first.value.value == "1"
    return False


def _batch_of_one(subscript: cst.Subscript) -> bool:
    """``x[None]``, ``x[np.newaxis, ...]``, ``x[0:1]``, ``x[:1]``, ``x[i:i + 1]``, ``x[[i]]``."""
    first = subscript.slice[0].slice
    if isinstance(first, cst.Index):
        value = first.value
        if isinstance(value, cst.Name) and value.value == "None":
            return True
        if isinstance(value, cst.Attribute) and value.attr.value == "newaxis":
            return True
        return isinstance(value, cst.List) and len(value.elements) == 1
    if isinstance(first, cst.Slice) and first.step is None and first.upper is not None:
        lower, upper = first.lower, first.upper
        if isinstance(upper, cst.Integer) and (lower is None or isinstance(lower, cst.Integer)):
            start = _int(lower) if lower is not None else 0
            return start is not None and _int(upper) == start + 1
        if isinstance(upper, cst.BinaryOperation) and isinstance(upper.operator, cst.Add) and lower is not None:
            one = upper.right
            same = cst.Module([]).code_for_node(upper.left) == cst.Module([]).code_for_node(lower)
            return same and isinstance(one, cst.Integer) and one.value == "1"
    return False


# The flows of the last few files: FileAnalysis is made once per file and the rules that ask
# (KER109/KER110 through the one-hot labels, KER301) share one walk.
_FLOWS: dict = {}


def array_flow(ir) -> ArrayFlow:
    """The ``ArrayFlow`` of ``ir``'s module, made once."""
    entry = _FLOWS.get(id(ir.module))
    if entry is None or entry[0] is not ir.module:
        if len(_FLOWS) >= 4:
            _FLOWS.pop(next(iter(_FLOWS)))
        entry = (ir.module, ArrayFlow(ir))
        _FLOWS[id(ir.module)] = entry
    return entry[1]
