"""KER301: a training run with no validation data."""

from __future__ import annotations

import libcst as cst

from ..analysis.labels import fit_is_validated
from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import add_keyword
from ..ir import Const
from . import Rule


def _epochs_is_run(fit) -> bool:
    arg = fit.args.get("epochs")
    if arg is None:
        return False
    v = arg.value
    if isinstance(v, Const):
        return isinstance(v.value, int) and not isinstance(v.value, bool) and v.value > 1
    return isinstance(arg.node.value, (cst.Name, cst.Attribute))


def check(file):
    ir = file.ir
    fits = [f for f in ir.fits if f.method in ("fit", "fit_generator")]
    for fit in fits:
        if fit.method != "fit" or fit.args.has_star:
            continue
        if fit.model is None and not ir.uses_keras:
            continue
        if fit.model is not None and fit.model.style == "opaque" and not ir.uses_keras:
            continue
        y = fit.args.get("y")
        if fit.args.get("x") is None or y is None:
            continue
        if isinstance(y.value, Const) and y.value.value is None:
            continue  # y=None: x carries its own labels
        if not _epochs_is_run(fit) or fit_is_validated(fit):
            continue
        if any(fit_is_validated(other) and other.seq < fit.seq for other in fits):
            continue  # a final refit on all data after a validated run
        call = fit.node
        fix = None
        if isinstance(call, cst.Call):
            fix = Fix(UNSAFE, "Add validation_split=0.2", [NodeEdit(call, add_keyword(call, "validation_split", "0.2"))])
        yield Diagnostic(
            "KER301",
            "fit() trains for several epochs with neither validation_data nor validation_split: "
            "nothing shows when the model starts to overfit, so the training loss alone decides "
            "when to stop",
            call,
            fix,
        )


RULE = Rule(
    code="KER301",
    explanation=(
        "`fit(x, y, epochs=n)` with neither `validation_data` nor `validation_split` reports "
        "only the training loss, which keeps falling while the model overfits. Hold out data "
        "so that `val_loss` shows when to stop. Silent for datasets and generators (which "
        "carry their own labels), for `epochs` absent or 1, when `**kwargs` are passed, and "
        "for a final refit on all data after a validated run in the same file. The fix adds "
        "`validation_split=0.2`, which takes the last 20% of the arrays: it is unsafe because "
        "it trains on less data and assumes the arrays are shuffled."
    ),
    bad="""\
import keras
from keras import layers

(x_train, y_train), _ = keras.datasets.mnist.load_data()
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train / 255.0, y_train, epochs=10)
""",
    good="""\
import keras
from keras import layers

(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train / 255.0
x_val, y_val = x_train[-10000:], y_train[-10000:]
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train[:-10000], y_train[:-10000], epochs=10, validation_data=(x_val, y_val))
""",
    fixed="""\
import keras
from keras import layers

(x_train, y_train), _ = keras.datasets.mnist.load_data()
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train / 255.0, y_train, epochs=10, validation_split=0.2)
""",
    fix_availability="always",
    fix_applicability=("unsafe",),
    check=check,
)
