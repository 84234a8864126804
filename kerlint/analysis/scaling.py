"""Where the arrays given to a model come from, and how they were scaled on the way.

``lineage(expr, at)`` follows an array written at a call back through the bindings of the
module (``flow.Assignments``) and says what it is made of: the names it is read from, the
functions called on the way, the divisions applied to it (``/ 255``, ``/= 255``, ``(y - mean) / std``) and the dataset loader parts it comes
from: the rule on labels scaled like images asks it of a fit's inputs and labels, and
``reaching`` tells whether an array predicted on is the one a model was trained on.
"""

from __future__ import annotations

from dataclasses import field

import libcst as cst

from ..data import FACTORY, record
from ..names import dotted_name
from .flow import Assignments, Binding, Site

_MAX_DEPTH = 24  # deeper than any real chain of assignments between a loader and a fit


# -- what an array is made of -------------------------------------------------------------------
@record(eq=False, frozen=True)
class Division:
    """A division applied to an array on its way: ``node`` is the ``a / d`` expression (or the
    ``a /= d`` statement), ``divisor`` what it divides by, ``binding`` the assignment it is in
    (None: written in the call itself)."""

    node: cst.CSTNode
    divisor: cst.BaseExpression
    binding: Binding | None
    site: Site

    def __init__(self, node, divisor, binding, site):
        object.__setattr__(self, "node", node)
        object.__setattr__(self, "divisor", divisor)
        object.__setattr__(self, "binding", binding)
        object.__setattr__(self, "site", site)


@record
class Lineage:
    """What an array is made of, along every path the file gives it."""

    names: set = field(default_factory=set)  # names its values are read from
    calls: set = field(default_factory=set)  # the last part of each function or method called on the way
    divisions: list = field(default_factory=list)  # [Division], nearest first
    loaders: list = field(default_factory=list)  # [(dotted function, unpack path)] it is unpacked from
    table_names: set = field(default_factory=set)  # names of tables it is a column selection of

    def __init__(self, names=FACTORY, calls=FACTORY, divisions=FACTORY, loaders=FACTORY,
                 table_names=FACTORY):
        self.names = set() if names is FACTORY else names
        self.calls = set() if calls is FACTORY else calls
        self.divisions = [] if divisions is FACTORY else divisions
        self.loaders = [] if loaders is FACTORY else loaders
        self.table_names = set() if table_names is FACTORY else table_names


# Calls whose result is the values of their first argument (or receiver), in another form: their
# other arguments are shapes, dtypes and axes, not data.
_PASS = {"array", "asarray", "asanyarray", "ascontiguousarray", "float32", "float64", "reshape",
         "expand_dims", "squeeze", "ravel", "flatten", "transpose", "copy", "constant", "convert_to_tensor",
         "cast", "astype", "to_numpy", "numpy", "stack", "vstack", "hstack", "concatenate", "atleast_2d"}
_SPLITS = {"train_test_split"}  # (a_train, a_test, b_train, b_test, ...)
_COLUMN_METHODS = {"drop", "pop"}  # a table's columns taken apart: features here, the label there
# Array makers whose arguments are shapes and ranges.
_MAKERS = {"zeros", "ones", "empty", "full", "arange", "linspace", "eye", "identity"}
# Draws of a random generator (``rng.integers(...)``): new values, not the generator's data.
_DRAWS = {"integers", "random", "normal", "uniform", "choice", "randint", "rand", "randn", "standard_normal",
          "binomial", "poisson", "permutation", "shuffle", "sample"}


def _column_key(subscript: cst.Subscript) -> bool:
    """``df["label"]``, ``df[["a", "b"]]``, ``data[:, 0]``, ``data[:, :-1]``: columns of a table."""
    elements = subscript.slice
    first = elements[0].slice
    if isinstance(first, cst.Index):
        value = first.value
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            return True
        if isinstance(value, cst.List) and value.elements and all(
                isinstance(el.value, cst.SimpleString) for el in value.elements):
            return True
        return False
    return (len(elements) == 2 and isinstance(first, cst.Slice) and first.lower is None
            and first.upper is None and first.step is None)


