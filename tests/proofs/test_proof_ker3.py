"""KER3 proofs: training-setup mistakes and what they hide, measured with real Keras."""

from __future__ import annotations

import numpy as np
import pytest

from .proving import pair, record, reports, run, source

keras = pytest.importorskip("keras", reason="the proofs run real Keras (pip install -e '.[test]')")

pytestmark = pytest.mark.proof

# Few samples, many features, 30% of the labels flipped, a model that can memorise them:
# the setting in which a model overfits within a few epochs.
NOISY_DATA = """\
x = rng.normal(size=(150, 30)).astype("float32")
truth = (x[:, 0] + x[:, 1] > 0).astype("float32")
y = np.where(rng.random(150) < 0.3, 1 - truth, truth)
"""
NOISY_MODEL = """\
model = keras.Sequential([
    keras.Input(shape=(30,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(128, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.005))
"""
NOISY = NOISY_DATA + NOISY_MODEL
# The same arrays from a loader, as a real script gets its data: KER301 is silent on arrays the
# file visibly makes up (nothing to generalise to), so its proof reads them from a function.
NOISY_LOADED = (
    "def load_noisy_data():\n"
    + "".join("    " + line + "\n" for line in NOISY_DATA.splitlines())
    + "    return x, y\n\n\nx, y = load_noisy_data()\n"
    + NOISY_MODEL
)


def test_ker301_without_validation_the_overfitting_is_invisible():
    buggy, fixed = pair("KER301", NOISY_LOADED + "history = model.fit(x, y, epochs=30, batch_size=32, verbose=0).history\n")
    assert "validation_split=0.2" in fixed
    bad, good = run(buggy), run(fixed)
    loss, val = good["history"]["loss"], good["history"]["val_loss"]
    best = int(np.argmin(val))
    record("KER301", "history keys", sorted(bad["history"]), sorted(good["history"]))
    record("KER301", "training loss first/last epoch", (bad["history"]["loss"][0], bad["history"]["loss"][-1]),
           (loss[0], loss[-1]))
    record("KER301", "val_loss: best epoch, best, last (fixed run only)", "-", (best + 1, val[best], val[-1]))
    assert "val_loss" not in bad["history"]  # nothing in the run shows what follows
    assert bad["history"]["loss"][-1] < 0.5 * bad["history"]["loss"][0]  # a training curve that looks fine
    # With the fix's validation split: training loss keeps falling while val_loss has turned.
    assert loss[-1] < loss[best]
    assert best < len(val) - 5 and val[-1] > 1.3 * val[best]


def test_ker306_without_early_stopping_the_last_epoch_is_kept():
    buggy, fixed = pair(
        "KER306",
        NOISY
        + """\
x_val = rng.normal(size=(100, 30)).astype("float32")
y_val = (x_val[:, 0] + x_val[:, 1] > 0).astype("float32")
history = model.fit(x, y, epochs=20, batch_size=32, validation_data=(x_val, y_val), verbose=0).history
kept_val_loss = model.evaluate(x_val, y_val, verbose=0)
""",
    )
    assert "EarlyStopping(patience=3, restore_best_weights=True)" in fixed
    bad, good = run(buggy), run(fixed)
    val = bad["history"]["val_loss"]
    record("KER306", "epochs run", len(val), len(good["history"]["val_loss"]))
    record("KER306", f"val_loss of the model kept (best seen in the run {min(val):.4g})", bad["kept_val_loss"],
           good["kept_val_loss"])
    assert bad["kept_val_loss"] == pytest.approx(val[-1], rel=1e-3)
    assert bad["kept_val_loss"] > 1.3 * min(val)
    assert good["kept_val_loss"] < 0.8 * bad["kept_val_loss"]
    assert len(good["history"]["val_loss"]) < len(val)


