"""KER110: an "accuracy" metric on a regression model."""

from __future__ import annotations

import libcst as cst

from ..analysis.activations import LINEAR
from ..analysis.labels import ONE_HOT, REAL, array_flow
from ..analysis.losses import REGRESSION_LOSSES
from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import replace_string
from ..ir import Const, Seq
from . import Rule

_ACCURACY = {"accuracy", "acc"}
_MAE = {"mae", "mean_absolute_error"}


def _metric_strings(compile):
    """The string entries of ``metrics=`` (a list, a tuple or one string)."""
    arg = compile.args.get("metrics")
    if arg is None:
        return []
    value = arg.value
    items = value.items if isinstance(value, Seq) and not value.opaque else [value]
    return [v for v in items if isinstance(v, Const) and isinstance(v.value, str)]


def _label_facts(file, compile) -> list:
    """What holds for the labels of each fit trained under ``compile``."""
    flow = array_flow(file.ir)
    out = []
    for fit in compile.model.fits:
        y = fit.args.get("y")
        if fit.compile is compile and y is not None:
            out.append(flow.facts(y.node.value, fit.node))
    return out


def _one_hot_of_other_models(file, model) -> bool:
    """Every one-hot call of the file feeds a fit of another model: none is this model's."""
    flow = array_flow(file.ir)
    claimed = set()
    for fit in file.ir.fits:
        if fit.model is not model and isinstance(fit.node, cst.Call):
            for arg in fit.node.args:  # the labels, and the validation labels
                claimed |= flow.one_hot_reaching(arg.value, fit.node)
    return not set(file.one_hot_calls) - claimed


def _targets_measure_nothing(file, compiled) -> bool:
    """Accuracy means nothing for these targets. One output unit: the fits under this compile
    train on targets the file shows to be real-valued (on 0/1 targets Keras's thresholded
    binary accuracy is meaningful). Several units: the labels are not one-hot."""
    model, compile = compiled.model, compiled.compile
    facts = _label_facts(file, compile)
    units = file.output_units(model)
    if units is None or units == 1:
        return any(REAL in f for f in facts) and not any(ONE_HOT in f for f in facts)
    if facts:
        return not any(ONE_HOT in f for f in facts)
    # No fit says which labels: one-hot labels the file makes may be this model's.
    return not file.one_hot_calls or _one_hot_of_other_models(file, model)


def check(file):
    for compiled in file.compiled_heads:
        model, head, compile, loss = compiled.parts
        if compiled.output is not None:
            continue  # metrics of a model with several outputs: not read per output yet
        if head is None or head.activation != LINEAR or loss.name not in REGRESSION_LOSSES:
            continue
        strings = _metric_strings(compile)
        accuracies = [m for m in strings if m.value.lower() in _ACCURACY and isinstance(m.node, cst.SimpleString)]
        if not accuracies:
            continue  # asked first: what follows traces the labels
        if file.classifier_with_regression_loss(compiled):
            continue  # the labels are classes: KER109 reports the loss instead
        if not _targets_measure_nothing(file, compiled):
            continue
        has_mae = any(s.value.lower() in _MAE for s in strings)
        for metric in accuracies:
            fix = None
            if not has_mae:
                fix = Fix(UNSAFE, 'Report "mae" instead', [NodeEdit(metric.node, replace_string(metric.node, "mae"))])
            yield Diagnostic(
                "KER110",
                f'"{metric.value}" with a {loss.name} loss on a linear output measures nothing for '
                "real-valued targets",
                metric.node,
                fix,
            )


RULE = Rule(
    code="KER110",
    explanation=(
        'Keras picks the meaning of the `"accuracy"` metric from the shapes: binary accuracy '
        "(is the prediction above 0.5 equal to the target?) for one output, categorical "
        "accuracy (do the largest prediction and the largest target agree?) for several. "
        "For a regression model (a linear output trained with mean squared or absolute error, "
        "MSLE, Huber or log-cosh) and real-valued targets, neither compares anything "
        "meaningful: the number stays near 0 or moves at random while the model improves.\n\n"
        "For one output unit the rule fires only when the file shows the targets to be "
        "real-valued (a regression dataset loader such as `boston_housing.load_data` or "
        "`fetch_california_housing`, targets computed as floats, a scaler fitted on them): "
        "on 0/1 targets (a Titanic `survived` column) the thresholded binary accuracy is a "
        "real measure. For several units it fires unless the labels are one-hot.\n\n"
        'The fix (unsafe: it changes what training reports) uses `"mae"`, the mean absolute '
        "error, in the units of the target. If the labels are classes, the loss is the "
        "mistake (see KER109)."
    ),
    bad="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
model = keras.Sequential([
    keras.Input(shape=(13,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
model.fit(x_train[80:], y_train[80:], epochs=10, validation_data=(x_train[:80], y_train[:80]))
""",
    good="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
model = keras.Sequential([
    keras.Input(shape=(13,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
model.fit(x_train[80:], y_train[80:], epochs=10, validation_data=(x_train[:80], y_train[:80]))
""",
    fixed="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
model = keras.Sequential([
    keras.Input(shape=(13,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
model.fit(x_train[80:], y_train[80:], epochs=10, validation_data=(x_train[:80], y_train[:80]))
""",
    fix_availability="sometimes",
    fix_applicability=("unsafe",),
    check=check,
)
