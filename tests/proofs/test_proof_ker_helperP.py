"""Proofs for KER112 (categorical crossentropy on integer class ids) and KER113
(``keras.metrics.Accuracy()`` on a classifier), with real Keras on small synthetic data."""

from __future__ import annotations

import numpy as np
import pytest

from .proving import message, pair, record, run

keras = pytest.importorskip("keras", reason="the proofs run real Keras (pip install -e '.[test]')")

pytestmark = pytest.mark.proof

# Three classes a small MLP separates; ``labels`` are class ids of shape (n,).
THREE_CLASSES = """\
x = rng.normal(size=(600, 10)).astype("float32")
labels = np.argmax(x[:, :3] + 0.3 * x[:, 3:6], axis=1)
"""

MLP = """\
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(32, activation="relu"),
    layers.Dense({units}, activation="{activation}"),
])
"""


# -- KER112 ------------------------------------------------------------------------------------------
LOSSES = {
    "string": '"categorical_crossentropy"',
    "function": "keras.losses.categorical_crossentropy",
    "class on logits": "keras.losses.CategoricalCrossentropy(from_logits=True)",
}


@pytest.mark.parametrize("form", sorted(LOSSES))
def test_ker112_categorical_loss_on_argmax_ids_raises_at_the_first_step(form):
    activation = "linear" if "logits" in form else "softmax"
    buggy, fixed = pair(
        "KER112",
        THREE_CLASSES + MLP.format(units=3, activation=activation) + f"""\
model.compile(optimizer="adam", loss={LOSSES[form]}, metrics=["accuracy"])
history = model.fit(x[:500], labels[:500], epochs=5, verbose=0,
                    validation_data=(x[500:], labels[500:])).history
""",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    text = str(err.value)
    record("KER112", f"categorical loss ({form}) on ids of shape (n,)", text[:95],
           f"val accuracy {good['history']['val_accuracy'][-1]:.2f}")
    assert "Arguments `target` and `output` must have the same rank" in text
    assert "sparse_categorical_crossentropy" in fixed or "SparseCategoricalCrossentropy" in fixed
    assert good["history"]["val_accuracy"][-1] > 0.6  # the sparse loss trains on the same ids
    assert "fit() raises" in message(buggy, "KER112")


def test_ker112_ids_of_shape_n_by_1_from_randint_raise_too():
    buggy, fixed = pair(
        "KER112",
        """\
x = rng.normal(size=(256, 10)).astype("float32")
y = np.random.randint(0, 3, size=(256, 1))
""" + MLP.format(units=3, activation="softmax") + """\
model.compile(optimizer="adam", loss="categorical_crossentropy")
history = model.fit(x, y, epochs=1, verbose=0).history
""",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    text = str(err.value)
    record("KER112", "categorical loss on randint ids of shape (n, 1)", text[:95], good["history"]["loss"][-1])
    assert "Arguments `target` and `output` must have the same shape" in text
    assert np.isfinite(good["history"]["loss"][-1])


def _image_folders(root, classes=3, per_class=8):
    """A directory of tiny PNG images, one folder per class, as image_dataset_from_directory reads."""
    rng = np.random.default_rng(0)
    for c in range(classes):
        folder = root / f"class_{c}"
        folder.mkdir(parents=True)
        for i in range(per_class):
            image = np.full((16, 16, 3), 60 * c, dtype="uint8") + rng.integers(0, 40, size=(16, 16, 3), dtype="uint8")
            keras.utils.save_img(folder / f"{i}.png", image)
    return root


def test_ker112_image_dataset_from_directory_default_int_labels_raise(tmp_path):
    data_dir = _image_folders(tmp_path / "images")
    buggy, fixed = pair(
        "KER112",
        f"""\
train_ds = keras.utils.image_dataset_from_directory(
    {str(data_dir)!r}, image_size=(16, 16), batch_size=8, seed=1,
    validation_split=0.25, subset="training")
val_ds = keras.utils.image_dataset_from_directory(
    {str(data_dir)!r}, image_size=(16, 16), batch_size=8, seed=1,
    validation_split=0.25, subset="validation")
num_classes = len(train_ds.class_names)
rescale = layers.Rescaling(1.0 / 255)
train_ds = train_ds.map(lambda images, labels: (rescale(images), labels)).cache()
model = keras.Sequential([
    keras.Input(shape=(16, 16, 3)),
    layers.Flatten(),
    layers.Dense(num_classes, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_ds, validation_data=val_ds, epochs=2, verbose=0).history
""",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    text = str(err.value)
    record("KER112", "image_dataset_from_directory (label_mode int) + categorical loss", text[:95],
           good["history"]["loss"][-1])
    assert "Arguments `target` and `output` must have the same rank" in text
    assert np.isfinite(good["history"]["loss"][-1])


# -- KER113 ------------------------------------------------------------------------------------------
def test_ker113_accuracy_object_reads_zero_on_a_softmax_classifier():
    buggy, fixed = pair(
        "KER113",
        THREE_CLASSES + """\
y = keras.utils.to_categorical(labels, 3)
""" + MLP.format(units=3, activation="softmax") + """\
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[keras.metrics.Accuracy()])
history = model.fit(x[:500], y[:500], epochs=10, verbose=0, validation_data=(x[500:], y[500:])).history
true_accuracy = float(np.mean(np.argmax(model.predict(x[500:], verbose=0), axis=1) == labels[500:]))
""",
    )
    bad, good = run(buggy), run(fixed)
    assert "CategoricalAccuracy(name=" in fixed
    record("KER113", "softmax + categorical: history['val_accuracy'] by epoch (true accuracy)",
           [bad["history"]["val_accuracy"][i] for i in (0, 4, 9)] + [bad["true_accuracy"]],
           [good["history"]["val_accuracy"][i] for i in (0, 4, 9)])
    assert all(v == 0.0 for v in bad["history"]["accuracy"] + bad["history"]["val_accuracy"])
    assert bad["true_accuracy"] > 0.7  # the model learned; the metric never said so
    assert good["history"]["val_accuracy"][-1] == pytest.approx(good["true_accuracy"], abs=0.01)
    assert "reads 0.0" in message(buggy, "KER113")


def test_ker113_accuracy_object_reads_zero_on_a_sigmoid_classifier():
    buggy, fixed = pair(
        "KER113",
        THREE_CLASSES + """\
y = (labels == 0).astype("float32")
""" + MLP.format(units=1, activation="sigmoid") + """\
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.Accuracy(name="acc")])
history = model.fit(x[:500], y[:500], epochs=10, verbose=0, validation_data=(x[500:], y[500:])).history
""",
    )
    bad, good = run(buggy), run(fixed)
    assert 'BinaryAccuracy(name="acc")' in fixed
    record("KER113", "sigmoid + binary: final acc / val_acc", [bad["history"]["acc"][-1], bad["history"]["val_acc"][-1]],
           [good["history"]["acc"][-1], good["history"]["val_acc"][-1]])
    assert all(v == 0.0 for v in bad["history"]["acc"] + bad["history"]["val_acc"])
    assert good["history"]["val_acc"][-1] > 0.7


def test_ker113_accuracy_object_on_sparse_ids_fails_on_the_shapes():
    buggy, fixed = pair(
        "KER113",
        THREE_CLASSES + MLP.format(units=3, activation="softmax") + """\
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[keras.metrics.Accuracy()])
history = model.fit(x, labels, epochs=3, verbose=0, validation_split=0.2).history
""",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    record("KER113", "sparse loss, ids of shape (n,): Accuracy()", str(err.value)[:95],
           good["history"]["val_accuracy"][-1])
    assert "Dimensions must be equal" in str(err.value) or "Incompatible shapes" in str(err.value)
    assert "fails on the shapes" in message(buggy, "KER113")
    assert good["history"]["val_accuracy"][-1] > 0.5


def test_ker113_accuracy_object_rises_only_as_outputs_saturate_and_never_says_the_accuracy():
    """What "until the outputs saturate" means: trained hard, the softmax puts out exact 0.0
    and 1.0, and Accuracy() counts the matching zeros too, not the correct classes."""
    body = THREE_CLASSES + """\
y = keras.utils.to_categorical(labels, 3)
x = x * 10
""" + MLP.format(units=3, activation="softmax") + """\
model.compile(optimizer=keras.optimizers.Adam(0.05), loss="categorical_crossentropy",
              metrics=[keras.metrics.Accuracy(), keras.metrics.CategoricalAccuracy(name="classes")])
history = model.fit(x, y, epochs=40, verbose=0).history
"""
    buggy, _ = pair("KER113", body, body.replace("keras.metrics.Accuracy(), ", ""))
    bad = run(buggy)
    record("KER113", "saturating softmax: Accuracy() at epochs 1 / 40 against the class accuracy",
           [bad["history"]["accuracy"][0], bad["history"]["accuracy"][-1]], bad["history"]["classes"][-1])
    assert bad["history"]["accuracy"][0] < 0.2
    assert bad["history"]["accuracy"][-1] != pytest.approx(bad["history"]["classes"][-1], abs=0.02)
