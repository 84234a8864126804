"""KER310: predict/evaluate/model(...) on one indexed sample of an array the model trains on."""

from __future__ import annotations

import re

import libcst as cst

from ..analysis.flow import assignments
from ..diagnostics import SAFE, UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import code_of
from ..ir import Const, Model, Tensor
from . import Rule
from ..interp.tree import names_in

_METHODS = ("predict", "evaluate", "predict_on_batch", "test_on_batch")
# The words that make a test (or validation) twin of a training array: x_train -> x_test.
_TWIN_WORDS = ("test", "val", "valid", "validation", "eval", "dev")
_TRAIN = re.compile(r"train|Train|TRAIN")
# Functions that give one random integer with these arguments (no size): ``random.randint(0, n)``.
_SCALAR_DRAWS = {"randint", "randrange", "choice"}
_MAX_DEPTH = 12
# Python containers written out: indexing one gives an element (an array with its batch axis).
_CONTAINERS = (cst.List, cst.Tuple, cst.Dict, cst.ListComp, cst.DictComp)


def _is_int(node) -> bool:
    if isinstance(node, cst.Integer):
        return True
    return isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) and isinstance(
        node.expression, cst.Integer)


def _sample(node):
    """The ``arr[i]`` (or ``arr[i, :]``) subscript that picks one sample, inside ``arr[i] / 255``
    too; None for anything that keeps a batch axis (``arr[0:1]``, ``arr[[0]]``, ``arr[None]``)."""
    if isinstance(node, cst.BinaryOperation):
        literal = (cst.Integer, cst.Float)
        if isinstance(node.right, literal):
            return _sample(node.left)
        if isinstance(node.left, literal):
            return _sample(node.right)
        return None
    if not isinstance(node, cst.Subscript) or not isinstance(node.value, cst.Name):
        return None
    elements = node.slice
    first = elements[0].slice
    if not isinstance(first, cst.Index) or first.star is not None:
        return None
    index = first.value
    if not (_is_int(index) or isinstance(index, cst.Name)) or (isinstance(index, cst.Name) and index.value == "None"):
        return None
    for rest in elements[1:]:
        s = rest.slice
        if not (isinstance(s, cst.Slice) and s.lower is None and s.upper is None and s.step is None):
            return None  # arr[0, 3]: a single value, or arr[0, 2:5]: kerlint does not guess
    return node


def _argument(call: cst.Call, keyword: str):
    """The first positional argument of ``call``, or the one given as ``keyword``."""
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None or arg.keyword.value == keyword:
            return arg.value
    return None


def _second(call: cst.Call, keyword: str):
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    if len(positional) > 1:
        return positional[1]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    return None


def _input_rank(file, model: Model) -> int | None:
    """The rank (batch included) of the single input of a model whose input shape is known."""
    if model.style == "sequential" and model.has_graph:
        steps = file.steps(model)
        shape = steps[0].in_shape if steps else None
    elif model.style == "functional" and model.inputs and len(model.inputs) == 1 and isinstance(model.inputs[0], Tensor):
        shape = model.inputs[0].shape
    else:
        return None
    return len(tuple(shape)) if shape is not None else None


def _array_name(node) -> str | None:
    """The array a fit/evaluate is given whole: ``x``, ``x / 255.0``, ``x.astype("float32")``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.BinaryOperation) and isinstance(node.right, (cst.Integer, cst.Float)):
        return _array_name(node.left)
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "astype"):
        return _array_name(node.func.value)
    return None


def _given_labels(call: cst.Call) -> bool:
    y = _second(call, "y")
    return y is not None and not (isinstance(y, cst.Name) and y.value == "None")


def _whole_uses(ir, model: Model):
    """(array name, call) for each fit or evaluate of ``model`` given an array and its labels:
    the array then has the model's batch axis."""
    for fit in model.fits:
        if fit.method == "fit" and isinstance(fit.node, cst.Call) and _given_labels(fit.node):
            x = fit.args.get("x")
            name = _array_name(x.node.value) if x is not None else None
            if name is not None:
                yield name, fit.node
    for call in ir.method_calls:
        if call.receiver is model and call.name == "evaluate" and _given_labels(call.node):
            name = _array_name(_argument(call.node, "x"))
            if name is not None:
                yield name, call.node


def _twin_words(trained: str, used: str):
    """("train", "test") when ``used`` is ``trained`` with its train word swapped (x_train ->
    x_test, X_train -> X_val, trainX -> testX), else None."""
    for match in _TRAIN.finditer(trained):
        word = match.group()
        for twin in _TWIN_WORDS:
            swapped = twin if word.islower() else twin.upper() if word.isupper() else twin.capitalize()
            if trained[: match.start()] + swapped + trained[match.end():] == used:
                return word, swapped
    return None


