"""Losses: the one table of the losses kerlint reasons about, what a ``loss=`` argument is,
the compiles a model trains under, and where a loss object is applied."""

from __future__ import annotations

import re


import libcst as cst

from ..data import record
from ..catalog import get_catalog, legacy
from ..ir import Compile, Const, DictVal, KerasObject, KerasRef, Model, Seq, Tensor


@record(frozen=True)
class LossKind:
    family: str  # "categorical" | "binary" | "regression"
    expects: str | None  # the output activation whose probabilities it reads; None for regression
    cls: str  # the Keras loss class computing the same

    def __init__(self, family, expects, cls):
        object.__setattr__(self, "family", family)
        object.__setattr__(self, "expects", expects)
        object.__setattr__(self, "cls", cls)


LOSSES = {
    "categorical_crossentropy": LossKind("categorical", "softmax", "CategoricalCrossentropy"),
    "sparse_categorical_crossentropy": LossKind("categorical", "softmax", "SparseCategoricalCrossentropy"),
    "categorical_focal_crossentropy": LossKind("categorical", "softmax", "CategoricalFocalCrossentropy"),
    "binary_crossentropy": LossKind("binary", "sigmoid", "BinaryCrossentropy"),
    "binary_focal_crossentropy": LossKind("binary", "sigmoid", "BinaryFocalCrossentropy"),
    "mean_squared_error": LossKind("regression", None, "MeanSquaredError"),
    "mean_absolute_error": LossKind("regression", None, "MeanAbsoluteError"),
    "mean_squared_logarithmic_error": LossKind("regression", None, "MeanSquaredLogarithmicError"),
    "mean_absolute_percentage_error": LossKind("regression", None, "MeanAbsolutePercentageError"),
    "huber": LossKind("regression", None, "Huber"),
    "log_cosh": LossKind("regression", None, "LogCosh"),
}
# Loss name -> the output activation it expects probabilities from.
PROBABILISTIC_LOSSES = {name: kind.expects for name, kind in LOSSES.items() if kind.expects}
CATEGORICAL_LOSSES = {name for name, kind in LOSSES.items() if kind.family == "categorical"}
BINARY_LOSSES = {name for name, kind in LOSSES.items() if kind.family == "binary"}
REGRESSION_LOSSES = {name for name, kind in LOSSES.items() if kind.family == "regression"}

# Loss functions taking ``from_logits=``: canonical path -> name of the prediction argument.
LOSS_FUNCTIONS_WITH_LOGITS = {
    **{f"losses.{name}": "y_pred" for name in PROBABILISTIC_LOSSES},
    **{f"{module}.{name}": "output" for module in ("backend", "ops") for name in (
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "binary_crossentropy",
    )},
}
# TensorFlow functions that always apply softmax/sigmoid to their ``logits`` argument.
TF_LOSSES_ON_LOGITS = {
    "tf.nn.softmax_cross_entropy_with_logits": "softmax",
    "tf.nn.softmax_cross_entropy_with_logits_v2": "softmax",
    "tf.nn.sparse_softmax_cross_entropy_with_logits": "softmax",
    "tf.nn.sigmoid_cross_entropy_with_logits": "sigmoid",
    "tf.compat.v1.losses.softmax_cross_entropy": "softmax",
    "tf.compat.v1.losses.sigmoid_cross_entropy": "sigmoid",
}


@record
class LossInfo:
    name: str  # canonical loss function name, e.g. "categorical_crossentropy"
    from_logits: bool | None  # None when it cannot be known
    form: str  # "string" | "function" | "class"
    node: cst.CSTNode  # the loss expression
    obj: KerasObject | None = None

    def __init__(self, name, from_logits, form, node, obj=None):
        self.name = name
        self.from_logits = from_logits
        self.form = form
        self.node = node
        self.obj = obj


def _snake(name: str) -> str:
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return s.lower()


