"""Proofs for KER220, KER221 (layer order around BatchNormalization) and KER308, KER309
(validation data), with real Keras on small synthetic data."""

from __future__ import annotations

import pytest

from .proving import pair, record, run

keras = pytest.importorskip("keras", reason="the proofs run real Keras (pip install -e '.[test]')")

pytestmark = pytest.mark.proof

# A task a small MLP learns; enough steps (500) for BatchNormalization's moving statistics
# (momentum 0.99) to settle.
TABULAR = """\
x = rng.normal(size=(2000, 20)).astype("float32")
y = (x[:, :5].sum(axis=1) > 0).astype("float32")
"""

MEASURE_NORM = """\
norm = next(layer for layer in model.layers if isinstance(layer, layers.BatchNormalization))
seen = keras.Model(model.inputs, norm.input)([x[1600:]], training=False)
# What the normalization receives at inference, against the variance it divides by.
variance_ratio = float(np.mean(np.var(np.asarray(seen), axis=0) / np.asarray(norm.moving_variance)))
val_loss = history["val_loss"][-1]
"""


def test_ker220_dropout_before_batchnorm_shifts_the_variance_it_normalises():
    model = """\
model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    {block}
    layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="adam")
history = model.fit(x, y, epochs=5, batch_size=16, validation_split=0.2, verbose=0).history
"""
    buggy, fixed = pair(
        "KER220",
        TABULAR + model.format(block="layers.Dropout(0.5),\n    layers.BatchNormalization(),") + MEASURE_NORM,
        TABULAR + model.format(block="layers.BatchNormalization(),\n    layers.Dropout(0.5),") + MEASURE_NORM,
    )
    bad, good = run(buggy), run(fixed)
    record("KER220", "inference input variance / moving variance of the BatchNormalization",
           bad["variance_ratio"], good["variance_ratio"])
    record("KER220", "val_loss after 5 epochs (a small effect, not asserted)", bad["val_loss"], good["val_loss"])
    # Dropout(0.5) before it: at inference it gets well under half the variance it learned.
    assert bad["variance_ratio"] < 0.6
    assert 0.85 < good["variance_ratio"] < 1.2