def _same(a, b) -> bool:
    return a is not None and b is not None and len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _mirrored(flow, used: list | None, trained: list | None, words, depth: int = 0) -> bool:
    """The twin is made the way the trained array is, statement for statement (one unpacking of
    a loader, or ``x_test = x_test.reshape(...)`` beside ``x_train = x_train.reshape(...)``): it has
    the same rank. Steps that keep the rank of the trained array (``x_train = x_train[:-5000]``,
    a split of it) may stand between."""
    if depth > _MAX_DEPTH or used is None or trained is None or len(used) != 1 or len(trained) != 1:
        return False
    a, b = used[0], trained[0]
    if a.source is None or b.source is None:
        return False
    if a.statement is not None and a.statement is b.statement:
        return True  # unpacked together: (x_train, y_train), (x_test, y_test) = load_data()
    train_word, twin_word = words
    if code_of(a.source).replace(twin_word, train_word) == code_of(b.source):
        if a.name not in names_in(a.source) and not isinstance(a.source, cst.AugAssign):
            return True  # made afresh the same way: np.load("x_test.npy") beside np.load("x_train.npy")
        return _mirrored(flow, flow.reaching(a.name, a.site), flow.reaching(b.name, b.site), words, depth + 1)
    before = _rank_kept_from(b)
    if before is None:
        return False
    return _mirrored(flow, used, flow.reaching(before, b.site), words, depth + 1)


def _rank_kept_from(b) -> str | None:
    """The array a binding takes its values from with the same rank: ``x = x[:-5000]``,
    ``x = x / 255``, ``x = x.astype(...)``, ``x, x_val, y, y_val = train_test_split(x, y)``."""
    source = b.source
    if b.path:
        if isinstance(source, cst.Call) and (code_of(source.func).rsplit(".", 1)[-1] == "train_test_split"):
            arrays = [a.value for a in source.args if a.keyword is None and not a.star]
            i = b.path[0] // 2
            if i < len(arrays) and isinstance(arrays[i], cst.Name):
                return arrays[i].value
        return None
    if isinstance(source, cst.Subscript) and isinstance(source.value, cst.Name):
        first = source.slice[0].slice
        if len(source.slice) == 1 and isinstance(first, cst.Slice):
            return source.value.value
        return None
    return _array_name(source)



def _batched(flow, ir, model: Model, name: str, site) -> bool:
    """``name`` at ``site`` is an array ``model`` is trained or evaluated on whole: the same
    binding of the name, or its test twin made the same way as the trained array."""
    here = flow.reaching(name, site)
    if here is None or any(isinstance(b.source, _CONTAINERS) and not b.path for b in here):
        return False  # ``inputs = [x_train]``: inputs[0] is a whole array
    for trained, call in _whole_uses(ir, model):
        there = flow.site_of(call)
        if there is None:
            continue
        if trained == name:
            if _same(here, flow.reaching(trained, there)):
                return True
            continue
        words = _twin_words(trained, name)
        if words is not None and _mirrored(flow, here, flow.reaching(trained, there), words):
            return True
    return False


def _integer_index(flow, index, site) -> bool:
    """An index that is one integer: a literal, or a name bound only as a ``range()`` /
    ``enumerate()`` loop counter, an integer literal or one random integer."""
    if _is_int(index):
        return True
    bindings = flow.reaching(index.value, site)
    if not bindings:
        return False
    return all(_integer_binding(b, index.value) for b in bindings)


def _integer_binding(b, name: str) -> bool:
    if b.loop is not None:
        loop = b.loop
        func = loop.iter.func if isinstance(loop.iter, cst.Call) else None
        called = func.value if isinstance(func, cst.Name) else None
        if called == "range":
            return isinstance(loop.target, cst.Name)
        if called == "enumerate" and isinstance(loop.target, cst.Tuple):
            first = loop.target.elements[0].value
            return isinstance(first, cst.Name) and first.value == name
        return False
    source = b.source
    if b.path or source is None:
        return False
    if isinstance(source, cst.Integer):
        return True
    if isinstance(source, cst.Call) and isinstance(source.func, (cst.Attribute, cst.Name)):
        func = source.func
        called = func.attr.value if isinstance(func, cst.Attribute) else func.value
        keywords = {a.keyword.value for a in source.args if a.keyword is not None}
        positional = [a for a in source.args if a.keyword is None]
        if called in ("randint", "randrange") and not keywords & {"size", "shape"} and len(positional) <= 2:
            return isinstance(func, cst.Name) or code_of(func.value) in ("random", "np.random", "numpy.random")
    return False


