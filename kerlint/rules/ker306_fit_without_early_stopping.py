"""KER306: a long validated training run with no EarlyStopping (opt-in)."""

from __future__ import annotations

import libcst as cst

from ..analysis.labels import fit_is_validated
from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import add_keyword, keras_name
from ..ir import Const, KerasObject, Seq
from . import Rule

MIN_EPOCHS = 20


def _epochs(fit):
    arg = fit.args.get("epochs")
    if arg is None or not isinstance(arg.value, Const):
        return None
    v = arg.value.value
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _callbacks_known(fit):
    """(known, has_early_stopping): every callback is a Keras callback kerlint recognises."""
    arg = fit.args.get("callbacks")
    if arg is None:
        return True, False
    value = arg.value
    if isinstance(value, Const) and value.value is None:
        return True, False
    if not isinstance(value, Seq) or value.opaque:
        return False, False
    known = all(isinstance(item, KerasObject) and item.section == "callbacks" for item in value.items)
    early = any(isinstance(item, KerasObject) and item.kind == "EarlyStopping" for item in value.items)
    return known, early


def _fix(ir, fit):
    call = fit.node
    name = keras_name(ir, "callbacks.EarlyStopping")
    if name is None or not isinstance(call, cst.Call):
        return None
    stop = f"{name.text}(patience=3, restore_best_weights=True)"
    arg = fit.args.get("callbacks")
    if arg is None:
        edit = NodeEdit(call, add_keyword(call, "callbacks", f"[{stop}]"))
    elif isinstance(arg.node.value, cst.List):
        lst = arg.node.value
        if lst.elements:
            last = lst.elements[-1]
            edit = NodeEdit(last.value, f"{cst.Module([]).code_for_node(last.value)}, {stop}")
        else:
            edit = NodeEdit(lst, f"[{stop}]")
    else:
        return None
    return Fix(UNSAFE, "Add an EarlyStopping(patience=3, restore_best_weights=True) callback", [edit, *name.edits])


def check(file):
    ir = file.ir
    for fit in ir.fits:
        if fit.method != "fit" or fit.args.has_star:
            continue
        if fit.model is None and not ir.uses_keras:
            continue
        epochs = _epochs(fit)
        if epochs is None or epochs < MIN_EPOCHS or not fit_is_validated(fit):
            continue
        known, early = _callbacks_known(fit)
        if not known or early:
            continue
        yield Diagnostic(
            "KER306",
            f"fit() runs all {epochs} epochs with validation but no EarlyStopping: the weights kept are "
            "the last epoch's, not the best",
            fit.node,
            _fix(ir, fit),
        )


RULE = Rule(
    code="KER306",
    explanation=(
        "With validation data Keras measures when the model stops improving, but only a "
        "callback acts on it. Without `EarlyStopping`, `fit(..., epochs=100)` trains all 100 "
        "epochs and returns the weights of the last one. "
        "`EarlyStopping(patience=3, restore_best_weights=True)` stops a few epochs after the "
        "best `val_loss` and restores that epoch's weights. Silent under 20 epochs, when "
        "callbacks come from elsewhere (a variable, custom classes), and when `**kwargs` are "
        "passed. Off by default (opt-in); the fix is unsafe because it changes how long "
        "training runs."
    ),
    bad="""\
import keras
from keras import layers

(x_train, y_train), _ = keras.datasets.boston_housing.load_data()
x_val, y_val = x_train[:80], y_train[:80]
model = keras.Sequential([
    keras.Input(shape=(13,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
model.fit(x_train[80:], y_train[80:], epochs=200, validation_data=(x_val, y_val))
""",
    good="""\
import keras
from keras import layers

(x_train, y_train), _ = keras.datasets.boston_housing.load_data()
x_val, y_val = x_train[:80], y_train[:80]
model = keras.Sequential([
    keras.Input(shape=(13,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
stop = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
model.fit(x_train[80:], y_train[80:], epochs=200, validation_data=(x_val, y_val), callbacks=[stop])
""",
    fixed="""\
import keras
from keras import layers

(x_train, y_train), _ = keras.datasets.boston_housing.load_data()
x_val, y_val = x_train[:80], y_train[:80]
model = keras.Sequential([
    keras.Input(shape=(13,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
model.fit(x_train[80:], y_train[80:], epochs=200, validation_data=(x_val, y_val), callbacks=[keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)])
""",
    fix_availability="sometimes",
    fix_applicability=("unsafe",),
    check=check,
    )
