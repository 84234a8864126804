"""KER408: layer constructor keywords Keras 3 rejects (``batch_input_shape=``, ``weights=``, ...)."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import code_of
from ..names import keras2_object
from . import Rule

# Keras 2 took these in the base Layer's **kwargs; Keras 3's Layer raises on any keyword it does
# not declare ("Unrecognized keyword arguments passed to Dense"). A layer class that declares
# one itself (Embedding and Bidirectional take ``weights``, InputLayer ``batch_size``) is judged
# by its own signature.
_ADVICE = {
    "batch_input_shape": "use keras.Input(batch_shape=...)",
    "batch_size": "use keras.Input(batch_size=...)",
    "weights": "call set_weights() once it is built",
    "input_dtype": "use keras.Input(dtype=...)",
}
# What tf.keras 2 (and tf_keras) rejects as well: its Layer took the others in **kwargs.
_KERAS2_REJECTED = ("input_dtype",)


def _input_shape_fix(call: cst.Call, arg: cst.Arg):
    """``batch_input_shape=(None, a, b)`` -> ``input_shape=(a, b)``: the same model, when the
    batch size is left open and no other input shape is given. (fix, shape text) or (None, None)."""
    value = arg.value
    if not isinstance(value, (cst.Tuple, cst.List)) or not value.elements:
        return None, None
    first = value.elements[0]
    if isinstance(first, cst.StarredElement) or not (isinstance(first.value, cst.Name) and first.value.value == "None"):
        return None, None
    if any(a.keyword is not None and a.keyword.value in ("input_shape", "input_dim", "stateful") for a in call.args):
        return None, None  # a stateful RNN needs its batch size: keras.Input(batch_shape=...)
    rest = [el.value for el in value.elements[1:]]
    if not rest or any(isinstance(el, cst.StarredElement) for el in value.elements[1:]):
        return None, None
    shape = "(" + ", ".join(code_of(v) for v in rest) + ("," if len(rest) == 1 else "") + ")"
    new = arg.with_changes(keyword=cst.Name("input_shape"), value=cst.parse_expression(shape))
    return Fix(SAFE, f"Use input_shape={shape}", [NodeEdit(arg, new)]), shape


def _layer_arguments(file, layer):
    sig = layer.args.signature
    call = layer.node
    if sig is None or not isinstance(call, cst.Call) or layer.kind == "InputLayer":
        return
    path = layer.ref.path if layer.ref is not None else None
    keras2 = keras2_object(path, file.ir.resolver, file.keras2_pinned)
    seen = set()
    for ba in layer.args.all():
        written = ba.written
        if written not in _ADVICE or sig.accepts(written) or id(ba.node) in seen:
            continue
        if keras2 and written not in _KERAS2_REJECTED:
            continue  # Keras 2's layers (tf_keras, tensorflow.python.keras) take it without a word
        seen.add(id(ba.node))
        if keras2:
            message = (f"`{written}=` raises in tf.keras 2 (\"Keyword argument not understood\") and in Keras 3; "
                       f"{_ADVICE[written]}")
            yield Diagnostic("KER408", message, ba.node)
            continue
        fix, shape = _input_shape_fix(call, ba.node) if written == "batch_input_shape" else (None, None)
        advice = f"use input_shape={shape}" if shape else _ADVICE[written]
        yield Diagnostic(
            "KER408",
            f"{layer.kind}() raises \"Unrecognized keyword arguments\" on `{written}=` in Keras 3; {advice}",
            ba.node,
            fix,
        )


def _input_arguments(file, site):
    """``keras.Input(batch_input_shape=...)``: Keras 3's Input() is a function without it."""
    if site.ref.canonical not in ("layers.Input", "Input") or site.args is None:
        return
    if keras2_object(site.ref.path, file.ir.resolver, file.keras2_pinned):
        return
    for ba in site.args.unknown_keywords:
        if ba.written != "batch_input_shape":
            continue
        fix = None
        if not any(a.keyword is not None and a.keyword.value == "batch_shape" for a in site.node.args):
            fix = Fix(SAFE, "Use batch_shape=", [NodeEdit(ba.node.keyword, cst.Name("batch_shape"))])
        yield Diagnostic(
            "KER408",
            "Keras 3's Input() raises TypeError on `batch_input_shape=`: the same shape is `batch_shape=`",
            ba.node,
            fix,
        )


def check(file):
    ir = file.ir
    for layer in ir.layers:
        if layer.known:
            yield from _layer_arguments(file, layer)
    for site in ir.calls:
        yield from _input_arguments(file, site)


RULE = Rule(
    code="KER408",
    explanation=(
        "Keras 2's base `Layer` accepted `batch_input_shape=`, `batch_size=` and `weights=` on "
        "every layer (and Keras 1 also `input_dtype=`). Keras 3's `Layer` raises `ValueError: "
        "Unrecognized keyword arguments passed to Dense: {'batch_input_shape': (None, 8)}` for "
        "any keyword it does not declare, so the model fails while it is being defined. The "
        "shape and batch size belong to `keras.Input(shape=..., batch_size=...)` (or "
        "`batch_shape=`), the dtype to `keras.Input(dtype=...)`, and initial weights are set "
        "with `layer.set_weights(...)` once the layer is built. Layers that still declare one "
        "of these arguments are left alone: `Embedding(weights=[matrix])` and "
        "`Bidirectional(weights=...)` work in Keras 3, as does `InputLayer(batch_size=...)`. "
        "The fix rewrites `batch_input_shape=(None, ...)` as `input_shape=(...)`, the same "
        "model (a fixed batch size, as stateful RNNs need, moves to `keras.Input(batch_shape="
        "...)` by hand), and `Input(batch_input_shape=...)` as `Input(batch_shape=...)` "
        "(Keras 3's `Input()` raises `TypeError: ... unexpected keyword argument`). In a project "
        "pinned to Keras 2 the rule reports only `input_dtype=`, which tf.keras 2 rejects too "
        "(`TypeError: ('Keyword argument not understood:', 'input_dtype')`); its layers take "
        "the others without a word."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    layers.Dense(32, activation="relu", batch_input_shape=(None, 16)),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(16,)),
    layers.Dense(32, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    layers.Dense(32, activation="relu", input_shape=(16,)),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