def _batch_of_one(subscript: cst.Subscript) -> tuple[cst.Subscript, bool] | None:
    """``arr[i]`` as ``arr[i:i + 1]`` (the rest of the index kept), and whether that is exactly
    the same sample (an integer literal) or relies on the name being a non-negative integer."""
    first = subscript.slice[0]
    index = first.slice.value
    if _is_int(index):
        value = int(code_of(index).replace(" ", ""))
        upper = None if value == -1 else cst.Integer(str(value + 1)) if value >= 0 else cst.parse_expression(str(value + 1))
        sliced = cst.Slice(lower=index, upper=upper)
        exact = True
    else:
        sliced = cst.Slice(lower=index, upper=cst.parse_expression(f"{index.value} + 1"))
        exact = False
    elements = [first.with_changes(slice=sliced), *subscript.slice[1:]]
    return subscript.with_changes(slice=elements), exact


def _fix(sample: cst.Subscript, labels) -> Fix | None:
    edits, exact = [], True
    for node in (sample, labels):
        if node is None:
            continue
        made = _batch_of_one(node)
        edits.append(NodeEdit(node, made[0]))
        exact = exact and made[1]
    kept = code_of(edits[0].replacement)
    return Fix(SAFE if exact else UNSAFE, f"Keep the batch axis: {kept}", edits)


def _label_sample(call: cst.Call, sample: cst.Subscript):
    """The ``y[i]`` beside ``x[i]`` in ``evaluate(x[i], y[i])``, indexed the same way."""
    y = _second(call, "y")
    if not isinstance(y, cst.Subscript) or _sample(y) is not y:
        return None
    same = code_of(y.slice[0].slice.value) == code_of(sample.slice[0].slice.value) and len(y.slice) == 1
    return y if same else None


def _calls(ir):
    """(model, call node, what it is called) for predict/evaluate calls and model(...) calls."""
    for call in ir.method_calls:
        if isinstance(call.receiver, Model) and call.name in _METHODS:
            yield call.receiver, call.node, f"{call.name}()"
    for layer_call in ir.layer_calls:
        model = layer_call.layer.model
        if isinstance(model, Model) and isinstance(layer_call.node, cst.Call) and layer_call.node.args:
            yield model, layer_call.node, "calling the model"


def _message(sample: cst.Subscript, what: str) -> str:
    text = code_of(sample)
    shown = f"`{text}`" if len(text) <= 20 else "the indexed sample"
    return f"{shown} is one sample with no batch axis: {what} raises, as the model takes a batch of samples"


def check(file):
    ir = file.ir
    flow = None
    for model, call, what in _calls(ir):
        arg = _argument(call, "x") if what != "calling the model" else _argument(call, "inputs")
        sample = _sample(arg) if arg is not None else None
        if sample is None or isinstance(arg, Const):
            continue
        if _input_rank(file, model) is None:
            continue
        flow = flow or assignments(ir)
        site = flow.site_of(call)
        if site is None:
            continue
        index = sample.slice[0].slice.value
        if not _integer_index(flow, index, site) or not _batched(flow, ir, model, sample.value.value, site):
            continue
        labels = _label_sample(call, sample) if what == "evaluate()" else None
        if what == "evaluate()" and labels is None:
            fix = None
        else:
            fix = _fix(sample, labels)
        yield Diagnostic("KER310", _message(sample, what), sample, fix)


RULE = Rule(
    code="KER310",
    explanation=(
        "`model.predict(x_test[0])` gives the model one sample without the batch axis it was "
        "trained with: `x_test[0]` of an array of shape `(n, 28, 28)` has shape `(28, 28)`. A "
        "Sequential or functional model raises (Keras 3.15: \"Invalid input shape for input ... "
        "Expected shape (None, 28, 28), but input has incompatible shape (28, 28)\"); "
        "`evaluate(x[0], y[0])` raises an `IndexError` (a subclassed model, whose input shape "
        "Keras does not check, may instead read the sample's first axis as the batch and return "
        "one prediction per row; kerlint does not report those). Index with a slice "
        "to keep the axis: `x_test[0:1]` (or `x_test[[0]]`, `np.expand_dims(x_test[0], 0)`, "
        "`x_test[0][None]`). The fix writes the slice: safe for an integer literal (`x[3]` -> "
        "`x[3:4]`, `x[-1]` -> `x[-1:]`); unsafe for a loop counter or another name (`x[i:i + 1]` "
        "is empty for `i = -1`). Fires only when the array is the one the model is fitted or "
        "evaluated on whole (or its test twin made the same way: fit on `x_train`, predict "
        "`x_test[0]`) and the model has one input of a known shape; silent for a list of arrays "
        "of a multi-input model, arrays of unknown rank and `tf.data` elements."
    ),
    bad="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0

model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)
model.evaluate(x_test, y_test)
print(model.predict(x_test[0]).argmax())
""",
    good="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0

model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)
model.evaluate(x_test, y_test)
print(model.predict(x_test[:1]).argmax())
""",
    fixed="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0

model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)
model.evaluate(x_test, y_test)
print(model.predict(x_test[0:1]).argmax())
""",
    fix_availability="sometimes",
    fix_applicability=("safe", "unsafe"),
    check=check,
)
