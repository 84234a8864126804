"""KER307: class labels divided by 255 (or by the images' statistics) next to the images."""

from __future__ import annotations

import libcst as cst

from ..analysis.losses import BINARY_LOSSES, CATEGORICAL_LOSSES, compile_loss
from ..analysis.flow import assignments
from ..analysis.scaling import Division, lineage, names_read
from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import code_of
from ..ir import Const, KerasObject, Seq, Tensor
from . import Rule

_PIXEL_SCALES = {255.0}  # what images are divided by (uint8 pixels into [0, 1])
# Keras's image classification datasets: load_data() gives ((x_train, y_train), (x_test, y_test))
# whose y parts are class ids.
_CLASS_DATASETS = ("mnist.load_data", "fashion_mnist.load_data", "cifar10.load_data", "cifar100.load_data")
# Calls that make class ids or one-hot vectors of them.
_CLASS_MAKERS = {"to_categorical", "one_hot", "LabelEncoder", "factorize", "argmax", "get_dummies"}
# Calls that read or make images: labels made with them are images (masks, clean or high-res
# targets), which are scaled like the inputs on purpose.
_IMAGE_CALLS = {"imread", "load_img", "img_to_array", "Image.open", "decode_image", "decode_png", "decode_jpeg",
                "decode_bmp", "read_image", "resize", "imresize", "array_to_img", "image_dataset_from_directory",
                "flow_from_directory", "rgb_to_grayscale", "grayscale_to_rgb", "cvtColor", "fromarray"}
_ACCURACIES = {"accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy"}


def _number(node) -> float | None:
    if isinstance(node, (cst.Integer, cst.Float)):
        try:
            return float(node.evaluated_value)
        except (ValueError, SyntaxError, OverflowError):
            return None
    return None


def _accuracy_metric(compile) -> bool:
    arg = compile.args.get("metrics")
    if arg is None:
        return False
    items = arg.value.items if isinstance(arg.value, Seq) else [arg.value]
    for item in items:
        if isinstance(item, Const) and item.value in _ACCURACIES:
            return True
        if isinstance(item, KerasObject) and item.section == "metrics" and item.kind.endswith("Accuracy"):
            return True
    return False


def _input_size(file, model) -> int | None:
    """The number of values in one input sample, when the model's single input shape is known."""
    shape = None
    if model.inputs and len(model.inputs) == 1 and isinstance(model.inputs[0], Tensor):
        shape = model.inputs[0].shape
    elif model.style == "sequential" and model.has_graph:
        steps = file.steps(model)
        shape = steps[0].in_shape if steps else None
    if shape is None or not all(isinstance(d, int) for d in tuple(shape)[1:]):
        return None
    size = 1
    for d in tuple(shape)[1:]:
        size *= d
    return size


def _output_rank(file, model) -> int | None:
    if not model.has_graph:
        return None
    shape = file.output_shape(model)
    return len(tuple(shape)) if shape is not None else None


def _labels_are_classes(file, fit, loss, y_lin) -> bool:
    """What the file shows that the labels are class ids (or one-hot vectors of them), not
    values such as pixels: a Keras image classification dataset's labels, a to_categorical or
    a label encoder on the way, or a per-sample classifier head that only takes class labels."""
    if any(function.endswith(_CLASS_DATASETS) and path and path[-1] == 1 for function, path in y_lin.loaders):
        return True
    if y_lin.calls & _CLASS_MAKERS:
        return True
    model = fit.model
    if loss is None or _output_rank(file, model) != 2:
        return False
    if loss.name == "sparse_categorical_crossentropy":
        return True
    if loss.name in CATEGORICAL_LOSSES | BINARY_LOSSES and _accuracy_metric(fit.compile):
        # A crossentropy also fits targets in [0, 1] (a brightness, a flattened image); an
        # accuracy beside it says classes. A dense autoencoder's output has as many units as an
        # input image has values.
        units, size = file.output_units(model), _input_size(file, model)
        return units is not None and size is not None and units != size
    return False


def _scaled_like_inputs(flow, division: Division, x_lin, y_lin) -> str | None:
    """"pixels" when the labels are divided by 255 and so are the inputs, "statistics" when the
    labels are divided by a statistic of the inputs (``y / x.max()``, ``(y - mean) / std``
    with ``std = x.std()``); None otherwise."""
    scale = _number(division.divisor)
    if scale is not None:
        if scale not in _PIXEL_SCALES:
            return None
        same = any(_number(d.divisor) == scale for d in x_lin.divisions)
        return "pixels" if same else None
    read = names_read(flow, division.divisor, division.site)
    if read & x_lin.names and not read & y_lin.names:
        return "statistics"
    return None


def _labels_are_images(file, fit, x_lin, y_lin) -> bool:
    """Labels that are images: the inputs are made from them or with them (``fit(x, x)``, a
    noisy or downscaled copy), they are read as images, or the model outputs an image."""
    if x_lin.names & y_lin.names:
        return True
    if y_lin.calls & _IMAGE_CALLS:
        return True
    rank = _output_rank(file, fit.model)
    return rank is not None and rank >= 3


