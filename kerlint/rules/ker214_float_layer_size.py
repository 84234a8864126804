"""KER214: a layer size (units, filters, a kernel or pool size) given as a float or a NumPy number."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import code_of
from ..ir import UNKNOWN, Const
from ..names import dotted_name
from . import Rule

_CONV = {
    "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
    "SeparableConv1D", "SeparableConv2D", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
}
_POOL = {
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
}
# The sizes Keras 3 checks, by layer: a float (a literal, `/`, np.float32) raises in each, when
# the layer is created or built (tests/proofs/test_proof_ker_helperG.py runs every pair).
_FLOAT_REJECTED = {
    "Dense": ("units",), "LSTM": ("units",), "GRU": ("units",), "SimpleRNN": ("units",),
    **dict.fromkeys(_CONV, ("filters", "kernel_size")),
    "DepthwiseConv1D": ("kernel_size",), "DepthwiseConv2D": ("kernel_size",),
    **dict.fromkeys(_POOL, ("pool_size",)),
    "UpSampling1D": ("size",), "UpSampling2D": ("size",), "UpSampling3D": ("size",),
    "Embedding": ("input_dim", "output_dim"),
    "RepeatVector": ("n",),
    "MultiHeadAttention": ("num_heads", "key_dim"),
}
# A NumPy integer (np.int64, what np.prod returns) is refused by fewer: Conv filters and LSTM
# units take one.
_NUMPY_INT_ACCEPTED = {("LSTM", "units"), *((kind, "filters") for kind in _CONV)}

_NUMPY_INT = {
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp", "int_",
    "prod", "product",
}
_NUMPY_FLOAT = {"float16", "float32", "float64", "float_", "double", "single", "ceil", "floor", "sqrt", "mean"}
# Expressions whose value is an int whenever they run: the operands `//` keeps an int.
_INT_CALLS = {"len", "int"}
_INT_OPERATORS = (cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide, cst.Modulo)


def _keras2(file, layer) -> bool:
    """Keras 2 (tf_keras, tensorflow.python.keras) converted sizes with int(): nothing raises."""
    if file.keras2_pinned:
        return True
    raw = layer.ref.path.raw if layer.ref is not None else ""
    return raw == "tf_keras" or raw.startswith(("tf_keras.", "tensorflow.python.keras"))


def _numpy_kind(file, node) -> tuple[str, str] | None:
    """("int" | "float", "np.prod(...)") for a call of NumPy returning a NumPy scalar."""
    if not isinstance(node, cst.Call):
        return None
    dotted = dotted_name(node.func)
    qualified = file.ir.resolver.qualify(dotted) if dotted else None
    if not qualified or not qualified.startswith("numpy."):
        return None
    name = qualified[len("numpy."):]
    shown = f"{dotted}(...)"
    if name in _NUMPY_INT:
        return "int", shown
    if name in _NUMPY_FLOAT:
        return "float", shown
    return None


def _division(node) -> bool:
    return isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide)


def _defining(file, node):
    """The expression a name stands for when the file binds it exactly once, else the node."""
    if isinstance(node, cst.Name):
        value = file.statements.sole_value(node.value)
        if value is not None:
            return value
    return node


def _origin(file, arg):
    """What makes the argument a float or a NumPy number: (kind, how, node where it is written),
    kind "float" or "int" (a NumPy integer); None when it is an int or not known."""
    value, written = arg.value, arg.node.value
    if isinstance(value, Const):
        v = value.value
        if not isinstance(v, float):
            return None
        node = value.node if value.node is not None else written
        if isinstance(node, cst.Float):
            return "float", f"the float {code_of(node)}", node
        if _division(node):
            return "float", "a float from `/`", node
        return "float", f"the float {v!r}", node
    if value is not UNKNOWN:
        return None
    for node in (written, _defining(file, written)):
        if _division(node):
            return "float", "a float from `/`", node
        numpy = _numpy_kind(file, node)
        if numpy is not None:
            kind, shown = numpy
            return kind, f"a NumPy {kind} from {shown}", node
    return None


def _int_like(file, node, depth: int = 0) -> bool:
    """An expression that is an int whenever it runs: an integer literal, ``len(...)``,
    ``x.shape[i]``, arithmetic on those, or a name bound once to one."""
    if depth > 4:
        return False
    if isinstance(node, cst.Integer):
        return True
    if isinstance(node, cst.Call):
        return isinstance(node.func, cst.Name) and node.func.value in _INT_CALLS and node.func.value not in file.ir.bound_names
    if isinstance(node, cst.Subscript):
        base = node.value
        return isinstance(base, cst.Attribute) and base.attr.value == "shape"
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, _INT_OPERATORS):
        return _int_like(file, node.left, depth + 1) and _int_like(file, node.right, depth + 1)
    if isinstance(node, cst.Name):
        value = _defining(file, node)
        return value is not node and _int_like(file, value, depth + 1)
    return False


def _fix(file, arg, origin_node):
    """`//` for a division of ints written in the argument, the int literal for an integral
    float literal, else ``int(...)`` around the argument. None when the int would not be a
    valid size (below 1) or ``int`` is not the builtin."""
    written = arg.node.value
    value = arg.value
    if isinstance(value, Const) and isinstance(value.value, float) and value.value < 1:
        return None
    if origin_node is written and isinstance(written, cst.Float):
        number = float(written.value.replace("_", ""))
        if number.is_integer() and number >= 1:
            return Fix(SAFE, f"Write {int(number)} instead of {written.value}", [NodeEdit(written, cst.Integer(str(int(number))))])
        return None
    if origin_node is written and _division(written) and _int_like(file, written.left) and _int_like(file, written.right):
        floor = written.with_changes(operator=cst.FloorDivide(
            whitespace_before=written.operator.whitespace_before, whitespace_after=written.operator.whitespace_after))
        return Fix(SAFE, "Use `//` instead of `/`", [NodeEdit(written, floor)])
    if "int" in file.ir.bound_names:
        return None
    inner = written.with_changes(lpar=[], rpar=[]) if written.lpar else written
    return Fix(SAFE, "Convert it with int(...)", [NodeEdit(written, cst.parse_expression(f"int({code_of(inner)})"))])


def check(file):
    seen = set()
    for layer in file.ir.layers:
        params = _FLOAT_REJECTED.get(layer.kind)
        if params is None or _keras2(file, layer):
            continue
        for name in params:
            arg = layer.args.get(name)
            if arg is None or arg.written not in (None, name) or id(arg.node) in seen:
                continue
            origin = _origin(file, arg)
            if origin is None:
                continue
            kind, how, node = origin
            if kind == "int" and (layer.kind, name) in _NUMPY_INT_ACCEPTED:
                continue
            seen.add(id(arg.node))
            yield Diagnostic(
                "KER214",
                f"`{name}` of {layer.kind} is {how}: Keras 3 requires a Python int and raises on creation "
                "or build",
                arg.node.value,
                _fix(file, arg, node),
            )


RULE = Rule(
    code="KER214",
    explanation=(
        "Keras 3 checks the sizes of a layer: `units`, `filters`, a kernel or pool size, the "
        "dimensions of an `Embedding`, must be a Python `int`. `Dense(n / 2)` passes a float "
        "(`/` always gives one, even for `6 / 2`), and Keras raises \"Received an invalid value "
        "for `units`, expected a positive integer. Received: units=3.0\"; a float `filters` "
        "fails when the layer is built (\"Cannot convert '(3, 3, 1, 32.0)' to a shape\"), which "
        "in a Sequential model without an Input is only when the data arrives. NumPy numbers "
        "are not Python ints either: `Dense(np.prod(image_shape))` raises the same way (Conv "
        "`filters` and LSTM `units` happen to accept a NumPy integer). Keras 2 converted "
        "these with `int()`, which is why old code does this; kerlint is silent in files that "
        "use Keras 2 (`tf_keras`).\n\n"
        "The fix writes `//` where both sides of the `/` are integers, the integer itself for "
        "a literal like `64.0`, and `int(...)` around the value otherwise."
    ),
    bad="""\
import keras
from keras import layers

n_features = 64
model = keras.Sequential([
    keras.Input(shape=(n_features,)),
    layers.Dense(n_features / 2, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

n_features = 64
model = keras.Sequential([
    keras.Input(shape=(n_features,)),
    layers.Dense(n_features // 2, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

n_features = 64
model = keras.Sequential([
    keras.Input(shape=(n_features,)),
    layers.Dense(n_features // 2, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
