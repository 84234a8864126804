"""KER102: an output that already applies softmax/sigmoid, fed to a loss told it gets logits."""

from __future__ import annotations

from ..analysis.activations import PROBABILITY_ACTIVATIONS
from ..analysis.losses import (
    LOSS_FUNCTIONS_WITH_LOGITS,
    TF_LOSSES_ON_LOGITS,
    call_arg,
    loss_info,
    loss_uses,
    model_fed_by,
)
from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import remove_arg
from ..fixes import without_from_logits
from ..ir import Const, KerasObject
from . import Rule


def _probability_head(file, model):
    if model is None:
        return None
    head = file.head(model)
    if head is None or head.activation not in PROBABILITY_ACTIVATIONS:
        return None
    return head


def _fix(file, obj: KerasObject):
    """Drop ``from_logits=True`` when every use of the loss object is on a probability head."""
    for model in loss_uses(file.ir, obj):
        if _probability_head(file, model) is None:
            return None
    edit = without_from_logits(obj)
    return Fix(SAFE, "Remove from_logits=True from the loss", [edit]) if edit else None


def check(file):
    ir = file.ir
    for compiled in file.compiled_heads:
        _, head, compile, loss = compiled.parts
        if head is None or head.activation not in PROBABILITY_ACTIVATIONS or loss.from_logits is not True:
            continue
        fix = _fix(file, loss.obj) if loss.obj is not None and not compiled.loss_shared else None
        yield Diagnostic(
            "KER102",
            f"{compiled.label}{loss.name} has from_logits=True on a {head.activation} output: JAX and "
            f"PyTorch apply {head.activation} twice",
            compiled.loss_node,
            fix,
            about=(head.layer.node,),
        )
    # Custom training loops: ``loss_fn(y, model(x))``, ``keras.losses.fn(y, model(x), from_logits=True)``.
    for site in ir.object_calls:
        obj = site.value
        if obj.section != "losses":
            continue
        loss = loss_info(obj)
        if loss is None or loss.from_logits is not True:
            continue
        head = _fed_head(file, site.args, "y_pred")
        if head is not None:
            yield _loop_diagnostic(head, site.node, _fix(file, obj))
    for site in ir.calls:
        canonical = site.ref.canonical
        if canonical in LOSS_FUNCTIONS_WITH_LOGITS:
            fl = site.args.by_name.get("from_logits") if site.args is not None else None
            if fl is None or fl.positional or not (isinstance(fl.value, Const) and fl.value.value is True):
                continue
            head = _fed_head(file, site.args, LOSS_FUNCTIONS_WITH_LOGITS[canonical])
            if head is not None:
                fix = Fix(SAFE, "Remove from_logits=True", [NodeEdit(site.node, remove_arg(site.node, fl.node))])
                yield _loop_diagnostic(head, site.node, fix)
        elif canonical in TF_LOSSES_ON_LOGITS:
            head = _fed_head(file, site.args, "logits")
            if head is None:
                continue
            yield Diagnostic(
                "KER102",
                f"{canonical.rsplit('.', 1)[-1]} applies {TF_LOSSES_ON_LOGITS[canonical]} on top of a "
                f"{head.activation} output: the loss sees doubly activated values",
                site.node,
                None,
            )


def _fed_head(file, args, name):
    pred = call_arg(args, name, 1)
    return _probability_head(file, model_fed_by(pred.value)) if pred is not None else None


def _loop_diagnostic(head, node, fix):
    return Diagnostic(
        "KER102",
        f"this loss has from_logits=True on a {head.activation} output: it applies {head.activation} "
        "again, always on JAX and PyTorch",
        node,
        fix,
    )


RULE = Rule(
    code="KER102",
    explanation=(
        "`from_logits=True` tells the loss that the model outputs raw scores and that the "
        "loss should apply softmax (or sigmoid) itself. When the output layer already applies "
        "it, the activation runs twice. On the JAX and PyTorch backends training really "
        "optimises softmax(softmax(x)): the loss cannot fall below a floor (0.55 for 3 "
        "classes) and the model learns poorly. On TensorFlow, Keras notices, warns at "
        "`fit()` and uses the logits it cached, so the same file trains differently by "
        "backend. `tf.nn.softmax_cross_entropy_with_logits` and its sigmoid sibling applied to "
        "such an output in a custom loop always activate twice, on every backend. A Keras loss "
        "with `from_logits=True` called on the model's output in a custom loop activates twice "
        "on JAX and PyTorch; on TensorFlow only where it can recover the cached logits.\n\n"
        "The fix removes `from_logits=True`: bit-identical on TensorFlow, correct elsewhere. The "
        "`tf.nn` functions get no fix: pass them the logits of a linear output layer, or use a "
        "Keras loss without `from_logits` on the probabilities."
    ),
    bad="""\
import keras
from keras import layers


class SpamFilter(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(32, activation="relu")
        self.score = layers.Dense(1, activation="sigmoid")

    def call(self, features):
        return self.score(self.hidden(features))


model = SpamFilter()
loss = keras.losses.BinaryCrossentropy(from_logits=True)
model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers


# from_logits=True belongs to an output without an activation: the loss applies the sigmoid.
class SpamFilter(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(32, activation="relu")
        self.score = layers.Dense(1)

    def call(self, features):
        return self.score(self.hidden(features))


model = SpamFilter()
loss = keras.losses.BinaryCrossentropy(from_logits=True)
model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers


class SpamFilter(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(32, activation="relu")
        self.score = layers.Dense(1, activation="sigmoid")

    def call(self, features):
        return self.score(self.hidden(features))


model = SpamFilter()
loss = keras.losses.BinaryCrossentropy()
model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