def test_ker303_validation_split_takes_the_last_rows_even_with_shuffle():
    # Rows ordered by class, as files often are: validation_split takes the last 20%, all of
    # one class, before shuffle=True shuffles the training part.
    data = """\
x = rng.normal(size=(500, 4)).astype("float32")
y = (x[:, 0] + rng.normal(scale=1.0, size=500) > 0).astype("float32")
order = np.argsort(y, kind="stable")
x, y = x[order], y[order]
"""
    model = """\
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"])
history = model.fit(x, y, epochs=5, validation_split=0.2, shuffle=True, verbose=0).history
x_new = rng.normal(size=(4000, 4)).astype("float32")
y_new = (x_new[:, 0] + rng.normal(scale=1.0, size=4000) > 0).astype("float32")
new_accuracy = model.evaluate(x_new, y_new, verbose=0)[1]
validation_labels = y[-100:]
"""
    buggy, fixed = pair(
        "KER303",
        data + model,
        data + "shuffled = rng.permutation(len(x))\nx, y = x[shuffled], y[shuffled]\n" + model,
    )
    bad, good = run(buggy), run(fixed)
    gap = [abs(ns["history"]["val_accuracy"][-1] - ns["new_accuracy"]) for ns in (bad, good)]
    record("KER303", "share of class 1 in the validation rows", float(bad["validation_labels"].mean()),
           float(good["validation_labels"].mean()))
    record("KER303", "val_accuracy | accuracy on new data",
           (bad["history"]["val_accuracy"][-1], bad["new_accuracy"]),
           (good["history"]["val_accuracy"][-1], good["new_accuracy"]))
    assert bad["validation_labels"].mean() == 1.0
    assert gap[0] > 0.1 and gap[1] < 0.05


def test_ker304_adam_at_high_learning_rates_jumps_then_collapses():
    body = """\
x = rng.normal(size=(400, 10)).astype("float32")
labels = np.argmax(x @ rng.normal(size=(10, 4)), axis=1)
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(4, activation="softmax"),
])
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate={lr}),
              metrics=["accuracy"])
history = model.fit(x, labels, epochs=6, batch_size=32, verbose=0).history
predicted = np.bincount(np.argmax(model.predict(x, verbose=0), axis=1), minlength=4)
"""
    buggy, fixed = pair("KER304", body.format(lr="0.1"), body.format(lr="1e-3"))
    at_one, _ = pair("KER304", body.format(lr="1.0"), body.format(lr="1e-3"))
    bad, good, worst = run(buggy), run(fixed), run(at_one)
    record("KER304", "Adam: loss per epoch (lr 0.1 | 1e-3)", bad["history"]["loss"], good["history"]["loss"])
    record("KER304", "Adam: predictions per class (lr 1.0 | 1e-3)", worst["predicted"].tolist(),
           good["predicted"].tolist())
    record("KER304", "Adam: accuracy after 6 epochs (lr 0.1, 1.0 | 1e-3)",
           (bad["history"]["accuracy"][-1], worst["history"]["accuracy"][-1]), good["history"]["accuracy"][-1])
    jumps = [b / a for a, b in zip(bad["history"]["loss"], bad["history"]["loss"][1:])]
    # At 0.1 the loss jumps back up during training; at 1.0 the model predicts one class.
    assert max(jumps) > 1.5
    assert all(b < a for a, b in zip(good["history"]["loss"], good["history"]["loss"][1:]))
    assert np.count_nonzero(worst["predicted"]) == 1
    assert np.count_nonzero(good["predicted"]) == 4
    assert good["history"]["accuracy"][-1] > worst["history"]["accuracy"][-1] + 0.3


def test_ker304_learning_rate_1e_7_leaves_the_loss_flat():
    body = """\
x = rng.normal(size=(400, 10)).astype("float32")
labels = np.argmax(x @ rng.normal(size=(10, 4)), axis=1)
model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(4, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate={lr}))
history = model.fit(x, labels, epochs=5, batch_size=32, verbose=0).history
"""
    buggy, fixed = pair("KER304", body.format(lr="1e-7"), body.format(lr="0.05"))
    bad, good = run(buggy), run(fixed)
    drop = [1 - ns["history"]["loss"][-1] / ns["history"]["loss"][0] for ns in (bad, good)]
    record("KER304", "SGD: relative fall of the loss over 5 epochs (lr 1e-7 | 0.05)", *drop)
    assert drop[0] < 0.001
    assert drop[1] > 0.2


