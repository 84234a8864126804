"""Proofs for KER220, KER221 (layer order around BatchNormalization) and KER308, KER309
(validation data), with real Keras on small synthetic data."""

from __future__ import annotations

import numpy as np
import pytest

from .proving import message, pair, record, run

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


def test_ker221_bias_before_batchnorm_gets_no_gradient_and_changes_nothing():
    body = TABULAR + """\
import tensorflow as tf

model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64),
    layers.BatchNormalization(),
    layers.Activation("relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="adam")
params = model.count_params()
dense = model.layers[0]
with tf.GradientTape() as tape:
    loss = keras.ops.mean(keras.losses.binary_crossentropy(y[:64, None], model(x[:64], training=True)))
gradients = dict(zip(("kernel", "bias"), tape.gradient(loss, dense.trainable_weights)))
before = np.asarray(model(x[:64], training=True))
history = model.fit(x, y, epochs=3, batch_size=32, verbose=0).history
predictions = model.predict(x[:500], verbose=0)
"""
    buggy, fixed = pair("KER221", body)
    assert "layers.Dense(64, use_bias=False)" in fixed
    bad, good = run(buggy), run(fixed)
    kernel_grad = float(np.abs(bad["gradients"]["kernel"]).max())
    bias_grad = float(np.abs(bad["gradients"]["bias"]).max())
    record("KER221", "parameters", bad["params"], good["params"])
    record("KER221", "largest gradient: Dense kernel | Dense bias (buggy)", kernel_grad, bias_grad)
    record("KER221", "training loss after 3 epochs", bad["history"]["loss"][-1], good["history"]["loss"][-1])
    assert bad["params"] - good["params"] == 64  # the 64 biases
    assert bias_grad < 1e-6 and kernel_grad > 1e-3  # zero up to float32 rounding
    # Without the bias the model trains to the same function (same seed, same kernels).
    assert abs(bad["history"]["loss"][-1] - good["history"]["loss"][-1]) < 1e-3
    assert float(np.abs(bad["predictions"] - good["predictions"]).max()) < 1e-2
    # And with the bias set to random values, the training-mode outputs do not move.
    probe = run(buggy.split("history = model.fit")[0]
                + "dense.bias.assign(rng.normal(size=64).astype('float32') * 5)\n"
                + "after = np.asarray(model(x[:64], training=True))\n")
    moved = float(np.abs(probe["after"] - probe["before"]).max())
    record("KER221", "largest change of the training-mode outputs with a random bias (buggy)", moved, "-")
    assert moved < 1e-5


# Few samples, many features, 30% of the labels flipped: a model that memorises them overfits
# within a few epochs. Loaded through a function, as data read from files is.
NOISY = """\
def load_records(n):
    features = rng.normal(size=(n, 30)).astype("float32")
    truth = (features[:, 0] + features[:, 1] > 0).astype("float32")
    return features, np.where(rng.random(n) < 0.3, 1 - truth, truth)


x_train, y_train = load_records(200)
x_new, y_new = load_records(2000)
model = keras.Sequential([
    keras.Input(shape=(30,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(128, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.005))
"""


def test_ker308_validation_on_the_training_data_hides_the_overfitting():
    buggy, fixed = pair(
        "KER308",
        NOISY + """\
history = model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=0,
                    validation_data=(x_train, y_train)).history
new_loss = model.evaluate(x_new, y_new, verbose=0)
""",
    )
    assert "validation_split=0.2" in fixed
    bad, good = run(buggy), run(fixed)
    val, honest = bad["history"]["val_loss"], good["history"]["val_loss"]
    best = int(np.argmin(honest))
    record("KER308", "val_loss: epoch of its minimum (of 15), last value", (int(np.argmin(val)) + 1, val[-1]),
           (best + 1, honest[-1]))
    record("KER308", "loss on 2000 new samples after training", bad["new_loss"], good["new_loss"])
    # On the training data, val_loss keeps falling to the end, far below the loss on new data.
    assert int(np.argmin(val)) >= len(val) - 3
    assert val[-1] < 0.5 * val[0]
    assert bad["new_loss"] > 2 * val[-1]
    # Held-out validation shows the model turning: val_loss passes its minimum early and climbs.
    assert best < len(honest) - 5 and honest[-1] > 1.3 * honest[best]


SMALL = """\
features = rng.normal(size=(64, 4)).astype("float32")
labels = (features[:, 0] > 0).astype("float32")
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
"""

SOURCES = {
    "dataset": """\
import tensorflow as tf

train = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(64).batch(8)
model.fit(train, epochs=2, verbose=0, validation_split=0.2)
""",
    "generator": """\
def batches():
    while True:
        for i in range(0, 64, 8):
            yield features[i:i + 8], labels[i:i + 8]


model.fit(batches(), steps_per_epoch=8, epochs=2, verbose=0, validation_split=0.2)
""",
    "sequence": """\
class Batches(keras.utils.Sequence):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        return features[i * 8:(i + 1) * 8], labels[i * 8:(i + 1) * 8]


model.fit(Batches(), epochs=2, verbose=0, validation_split=0.2)
""",
}


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_ker309_validation_split_on_a_dataset_generator_or_sequence_raises(kind):
    buggy, fixed = pair(
        "KER309",
        SMALL + SOURCES[kind],
        SMALL + SOURCES[kind].replace(
            "validation_split=0.2", "validation_data=(features[-16:], labels[-16:])"),
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    text = str(err.value)
    record("KER309", f"fit({kind}, validation_split=0.2)", text[:90], "fit() runs")
    assert "Argument `validation_split` is only supported for tensors or NumPy arrays" in text
    assert "only supported for tensors or NumPy arrays" in message(buggy, "KER309")
    assert good["model"].history.history["val_loss"]
