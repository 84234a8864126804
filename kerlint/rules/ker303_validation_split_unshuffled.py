"""KER303: validation_split on arrays the file never shuffles (opt-in)."""

from __future__ import annotations

from ..analysis.batch_sources import BatchSources
from ..diagnostics import Diagnostic
from ..ir import Const
from . import Rule


def _split(fit):
    arg = fit.args.get("validation_split")
    if arg is None:
        return None
    v = arg.value
    if isinstance(v, Const) and (v.value is None or v.value == 0 or isinstance(v.value, bool)):
        return None
    return arg


def check(file):
    ir = file.ir
    if ir.shuffle_evidence:
        return
    sources = BatchSources(file)
    for fit in ir.fits:
        if fit.method != "fit":
            continue
        if fit.model is None and not ir.uses_keras:
            continue
        arg = _split(fit)
        if arg is None or sources.kind_of_x(fit) is not None:
            continue  # a dataset or generator cannot be split at all: KER309 says fit() raises
        yield Diagnostic(
            "KER303",
            "validation_split takes the last rows, which this file never shuffles: if they are ordered, "
            "val metrics mislead",
            fit.node,
        )


RULE = Rule(
    code="KER303",
    explanation=(
        "`fit(x, y, validation_split=0.1)` takes the *last* 10% of `x` and `y`, in their "
        "current order, as validation data; `shuffle=True` shuffles only the remaining "
        "training part, each epoch. Data loaded from files is often ordered (all negatives "
        "then all positives, or by date), and then the validation set holds one class or one "
        "period only. Shuffle once before `fit` (`np.random.permutation`, "
        "`sklearn.utils.shuffle`) or split with `train_test_split`. The rule stays silent when "
        "any shuffle or random split is visible in the file. Off by default (opt-in)."
    ),
    bad="""\
import keras
import numpy as np
from keras import layers

data = np.loadtxt("flowers.csv", delimiter=",")  # rows grouped by species
x, y = data[:, :-1], data[:, -1].astype("int32")
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=15, validation_split=0.2, shuffle=True)
""",
    good="""\
import keras
import numpy as np
from keras import layers
from sklearn.model_selection import train_test_split

data = np.loadtxt("flowers.csv", delimiter=",")
x, y = data[:, :-1], data[:, -1].astype("int32")
x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=15, validation_data=(x_val, y_val))
""",
    fix_availability="never",
    check=check,
    )
