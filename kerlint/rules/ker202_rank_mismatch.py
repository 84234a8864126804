"""KER202: a layer fed a tensor of a rank it cannot take."""

from __future__ import annotations

import libcst as cst

from ..analysis.graph import SHAPE_KEEPING, layer_family
from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import set_keyword
from ..ir import Const
from ..shapes import batch_axis_in_input_shape, fmt_shape
from . import Rule

_RNN_FAMILIES = ("rnn", "bidirectional", "conv_rnn")


def _last_step_rnn(producers):
    """The RNN right before (through rank-keeping layers) that returns only its last step."""
    for layer in producers:
        if not layer.known:
            return None
        if layer.kind in SHAPE_KEEPING:
            continue
        if layer_family(layer) not in _RNN_FAMILIES:
            return None
        rnn = layer.inner if layer.kind == "Bidirectional" else layer
        if rnn is None or layer_family(rnn) not in ("rnn", "conv_rnn"):
            return None
        seqs = rnn.args.value("return_sequences")
        if isinstance(seqs, Const) and seqs.value is False:
            return rnn
        return None
    return None


def _source(producers) -> str | None:
    for layer in producers:
        if layer.known and layer.kind not in SHAPE_KEEPING:
            return layer.kind
        if not layer.known:
            return None
    return None


def check(file):
    for issue in file.shape_issues("rank"):
        layer, err, shape = issue.layer, issue.error, issue.in_shape
        if batch_axis_in_input_shape(layer) or (layer.inner is not None and batch_axis_in_input_shape(layer.inner)):
            continue  # KER205: the declared input_shape holds the batch axis
        wanted = err.expected_rank
        fix = None
        rnn = _last_step_rnn(issue.producers) if layer_family(layer) in _RNN_FAMILIES else None
        if rnn is not None and len(shape) + 1 == wanted:
            arg = rnn.args.get("return_sequences")
            if isinstance(rnn.node, cst.Call) and (arg is None or isinstance(arg.node.value, cst.Name)):
                new = set_keyword(rnn.node, arg.node if arg is not None else None, "return_sequences", "True")
                fix = Fix(SAFE, f"Set return_sequences=True on the previous {rnn.kind}", [NodeEdit(rnn.node, new)])
            prev = next(_kind(p) for p in issue.producers if p is rnn or p.inner is rnn)
            message = (
                f"{_kind(layer)} gets {fmt_shape(shape)} because {prev} lacks return_sequences=True: "
                f"building it raises ({_keras_says(layer, wanted, len(shape))})"
            )
        else:
            source = _source(issue.producers)
            came = f" from {source}" if source else ""
            said = _keras_says(layer, wanted, len(shape))
            message = (
                f"{_kind(layer)} takes rank {wanted} but gets {fmt_shape(shape)}{came}: building it raises"
                + (f" ({said})" if said else " a ValueError")
            )
        yield Diagnostic("KER202", message, issue.node, fix)


def _keras_says(layer, wanted: int, got: int) -> str | None:
    """The words of Keras 3's own error, as the proofs observed them (None: too long to quote)."""
    if layer_family(layer) == "conv":
        if got > wanted:
            return "Kernel shape must have the same length as input"
        return f"expected min_ndim={wanted}, found ndim={got}"
    if layer_family(layer) == "time_distributed":
        return None  # "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions"
    return f"expected ndim={wanted}, found ndim={got}"


def _kind(layer) -> str:
    if layer.kind in ("Bidirectional", "TimeDistributed") and layer.inner is not None and layer.inner.kind:
        return f"{layer.kind}({layer.inner.kind})"
    return layer.kind


RULE = Rule(
    code="KER202",
    explanation=(
        "Each layer family takes inputs of one rank (batch axis included): recurrent layers "
        "(batch, timesteps, features), `Conv1D` and 1D pooling rank 3, `Conv2D` and 2D "
        "pooling rank 4, global pooling one rank above its output. A `Dense`, `Flatten` or "
        "global pooling layer gives rank 2, and an RNN without `return_sequences=True` "
        "returns only its last step, also rank 2. Keras checks the rank only when the model "
        "is built, which in scripts that load data first happens minutes into the run. Images "
        "need a channel axis: a grayscale 28x28 input is `(28, 28, 1)` for `Conv2D`, not "
        "`(28, 28)`.\n\n"
        "For stacked RNNs the fix sets `return_sequences=True` on the previous RNN, which is "
        "what stacking them means."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(50, 8)),
    layers.LSTM(64),
    layers.LSTM(32),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(50, 8)),
    layers.LSTM(64, return_sequences=True),
    layers.LSTM(32),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(50, 8)),
    layers.LSTM(64, return_sequences=True),
    layers.LSTM(32),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
