"""KER4 proofs: the Keras 3 error or warning for each removed API, and the fixed call running."""

from __future__ import annotations

import numpy as np
import pytest

from .proving import message, pair, record, run, run_warnings

keras = pytest.importorskip("keras", reason="the proofs run real Keras (pip install -e '.[test]')")

pytestmark = pytest.mark.proof

MODEL = """\
x = rng.normal(size=(64, 8)).astype("float32")
y = rng.integers(0, 3, size=64)
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="softmax")])
"""


def test_ker401_lr_argument_raises():
    buggy, fixed = pair("KER401", "optimizer = keras.optimizers.Adam(lr=0.01)\n")
    assert "Adam(learning_rate=0.01)" in fixed
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    record("KER401", "Adam(lr=0.01)", str(err.value), float(good["optimizer"].learning_rate.numpy()))
    assert "Argument(s) not recognized: {'lr': 0.01}" in str(err.value)
    assert "Argument(s) not recognized: {'lr': ...}" in message(buggy, "KER401")
    assert float(good["optimizer"].learning_rate.numpy()) == pytest.approx(0.01)


def test_ker401_tf_optimizers_is_keras_and_raises_the_same():
    # kerlint reads tf.optimizers (and tf.losses, tf.metrics, tf.initializers) as Keras's modules.
    import tensorflow as tf

    assert tf.optimizers.Adam is keras.optimizers.Adam and tf.losses.Huber is keras.losses.Huber
    assert tf.metrics.AUC is keras.metrics.AUC and tf.initializers.GlorotUniform is keras.initializers.GlorotUniform
    buggy, fixed = pair("KER401", "import tensorflow as tf\noptimizer = tf.optimizers.Adam(lr=0.01)\n")
    assert "tf.optimizers.Adam(learning_rate=0.01)" in fixed
    with pytest.raises(ValueError) as err:
        run(buggy)
    assert "Argument(s) not recognized: {'lr': 0.01}" in str(err.value)
    assert float(run(fixed)["optimizer"].learning_rate.numpy()) == pytest.approx(0.01)


def test_ker401_optimizer_lr_attribute_raises():
    buggy, fixed = pair(
        "KER401",
        MODEL + 'model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")\nrate = model.optimizer.lr\n',
    )
    assert "model.optimizer.learning_rate" in fixed
    with pytest.raises(AttributeError) as err:
        run(buggy)
    good = run(fixed)
    record("KER401", "model.optimizer.lr", f"AttributeError: {str(err.value)[:60]}", float(good["rate"].numpy()))


def test_ker402_decay_is_ignored_and_inverse_time_decay_is_the_old_formula():
    buggy, fixed = pair(
        "KER402",
        MODEL
        + """\
optimizer = keras.optimizers.SGD(learning_rate=0.1, decay=0.01)
model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer)
model.fit(x, y, batch_size=8, epochs=2, verbose=0)
rate_after = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
""",
    )
    assert "InverseTimeDecay(" in fixed
    (bad, bad_warnings), (good, _) = run_warnings(buggy), run_warnings(fixed)
    warned = [w for w in bad_warnings if "decay" in w]
    record("KER402", "warning", warned[0] if warned else "-", "-")
    record("KER402", "learning rate after 16 steps (legacy formula: 0.1 / (1 + 0.01 * 16) = 0.0862)",
           bad["rate_after"], good["rate_after"])
    assert "Argument `decay` is no longer supported and will be ignored" in warned[0]
    assert bad["rate_after"] == pytest.approx(0.1)  # no decay at all
    assert good["rate_after"] == pytest.approx(0.1 / (1 + 0.01 * 16))
    # The fixed optimizer's rate at any step is the legacy lr / (1 + decay * iterations).
    optimizer, steps, got = good["optimizer"], np.arange(0, 1000, 37), []
    for step in steps:
        optimizer.iterations.assign(int(step))
        got.append(float(keras.ops.convert_to_numpy(optimizer.learning_rate)))
    assert np.allclose(got, 0.1 / (1 + 0.01 * steps), rtol=1e-6)


def test_ker403_fit_generator_is_gone():
    buggy, fixed = pair(
        "KER403",
        MODEL
        + """\
def batches():
    while True:
        for i in range(0, 64, 16):
            yield x[i:i + 16], y[i:i + 16]


model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
history = model.fit_generator(batches(), steps_per_epoch=4, epochs=2, verbose=0)
""",
    )
    assert "model.fit(batches()" in fixed
    with pytest.raises(AttributeError) as err:
        run(buggy)
    good = run(fixed)
    record("KER403", "fit_generator", f"AttributeError: {str(err.value)[:60]}",
           f"fit() ran {len(good['history'].history['loss'])} epochs")
    assert "fit_generator" in str(err.value)


def test_ker404_predict_classes_is_gone():
    buggy, fixed = pair(
        "KER404",
        MODEL + "classes = model.predict_classes(x)\n",
    )
    with pytest.raises(AttributeError) as err:
        run(buggy)
    good = run(fixed)
    expected = np.argmax(good["model"].predict(good["x"], verbose=0), axis=-1)
    record("KER404", "predict_classes", f"AttributeError: {str(err.value)[:60]}", good["classes"][:8].tolist())
    assert "predict_classes" in str(err.value)
    assert np.array_equal(good["classes"], expected)


