"""KER308: validation_data that is the training data itself."""

from __future__ import annotations

import re

import libcst as cst

from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import code_of
from ..ir import Const
from . import Rule
from ..interp.tree import code_children

# Calls that give the same values for the same arguments: an expression made only of these
# (and names, attributes, indexing, arithmetic) is the same data both times it is written.
_SAME_VALUES = {
    "array", "asarray", "asanyarray", "float32", "float64", "astype", "reshape", "squeeze", "expand_dims",
    "to_numpy", "constant", "convert_to_tensor", "cast", "copy",
}
# Array makers of data with nothing to generalise from (as in API tests and demos): constants,
# ranges, random numbers, scikit-learn's make_* toy problems.
_CONSTANT_MAKERS = {"ones", "zeros", "full", "empty", "ones_like", "zeros_like", "full_like", "arange", "linspace", "eye"}
_RANDOM_PARTS = {"random", "rng", "default_rng"}
_RANDOM_METHODS = {"rand", "randn", "randint", "random", "normal", "uniform", "integers", "standard_normal", "choice"}


def _plain(node) -> str:
    return re.sub(r"\s+", "", code_of(node))


def _deterministic(node) -> bool:
    """No call in the expression draws new values (``next(gen)``, ``np.random.rand(...)``)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, (cst.Lambda, cst.GeneratorExp, cst.ListComp, cst.SetComp, cst.DictComp)):
            return False
        if isinstance(n, cst.Call):
            func = n.func
            name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
            if name not in _SAME_VALUES:
                return False
        stack.extend(code_children(n))
    return True


def _dotted(node) -> list:
    parts = []
    while isinstance(node, cst.Attribute):
        parts.insert(0, node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.insert(0, node.value)
    return parts


def _toy_maker(value) -> bool:
    """A constant, range, random or make_* array, or an array written as a literal."""
    if isinstance(value, (cst.List, cst.Tuple)):
        return True
    if not isinstance(value, cst.Call):
        return False
    parts = _dotted(value.func)
    if not parts:
        return False
    last = parts[-1]
    if last in ("array", "asarray") and value.args and isinstance(value.args[0].value, (cst.List, cst.Tuple)):
        return True  # np.array([[0, 0], [0, 1], ...]): a toy problem written out
    if last in _CONSTANT_MAKERS or last.startswith("make_"):
        return True
    randomish = any(p in _RANDOM_PARTS or "random" in p or p.startswith("rng") for p in parts[:-1])
    return randomish and (last in _RANDOM_METHODS or "random" in parts[:-1])


def _root_name(node) -> str | None:
    while isinstance(node, (cst.Subscript, cst.Attribute, cst.BinaryOperation)):
        node = node.left if isinstance(node, cst.BinaryOperation) else node.value
    return node.value if isinstance(node, cst.Name) else None


def _toy_data(file, fit, node) -> bool:
    """The training inputs are made in the file from constants or random numbers."""
    if _toy_maker(node):
        return True
    name = _root_name(node)
    if name is None:
        return False
    value = file.statements.sole_value(name, near=fit.node)
    if value is None:
        value = file.statements.sole_value(name)
    return value is not None and _toy_maker(value)


def _statement_expressions(small):
    """The expression of a small statement and, below attribute and index reads, its root
    (``model.fit(...).history``)."""
    value = getattr(small, "value", None)
    node = value
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return (value, node)


def _enclosing_function(body, target, function=None):
    """The innermost function whose statements hold the expression ``target`` (False: none
    holds it; None: the module level)."""
    for stmt in body:
        if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            if any(target in _statement_expressions(small) for small in stmt.body):
                return function
            continue
        inner = stmt if isinstance(stmt, cst.FunctionDef) else function
        stack = [c for c in code_children(stmt) if not isinstance(c, cst.BaseExpression)]
        while stack:
            child = stack.pop()
            if isinstance(child, (cst.IndentedBlock, cst.SimpleStatementSuite)):
                found = _enclosing_function(child.body, target, inner)
                if found is not False:
                    return found
            elif not isinstance(child, cst.BaseExpression):
                stack.extend(code_children(child))
    return False


def _in_test_function(file, fit) -> bool:
    """The fit runs in a ``test_*`` function or method, as pytest and unittest name them: a test
    that validates on its training data checks an API, not a model."""
    function = _enclosing_function(file.ir.module.body, fit.node)
    return isinstance(function, cst.FunctionDef) and function.name.value.startswith("test")


def _given(arg) -> bool:
    return arg is not None and not (isinstance(arg.value, Const) and arg.value.value is None)


def _unparen(node):
    return node.with_changes(lpar=[], rpar=[]) if getattr(node, "lpar", None) else node


def _repeats_training(fit) -> bool:
    """validation_data is written exactly as the training data: (x, y), (x, y, w), or x."""
    x, y, val = fit.args.get("x"), fit.args.get("y"), fit.args.get("validation_data")
    if x is None or not _given(val):
        return False
    value = val.node.value
    if _given(y):
        if not isinstance(value, (cst.Tuple, cst.List)) or len(value.elements) not in (2, 3):
            return False
        if any(isinstance(el, cst.StarredElement) for el in value.elements):
            return False
        pairs = ((x.node.value, value.elements[0].value), (y.node.value, value.elements[1].value))
    else:
        pairs = ((x.node.value, value),)
    return all(_plain(_unparen(a)) == _plain(_unparen(b)) and _deterministic(a) for a, b in pairs)


def _fix(fit) -> Fix | None:
    """validation_data=(x, y) -> validation_split=0.2, for arrays only (a dataset cannot be split)."""
    val = fit.args.get("validation_data")
    if fit.method != "fit" or val.written != "validation_data" or not _given(fit.args.get("y")):
        return None
    if fit.args.get("validation_split") is not None or not isinstance(fit.node, cst.Call):
        return None
    split = val.node.with_changes(keyword=cst.Name("validation_split"), value=cst.Float("0.2"))
    call = fit.node.with_changes(args=[split if a is val.node else a for a in fit.node.args])
    return Fix(UNSAFE, "Hold out 20% with validation_split=0.2", [NodeEdit(fit.node, call)])


def check(file):
    ir = file.ir
    for fit in ir.fits:
        if fit.method not in ("fit", "fit_generator") or fit.args.has_star:
            continue
        if fit.model is None and not ir.uses_keras:
            continue
        if not _repeats_training(fit) or _toy_data(file, fit, fit.args.get("x").node.value):
            continue
        if _in_test_function(file, fit):
            continue
        val = fit.args.get("validation_data")
        yield Diagnostic(
            "KER308",
            "validation_data is the training data itself: val_loss repeats the training loss and "
            "cannot show overfitting",
            val.node.value,
            _fix(fit),
        )


RULE = Rule(
    code="KER308",
    explanation=(
        "`fit(x_train, y_train, validation_data=(x_train, y_train))` evaluates the model on the "
        "samples it has just trained on. `val_loss` then follows the training loss down while "
        "the model overfits, and `EarlyStopping` or `ModelCheckpoint(save_best_only=True)` on "
        "`val_loss` never stop or choose anything useful. Hold out data the model does not "
        "train on: `validation_split=0.2` (the last 20% of the arrays, so shuffle them first), "
        "or a separate split from `train_test_split`. The fix (unsafe: the model then trains on "
        "20% less data) replaces `validation_data` with `validation_split=0.2` when the "
        "training data are arrays. Silent on data made in the file from constants or random "
        "numbers (API tests and demos), where there is nothing to generalise, and in test "
        "functions (`def test_...`), which check an API rather than train a model."
    ),
    bad="""\
import keras
import numpy as np
from keras import layers

data = np.loadtxt("patients.csv", delimiter=",", skiprows=1)
order = np.random.permutation(len(data))
x_train, y_train = data[order, :-1], data[order, -1]

model = keras.Sequential([
    keras.Input(shape=(12,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=15, validation_data=(x_train, y_train))
""",
    good="""\
import keras
import numpy as np
from keras import layers
from sklearn.model_selection import train_test_split

data = np.loadtxt("patients.csv", delimiter=",", skiprows=1)
x_train, x_val, y_train, y_val = train_test_split(data[:, :-1], data[:, -1], test_size=0.2, random_state=1)

model = keras.Sequential([
    keras.Input(shape=(12,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=15, validation_data=(x_val, y_val))
""",
    fixed="""\
import keras
import numpy as np
from keras import layers

data = np.loadtxt("patients.csv", delimiter=",", skiprows=1)
order = np.random.permutation(len(data))
x_train, y_train = data[order, :-1], data[order, -1]

model = keras.Sequential([
    keras.Input(shape=(12,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=15, validation_split=0.2)
""",
    fix_availability="sometimes",
    fix_applicability=("unsafe",),
    check=check,
)