def _string_loss(value: Const) -> LossInfo | None:
    name = legacy.LOSS_STRING_ALIASES.get(value.value, value.value)
    if name is None:
        return None
    functions = get_catalog().loss_functions
    if name not in functions:
        name = _snake(name)
        if name not in functions:
            return None
    return LossInfo(name, False, "string", value.node)


def _function_loss(value: KerasRef) -> LossInfo | None:
    module, _, name = value.canonical.partition(".")
    if module in ("losses", "metrics") and name in get_catalog().loss_functions:
        return LossInfo(name, False, "function", value.node)
    return None


def _class_loss(value: KerasObject) -> LossInfo | None:
    name = _snake(value.kind)
    if name not in get_catalog().loss_functions:
        return None
    fl = value.args.value("from_logits")
    from_logits = fl.value if isinstance(fl, Const) and isinstance(fl.value, bool) else None
    return LossInfo(name, from_logits, "class", value.node, value)


def loss_info(value) -> LossInfo | None:
    """What a loss value is: a loss string, a loss function, or a loss class instance."""
    if isinstance(value, Const) and isinstance(value.value, str):
        return _string_loss(value)
    if isinstance(value, KerasRef):
        return _function_loss(value)
    if isinstance(value, KerasObject) and value.section == "losses":
        return _class_loss(value)
    return None


def compile_loss(compile: Compile) -> LossInfo | None:
    arg = compile.args.get("loss")
    if arg is None:
        return None
    return loss_info(arg.value)


def output_losses(compile: Compile, outputs: list):
    """(output, LossInfo, node written, shared) for each output of a model with several whose
    loss kerlint knows: ``loss=[...]`` in output order, ``loss={name: ...}`` by output name, or
    one loss for every output (shared)."""
    arg = compile.args.get("loss")
    if arg is None:
        return
    value = arg.value
    if isinstance(value, Seq):
        if value.opaque or len(value.items) != len(outputs):
            return
        pairs = list(zip(outputs, value.items))
    elif isinstance(value, DictVal):
        by_name = {k.value: v for k, v in value.items if isinstance(k, Const) and isinstance(k.value, str)}
        pairs = [(o, by_name[o.name]) for o in outputs if o.name in by_name]
    else:
        info = loss_info(value)
        if info is not None:
            for output in outputs:
                yield output, info, arg.node.value, True
        return
    for output, item in pairs:
        info = loss_info(item)
        if info is not None:
            yield output, info, getattr(item, "node", None) or arg.node.value, False


def compiles_in_effect(model: Model) -> list[Compile]:
    """Compiles that some ``fit()`` runs under; with no fit, the last compile. Compiles of a
    structure the model no longer has (layers added or popped since), and compiles of a
    subclass whose own train_step ignores the compiled loss, are not judged."""
    if model.own_training:
        return []
    if model.fits:
        seen = []
        for fit in model.fits:
            if fit.compile is not None and fit.compile not in seen and not fit.compile.stale:
                seen.append(fit.compile)
        return seen
    return [c for c in model.compiles[-1:] if not c.stale]


# -- losses applied by hand (custom training loops) -------------------------------------------
def call_arg(args, name: str, position: int):
    """The argument ``name`` of a call bound without a signature (keyword or position)."""
    if args is None:
        return None
    arg = args.by_name.get(name)
    if arg is not None:
        return arg
    positional = args.extra_positional
    return positional[position] if position < len(positional) else None


def model_fed_by(value) -> Model | None:
    """The model whose call produced ``value`` (``model(x)``), or None."""
    if isinstance(value, Tensor) and value.producer is not None:
        model = value.producer.layer.model
        if isinstance(model, Model):
            return model
    return None


def loss_uses(ir, obj: KerasObject):
    """Models each use of a loss object trains (None for a use whose model is unknown)."""
    for model in ir.models:
        for compile in model.compiles:
            arg = compile.args.get("loss")
            if arg is not None and arg.value is obj:
                yield model
    for site in ir.object_calls:
        if site.value is obj:
            pred = call_arg(site.args, "y_pred", 1)
            yield model_fed_by(pred.value) if pred is not None else None
