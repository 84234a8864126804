"""KER404: ``predict_classes`` / ``predict_proba`` (removed)."""

from __future__ import annotations

import libcst as cst

from ..analysis.activations import LINEAR
from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import code_of, import_edit
from ..fixes import quote_of
from ..ir import UNKNOWN, Model
from . import Rule

METHODS = ("predict_classes", "predict_proba")


def numpy_name(ir):
    """(``np``-like name for numpy, edits adding ``import numpy as np`` when the file has none)."""
    for local, target in ir.resolver.bindings.items():
        if target == "numpy":
            return local, ()
    bound = ir.bound_names
    if "np" in bound:
        return None, ()
    return "np", (import_edit(ir.module, "import numpy as np\n"),)


def _fix(file, mc):
    call = mc.node
    predict = code_of(call.with_changes(func=call.func.with_changes(attr=cst.Name("predict"))))
    if mc.name == "predict_proba":
        return Fix(UNSAFE, "Use predict()", [NodeEdit(call.func.attr, cst.Name("predict"))])
    model = mc.receiver if isinstance(mc.receiver, Model) else None
    head = file.head(model) if model is not None else None
    if head is None:
        return None
    if head.activation == "sigmoid":
        q = quote_of(call, head.layer.node)
        return Fix(
            UNSAFE,
            "Threshold predict() at 0.5",
            [NodeEdit(call, f"({predict} > 0.5).astype({q}int32{q})")],
        )
    if head.activation == "softmax" or (head.activation == LINEAR and (head.units or 0) > 1):
        np_name, edits = numpy_name(file.ir)
        if np_name is None:
            return None
        return Fix(UNSAFE, "Take the argmax of predict()", [NodeEdit(call, f"{np_name}.argmax({predict}, axis=-1)"), *edits])
    return None


def check(file):
    ir = file.ir
    for mc in ir.method_calls:
        if mc.name not in METHODS:
            continue
        if not isinstance(mc.receiver, Model):
            # predict_proba is alive on scikit-learn estimators and wrappers: judge it only
            # on a model kerlint knows; predict_classes only Keras models ever had.
            if mc.receiver is not UNKNOWN or mc.name == "predict_proba" or not ir.uses_keras:
                continue
        call = mc.node
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            continue
        said = f"{mc.name}() was removed in TensorFlow 2.6 and Keras 3: the call raises AttributeError"
        yield Diagnostic(
            "KER404",
            said if mc.name == "predict_classes" else f"{said}; predict() gives the same",
            call.func.attr,
            _fix(file, mc),
        )


RULE = Rule(
    code="KER404",
    explanation=(
        "`Sequential.predict_classes` and `predict_proba` were removed in TensorFlow 2.6 and "
        "do not exist in Keras 3: the call raises `AttributeError`. `predict_proba` was "
        "`predict`. `predict_classes` took the argmax of `predict` for a multi-unit output and "
        "thresholded a single unit at 0.5. The fix writes that out from the model's output "
        "activation: `np.argmax(model.predict(x), axis=-1)` for softmax, "
        "`(model.predict(x) > 0.5).astype(\"int32\")` for sigmoid. It is unsafe because the "
        "result's shape may differ from what the old method returned (a sigmoid output keeps "
        "its last axis)."
    ),
    bad="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
x_val, y_val = x_train[50000:], y_train[50000:]
model.fit(x_train[:50000], y_train[:50000], epochs=5, validation_data=(x_val, y_val))
digits = model.predict_classes(x_test)
""",
    good="""\
import keras
import numpy as np
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
x_val, y_val = x_train[50000:], y_train[50000:]
model.fit(x_train[:50000], y_train[:50000], epochs=5, validation_data=(x_val, y_val))
digits = np.argmax(model.predict(x_test), axis=-1)
""",
    fixed="""\
import keras
from keras import layers
import numpy as np

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
x_val, y_val = x_train[50000:], y_train[50000:]
model.fit(x_train[:50000], y_train[:50000], epochs=5, validation_data=(x_val, y_val))
digits = np.argmax(model.predict(x_test), axis=-1)
""",
    fix_availability="sometimes",
    fix_applicability=("unsafe",),
    check=check,
)