def test_ker305_accuracy_scores_a_model_that_predicts_no_label():
    buggy, fixed = pair(
        "KER305",
        """\
# 20 labels, each present in 5% of the samples; a model that never predicts any label.
x = rng.normal(size=(500, 16)).astype("float32")
y = (rng.random(size=(500, 20)) < 0.05).astype("float32")
model = keras.Sequential([
    keras.Input(shape=(16,)),
    layers.Dense(20, activation="sigmoid", kernel_initializer="zeros",
                 bias_initializer=keras.initializers.Constant(-6.0)),
])
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy", "binary_accuracy"])
scores = model.evaluate(x, y, verbose=0, return_dict=True)
""",
    )
    assert "AUC(multi_label=True)" in fixed
    bad, good = run(buggy), run(fixed)
    record("KER305", "metric for a model that predicts no label", bad["scores"], good["scores"])
    assert bad["scores"]["binary_accuracy"] > 0.94
    auc = next(v for k, v in good["scores"].items() if k.startswith("auc"))
    assert auc == pytest.approx(0.5, abs=0.01)


def test_ker304_adam_at_0_1_trains_a_linear_model_fine_and_kerlint_stays_silent():
    """The other side of the 0.1 bound: with no hidden non-linearity (a normalised linear
    regression, as in the TensorFlow regression tutorial) Adam(0.1) converges."""
    body = """\
x = rng.normal(loc=5.0, scale=3.0, size=(400, 9)).astype("float32")
y = x @ rng.normal(size=(9, 1)) + 2.0 + rng.normal(scale=0.1, size=(400, 1))
normalizer = layers.Normalization(axis=-1)
normalizer.adapt(x)
model = keras.Sequential([keras.Input(shape=(9,)), normalizer, layers.Dense(1)])
model.compile(loss="mean_absolute_error", optimizer=keras.optimizers.Adam(learning_rate={lr}))
history = model.fit(x, y, epochs=40, batch_size=32, verbose=0).history
"""
    assert not reports(source(body.format(lr="0.1")), "KER304")
    fast, slow = run(source(body.format(lr="0.1"))), run(source(body.format(lr="1e-3")))
    record("KER304", "linear regression, MAE after 40 epochs (Adam 0.1 | 1e-3)",
           fast["history"]["loss"][-1], slow["history"]["loss"][-1])
    assert fast["history"]["loss"][-1] < 0.2  # near the label noise (MAE of N(0, 0.1) is 0.08)
    assert fast["history"]["loss"][-1] < slow["history"]["loss"][-1]


def test_ker305_categorical_accuracy_is_perfect_for_a_model_that_finds_one_label_of_three():
    """categorical_accuracy compares the top-scoring label with the first true label only."""
    buggy, fixed = pair(
        "KER305",
        """\
# 12 labels, 3 per sample; the model predicts the first true label of each sample and no other.
y = np.zeros((300, 12), dtype="float32")
for row in y:
    row[rng.choice(12, size=3, replace=False)] = 1.0
first = np.eye(12, dtype="float32")[y.argmax(axis=1)]
model = keras.Sequential([keras.Input(shape=(12,)), layers.Dense(12, activation="sigmoid")])
model.layers[0].set_weights([np.eye(12, dtype="float32") * 12.0, np.full(12, -6.0, dtype="float32")])
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["categorical_accuracy"])
scores = model.evaluate(first, y, verbose=0, return_dict=True)
""",
    )
    bad, good = run(buggy), run(fixed)
    recall = next(v for k, v in good["scores"].items() if k.startswith("recall"))  # recall_1 after other proofs
    record("KER305", "model that finds 1 label of 3 (categorical_accuracy | recall)",
           bad["scores"]["categorical_accuracy"], recall)
    assert bad["scores"]["categorical_accuracy"] == pytest.approx(1.0)
    assert recall == pytest.approx(1 / 3, abs=0.01)
