"""KER501: LSTM/GRU arguments that rule out the fused cuDNN kernel."""

from __future__ import annotations

from ..analysis.activations import activation_name
from ..diagnostics import Diagnostic
from ..ir import Const
from . import Rule


def _reasons(layer):
    """(reason, argument) pairs that keep this LSTM/GRU off the cuDNN kernel."""
    args = layer.args
    out = []
    arg = args.get("recurrent_dropout")
    if arg is not None and isinstance(arg.value, Const) and isinstance(arg.value.value, (int, float)) and arg.value.value > 0:
        out.append((f"recurrent_dropout={arg.value.value:g}", arg))
    for name, wanted in (("activation", "tanh"), ("recurrent_activation", "sigmoid")):
        arg = args.get(name)
        if arg is None:
            continue
        act = activation_name(arg.value)
        if act is not None and act != wanted:
            out.append((f"{name}={act!r} (cuDNN needs {wanted})", arg))
    for name, bad, label in (("unroll", True, "unroll=True"), ("use_bias", False, "use_bias=False")):
        arg = args.get(name)
        if arg is not None and isinstance(arg.value, Const) and arg.value.value is bad:
            out.append((label, arg))
    if layer.kind == "GRU":
        arg = args.get("reset_after")
        if arg is not None and isinstance(arg.value, Const) and arg.value.value is False:
            out.append(("reset_after=False", arg))
    return out


def check(file):
    ir = file.ir
    for layer in ir.layers:
        if layer.kind not in ("LSTM", "GRU") or layer.args.has_star:
            continue
        cudnn = layer.args.get("use_cudnn")
        if cudnn is not None and isinstance(cudnn.value, Const) and cudnn.value.value is False:
            continue  # the generic kernel is asked for explicitly
        reasons = _reasons(layer)
        if not reasons:
            continue
        listed = ", ".join(r for r, _ in reasons)
        yield Diagnostic(
            "KER501",
            f"{layer.kind} with {listed} cannot use cuDNN: on a GPU it trains several times slower",
            reasons[0][1].node,
        )


RULE = Rule(
    code="KER501",
    explanation=(
        "On a GPU, Keras runs `LSTM` and `GRU` with NVIDIA's fused cuDNN kernel only when the "
        "layer matches what cuDNN computes: `activation=\"tanh\"`, "
        "`recurrent_activation=\"sigmoid\"`, `recurrent_dropout=0`, `unroll=False`, "
        "`use_bias=True` and, for GRU, `reset_after=True`. Any other value falls back to "
        "the generic kernel, several times slower. `recurrent_dropout` is the usual cause; "
        "`dropout` (on the inputs) or a `Dropout`/`SpatialDropout1D` layer regularise without "
        "the cost. With `use_cudnn=True` Keras raises instead (\"use_cudnn=True was specified, "
        "but cuDNN is not supported for this layer configuration\"). Silent when "
        "`use_cudnn=False` asks for the generic kernel explicitly."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(None,)),
    layers.Embedding(20000, 128),
    layers.LSTM(128, recurrent_dropout=0.2),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(None,)),
    layers.Embedding(20000, 128),
    layers.LSTM(128, dropout=0.2),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fix_availability="never",
    check=check,
    proof_exempt=(
        "The harm is speed on a GPU: the fused cuDNN kernel exists only there, and on a CPU "
        "both configurations run the same generic kernel."
    ),
)
