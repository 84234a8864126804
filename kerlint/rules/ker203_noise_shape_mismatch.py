"""KER203: a Dropout noise_shape that cannot broadcast against the Dropout's input."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..ir import Const, Seq
from ..shapes import VAR, fmt_shape
from . import Rule


def _entries(value):
    """The noise_shape entries as ints / None / '?' (not a literal), or None."""
    if not isinstance(value, Seq) or not isinstance(value.node, (cst.List, cst.Tuple)):
        return None
    out = []
    for item in value.items:
        if isinstance(item, Const) and (item.value is None or (isinstance(item.value, int) and not isinstance(item.value, bool))):
            out.append(item.value)
        else:
            out.append("?")
    return out


def check(file):
    seen = set()
    for layer, shape, _ in file.layer_inputs:
        if layer.kind != "Dropout" or shape is None:
            continue
        arg = layer.args.get("noise_shape")
        if arg is None:
            continue
        entries = _entries(arg.value)
        if entries is None:
            continue
        key = (id(arg.node), shape)
        if key in seen:
            continue
        seen.add(key)
        if len(entries) != len(shape):
            yield Diagnostic(
                "KER203",
                f"noise_shape has {len(entries)} entries but the Dropout's input {fmt_shape(shape)} has rank "
                f"{len(shape)}: fit() raises, though predict() runs",
                arg.node.value,
            )
            continue
        fixed = []  # entries that differ from a known size: fit() always raises
        variable = []  # entries that fix a size the model leaves variable: raises on other sizes
        for i, (n, dim) in enumerate(zip(entries, shape)):
            if i == 0 or not isinstance(n, int) or n == 1:
                continue
            if dim is VAR:
                variable.append(i)
            elif isinstance(dim, int) and dim != n:
                fixed.append(i)
        bad = sorted(fixed + variable)
        if not bad:
            continue
        # The literal may be written elsewhere and passed in (a builder's parameter): point at it.
        written = _literal_node(arg)
        fix = None
        if written is not None and len(written.elements) == len(entries):
            edits = [NodeEdit(written.elements[i].value, cst.Name("None")) for i in bad]
            fix = Fix(SAFE, "Replace the mismatching noise_shape entries with None", edits)
        yield Diagnostic(
            "KER203",
            _mismatch_message(entries, shape, fixed, variable),
            written if written is not None else arg.node.value,
            fix,
        )


def _mismatch_message(entries, shape, fixed, variable) -> str:
    said = f"noise_shape {_fmt(entries)}"
    if fixed:
        return f"{said} does not match the Dropout's input {fmt_shape(shape)}: fit() raises, though predict() runs"
    if len(variable) == 1:
        what, other = f"fixes {entries[variable[0]]}", "other lengths"
    else:
        what, other = "fixes sizes", "other sizes"
    return f"{said} {what} where the Dropout's input {fmt_shape(shape)} is variable: fit() raises on {other}"


def _literal_node(arg):
    """The list or tuple literal that gave ``noise_shape`` its value, or None."""
    for node in (arg.node.value, getattr(arg.value, "node", None)):
        if isinstance(node, (cst.List, cst.Tuple)):
            return node
    return None


def _fmt(entries):
    return "[" + ", ".join("None" if e is None else str(e) for e in entries) + "]"


RULE = Rule(
    code="KER203",
    explanation=(
        "`Dropout(rate, noise_shape=...)` draws one mask of `noise_shape` and broadcasts it "
        "over the input. Its length must equal the input's rank (batch included), and each "
        "entry must be `None`, 1, or the input's size on that axis. Keras does not check this "
        "when the model is built, and `predict()`/`evaluate()` skip Dropout, so the mistake "
        "shows up only inside `fit()`, or only for inputs of another length when the axis is "
        "variable (an `Embedding` without a fixed input length). `None` entries take the size "
        "from the input at run time."
    ),
    bad="""\
import keras
from keras import layers

maxlen = 100
model = keras.Sequential([
    keras.Input(shape=(maxlen,)),
    layers.Embedding(10000, 64),
    layers.Dropout(0.2, noise_shape=(None, 50, 1)),
    layers.LSTM(32),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

maxlen = 100
model = keras.Sequential([
    keras.Input(shape=(maxlen,)),
    layers.Embedding(10000, 64),
    # Drops whole tokens: one mask entry per position, shared by its 64 features.
    layers.Dropout(0.2, noise_shape=(None, maxlen, 1)),
    layers.LSTM(32),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

maxlen = 100
model = keras.Sequential([
    keras.Input(shape=(maxlen,)),
    layers.Embedding(10000, 64),
    layers.Dropout(0.2, noise_shape=(None, None, 1)),
    layers.LSTM(32),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
