"""KER408-KER412 proofs: the Keras 3 error (or wrong number) behind each message, the rule's fix
running, and the tables the rules keep checked against the installed Keras and TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest

from .proving import message, pair, record, reports, run, run_warnings, source

keras = pytest.importorskip("keras", reason="the proofs run real Keras (pip install -e '.[test]')")
tf = pytest.importorskip("tensorflow", reason="KER410/KER412 compare with TensorFlow")

pytestmark = pytest.mark.proof

UNRECOGNIZED = "Unrecognized keyword arguments passed to Dense"
KERAS_TENSOR = "A KerasTensor cannot be used as input to a TensorFlow function"


# -- KER408 removed-layer-arguments ------------------------------------------------------------------
def test_ker408_batch_input_shape_raises_and_input_shape_builds_the_same_model():
    buggy, fixed = pair(
        "KER408",
        """\
model = keras.Sequential([
    layers.Dense(16, activation="relu", batch_input_shape=(None, 8)),
    layers.Dense(1),
])
""",
    )
    assert "input_shape=(8,)" in fixed
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    record("KER408", "Dense(batch_input_shape=(None, 8))", str(err.value)[:70], good["model"].input_shape)
    assert UNRECOGNIZED in str(err.value) and "batch_input_shape" in str(err.value)
    assert "Unrecognized keyword arguments" in message(buggy, "KER408")
    assert good["model"].input_shape == (None, 8)


@pytest.mark.parametrize(
    "argument, correct",
    [
        ("batch_size=32, input_shape=(8,)", "keras.Input(shape=(8,), batch_size=32)"),
        ("weights=[np.ones((8, 4)), np.zeros(4)], input_shape=(8,)", "keras.Input(shape=(8,))"),
        ('input_dtype="float32", input_shape=(8,)', 'keras.Input(shape=(8,), dtype="float32")'),
    ],
)
def test_ker408_batch_size_weights_input_dtype_raise(argument, correct):
    buggy, fixed = pair(
        "KER408",
        f"model = keras.Sequential([layers.Dense(4, {argument}), layers.Dense(1)])\n",
        f"model = keras.Sequential([{correct}, layers.Dense(4), layers.Dense(1)])\n",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    run(fixed)
    record("KER408", argument.split("=")[0] + "=", str(err.value)[:70], "keras.Input(...) runs")
    assert UNRECOGNIZED in str(err.value)


def test_ker408_input_batch_input_shape_is_a_type_error_and_batch_shape_the_same_input():
    buggy, fixed = pair("KER408", "inputs = keras.Input(batch_input_shape=(None, 8))\n")
    assert "keras.Input(batch_shape=(None, 8))" in fixed
    with pytest.raises(TypeError) as err:
        run(buggy)
    assert "batch_input_shape" in str(err.value)
    assert tuple(run(fixed)["inputs"].shape) == (None, 8)


def test_ker408_layers_that_declare_the_argument_take_it():
    src = source(
        """\
matrix = rng.normal(size=(100, 8)).astype("float32")
tokens = keras.Input(shape=(5,))
vectors = layers.Embedding(100, 8, weights=[matrix], trainable=False)(tokens)
entry = layers.InputLayer(shape=(5,), batch_size=4)
both = layers.Bidirectional(layers.LSTM(3), weights=None)
model = keras.Model(tokens, vectors)
"""
    )
    assert not reports(src, "KER408")
    good = run(src)
    assert np.allclose(good["model"].layers[1].get_weights()[0], good["matrix"])


# -- KER409 train-step-compiled-loss ------------------------------------------------------------------
TRAIN_STEP = """\
import tensorflow as tf


class CustomModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            {loss}
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        {metrics}
        return {{m.name: m.result() for m in self.metrics}}


x = rng.normal(size=(256, 8)).astype("float32")
y = (x @ rng.normal(size=(8, 1)) + 5.0).astype("float32")
inputs = keras.Input(shape=(8,))
model = CustomModel(inputs, layers.Dense(1)(inputs))
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
reported = history.history["loss"][-1]
predictions = model.predict(x, verbose=0)
true_mse = float(np.mean((predictions - y) ** 2))
"""
KERAS2_STEP = TRAIN_STEP.format(
    loss="loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)",
    metrics="self.compiled_metrics.update_state(y, y_pred)",
)
KERAS3_STEP = TRAIN_STEP.format(
    loss="loss = self.compute_loss(y=y, y_pred=y_pred)",
    metrics="""for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)""",
)


def test_ker409_compiled_metrics_reports_the_mean_prediction_as_the_loss():
    buggy, fixed = pair("KER409", KERAS2_STEP, KERAS3_STEP, count=2)
    (bad, bad_warnings), (good, _) = run_warnings(buggy), run_warnings(fixed)
    record("KER409", "fit() loss of the last epoch | true mse after it", (bad["reported"], bad["true_mse"]),
           (good["reported"], good["true_mse"]))
    assert any("`model.compiled_loss()` is deprecated" in w for w in bad_warnings)
    assert any("`model.compiled_metrics()` is deprecated" in w for w in bad_warnings)
    # The "loss" Keras reports is the mean of the predictions, nowhere near the loss.
    assert bad["true_mse"] > 10 and bad["reported"] < 1.0
    assert bad["reported"] == pytest.approx(float(np.mean(bad["predictions"])), abs=0.2)
    assert good["reported"] == pytest.approx(good["true_mse"], rel=0.2)
    assert any("mean prediction" in r.message for r in reports(buggy, "KER409"))


def test_ker409_only_the_tensorflow_trainer_keeps_the_shims():
    from pathlib import Path

    # "none on JAX or PyTorch": the other backends' trainers do not define them.
    src = Path(keras.__file__).parent / "src" / "backend"
    assert "def compiled_loss" in (src / "tensorflow" / "trainer.py").read_text()
    for backend in ("jax", "torch"):
        text = (src / backend / "trainer.py").read_text()
        assert "compiled_loss" not in text and "compiled_metrics" not in text
    assert "compiled_loss" not in (Path(keras.__file__).parent / "src" / "trainers" / "trainer.py").read_text()