class _Walk:
    """One lineage question: the names, calls, divisions and loaders behind an expression.

    ``broad``: every name read counts, divisors included (what a statistic is computed from);
    otherwise only the values' own path (``y`` in ``(y - mean) / std``). Names reached through a
    column selection (``df["label"]``, ``data[:, :-1]``, ``df.drop(...)``) are the table's, kept
    apart: features and labels taken from one table are not the same array."""

    def __init__(self, flow: Assignments, broad: bool = False):
        self.flow = flow
        self.broad = broad
        self.out = Lineage()
        self._seen: set = set()

    def expr(self, node, site: Site, depth: int, binding: Binding | None = None, table: bool = False) -> None:
        if depth > _MAX_DEPTH or node is None:
            return
        d = depth + 1
        if isinstance(node, cst.Name):
            self.name(node.value, site, d, table)
        elif isinstance(node, cst.Attribute):
            self.expr(node.value, site, d, binding, table)
        elif isinstance(node, cst.Subscript):
            self.expr(node.value, site, d, binding, table or _column_key(node))
        elif isinstance(node, cst.UnaryOperation):
            self.expr(node.expression, site, d, binding, table)
        elif isinstance(node, cst.BinaryOperation):
            divide = isinstance(node.operator, cst.Divide)
            if divide:
                self.out.divisions.append(Division(node, node.right, binding, site))
            if divide and not self.broad:
                self.expr(_centred(node.left), site, d, binding, table)  # the divisor and centre are statistics
            else:
                self.expr(node.left, site, d, binding, table)
                self.expr(node.right, site, d, binding, table)
        elif isinstance(node, (cst.List, cst.Tuple)):
            for el in node.elements:
                self.expr(el.value, site, d, binding, table)
        elif isinstance(node, cst.IfExp):
            self.expr(node.body, site, d, binding, table)
            self.expr(node.orelse, site, d, binding, table)
        elif isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            self.expr(node.elt, site, d, binding, table)
            self.expr(node.for_in.iter, site, d, binding, table)
        elif isinstance(node, cst.Call):
            self.call(node, site, d, binding, table)

    def call(self, node: cst.Call, site: Site, depth: int, binding, table: bool) -> None:
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        if method is not None:
            self.out.calls.add("Image.open" if method == "open" and isinstance(func, cst.Attribute) else method)
        if isinstance(func, cst.Attribute) and method not in _DRAWS:
            # A method of a value reads it (a module's function: the module is no data, and
            # ``name`` keeps only names the file binds).
            self.expr(func.value, site, depth, binding, table or method in _COLUMN_METHODS)
        if method in _PASS and isinstance(func, cst.Attribute) and self._bound(func.value, site):
            return  # ``y.reshape(-1, 1)``: the other arguments are a shape
        if method in _DRAWS or method in _MAKERS:
            return  # ``rng.integers(0, 10, (n, 28))``, ``np.zeros((n, 10))``: sizes and ranges, no data
        args = [a.value for a in node.args if not a.star and (
            a.keyword is None or a.keyword.value in ("x", "a", "arr", "array", "value", "tensor"))]
        if method in _PASS:
            args = args[:1]
        for arg in args:
            self.expr(arg, site, depth, binding, table)

    def _bound(self, node, site: Site) -> bool:
        return isinstance(node, cst.Name) and self.flow.reaching(node.value, site) is not None

    def name(self, name: str, site: Site, depth: int, table: bool = False) -> None:
        bindings = self.flow.reaching(name, site)
        fills = self.flow.fills(name, site)
        if bindings is None and not fills:
            return  # an imported module or a name the file never binds: no data of the file's
        if bindings and not fills and all(isinstance(b.source, (cst.Integer, cst.Float)) for b in bindings):
            return  # ``n = 1500``: a size, not data
        (self.out.table_names if table else self.out.names).add(name)
        for element, fill_site in fills:
            if id(element) not in self._seen:
                self._seen.add(id(element))
                self.expr(element, fill_site, depth, None, table)
        for b in bindings or ():
            if (id(b), table) in self._seen:
                continue
            self._seen.add((id(b), table))
            self.binding(b, depth, table)

    def binding(self, b: Binding, depth: int, table: bool) -> None:
        source = b.source
        if source is None:
            if b.loop is not None:
                self.expr(b.loop.iter, b.site, depth, None, table)
            return
        if isinstance(source, cst.AugAssign):
            if isinstance(source.operator, cst.DivideAssign):
                self.out.divisions.append(Division(source, source.value, b, b.site))
            if self.broad or not isinstance(source.operator, (cst.DivideAssign, cst.SubtractAssign)):
                self.expr(source.value, b.site, depth, b, table)
            self.name(b.name, b.site, depth, table)  # the value before
            return
        if b.path and isinstance(source, cst.Call):
            function = dotted_name(source.func) or ""
            if function.rsplit(".", 1)[-1] in _SPLITS:
                arrays = [a.value for a in source.args if a.keyword is None and not a.star]
                i = b.path[0] // 2
                if i < len(arrays):
                    self.expr(arrays[i], b.site, depth, b, table)
                return
            self.out.loaders.append((function, b.path))
        self.expr(source, b.site, depth, b, table)


def _centred(node):
    """``y - mean`` of ``(y - mean) / std``: the array, without the statistic taken from it."""
    inner = node
    while isinstance(inner, cst.BinaryOperation) and isinstance(inner.operator, cst.Subtract):
        inner = inner.left
    return inner


def lineage(flow: Assignments, expr: cst.CSTNode, at: cst.Call) -> Lineage | None:
    """What the array ``expr``, written in the call ``at``, is made of (None: ``at`` is not in a
    statement kerlint indexed)."""
    site = flow.site_of(at)
    if site is None:
        return None
    walk = _Walk(flow)
    walk.expr(expr, site, 0)
    return walk.out


def names_read(flow: Assignments, expr: cst.CSTNode, site: Site) -> set:
    """Every name the file binds that ``expr`` (written at ``site``) reads, followed back through
    assignments, divisors and statistics included: what ``std`` in ``y / std`` is computed from."""
    walk = _Walk(flow, broad=True)
    walk.expr(expr, site, 0)
    return walk.out.names | walk.out.table_names
