"""KER405: ``Embedding(input_length=...)``: deprecated in Keras 3 and ignored."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import SAFE, UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import code_of, keras_name, remove_arg
from ..ir import Tensor
from ..names import keras2_object
from . import Rule


def _has_input(ir, layer):
    """(True, None) when the model already has an Input; (False, model, entry) for a
    Sequential that has none and starts with this layer; (None, ...) when unknown."""
    if layer.args.get("input_shape") is not None or layer.args.get("batch_input_shape") is not None:
        return True, None, None
    for model in ir.models:
        if model.style != "sequential":
            continue
        for i, entry in enumerate(model.entries):
            if entry.layer is not layer:
                continue
            if model.inputs or any(e.layer.kind == "InputLayer" for e in model.entries[:i]):
                return True, None, None
            if i == 0 and not entry.conditional and model.has_graph:
                return False, model, entry
            return None, None, None
    for lc in ir.layer_calls:
        if lc.layer is layer and lc.inputs and isinstance(lc.inputs[0], Tensor):
            t = lc.inputs[0]
            if t.is_input or t.producer is not None:
                return True, None, None
    return None, None, None


def _ws_text(file, ws, owner) -> str | None:
    if isinstance(ws, cst.SimpleWhitespace):
        return " " if ws.value else ""
    if isinstance(ws, cst.ParenthesizedWhitespace):
        indent = ""
        if ws.indent:
            indent = file.statements.indent_at(owner)
            if indent is None:
                return None
        return "\n" + indent + ws.last_line.value
    return None


def _input_fix(file, model, entry, call, new_call, length):
    name = keras_name(file.ir, "layers.Input")
    if name is None:
        return None
    new_input = f"{name.text}(shape=({code_of(length)},))"
    message = f"Remove input_length and start the model with {new_input}"
    if entry.add_call is not None:
        stmt = entry.statement
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return None
        indent = file.statements.indent_at(stmt)
        if indent is None:
            return None
        receiver = code_of(entry.add_call.func.value)
        line = f"{indent}{receiver}.add({new_input})\n"
        return Fix(UNSAFE, message, [NodeEdit(stmt, line, insert="before"), NodeEdit(call, new_call), *name.edits])
    # Sequential([...]): the Input goes before this element, separated as the elements are.
    seq_call = model.node
    if not isinstance(seq_call, cst.Call) or not seq_call.args:
        return None
    lst = seq_call.args[0].value
    if not isinstance(lst, (cst.List, cst.Tuple)) or not lst.elements or lst.elements[0].value is not call:
        return None
    if isinstance(lst, cst.List):
        ws = lst.lbracket.whitespace_after
    else:
        ws = lst.lpar[0].whitespace_after if lst.lpar else cst.SimpleWhitespace("")
    sep = _ws_text(file, ws, seq_call)
    if sep is None:
        return None
    sep = sep or " "
    return Fix(UNSAFE, message, [NodeEdit(call, f"{new_input},{sep}{code_of(new_call)}"), *name.edits])


def check(file):
    ir = file.ir
    for layer in ir.layers:
        if layer.kind != "Embedding":
            continue
        path = layer.ref.path if layer.ref is not None else None
        if keras2_object(path, ir.resolver, file.keras2_pinned):
            continue  # Keras 2's Embedding (tf_keras, tensorflow.python.keras) still uses it
        arg = layer.args.get("input_length")
        if arg is None or arg.written != "input_length":
            continue
        call = layer.node
        has_input, model, entry = _has_input(ir, layer)
        fix = None
        if isinstance(call, cst.Call) and any(a is arg.node for a in call.args):
            new_call = remove_arg(call, arg.node)
            if has_input:
                fix = Fix(SAFE, "Remove input_length, which Keras 3 ignores", [NodeEdit(call, new_call)])
            elif has_input is False:
                fix = _input_fix(file, model, entry, call, new_call, arg.node.value)
        yield Diagnostic(
            "KER405",
            _message(has_input),
            arg.node,
            fix,
        )


def _message(has_input) -> str:
    """What Keras 3 ignoring the argument means for this model: a Sequential model without an
    Input stays unbuilt; any other model takes its length from its input shape alone."""
    if has_input is False:
        return "Keras 3 ignores Embedding(input_length=...): without an Input this Sequential model stays unbuilt"
    return "Keras 3 ignores Embedding(input_length=...) with a warning: the length comes from the input shape alone"


RULE = Rule(
    code="KER405",
    explanation=(
        "In Keras 2, `input_length` told the first layer of a Sequential model the sequence "
        "length, so the model was built at once and `Flatten()` after the Embedding knew its "
        "size. Keras 3 accepts the argument only to warn (\"Argument `input_length` is "
        "deprecated. Just remove it.\") and drop it. A Sequential model without an Input then "
        "stays unbuilt until it sees data: `summary()` shows no shapes and `count_params()` "
        "raises. In any other model the length comes from the input shape alone: after "
        "`keras.Input(shape=(None,))` the Embedding's output length is `None`, and a `Flatten` "
        "then `Dense` after it raise when the model is built. When the model already "
        "starts with `keras.Input(shape=(n,))` the fix simply removes it (safe). Otherwise the "
        "fix moves the length into a new `keras.Input(shape=(n,))` before the Embedding; that "
        "is unsafe because the model is then built with a fixed length, which rejects inputs "
        "of another length that it accepted before."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    layers.Embedding(10000, 64, input_length=200),
    layers.LSTM(32),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(200,)),
    layers.Embedding(10000, 64),
    layers.LSTM(32),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(200,)),
    layers.Embedding(10000, 64),
    layers.LSTM(32),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("safe", "unsafe"),
    check=check,
)
