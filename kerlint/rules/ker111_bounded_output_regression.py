"""KER111: a bounded output activation trained to regress targets outside its range."""

from __future__ import annotations

import libcst as cst

from ..analysis.targets import TargetFinder
from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import remove_arg
from ..fixes import quote_of, set_activation
from . import Rule

# The values each saturating output activation can give: (low, high, as written in messages).
RANGES = {
    "sigmoid": (0.0, 1.0, "(0, 1)"),
    "hard_sigmoid": (0.0, 1.0, "[0, 1]"),
    "softmax": (0.0, 1.0, "(0, 1)"),
    "tanh": (-1.0, 1.0, "(-1, 1)"),
    "relu": (0.0, float("inf"), "[0, inf)"),
}
# The regression losses of the catalog row (MAPE left out: it is a ratio, not a distance).
LOSSES = {"mean_squared_error", "mean_absolute_error", "mean_squared_logarithmic_error", "huber", "log_cosh"}
# Fire when at least this share of the targets is out of the output's reach: "most", or "half"
# for a relu output on centred targets (a relu cannot give the negative half).
_SHARE = 0.5


def _candidates(file):
    """Compiled heads with a saturating output and a regression loss, on one output."""
    for compiled in file.compiled_heads:
        _, head, _, loss = compiled.parts
        if compiled.output is not None or head is None:
            continue  # several outputs: which targets train which output is not read yet
        if head.activation in RANGES and loss.name in LOSSES:
            if head.activation == "softmax" and file.output_units(compiled.model) == 1:
                continue  # softmax over one unit is KER103's
            yield compiled


def _out_of_reach(targets, activation: str, loss: str) -> float:
    low, high, _ = RANGES[activation]
    if loss == "mean_squared_logarithmic_error":
        # Keras clips the targets at 0 before taking the log: a negative target costs nothing more.
        low = float("-inf")
    return targets.share_outside(low, high)


def _linear_edit(head, quote: str) -> NodeEdit | None:
    """Make the output linear: drop the head's ``activation=`` keyword, or make an activation
    layer after it linear."""
    layer = head.activation_layer
    if layer is head.layer:
        arg = layer.args.get("activation")
        call = layer.node
        if arg is not None and arg.written == "activation" and isinstance(call, cst.Call):
            return NodeEdit(call, remove_arg(call, arg.node))
    return set_activation(layer, "linear", quote)


def _where(head):
    """The activation as written: the ``activation=`` value, or the activation layer."""
    arg = head.activation_layer.args.get("activation")
    if arg is not None:
        return arg.node.value
    return head.activation_layer.node


def check(file):
    candidates = list(_candidates(file))
    fits = [fit for c in candidates for fit in c.model.fits]
    if not fits:
        return  # no targets to judge: the module is not walked
    finder = TargetFinder(file.ir, fits)
    for compiled in candidates:
        model, head, compile, loss = compiled.parts
        known = [t for t in finder.compiled_targets(model, compile) if t is not None]
        shares = [_out_of_reach(t, head.activation, loss.name) for t in known]
        if not shares or min(shares) < _SHARE:
            continue  # unknown targets, or some fit's targets within reach
        targets, share = known[0], shares[0]
        _, _, written = RANGES[head.activation]
        edit = _linear_edit(head, quote_of(compile.node, head.layer.node))
        fix = Fix(UNSAFE, f"Remove the {head.activation} output activation (linear output)", [edit]) if edit else None
        amount = "most" if share > 0.6 else "about half"
        yield Diagnostic(
            "KER111",
            f"{head.activation} output only reaches {written}, but {amount} of the {targets.what} lie "
            "outside it: the loss stalls",
            _where(head) or compiled.loss_node,
            fix,
        )


RULE = Rule(
    code="KER111",
    explanation=(
        "A sigmoid, hard_sigmoid or softmax output gives values in (0, 1), tanh in (-1, 1), relu "
        "none below 0. Trained with a regression loss (mean squared or absolute error, MSLE, "
        "Huber, log-cosh) on targets outside that range, the model cannot output most of them: "
        "the units saturate and the loss stops at the error of the clipped prediction, however "
        "long it trains.\n\n"
        "KER111 fires only where the file shows the targets: a regression dataset loader "
        "(`boston_housing.load_data()`, `fetch_california_housing`, `make_regression`), targets "
        "standardised (`StandardScaler`, `(y - mean) / std`) or scaled to another range, or "
        "forecasting windows cut from such a series. A relu output is reported only for "
        "centred targets, since it can output any positive value. Targets scaled into the "
        "activation's range (`MinMaxScaler` with sigmoid, images divided by 255 in an "
        "autoencoder), targets the file does not show, and linear outputs are left alone.\n\n"
        "The fix (unsafe: the author may want bounded predictions and rescaled targets instead) "
        "removes the output activation, so the output is linear."
    ),
    bad="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
model = keras.Sequential([
    keras.Input(shape=(13,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
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
