"""What ``fit()`` is given: labels the file made one-hot, label arrays whose shape the file
writes, and validation data."""

from __future__ import annotations

import libcst as cst

from ..ir import Const, Fit

_ONE_HOT = ("to_categorical", "one_hot")

# NumPy-style array makers whose shape argument kerlint can read: name -> where the shape is.
_ARRAY_MAKERS = {
    "ones": 0, "zeros": 0, "empty": 0, "full": 0, "random": 0, "random_sample": 0,
    "randint": 2, "integers": 2, "uniform": 2, "normal": 2, "binomial": 2, "choice": 1,
}


# -- one-hot labels ----------------------------------------------------------------------------
def one_hot_calls(ir) -> set:
    """The ids of the file's ``to_categorical(...)`` / ``one_hot(...)`` call nodes."""
    return {id(site.node) for site in ir.calls if site.ref.canonical.rsplit(".", 1)[-1] in _ONE_HOT}


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


def fit_on_one_hot(fit: Fit, calls: set, names: set) -> bool:
    """``fit()``'s labels are a one-hot call, or a name (or part of one) assigned from one."""
    y = fit.args.get("y")
    if y is None:
        return False
    return contains(y.node.value, calls) or _root_name(y.node.value) in names


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
