"""KER1 proofs: each output/loss mismatch, trained with real Keras, against its fixed version."""

from __future__ import annotations

import numpy as np
import pytest

from .proving import CLIP_LOSS, pair, record, run, run_warnings

keras = pytest.importorskip("keras", reason="the proofs run real Keras (pip install -e '.[test]')")

pytestmark = pytest.mark.proof

# Three separable classes in 8 features; labels one-hot and as indices.
THREE_CLASSES = """\
x = rng.normal(size=(300, 8)).astype("float32")
labels = np.argmax(x @ rng.normal(size=(8, 3)), axis=1)
y = keras.utils.to_categorical(labels, 3)
"""
# Two classes; 15% of the training labels flipped, as in real data.
TWO_CLASSES = """\
x = rng.normal(size=(300, 8)).astype("float32")
truth = (x @ rng.normal(size=8) > 0).astype("float32")
y = np.where(rng.random(300) < 0.15, 1 - truth, truth)
"""
FIT = "history = model.fit(x, y, epochs=8, batch_size=64, verbose=0).history\n"


def test_ker101_linear_head_with_categorical_crossentropy_stalls():
    buggy, fixed = pair(
        "KER101",
        THREE_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3)])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
"""
        + FIT
        + "per_sample = keras.losses.categorical_crossentropy(y, model.predict(x, verbose=0)).numpy()\n",
    )
    assert 'layers.Dense(3, activation="softmax")' in fixed
    bad, good = run(buggy), run(fixed)
    majority = np.bincount(bad["labels"]).max() / len(bad["labels"])
    clipped = float(np.mean(np.isclose(bad["per_sample"], CLIP_LOSS, atol=1e-3)))
    record("KER101", "categorical: loss after 8 epochs", bad["history"]["loss"][-1], good["history"]["loss"][-1])
    record("KER101", f"categorical: accuracy (majority class share {majority:.3f})",
           bad["history"]["accuracy"][-1], good["history"]["accuracy"][-1])
    record("KER101", "categorical: share of samples whose loss is exactly -log(1e-7)", clipped,
           float(np.mean(np.isclose(good["per_sample"], CLIP_LOSS, atol=1e-3))))
    assert bad["history"]["loss"][-1] > 2.0
    assert bad["history"]["accuracy"][-1] <= majority
    assert clipped >= 0.05  # those samples sit on the clip: no gradient reaches them
    assert good["history"]["loss"][-1] < 0.3
    assert good["history"]["accuracy"][-1] > 0.9


def test_ker101_linear_head_with_binary_crossentropy_stalls_on_noisy_labels():
    buggy, fixed = pair(
        "KER101",
        TWO_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
"""
        + FIT
        + "scores = model.predict(x, verbose=0).ravel()\n",
    )
    bad, good = run(buggy), run(fixed)
    true_acc = [float(np.mean((ns["scores"] > 0.5) == ns["truth"])) for ns in (bad, good)]
    record("KER101", "binary, 15% noisy labels: loss per epoch", bad["history"]["loss"], good["history"]["loss"])
    record("KER101", "binary: accuracy against the true labels", *true_acc)
    record("KER101", "binary: predict() range",
           (float(bad["scores"].min()), float(bad["scores"].max())),
           (float(good["scores"].min()), float(good["scores"].max())))
    losses = bad["history"]["loss"]
    assert min(losses[3:]) > 3.0 and losses[-1] >= min(losses[3:])  # stalled, not falling
    assert bad["scores"].min() < 0 and bad["scores"].max() > 1  # not probabilities
    assert good["history"]["loss"][-1] < 0.6
    assert true_acc[1] - true_acc[0] > 0.1


def test_ker102_probabilities_with_from_logits():
    buggy, fixed = pair(
        "KER102",
        THREE_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="softmax")])
loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
model.compile(loss=loss_fn, optimizer=keras.optimizers.Adam(0.05))
"""
        + FIT
        + "probabilities = model.predict(x, verbose=0)\n",
    )
    assert "CategoricalCrossentropy()" in fixed
    (bad, bad_warnings), (good, good_warnings) = run_warnings(buggy), run_warnings(fixed)
    warned = [w for w in bad_warnings if "received `from_logits=True`" in w]
    record("KER102", "TensorFlow warning at fit()", len(warned), len([w for w in good_warnings if "from_logits" in w]))
    record("KER102", "loss on TensorFlow after 8 epochs", bad["history"]["loss"][-1], good["history"]["loss"][-1])
    # What the JAX and PyTorch backends compute: the loss on the probabilities themselves
    # (numpy arrays carry no cached logits), activated a second time.
    twice = keras.losses.CategoricalCrossentropy(from_logits=True)
    once = keras.losses.CategoricalCrossentropy()
    doubled = float(twice(bad["y"], bad["probabilities"]))
    single = float(once(bad["y"], bad["probabilities"]))
    floor = float(twice(np.eye(3), np.eye(3)))
    record("KER102", "loss of the trained predictions activated twice | once", doubled, single)
    record("KER102", "double-softmax loss of a perfect 3-class prediction | single", floor,
           float(once(np.eye(3), np.eye(3))))
    # TensorFlow: a warning, then the cached logits: training identical to the fixed code.
    assert warned and "produced by a Softmax activation" in warned[0]
    assert not [w for w in good_warnings if "from_logits" in w]
    # (equal to the last bits here; approx only for CPU thread scheduling in reductions)
    assert bad["history"]["loss"] == pytest.approx(good["history"]["loss"], rel=1e-5)
    # Without the cached logits (JAX, PyTorch) softmax is applied twice: the loss of even a
    # perfect prediction cannot go below 0.551 for 3 classes.
    assert floor == pytest.approx(-np.log(np.e / (np.e + 2)), abs=1e-5)
    assert doubled > 2 * single


def test_ker103_softmax_over_one_unit_is_always_one():
    buggy, fixed = pair(
        "KER103",
        TWO_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="softmax")])
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
"""
        + FIT
        + "scores = model.predict(x, verbose=0).ravel()\n",
    )
    assert 'activation="sigmoid"' in fixed
    (bad, bad_warnings), (good, _) = run_warnings(buggy), run_warnings(fixed)
    share = float(np.mean(bad["y"]))
    record("KER103", "distinct predict() values", ", ".join(repr(v) for v in sorted(set(bad["scores"].tolist()))),
           len(set(good["scores"].tolist())))
    record("KER103", "loss per epoch", bad["history"]["loss"], good["history"]["loss"])
    record("KER103", f"accuracy per epoch (positive share {share:.3f})", bad["history"]["accuracy"],
           good["history"]["accuracy"])
    # 1.0 for every input, to the last bit of float32.
    assert np.all(np.abs(bad["scores"] - 1.0) <= np.finfo(np.float32).epsneg)
    assert all(a == pytest.approx(share) for a in bad["history"]["accuracy"])
    assert bad["history"]["loss"][-1] < bad["history"]["loss"][0]  # the loss falls all the same
    assert any("softmax operation will always return the value 1" in w for w in bad_warnings)
    assert len(set(good["scores"].tolist())) > 100
    assert good["history"]["accuracy"][-1] > share + 0.2


def test_ker103_warning_comes_only_when_the_model_runs():
    buggy, _ = pair(
        "KER103",
        """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="softmax")])
model.compile(loss="binary_crossentropy", optimizer="adam")
""",
    )
    _, built = run_warnings(buggy)
    ran, on_predict = run_warnings(buggy + "model.predict(np.zeros((2, 8)), verbose=0)\n")
    assert not [w for w in built if "softmax" in w]
    assert [w for w in on_predict if "softmax operation will always return the value 1" in w]


def test_ker104_sigmoid_scores_over_exclusive_classes_do_not_sum_to_one():
    buggy, fixed = pair(
        "KER104",
        THREE_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="sigmoid")])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
"""
        + FIT
        + "row_sums = model.predict(x, verbose=0).sum(axis=1)\n",
    )
    bad, good = run(buggy), run(fixed)
    record("KER104", "predict() row sums (min, max)",
           (float(bad["row_sums"].min()), float(bad["row_sums"].max())),
           (float(good["row_sums"].min()), float(good["row_sums"].max())))
    record("KER104", "loss on TensorFlow after 8 epochs", bad["history"]["loss"][-1], good["history"]["loss"][-1])
    assert np.max(np.abs(bad["row_sums"] - 1)) > 0.3
    assert np.allclose(good["row_sums"], 1, atol=1e-5)


def test_ker105_categorical_loss_over_one_unit_is_zero():
    buggy, fixed = pair(
        "KER105",
        TWO_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
"""
        + FIT,
    )
    assert "binary_crossentropy" in fixed and 'activation="sigmoid"' in fixed
    (bad, bad_warnings), (good, _) = run_warnings(buggy), run_warnings(fixed)
    share = float(np.mean(bad["y"]))
    record("KER105", "loss per epoch", bad["history"]["loss"], good["history"]["loss"])
    record("KER105", f"accuracy after 8 epochs (positive share {share:.3f})", bad["history"]["accuracy"][-1],
           good["history"]["accuracy"][-1])
    assert all(loss == 0.0 for loss in bad["history"]["loss"])
    assert all(a == pytest.approx(share) for a in bad["history"]["accuracy"])
    assert any("expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1" in w for w in bad_warnings)
    assert good["history"]["loss"][-1] < 0.6
    assert good["history"]["accuracy"][-1] > share + 0.2


