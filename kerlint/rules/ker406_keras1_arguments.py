"""KER406: Keras 1 argument names and the Keras 1 ``Conv2D(filters, rows, cols)`` form."""

from __future__ import annotations

import libcst as cst

from ..catalog import legacy
from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import code_of, remove_arg
from ..ir import UNKNOWN, Const, Model
from . import Rule

# Convolutions whose Keras 1 form took one positional argument per kernel axis.
_SPATIAL = {"Conv2D": 2, "SeparableConv2D": 2, "Conv2DTranspose": 2, "Conv3D": 3}
_KERAS1_CLASS_NAMES = {"Convolution2D", "Convolution3D", "SeparableConvolution2D", "Deconvolution2D", "AtrousConvolution2D"}
_NO_EQUIVALENT = {
    "mode": "BatchNormalization always normalises per feature (Keras 1 mode=0); remove it",
    "show_accuracy": 'accuracy is reported when compile() has metrics=["accuracy"]; remove it',
    "samples_per_epoch": "steps_per_epoch= counts batches, not samples",
    "nb_val_samples": "validation_steps= counts batches, not samples",
    "dropout": "put a Dropout layer after the Embedding instead",
}


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


def _message(written, new, where):
    if new is None:
        advice = _NO_EQUIVALENT.get(written, "it has no Keras 3 equivalent; remove it")
        return f"`{written}=` is a Keras 1 argument: {where} rejects it and raises; {advice}"
    return f"`{written}=` is the Keras 1 name of `{new}=`: {where} rejects it and raises; use `{new}=`"


def _layer_args(layer):
    call = layer.node
    if not isinstance(call, cst.Call):
        return
    table = dict(legacy.KERAS1_ARGS["*"])
    table.update(legacy.KERAS1_ARGS.get(layer.kind, {}))
    sig = layer.args.signature
    for ba in layer.args.all():
        written = ba.written
        if written is None or written not in table or (sig is not None and sig.accepts(written)):
            continue
        new = table[written]
        yield Diagnostic(
            "KER406",
            _message(written, new, f"{layer.kind}() in Keras 2 and 3"),
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
        "`nb_row=`/`nb_col=` are Keras 1 arguments: Keras 2 and 3 reject them and raise; the "
        "kernel is kernel_size=(rows, cols)",
        rows.node,
        fix,
    )


def _int(value):
    if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return value.value
    return None


def _positional_kernel(layer):
    """``Convolution2D(32, 3, 3)``: Keras 2 and 3 read the third argument as strides."""
    n = _SPATIAL.get(layer.kind)
    call = layer.node
    if n is None or not isinstance(call, cst.Call) or layer.args.has_star:
        return
    positional = [a for a in call.args if a.keyword is None]
    if len(positional) != n + 1 or any(a.star for a in call.args):
        return
    dims = [layer.args.get(name) for name in ("kernel_size", "strides", "padding")[:n]]
    if any(d is None or not d.positional for d in dims):
        return
    # Each kernel size an int literal or a name (nb_conv), never a tuple or a string.
    if not all(_int(d.value) is not None or isinstance(d.node.value, (cst.Name, cst.Attribute)) for d in dims):
        return
    written_name = layer.ref.path.raw.rsplit(".", 1)[-1] if layer.ref is not None else ""
    keras1_keywords = any(
        ba.written in legacy.KERAS1_ARGS["*"] or ba.written in legacy.KERAS1_ARGS.get(layer.kind, {})
        for ba in layer.args.all()
        if ba.written
    )
    if all(_int(d.value) == 1 for d in dims):
        return  # a 1x1 kernel with stride 1 either way: nothing changes
    same = len({code_of(d.node.value) for d in dims}) == 1
    if not (written_name in _KERAS1_CLASS_NAMES or keras1_keywords or same):
        return
    size = cst.parse_expression("(" + ", ".join(code_of(d.node.value) for d in dims) + ")")
    args = list(call.args)
    args[1] = args[1].with_changes(value=size)
    new = call.with_changes(args=args)
    for d in dims[1:]:
        new = remove_arg(new, d.node)
    shown = ", ".join(code_of(d.node.value) for d in dims)
    first, second = (code_of(d.node.value) for d in dims[:2])
    if n == 2:
        harm = (
            f"Keras 2 and 3 read it as kernel_size={first}, strides={second}: a square "
            f"{first}x{first} kernel that moves {second} pixels at a time, so the layer silently "
            "computes something else (and downsamples when the stride is above 1)"
        )
    else:
        harm = "Keras 2 and 3 read the second and third kernel sizes as strides and padding, and raise"
    yield Diagnostic(
        "KER406",
        f"{written_name or layer.kind}({code_of(positional[0].value)}, {shown}) is the Keras 1 form "
        f"(filters, {'rows, cols' if n == 2 else 'kernel_dim1, kernel_dim2, kernel_dim3'}); "
        f"{harm}; write the kernel as one tuple: ({shown})",
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
                _message(written, new, f"{mc.name}() in Keras 2 and 3"),
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
        "Keras 3 rejects the old names: layers raise `ValueError: Unrecognized keyword "
        "arguments`, `fit()` raises `TypeError`. Worse, the Keras 1 positional form "
        "`Convolution2D(32, 3, 3)` still runs: the third argument is now `strides`, so the "
        "layer silently downsamples. The fix renames each argument, and writes the kernel as "
        "one tuple (`Conv2D(32, (3, 3))`). Arguments with no Keras 3 equivalent "
        "(`BatchNormalization(mode=...)`, `show_accuracy`) are reported without a fix."
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
