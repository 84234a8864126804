"""KER307 and KER310 proofs: labels divided like the images leave the classifier at chance, and
one indexed sample without its batch axis makes Keras raise; each rule's own fix runs."""

from __future__ import annotations

import pytest

from .proving import message, pair, record, run

keras = pytest.importorskip("keras", reason="the proofs run real Keras (pip install -e '.[test]')")

pytestmark = pytest.mark.proof

# Ten classes a small model separates perfectly: each sample's class is the row of its 10x10
# "image" that is bright. The ground truth is kept apart as `truth` to score the predictions.
_IMAGES = """\
n, classes = 1500, 10
truth = rng.integers(0, classes, n)
x_train = rng.integers(0, 60, (n, 10, 10)).astype("float32")
x_train[np.arange(n), truth, :] += 190.0
y_train = truth.copy()
"""
_MODEL = """\
model = keras.Sequential([
    keras.Input(shape=(10, 10)),
    layers.Flatten(),
    layers.Dense(32, activation="relu"),
    layers.Dense({units}, activation="{activation}"),
])
model.compile(optimizer="adam", loss="{loss}", metrics=["accuracy"])
"""


# -- KER307 labels-scaled-like-inputs -------------------------------------------------------------
@pytest.mark.parametrize(
    "loss, units, activation, labels, score",
    [
        ("sparse_categorical_crossentropy", 10, "softmax", "y_train",
         "(model.predict(x_train, verbose=0).argmax(axis=1) == truth).mean()"),
        ("binary_crossentropy", 1, "sigmoid", "(y_train % 2)",
         "((model.predict(x_train, verbose=0)[:, 0] > 0.5) == truth % 2).mean()"),
    ],
)
def test_ker307_labels_divided_by_255_leave_accuracy_at_chance(loss, units, activation, labels, score):
    body = (
        _IMAGES
        + f"y_train = {labels}\n"
        + "x_train = x_train / 255.0\n"
        + "y_train = y_train / 255.0\n"
        + _MODEL.format(units=units, activation=activation, loss=loss)
        + "model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)\n"
        + f"accuracy = {score}\n"
    )
    buggy, fixed = pair("KER307", body)
    assert "y_train = y_train / 255.0" not in fixed
    bad, good = run(buggy)["accuracy"], run(fixed)["accuracy"]
    record("KER307", f"accuracy with {loss}, labels / 255 vs as they are", bad, good)
    chance = 1 / 10 if units == 10 else 1 / 2
    assert bad < chance + 0.1 and good > 0.95
    assert "accuracy stays at chance" in message(buggy, "KER307")


def test_ker307_sparse_loss_reads_the_fractions_as_class_0():
    body = (
        _IMAGES
        + "x_train, y_train = x_train / 255.0, y_train / 255.0\n"
        + _MODEL.format(units=10, activation="softmax", loss="sparse_categorical_crossentropy")
        + "model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)\n"
        + "predicted = np.bincount(model.predict(x_train, verbose=0).argmax(axis=1), minlength=classes)\n"
    )
    buggy, fixed = pair("KER307", body)
    assert "x_train, y_train = x_train / 255.0, y_train\n" in fixed
    predicted = run(buggy)["predicted"]
    record("KER307", "samples predicted as class 0 (of 1500)", int(predicted[0]), int(run(fixed)["predicted"][0]))
    assert predicted[0] == predicted.sum()  # every fraction in [0, 1) is cast to class 0


def test_ker307_labels_standardised_with_the_images_statistics():
    body = (
        _IMAGES
        + "mean, std = x_train.mean(), x_train.std()\n"
        + "x_train = (x_train - mean) / std\n"
        + "y_train = (y_train - mean) / std\n"
        + _MODEL.format(units=10, activation="softmax", loss="sparse_categorical_crossentropy")
        + "model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)\n"
        + "accuracy = (model.predict(x_train, verbose=0).argmax(axis=1) == truth).mean()\n"
    )
    buggy, fixed = pair("KER307", body)
    bad, good = run(buggy)["accuracy"], run(fixed)["accuracy"]
    record("KER307", "accuracy, labels standardised with the images' mean/std", bad, good)
    assert bad < 0.2 and good > 0.95


# -- KER310 predict-without-batch-axis ---------------------------------------------------------------
_TRAINED = (
    _IMAGES
    + "x_train = x_train / 255.0\n"
    + "x_test = x_train[:20]\n"
    + _MODEL.format(units=10, activation="softmax", loss="sparse_categorical_crossentropy")
    + "model.fit(x_train, y_train, epochs=1, verbose=0)\n"
    + "model.evaluate(x_test, y_train[:20], verbose=0)\n"
)


@pytest.mark.parametrize(
    "call, error, fixed_call",
    [
        ("model.predict(x_test[0], verbose=0)", "Invalid input shape", "x_test[0:1]"),
        ("model(x_test[3])", "Invalid input shape", "x_test[3:4]"),
        ("model.predict(x_test[-1], verbose=0)", "Invalid input shape", "x_test[-1:]"),
        ("model.evaluate(x_test[2], y_train[2], verbose=0)", "tuple index out of range", "x_test[2:3], y_train[2:3]"),
    ],
)
def test_ker310_one_sample_raises_and_the_slice_runs(call, error, fixed_call):
    buggy, fixed = pair("KER310", _TRAINED + f"out = {call}\n")
    assert fixed_call in fixed
    with pytest.raises((ValueError, IndexError)) as err:
        run(buggy)
    out = run(fixed)["out"]
    record("KER310", call.split("(")[0] + "(x[i])", f"{type(err.value).__name__}: {error}",
           f"{fixed_call}: {getattr(out, 'shape', out)}")
    assert error in str(err.value)
    assert "raises" in message(buggy, "KER310")


def test_ker310_loop_counter_gets_the_unsafe_slice():
    buggy, fixed = pair(
        "KER310",
        _TRAINED + "preds = []\nfor i in range(3):\n    preds.append(model.predict(x_test[i], verbose=0))\n",
    )
    assert "x_test[i:i + 1]" in fixed
    with pytest.raises(ValueError):
        run(buggy)
    preds = run(fixed)["preds"]
    assert [p.shape for p in preds] == [(1, 10)] * 3
