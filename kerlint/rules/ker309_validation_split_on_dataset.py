"""KER309: ``validation_split`` given a tf.data dataset, a generator or a Sequence, which fit() cannot split."""

from __future__ import annotations

from ..analysis.batch_sources import BatchSources
from ..diagnostics import Diagnostic
from ..ir import Const
from . import Rule


def _set(arg) -> bool:
    """An argument given a value other than None, 0 or False."""
    if arg is None:
        return False
    v = arg.value
    return not (isinstance(v, Const) and not v.value)


def check(file):
    ir = file.ir
    sources = BatchSources(file)
    for fit in ir.fits:
        if fit.method != "fit" or fit.args.has_star:
            continue
        if fit.model is None and not ir.uses_keras:
            continue
        split = fit.args.get("validation_split")
        if not _set(split) or _set(fit.args.get("validation_data")):
            continue  # Keras splits only when no validation_data is given
        kind = sources.kind_of_x(fit)
        if kind is None:
            continue
        yield Diagnostic(
            "KER309",
            f"validation_split cannot split {kind}: fit() raises \"only supported for tensors or NumPy "
            "arrays\"",
            split.node.value,
        )


RULE = Rule(
    code="KER309",
    explanation=(
        "`validation_split` holds out the last part of arrays. A `tf.data` dataset, a Python "
        "generator, a `keras.utils.Sequence` or a `PyDataset` has no such part that Keras could "
        "take, so `fit()` raises a `ValueError` at once (\"Argument `validation_split` is only "
        "supported for tensors or NumPy arrays\"), after the data has been loaded, often after "
        "a long preprocessing step. Split the data before building the dataset, or build a "
        "second dataset for validation, and pass it as `validation_data`; "
        "`image_dataset_from_directory(..., validation_split=0.2, subset=\"training\", seed=...)` "
        "and its `subset=\"validation\"` twin do the split on the files. Silent when "
        "`validation_data` is also given (Keras then ignores the split) and when the split is 0."
    ),
    bad="""\
import keras
import numpy as np
import tensorflow as tf
from keras import layers

features = np.load("features.npy")
labels = np.load("labels.npy")
train_ds = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(1024).batch(32)

model = keras.Sequential([
    keras.Input(shape=(16,)),
    layers.Dense(32, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(train_ds, epochs=10, validation_split=0.2)
""",
    good="""\
import keras
import numpy as np
import tensorflow as tf
from keras import layers

features = np.load("features.npy")
labels = np.load("labels.npy")
cut = int(len(features) * 0.8)
train_ds = tf.data.Dataset.from_tensor_slices((features[:cut], labels[:cut])).shuffle(1024).batch(32)
val_ds = tf.data.Dataset.from_tensor_slices((features[cut:], labels[cut:])).batch(32)

model = keras.Sequential([
    keras.Input(shape=(16,)),
    layers.Dense(32, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(train_ds, epochs=10, validation_data=val_ds)
""",
    fix_availability="never",
    check=check,
)