def test_ker405_input_length_is_ignored_and_the_model_stays_unbuilt():
    buggy, fixed = pair(
        "KER405",
        """\
model = keras.Sequential([
    layers.Embedding(1000, 16, input_length=20),
    layers.Flatten(),
    layers.Dense(1, activation="sigmoid"),
])
built = model.built
""",
    )
    assert "Input(shape=(20,))" in fixed
    (bad, bad_warnings), (good, _) = run_warnings(buggy), run_warnings(fixed)
    warned = [w for w in bad_warnings if "input_length" in w]
    record("KER405", "model built before seeing data | warning", (bad["built"], warned[0] if warned else "-"),
           (good["built"], good["model"].count_params()))
    assert "Argument `input_length` is deprecated. Just remove it." in warned[0]
    assert bad["built"] is False
    with pytest.raises(ValueError):
        bad["model"].count_params()
    assert good["built"] is True and good["model"].count_params() == 1000 * 16 + 20 * 16 + 1


def test_ker406_keras1_arguments_raise():
    buggy, fixed = pair(
        "KER406",
        MODEL
        + """\
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
history = model.fit(x, y, nb_epoch=2, verbose=0)
""",
    )
    assert "epochs=2" in fixed
    with pytest.raises((TypeError, ValueError)) as err:
        run(buggy)
    good = run(fixed)
    record("KER406", "fit(nb_epoch=2)", f"{type(err.value).__name__}: {str(err.value)[:70]}",
           f"{len(good['history'].history['loss'])} epochs")
    assert "nb_epoch" in str(err.value)


def test_ker406_keras1_conv2d_rows_cols_silently_become_strides():
    buggy, fixed = pair(
        "KER406",
        """\
model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, 3, 3)])
""",
    )
    assert "layers.Conv2D(32, (3, 3))" in fixed
    bad, good = run(buggy), run(fixed)
    record("KER406", "Conv2D(32, 3, 3) on 28x28 output shape", bad["model"].output_shape, good["model"].output_shape)
    assert bad["model"].output_shape == (None, 9, 9, 32)  # strides=3, no error
    assert good["model"].output_shape == (None, 26, 26, 32)


def test_ker407_removed_modules_and_layers_fail_to_import():
    cases = {
        "from keras.layers import CuDNNLSTM\n": "CuDNNLSTM",
        "from keras.utils.np_utils import to_categorical\n": "np_utils",
        "from keras.layers.core import Dense\n": "core",
    }
    for body, name in cases.items():
        buggy, fixed = pair("KER407", body)
        with pytest.raises(ImportError) as err:
            run(buggy)
        run(fixed)
        record("KER407", body.strip(), f"{type(err.value).__name__}: {str(err.value)[:60]}", fixed.splitlines()[-1])
        assert name in str(err.value)


def test_ker401_tf_keras_optimizer_raises_beside_tensorflow_python_keras():
    # Issue 18: an import from TensorFlow's internal Keras 2 copy does not make tf.keras Keras 2.
    # The tf.keras optimizer is Keras 3 and raises; the copy's own optimizer still takes lr.
    body = """\
import tensorflow as tf
from tensorflow.python.keras import backend as K

optimizer = tf.keras.optimizers.Adam(lr=0.01)
"""
    buggy, fixed = pair("KER401", body)
    with pytest.raises(ValueError) as err:
        run(buggy)
    assert "Argument(s) not recognized: {'lr': 0.01}" in str(err.value)
    assert float(run(fixed)["optimizer"].learning_rate.numpy()) == pytest.approx(0.01)
    from tensorflow.python.keras.optimizer_v2.adam import Adam as Keras2Adam

    legacy = Keras2Adam(lr=0.01)
    record("KER401", "tf.keras Adam(lr=) beside tensorflow.python.keras | the copy's Adam(lr=)",
           str(err.value)[:50], legacy._hyper["learning_rate"])
    assert legacy._hyper["learning_rate"] == pytest.approx(0.01)


def test_ker406_tf_keras2_rejects_or_misreads_keras1_arguments():
    # The message says "Keras 3 and tf.keras 2 raise" and that Keras 2.0–2.3 only warned (its
    # keras/legacy/interfaces.py converted them; not installable here). tf.keras 2 is checked on
    # the copy TensorFlow keeps as tensorflow.python.keras.
    from tensorflow.python.keras import layers as keras2_layers
    from tensorflow.python.keras import models as keras2_models

    from .proving import source

    layers = keras.layers
    said = message(source("layer = layers.Conv2D(32, (3, 3), border_mode=\"same\")\n"), "KER406")
    assert "Keras 3 and tf.keras 2 raise on it (Keras 2.0–2.3 only warned)" in said and len(said) <= 120
    for make in (lambda m: m.Conv2D(8, (3, 3), border_mode="same"), lambda m: m.MaxPooling1D(pool_length=2),
                 lambda m: m.Dense(10, init="uniform")):
        with pytest.raises(TypeError):
            make(keras2_layers)
        with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
            make(layers)
    said = message(source("layer = layers.Conv2D(32, 3, 3)\n"), "KER406")
    assert "Keras 3 and tf.keras 2 read kernel 3, strides 3" in said
    assert keras2_layers.Conv2D(8, 3, 3).strides == (3, 3) and layers.Conv2D(8, 3, 3).strides == (3, 3)
    with pytest.raises(AttributeError):  # Conv3D(n, 3, 3, 3): a padding of 3
        keras2_layers.Conv3D(8, 3, 3, 3)
    with pytest.raises(AttributeError):
        layers.Conv3D(8, 3, 3, 3)
    model = keras2_models.Sequential([keras2_layers.Dense(1, input_shape=(2,))])
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(TypeError) as err:
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), nb_epoch=1, verbose=0)
    record("KER406", "tf.keras 2 (tensorflow.python.keras) fit(nb_epoch=1)", str(err.value)[:60], "-")
