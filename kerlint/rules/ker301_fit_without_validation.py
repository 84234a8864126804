"""KER301: a training run with no validation data."""

from __future__ import annotations

import libcst as cst

from ..analysis.labels import SYNTHETIC, array_flow, fit_is_validated
from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import add_keyword
from ..ir import Const, Model
from . import Rule


_EVALUATE = ("evaluate", "evaluate_generator")


def _code(node) -> str:
    return cst.Module([]).code_for_node(node)


def _epochs_is_run(fit) -> bool:
    arg = fit.args.get("epochs")
    if arg is None:
        return False
    v = arg.value
    if isinstance(v, Const):
        return isinstance(v.value, int) and not isinstance(v.value, bool) and v.value > 1
    return isinstance(arg.node.value, (cst.Name, cst.Attribute))


def _inputs_of(call: cst.Call):
    """The ``x`` written in an ``evaluate(...)`` call, or None."""
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None or arg.keyword.value == "x":
            return arg.value
    return None


def _same_model(method_call, fit) -> bool:
    if fit.model is not None:
        return method_call.receiver is fit.model
    # A receiver kerlint does not follow: the same name (``m``) in the text.
    receiver, trained = method_call.node.func, getattr(fit.node, "func", None)
    return (not isinstance(method_call.receiver, Model) and isinstance(receiver, cst.Attribute)
            and isinstance(trained, cst.Attribute) and _code(receiver.value) == _code(trained.value))


def _evaluated_on_other_arrays(fit, ir) -> bool:
    """The trained model is evaluated after this fit on inputs other than its training ones
    (``model.evaluate(x_test, y_test)``): the author measures how it generalises."""
    trained = _code(fit.args.get("x").node.value)
    for call in ir.method_calls:
        if call.name not in _EVALUATE or call.seq <= fit.seq or not _same_model(call, fit):
            continue
        inputs = _inputs_of(call.node)
        if inputs is not None and _code(inputs) != trained:
            return True
    return False


def _nothing_to_generalise(fit, ir) -> bool:
    """Inputs the file makes up (random draws, sklearn ``make_*``, constant or literal arrays),
    or an autoencoder fitted to reproduce one sample (``fit(img[None], img[None])``)."""
    flow = array_flow(ir)
    x, y = fit.args.get("x").node.value, fit.args.get("y").node.value
    if SYNTHETIC in flow.facts(x, fit.node):
        return True
    return _code(x) == _code(y) and flow.one_sample(x, fit.node)


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
        if _evaluated_on_other_arrays(fit, ir) or _nothing_to_generalise(fit, ir):
            continue
        call = fit.node
        fix = None
        if isinstance(call, cst.Call):
            fix = Fix(UNSAFE, "Add validation_split=0.2", [NodeEdit(call, add_keyword(call, "validation_split", "0.2"))])
        yield Diagnostic(
            "KER301",
            "fit() trains for several epochs without validation data: nothing shows when the model "
            "starts to overfit",
            call,
            fix,
        )


RULE = Rule(
    code="KER301",
    explanation=(
        "`fit(x, y, epochs=n)` with neither `validation_data` nor `validation_split` reports "
        "only the training loss, which keeps falling while the model overfits. Hold out data "
        "so that `val_loss` shows when to stop. Silent for datasets and generators (which "
        "carry their own labels), for `epochs` absent or 1, when `**kwargs` are passed, "
        "for a final refit on all data after a validated run in the same file, when the "
        "trained model is then evaluated on other arrays (`model.evaluate(x_test, y_test)`, "
        "as the TensorFlow quickstart does), when the training inputs are made up in the file "
        "(`np.random`, `tf.random`, sklearn `make_*`, constant or literal arrays: nothing to "
        "generalise to), and for an autoencoder fitted to reproduce one sample "
        "(`fit(img[None], img[None])`). The fix adds "
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