def test_ker105_sigmoid_head_loss_is_zero_too():
    buggy, _ = pair(
        "KER105",
        TWO_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
"""
        + FIT,
    )
    bad = run(buggy)
    record("KER105", "sigmoid head: loss per epoch | accuracy per epoch", bad["history"]["loss"],
           bad["history"]["accuracy"])
    assert all(loss == 0.0 for loss in bad["history"]["loss"])


def test_ker106_binary_crossentropy_on_softmax_inflates_binary_accuracy():
    buggy, fixed = pair(
        "KER106",
        """\
x = rng.normal(size=(400, 8)).astype("float32")
y = keras.utils.to_categorical(np.argmax(x @ rng.normal(size=(8, 5)), axis=1), 5)
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(5, activation="softmax")])
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.01),
              metrics=["binary_accuracy", "categorical_accuracy"])
history = model.fit(x, y, epochs=5, batch_size=64, verbose=0).history
nothing = float(keras.metrics.binary_accuracy(y, np.zeros_like(y)).numpy().mean())
""",
    )
    assert 'loss="categorical_crossentropy"' in fixed
    bad, good = run(buggy), run(fixed)
    h, g = bad["history"], good["history"]
    record("KER106", "binary_accuracy of an all-zeros model on 5 classes", bad["nothing"])
    record("KER106", "epoch 1: binary_accuracy | categorical accuracy (buggy)", h["binary_accuracy"][0],
           h["categorical_accuracy"][0])
    record("KER106", "categorical accuracy after 5 epochs", h["categorical_accuracy"][-1],
           g["categorical_accuracy"][-1])
    assert bad["nothing"] == pytest.approx(0.8)
    assert h["binary_accuracy"][0] > 0.7 and h["categorical_accuracy"][0] < 0.3
    assert g["categorical_accuracy"][-1] > h["categorical_accuracy"][-1]


def test_ker107_relu_output_with_crossentropy_gives_nan_loss():
    buggy, fixed = pair(
        "KER107",
        THREE_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="relu")])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
"""
        + FIT,
    )
    assert 'activation="softmax"' in fixed
    bad, good = run(buggy), run(fixed)
    majority = np.bincount(bad["labels"]).max() / len(bad["labels"])
    record("KER107", "relu head: loss after 8 epochs", bad["history"]["loss"][-1], good["history"]["loss"][-1])
    record("KER107", f"relu head: accuracy (majority share {majority:.3f})", bad["history"]["accuracy"][-1],
           good["history"]["accuracy"][-1])
    assert np.isnan(bad["history"]["loss"][-1])
    assert bad["history"]["accuracy"][-1] <= majority
    assert good["history"]["loss"][-1] < 0.3


def test_ker107_tanh_output_with_crossentropy_stalls():
    buggy, fixed = pair(
        "KER107",
        THREE_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="tanh")])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
"""
        + FIT,
    )
    bad, good = run(buggy), run(fixed)
    record("KER107", "tanh head: loss | accuracy after 8 epochs",
           (bad["history"]["loss"][-1], bad["history"]["accuracy"][-1]),
           (good["history"]["loss"][-1], good["history"]["accuracy"][-1]))
    assert bad["history"]["loss"][-1] > 2.0 and bad["history"]["accuracy"][-1] < 0.5
    assert good["history"]["accuracy"][-1] > 0.9


def test_ker108_sparse_loss_over_one_unit_rejects_labels_above_zero():
    buggy, fixed = pair(
        "KER108",
        TWO_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x, y.astype("int32"), epochs=1, verbose=0)
""",
        TWO_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(x, y.astype("int32"), epochs=1, verbose=0)