def _statement_alone(file, binding) -> bool:
    stmt = binding.statement
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and file.statements.statement_indent(stmt) is not None)


def _fix(file, division: Division) -> Fix | None:
    """The labels without the division: ``y = y / 255`` and ``y /= 255`` go, ``y / 255`` and
    ``(y - mean) / std`` become ``y``."""
    binding = division.binding
    node = division.node
    if isinstance(node, cst.AugAssign):
        if binding is None or not _statement_alone(file, binding):
            return None
        edit = NodeEdit(binding.statement, "", insert="lines")
    else:
        kept = node.left
        inner = kept.with_changes(lpar=[], rpar=[]) if kept.lpar else kept
        if isinstance(inner, cst.BinaryOperation) and isinstance(inner.operator, cst.Subtract):
            kept = inner.left
        text = code_of(kept)
        small = binding.small if binding is not None else None
        if (isinstance(small, cst.Assign) and small.value is node and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name) and small.targets[0].target.value == text):
            if not _statement_alone(file, binding):
                return None
            edit = NodeEdit(binding.statement, "", insert="lines")  # ``y = y / 255``: the line goes
        else:
            edit = NodeEdit(node, text)
    return Fix(UNSAFE, "Remove the division on the labels", [edit])


def _label_name(division: Division, y) -> str:
    if division.binding is not None:
        return division.binding.name
    node = y
    while isinstance(node, (cst.Subscript, cst.Attribute, cst.BinaryOperation, cst.Call)):
        node = node.left if isinstance(node, cst.BinaryOperation) else (
            node.func if isinstance(node, cst.Call) else node.value)
    return node.value if isinstance(node, cst.Name) else "the labels"


def _message(name: str, kind: str) -> str:
    label = f"`{name}`" if len(name) <= 20 else "the labels"
    how = "divided by 255 like the images" if kind == "pixels" else "scaled by the images' statistics"
    return f"{label} is {how}: class ids become fractions and accuracy stays at chance"


def check(file):
    ir = file.ir
    flow = None
    reported: set = set()
    for fit in ir.fits:
        if fit.method != "fit" or fit.model is None or fit.compile is None or fit.args.has_star:
            continue
        x, y = fit.args.get("x"), fit.args.get("y")
        if x is None or y is None or (isinstance(y.value, Const) and y.value.value is None):
            continue
        loss = compile_loss(fit.compile)
        classification = loss is not None and loss.name in CATEGORICAL_LOSSES | BINARY_LOSSES
        if not classification and not _accuracy_metric(fit.compile):
            continue
        flow = flow or assignments(ir)
        x_lin, y_lin = lineage(flow, x.node.value, fit.node), lineage(flow, y.node.value, fit.node)
        if x_lin is None or y_lin is None or not y_lin.divisions:
            continue
        if _labels_are_images(file, fit, x_lin, y_lin) or not _labels_are_classes(file, fit, loss, y_lin):
            continue
        for division in y_lin.divisions:
            kind = _scaled_like_inputs(flow, division, x_lin, y_lin)
            if kind is None or id(division.node) in reported:
                continue
            reported.add(id(division.node))
            yield Diagnostic("KER307", _message(_label_name(division, y.node.value), kind), division.node,
                             _fix(file, division))


RULE = Rule(
    code="KER307",
    explanation=(
        "Images are divided by 255 to bring their pixels into [0, 1]; class labels are not "
        "pixels. `y_train = y_train / 255` written next to `x_train = x_train / 255` (or labels "
        "normalised with the images' mean and standard deviation, or divided by `x.max()`) turns "
        "the class ids 0..9 into fractions between 0 and 0.04. A sparse categorical crossentropy "
        "casts them back to integers, so every label becomes class 0; a binary crossentropy "
        "learns to output values near 0; one-hot rows no longer sum to 1. Measured on Keras "
        "3.15 with a 10-class problem that the same model learns to 100% accuracy: with the "
        "labels divided by 255 it predicts class 0 for every sample and its accuracy stays at "
        "chance (0.09), while the training loss looks low. The fix (unsafe: check what the "
        "labels are first) removes the division on the labels. Silent when the labels are "
        "images (autoencoders, denoising, super-resolution, segmentation masks read from image "
        "files: `fit(x, x)`, inputs made from the targets, an image-shaped model output), for "
        "regression targets scaled on their own statistics, and when nothing in the file shows "
        "that the labels are class ids (a Keras classification dataset, `to_categorical`, a "
        "label encoder, or a per-sample classifier head with a crossentropy loss)."
    ),
    bad="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train / 255.0
y_train = y_train / 255.0

model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)
model.evaluate(x_test / 255.0, y_test)
""",
    good="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train / 255.0

model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)
model.evaluate(x_test / 255.0, y_test)
""",
    fixed="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train / 255.0

model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)
model.evaluate(x_test / 255.0, y_test)
""",
    fix_availability="sometimes",
    fix_applicability=("unsafe",),
    check=check,
)
