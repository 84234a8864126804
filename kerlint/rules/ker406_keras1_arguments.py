"""KER406: Keras 1 argument names and the Keras 1 ``Conv2D(filters, rows, cols)`` form."""

from __future__ import annotations

import libcst as cst

from ..catalog import legacy
from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import code_of, remove_arg
from ..ir import UNKNOWN, Const, Model
from ..shapes import keras1_kernel
from . import Rule

_NO_EQUIVALENT = {
    "mode": "remove it (what remains is Keras 1's mode=0)",
    "show_accuracy": 'pass metrics=["accuracy"] to compile()',
    "samples_per_epoch": "steps_per_epoch= counts batches, not samples",
    "nb_val_samples": "validation_steps= counts batches, not samples",
    "dropout": "add a Dropout layer after the Embedding",
}
# Keras 2 and 3 (tf.keras and standalone) reject these in fit()/evaluate() too.
_KERAS2_REJECTED = {"show_accuracy"}
_WARNED = "(Keras 2.0–2.3 only warned)"


def _keywords(call: cst.Call) -> set:
    return {a.keyword.value for a in call.args if a.keyword is not None}


def _rename(call, arg: cst.Arg, new: str | None, sig=None):
    """A fix renaming ``arg``'s keyword to ``new``, unless ``new`` is already given."""
    if new is None or new in _keywords(call):
        return None
    if sig is not None and new in sig.positional:
        n_pos = sum(1 for a in call.args if a.keyword is None and not a.star)
        if sig.positional.index(new) < n_pos:
            return None
    return Fix(SAFE, f"Rename {arg.keyword.value}= to {new}=", [NodeEdit(arg.keyword, cst.Name(new))])


def _layer_message(written, new, converted):
    """One sentence: what the argument is, that tf.keras 2 and Keras 3 raise on it, and whether
    multi-backend Keras 2.0–2.3 still took it (``legacy.KERAS2_CONVERTED``)."""
    if new is None:
        advice = _NO_EQUIVALENT.get(written)
        return f"`{written}=` is a Keras 1 argument: Keras 3 and tf.keras 2 raise on it" + (f"; {advice}" if advice else "")
    return f"`{written}=` is Keras 1 for `{new}=`: Keras 3 and tf.keras 2 raise on it" + (f" {_WARNED}" if converted else "")


def _method_message(method, written, new):
    if new is None:
        who = "Keras 2 and 3 raise" if written in _KERAS2_REJECTED else "Keras 3 raises"
        advice = _NO_EQUIVALENT.get(written)
        return f"`{written}=` is a Keras 1 argument: {who} on it" + (f"; {advice}" if advice else "")
    said = f"`{written}=` is Keras 1 for `{new}=`: Keras 3 raises on it"
    if written not in legacy.KERAS2_CONVERTED.get(method, ()):
        return said
    if method == "fit":  # tf.keras's fit() also converted nb_epoch, up to TensorFlow 2.1
        return f"{said} (Keras 2.0–2.3 and tf.keras ≤ 2.1 only warned)"
    return f"{said} {_WARNED}"


def _layer_args(layer):
    call = layer.node
    if not isinstance(call, cst.Call):
        return
    table = dict(legacy.KERAS1_ARGS["*"])
    table.update(legacy.KERAS1_ARGS.get(layer.kind, {}))
    sig = layer.args.signature
    converted = legacy.KERAS2_CONVERTED.get(layer.kind, ())
    for ba in layer.args.all():
        written = ba.written
        if written is None or written not in table or (sig is not None and sig.accepts(written)):
            continue
        new = table[written]
        if new is not None and sig is not None and not sig.accepts(new):
            new = None  # ``PReLU(init=...)``: the generic Keras 1 name maps to nothing this layer has
        yield Diagnostic(
            "KER406",
            _layer_message(written, new, written in converted),
            ba.node,
            _rename(call, ba.node, new, sig),
        )


def _rows_cols(layer):
    """``Convolution2D(n, nb_row=3, nb_col=3)``: the kernel given as rows and columns."""
    call = layer.node
    rows, cols = layer.args.get("nb_row"), layer.args.get("nb_col")
    if not isinstance(call, cst.Call) or rows is None or rows.written != "nb_row":
        return
    fix = None
    if cols is not None and "kernel_size" not in _keywords(call) and layer.args.get("kernel_size") is None:
        size = cst.parse_expression(f"({code_of(rows.node.value)}, {code_of(cols.node.value)})")
        args = [a.with_changes(keyword=cst.Name("kernel_size"), value=size) if a is rows.node else a for a in call.args]
        new = remove_arg(call.with_changes(args=args), cols.node)
        fix = Fix(SAFE, "Use kernel_size=(rows, cols)", [NodeEdit(call, new)])
    yield Diagnostic(
        "KER406",
        f"`nb_row=`/`nb_col=` are Keras 1's kernel_size=(rows, cols): Keras 3 and tf.keras 2 raise {_WARNED}",
        rows.node,
        fix,
    )


def _int(value):
    if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return value.value
    return None