""",
    )
    import tensorflow as tf

    with pytest.raises(tf.errors.InvalidArgumentError) as err:
        run(buggy)
    message = next(line for line in str(err.value).splitlines() if "valid range" in line)
    record("KER108", "fit() error", message[:70], "fit() runs")
    assert "Received a label value of 1 which is outside the valid range of [0, 1)" in message
    run(fixed)


def test_ker109_mse_on_softmax_learns_slowly_once_softmax_saturates():
    # Unscaled features saturate the softmax from the first step.
    buggy, fixed = pair(
        "KER109",
        THREE_CLASSES
        + """\
x = x * 30
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="softmax")])
model.compile(loss="mse", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
"""
        + FIT,
    )
    assert 'loss="categorical_crossentropy"' in fixed
    bad, good = run(buggy), run(fixed)
    record("KER109", "softmax head, saturated: accuracy per epoch", bad["history"]["accuracy"],
           good["history"]["accuracy"])
    assert good["history"]["accuracy"][-1] - bad["history"]["accuracy"][-1] > 0.1
    assert sum(good["history"]["accuracy"]) > sum(bad["history"]["accuracy"])


def test_ker109_mse_on_linear_head_predicts_no_distribution():
    buggy, fixed = pair(
        "KER109",
        THREE_CLASSES
        + """\
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3)])
model.compile(loss="mse", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
"""
        + FIT
        + "predictions = model.predict(x, verbose=0)\n",
    )
    bad, good = run(buggy), run(fixed)
    sums = [ns["predictions"].sum(axis=1) for ns in (bad, good)]
    record("KER109", "linear head: predict() min value | row sums range",
           (float(bad["predictions"].min()), float(sums[0].min()), float(sums[0].max())),
           (float(good["predictions"].min()), float(sums[1].min()), float(sums[1].max())))
    assert bad["predictions"].min() < -0.1 and np.max(np.abs(sums[0] - 1)) > 0.1
    assert good["predictions"].min() >= 0 and np.allclose(sums[1], 1, atol=1e-5)


def test_ker110_accuracy_on_regression_is_zero_for_a_good_model():
    buggy, fixed = pair(
        "KER110",
        """\
x = rng.normal(size=(300, 8)).astype("float32")
y = (x @ rng.normal(size=8)).astype("float32")
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])
model.compile(loss="mse", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
history = model.fit(x, y, epochs=20, batch_size=64, verbose=0).history
""",
    )
    assert '"mae"' in fixed
    bad, good = run(buggy), run(fixed)
    record("KER110", "final loss (mse)", bad["history"]["loss"][-1], good["history"]["loss"][-1])
    record("KER110", "metric reported: accuracy | mae", bad["history"]["accuracy"][-1], good["history"]["mae"][-1])
    assert bad["history"]["loss"][-1] < 0.01  # a near-perfect regression
    assert bad["history"]["accuracy"][-1] == 0.0  # ... that "accuracy" scores 0
    assert good["history"]["mae"][-1] < 0.1


def test_ker101_holds_for_a_subclassed_model_and_one_head_of_several():
    """The same stall when the linear head sits in a Model subclass's call(), and when it is one
    output of two, each with its own loss: kerlint reads both, and its fix trains them."""
    subclassed, subclassed_fixed = pair(
        "KER101",
        THREE_CLASSES
        + """\
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(16, activation="relu")
        self.out = layers.Dense(3)

    def call(self, inputs, training=False):
        return self.out(self.hidden(inputs))


model = Net()
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
"""
        + FIT,
    )
    two_heads, two_heads_fixed = pair(
        "KER101",
        THREE_CLASSES
        + """\
inputs = keras.Input(shape=(8,))
h = layers.Dense(16, activation="relu")(inputs)
kind = layers.Dense(3, name="kind")(h)
size = layers.Dense(1, name="size")(h)
model = keras.Model(inputs, [kind, size])
model.compile(loss=["categorical_crossentropy", "mse"], optimizer=keras.optimizers.Adam(0.05))
history = model.fit(x, [y, x[:, :1]], epochs=8, batch_size=64, verbose=0).history
""",
    )
    for buggy, fixed, what, loss_key in ((subclassed, subclassed_fixed, "subclassed", "loss"),
                                         (two_heads, two_heads_fixed, "output kind of two", "kind_loss")):
        bad, good = run(buggy), run(fixed)
        record("KER101", f"{what}: loss after 8 epochs", bad["history"][loss_key][-1], good["history"][loss_key][-1])
        assert bad["history"][loss_key][-1] > 2.0
        assert good["history"][loss_key][-1] < 0.6
