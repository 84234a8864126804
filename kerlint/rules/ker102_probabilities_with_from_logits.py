"""KER102: an output that already applies softmax/sigmoid, fed to a loss told it gets logits."""

from __future__ import annotations

from ..analysis import PROBABILITY_ACTIVATIONS, loss_info, output_head
from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import remove_arg
from ..ir import Const, KerasObject
from . import Rule
from .heads import call_arg, compiled_heads, loss_uses, model_fed_by, without_from_logits

# TensorFlow functions that always apply softmax/sigmoid to what they are given.
_TF_WITH_LOGITS = {
    "tf.nn.softmax_cross_entropy_with_logits": "softmax",
    "tf.nn.softmax_cross_entropy_with_logits_v2": "softmax",
    "tf.nn.sparse_softmax_cross_entropy_with_logits": "softmax",
    "tf.nn.sigmoid_cross_entropy_with_logits": "sigmoid",
    "tf.compat.v1.losses.softmax_cross_entropy": "softmax",
    "tf.compat.v1.losses.sigmoid_cross_entropy": "sigmoid",
}
# Keras loss functions taking ``from_logits=``: canonical path -> name of the prediction argument.
_LOSS_FUNCTIONS = {
    **{f"losses.{name}": "y_pred" for name in (
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "binary_crossentropy",
        "categorical_focal_crossentropy",
        "binary_focal_crossentropy",
    )},
    **{f"{module}.{name}": "output" for module in ("backend", "ops") for name in (
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "binary_crossentropy",
    )},
}


def _probability_head(model):
    if model is None:
        return None
    head = output_head(model)
    if head is None or head.activation not in PROBABILITY_ACTIVATIONS:
        return None
    return head


def _fix(ir, obj: KerasObject):
    """Drop ``from_logits=True`` when every use of the loss object is on a probability head."""
    for model in loss_uses(ir, obj):
        if _probability_head(model) is None:
            return None
    edit = without_from_logits(obj)
    return Fix(SAFE, "Remove from_logits=True from the loss", [edit]) if edit else None


def _where(head) -> str:
    layer = head.activation_layer
    return f"the output layer {layer.kind} applies {head.activation}"


def check(ir):
    for model, head, compile, loss in compiled_heads(ir):
        if head is None or head.activation not in PROBABILITY_ACTIVATIONS or loss.from_logits is not True:
            continue
        fix = _fix(ir, loss.obj) if loss.obj is not None else None
        yield Diagnostic(
            "KER102",
            f"{_where(head)} but the loss {loss.name} has from_logits=True, so the "
            f"probabilities are activated a second time: on JAX and PyTorch training uses "
            f"{head.activation}({head.activation}(x)) and learns poorly; on TensorFlow Keras "
            "warns at fit() and quietly uses the cached logits, so the same file trains "
            "differently by backend; remove from_logits=True",
            compile.args.get("loss").node.value,
            fix,
        )
    # Custom training loops: ``loss_fn(y, model(x))``, ``keras.losses.fn(y, model(x), from_logits=True)``.
    for site in ir.object_calls:
        obj = site.value
        if obj.section != "losses":
            continue
        loss = loss_info(obj)
        if loss is None or loss.from_logits is not True:
            continue
        head = _fed_head(site.args, "y_pred")
        if head is not None:
            yield _loop_diagnostic(head, site.node, _fix(ir, obj))
    for site in ir.calls:
        canonical = site.ref.canonical
        if canonical in _LOSS_FUNCTIONS:
            fl = site.args.by_name.get("from_logits") if site.args is not None else None
            if fl is None or fl.positional or not (isinstance(fl.value, Const) and fl.value.value is True):
                continue
            head = _fed_head(site.args, _LOSS_FUNCTIONS[canonical])
            if head is not None:
                fix = Fix(SAFE, "Remove from_logits=True", [NodeEdit(site.node, remove_arg(site.node, fl.node))])
                yield _loop_diagnostic(head, site.node, fix)
        elif canonical in _TF_WITH_LOGITS:
            head = _fed_head(site.args, "logits")
            if head is None:
                continue
            yield Diagnostic(
                "KER102",
                f"{_where(head)} but {canonical.rsplit('.', 1)[-1]} applies "
                f"{_TF_WITH_LOGITS[canonical]} to its logits argument again: the loss and its "
                "gradients are computed on doubly activated outputs on every backend; pass "
                "logits from a linear output layer, or use a Keras loss without from_logits "
                "on the probabilities",
                site.node,
                None,
            )


def _fed_head(args, name):
    pred = call_arg(args, name, 1)
    return _probability_head(model_fed_by(pred.value)) if pred is not None else None


def _loop_diagnostic(head, node, fix):
    return Diagnostic(
        "KER102",
        f"{_where(head)} but this loss has from_logits=True, so it activates the "
        f"probabilities again and trains on {head.activation}({head.activation}(x)) (always "
        "on JAX and PyTorch; TensorFlow only warns where it can recover the logits); remove "
        "from_logits=True",
        node,
        fix,
    )


RULE = Rule(
    code="KER102",
    name="probabilities-with-from-logits",
    summary="Softmax or sigmoid output trained with a loss that expects logits",
    explanation=(
        "`from_logits=True` tells the loss that the model outputs raw scores and that the "
        "loss should apply softmax (or sigmoid) itself. When the output layer already applies "
        "it, the activation runs twice. On the JAX and PyTorch backends training really "
        "optimises softmax(softmax(x)): the loss cannot fall below a floor (0.55 for 3 "
        "classes) and the model learns poorly. On TensorFlow, Keras notices, warns at "
        "`fit()` and uses the logits it cached, so the same file trains differently by "
        "backend. `tf.nn.softmax_cross_entropy_with_logits` and its sigmoid sibling applied to "
        "such an output in a custom loop always activate twice.\n\n"
        "The fix removes `from_logits=True`: bit-identical on TensorFlow, correct elsewhere."
    ),
    bad=(
        'model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(3, activation="softmax")])\n'
        "model.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True), optimizer=\"adam\")"
    ),
    good=(
        'model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(3, activation="softmax")])\n'
        "model.compile(loss=keras.losses.CategoricalCrossentropy(), optimizer=\"adam\")"
    ),
    fix="safe",
    check=check,
)