def _positional_kernel(layer):
    """``Convolution2D(32, 3, 3)``: Keras 3 and tf.keras 2 read the third argument as strides."""
    dims = keras1_kernel(layer)
    if dims is None or all(_int(d.value) == 1 for d in dims):
        return  # not the Keras 1 form, or a 1x1 kernel with stride 1 either way: nothing changes
    call = layer.node
    positional = [a for a in call.args if a.keyword is None]
    size = cst.parse_expression("(" + ", ".join(code_of(d.node.value) for d in dims) + ")")
    args = list(call.args)
    args[1] = args[1].with_changes(value=size)
    new = call.with_changes(args=args)
    for d in dims[1:]:
        new = remove_arg(new, d.node)
    shown = ", ".join(code_of(d.node.value) for d in dims)
    written_name = layer.ref.path.raw.rsplit(".", 1)[-1] if layer.ref is not None else layer.kind
    written = f"{written_name}({code_of(positional[0].value)}, {shown})"
    if len(dims) == 2:
        first, second = (code_of(d.node.value) for d in dims)
        message = f"{written}: Keras 3 and tf.keras 2 read kernel {first}, strides {second}, not Keras 1's ({shown}) {_WARNED}"
        if len(message) > 120:
            message = f"{written}: Keras 3 and tf.keras 2 read kernel {first}, strides {second}, not ({shown}) {_WARNED}"
    else:  # the last two sizes become strides and padding, and a padding that is a number raises
        message = f"{written} is Keras 1's kernel ({shown}): Keras 3 and tf.keras 2 raise on it {_WARNED}"
    yield Diagnostic(
        "KER406",
        message,
        positional[2],
        Fix(SAFE, "Pass the kernel size as one tuple", [NodeEdit(call, new)]),
    )


def _method_args(ir):
    for mc in ir.method_calls:
        table = legacy.KERAS1_METHOD_ARGS.get(mc.name)
        if not table:
            continue
        if not (isinstance(mc.receiver, Model) or (mc.receiver is UNKNOWN and ir.uses_keras)):
            continue
        call = mc.node
        for arg in call.args:
            if arg.keyword is None or arg.keyword.value not in table:
                continue
            written = arg.keyword.value
            new = table[written]
            yield Diagnostic(
                "KER406",
                _method_message(mc.name, written, new),
                arg,
                _rename(call, arg, new),
            )


def check(file):
    ir = file.ir
    for layer in ir.layers:
        if not layer.known:
            continue
        yield from _layer_args(layer)
        yield from _rows_cols(layer)
        yield from _positional_kernel(layer)
    yield from _method_args(ir)


RULE = Rule(
    code="KER406",
    explanation=(
        "Keras 2 renamed most arguments (`nb_epoch` → `epochs`, `init` → "
        "`kernel_initializer`, `output_dim` → `units`, `nb_filter` → `filters`, "
        "`border_mode` → `padding`, `subsample` → `strides`, `W_regularizer` → "
        "`kernel_regularizer`, `dropout_W`/`dropout_U` → `dropout`/`recurrent_dropout`, ...). "
        "Multi-backend Keras 2.0–2.3 still took the old names, and the Keras 1 kernel "
        "`Convolution2D(32, 3, 3)`, converting them with a warning. tf.keras 2 and Keras 3 do "
        "not: layers raise (`ValueError: Unrecognized keyword arguments` in Keras 3, "
        "`TypeError: Keyword argument not understood` in tf.keras) and `fit(nb_epoch=...)` raises "
        "(tf.keras converted it up to TensorFlow 2.1). Worse, `Convolution2D(32, 3, 3)` still "
        "runs: the third argument is now `strides`, so the layer silently downsamples. A few "
        "Keras 1 arguments have no Keras 3 name: `show_accuracy` (Keras 2 raised on it too; "
        "pass `metrics=[\"accuracy\"]` to `compile()`), `BatchNormalization(mode=...)` (Keras 2 "
        "dropped `mode=0`, which is what BatchNormalization always does now, and raised on 1 "
        "and 2), `Embedding(dropout=...)` (put a Dropout layer after the Embedding), and "
        "`samples_per_epoch`/`nb_val_samples` (`steps_per_epoch`/`validation_steps` count "
        "batches, not samples). The fix renames each argument that has a Keras 3 name, and "
        "writes the kernel as one tuple (`Conv2D(32, (3, 3))`); the others are reported "
        "without a fix."
    ),
    bad="""\
from keras.datasets import mnist
from keras.layers import Convolution2D, Dense, Flatten, MaxPooling2D
from keras.models import Sequential

(x_train, y_train), _ = mnist.load_data()
x_train = x_train.reshape(-1, 28, 28, 1) / 255.0
model = Sequential()
model.add(Convolution2D(32, 3, 3, border_mode="same", activation="relu", input_shape=(28, 28, 1)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(10, activation="softmax"))
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train[:50000], y_train[:50000], nb_epoch=10,
          validation_data=(x_train[50000:], y_train[50000:]))
""",
    good="""\
from keras.datasets import mnist
from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
from keras.models import Sequential

(x_train, y_train), _ = mnist.load_data()
x_train = x_train.reshape(-1, 28, 28, 1) / 255.0
model = Sequential()
model.add(Conv2D(32, (3, 3), padding="same", activation="relu", input_shape=(28, 28, 1)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(10, activation="softmax"))
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train[:50000], y_train[:50000], epochs=10,
          validation_data=(x_train[50000:], y_train[50000:]))
""",
    fixed="""\
from keras.datasets import mnist
from keras.layers import Convolution2D, Dense, Flatten, MaxPooling2D
from keras.models import Sequential

(x_train, y_train), _ = mnist.load_data()
x_train = x_train.reshape(-1, 28, 28, 1) / 255.0
model = Sequential()
model.add(Convolution2D(32, (3, 3), padding="same", activation="relu", input_shape=(28, 28, 1)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(10, activation="softmax"))
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train[:50000], y_train[:50000], epochs=10,
          validation_data=(x_train[50000:], y_train[50000:]))
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
