"""KER4 under Keras 2: what Keras 2 itself does with each API the KER4 rules name, observed with
tf_keras (Keras 2 on the installed TensorFlow), next to what kerlint says about the same source.

A project pinned to Keras 2 gets a KER4 rule as a deprecation note where Keras 2 warns, keeps an
error where Keras 2 raises too, and hears nothing where Keras 2 takes the API without a word (the
catalog's "Keras version" paragraph). These proofs check each of those claims.

tf_keras depends on the full ``tensorflow`` distribution, so it is installed beside
``tensorflow-cpu`` without its dependencies: ``pip install --no-deps tf_keras==2.21.0``.
"""

from __future__ import annotations

import logging
import os
import warnings

import pytest

from .proving import record, reports

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
try:  # not installed, or installed for another TensorFlow: either way Keras 2 cannot run here
    import tensorflow as tf
    import tf_keras
except ImportError as exc:
    pytest.skip(
        f"the Keras 2 proofs run tf_keras ({exc}): pip install --no-deps tf_keras==2.21.0 (it requires the "
        "full tensorflow distribution, so it goes beside tensorflow-cpu without its dependencies)",
        allow_module_level=True,
    )

pytestmark = pytest.mark.proof

PRELUDE = """\
import numpy as np
import tensorflow as tf
import tf_keras as keras
from tf_keras import layers

rng = np.random.default_rng(0)
x = rng.normal(size=(64, 8)).astype("float32")
y = (x[:, :1] > 0).astype("float32")
"""


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def keras2_run(body: str):
    """Run ``body`` after PRELUDE on tf_keras: (namespace, warnings and log lines it emitted, the
    exception it raised or None)."""
    tf_keras.utils.set_random_seed(0)
    handler = _Collect()
    loggers = {logging.getLogger(), tf.get_logger()}
    for logger in loggers:
        logger.addHandler(handler)
    namespace = {"__name__": "__proof__"}
    error = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                exec(compile(PRELUDE + body, "<keras2 proof>", "exec"), namespace)
            except Exception as exc:  # noqa: BLE001 - the raise is what is measured
                error = exc
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    said = [str(w.message) for w in caught] + handler.lines
    # Only what Keras says about the code: not NumPy's or TensorFlow's retracing chatter.
    said = [s for s in said if "retracing" not in s and "numpy" not in s.lower()]
    return namespace, said, error


def keras2_messages(body: str, code: str) -> list[str]:
    return [r.message for r in reports(PRELUDE + body, code)]


MODEL = """\
model = keras.Sequential([layers.Dense(4, activation="relu", input_shape=(8,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""


# -- KER401 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("optimizer, default", [("Adam", 0.001), ("SGD", 0.01)])
def test_ker401_keras2_warns_about_lr_and_its_new_optimizers_drop_it(optimizer, default):
    # tf-models-official's task tests build tf_keras.optimizers.SGD(lr=0.1): they train at 0.01.
    body = f"optimizer = keras.optimizers.{optimizer}(lr=0.1)\n"
    ns, said, error = keras2_run(body)
    rate = float(ns["optimizer"].learning_rate.numpy())
    record("KER401", f"tf_keras {optimizer}(lr=0.1): learning_rate | what it logs", rate, said[:1])
    assert error is None
    assert any("`lr` is deprecated" in s for s in said), said
    assert rate == pytest.approx(default)  # the default: 0.1 was dropped
    (message,) = keras2_messages(body, "KER401")
    assert "Keras 2 warns `lr` is deprecated and ignores it since TF 2.11; Keras 3 raises on it" in message


def test_ker401_keras2_legacy_optimizer_warns_and_uses_lr():
    body = "optimizer = keras.optimizers.legacy.Adam(lr=0.01)\n"
    ns, said, error = keras2_run(body)
    assert error is None
    assert any("The `lr` argument is deprecated, use `learning_rate` instead." in s for s in said), said
    assert float(ns["optimizer"].learning_rate.numpy()) == pytest.approx(0.01)
    (message,) = keras2_messages(body, "KER401")
    assert "`lr` is deprecated in Keras 2 (it warns) and Keras 3 raises on it" in message


def test_ker401_keras2_reads_and_sets_optimizer_lr_without_a_word():
    body = MODEL + "before = float(model.optimizer.lr.numpy())\nmodel.optimizer.lr = 0.5\n"
    ns, said, error = keras2_run(body)
    assert error is None and not said, said
    assert ns["before"] == pytest.approx(0.001)
    assert float(ns["model"].optimizer.learning_rate.numpy()) == pytest.approx(0.5)
    # Reading is not reported (Keras 3 raises on it, loudly); setting is a note, since Keras 3
    # ignores it silently (tests/proofs/test_proof_ker4.py) and learning_rate works on both.
    (message,) = keras2_messages(body, "KER401")
    assert message.startswith("setting `optimizer.lr` works in Keras 2 but changes nothing in Keras 3")


# -- KER402 ----------------------------------------------------------------------------------------
def test_ker402_keras2_new_optimizers_raise_on_decay():
    body = "optimizer = keras.optimizers.SGD(learning_rate=0.01, decay=1e-6)\n"
    _, _, error = keras2_run(body)
    record("KER402", "tf_keras SGD(decay=1e-6)", f"{type(error).__name__}: {str(error)[:60]}")
    assert isinstance(error, ValueError)
    assert "decay is deprecated in the new TF-Keras optimizer" in str(error)
    (message,) = keras2_messages(body, "KER402")
    assert "Keras 2 optimizers raise on `decay` since TF 2.11, and Keras 3 ignores it" in message


def test_ker402_keras2_legacy_optimizer_applies_decay_and_is_not_reported():
    body = """\
optimizer = keras.optimizers.legacy.SGD(learning_rate=0.1, decay=1.0)
model = keras.Sequential([layers.Dense(1, input_shape=(8,))])
model.compile(optimizer=optimizer, loss="mse")
model.fit(x, y, batch_size=64, epochs=3, verbose=0)
decayed = float(optimizer._decayed_lr(tf.float32).numpy())
"""
    ns, said, error = keras2_run(body)
    assert error is None
    assert ns["decayed"] == pytest.approx(0.1 / (1 + 1.0 * 3))  # lr / (1 + decay * iterations)
    assert not keras2_messages(body, "KER402")


# -- KER403 ----------------------------------------------------------------------------------------
def test_ker403_keras2_fit_generator_warns_and_trains():
    body = MODEL + """\
def batches():
    while True:
        yield x, y


history = model.fit_generator(batches(), steps_per_epoch=2, epochs=2, verbose=0)
"""
    ns, said, error = keras2_run(body)
    record("KER403", "tf_keras fit_generator()", said[:1], len(ns["history"].history["loss"]))
    assert error is None and len(ns["history"].history["loss"]) == 2
    assert any("`Model.fit_generator` is deprecated and will be removed in a future version" in s for s in said)
    (message,) = keras2_messages(body, "KER403")
    assert message.startswith("fit_generator() is deprecated in Keras 2 (it warns) and removed in Keras 3")


# -- KER404 ----------------------------------------------------------------------------------------
def test_ker404_keras2_has_no_predict_classes_either():
    body = MODEL + "classes = model.predict_classes(x)\n"
    _, _, error = keras2_run(body)
    assert isinstance(error, AttributeError) and "predict_classes" in str(error)
    (message,) = keras2_messages(body, "KER404")
    assert "removed in TensorFlow 2.6 and Keras 3: the call raises AttributeError" in message


# -- KER405 ----------------------------------------------------------------------------------------
def test_ker405_keras2_embedding_input_length_builds_the_model_without_a_word():
    body = """\
model = keras.Sequential([layers.Embedding(100, 8, input_length=20), layers.Flatten(), layers.Dense(1)])
params = model.count_params()
"""
    ns, said, error = keras2_run(body)
    assert error is None and not said, said
    assert ns["params"] == 100 * 8 + 20 * 8 + 1  # built at once: Flatten knew the length
    assert not keras2_messages(body, "KER405")


# -- KER406 ----------------------------------------------------------------------------------------
def test_ker406_keras2_rejects_keras1_arguments_and_reads_the_third_as_strides():
    _, _, error = keras2_run('layer = layers.Dense(4, init="uniform")\n')
    assert isinstance(error, TypeError) and "Keyword argument not understood" in str(error)
    body = "conv = layers.Conv2D(8, 3, 3)\n"
    ns, _, error = keras2_run(body)
    assert error is None and ns["conv"].strides == (3, 3) and ns["conv"].kernel_size == (3, 3)
    (message,) = keras2_messages(body, "KER406")
    assert "tf.keras 2 read kernel 3, strides 3" in message


# -- KER408 ----------------------------------------------------------------------------------------
def test_ker408_keras2_takes_batch_input_shape_and_weights_without_a_word():
    body = """\
model = keras.Sequential([
    layers.Dense(2, batch_input_shape=(None, 8), weights=[np.ones((8, 2)), np.zeros(2)]),
    layers.Dense(1, batch_size=16),
])
inputs = keras.Input(batch_input_shape=(None, 8))
kernel_sum = float(model.layers[0].get_weights()[0].sum())
"""
    ns, said, error = keras2_run(body)
    assert error is None and not said, said
    assert ns["kernel_sum"] == 16.0 and tuple(ns["inputs"].shape) == (None, 8)
    assert not keras2_messages(body, "KER408")


def test_ker408_keras2_rejects_input_dtype():
    body = 'layer = layers.Dense(2, input_shape=(8,), input_dtype="float32")\n'
    _, _, error = keras2_run(body)
    assert isinstance(error, TypeError)
    assert "Keyword argument not understood" in str(error) and "input_dtype" in str(error)
    (message,) = keras2_messages(body, "KER408")
    assert message.startswith('`input_dtype=` raises in tf.keras 2 ("Keyword argument not understood") and in Keras 3')


# -- KER409 ----------------------------------------------------------------------------------------
def test_ker409_keras2_train_step_with_compiled_loss_reports_the_loss():
    body = """\
class CustomModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


target = (x @ rng.normal(size=(8, 1)) + 5.0).astype("float32")
inputs = keras.Input(shape=(8,))
model = CustomModel(inputs, layers.Dense(1)(inputs))
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
history = model.fit(x, target, epochs=1, batch_size=64, verbose=0)
true_mse = float(np.mean((model.predict(x, verbose=0) - target) ** 2))
"""
    ns, said, error = keras2_run(body)
    assert error is None and not said, said
    # One batch, one step: the loss Keras 2 reports is the loss before the step, near the true one.
    assert ns["history"].history["loss"][0] == pytest.approx(ns["true_mse"], rel=0.05)
    assert not keras2_messages(body, "KER409")


# -- KER410 ----------------------------------------------------------------------------------------
def test_ker410_keras2_backend_math_works_and_keras2_has_no_ops():
    body = """\
from tf_keras import backend as K

total = float(K.sum(K.expand_dims(K.ones((2, 3)))).numpy())
"""
    ns, said, error = keras2_run(body)
    assert error is None and not said, said
    assert ns["total"] == 6.0
    assert not hasattr(tf_keras, "ops")  # no Keras-3-ready spelling to move to on Keras 2
    assert not keras2_messages(body, "KER410")


# -- KER411 ----------------------------------------------------------------------------------------
def test_ker411_keras2_writes_checkpoints_h5_and_saved_models_without_a_word(tmp_path):
    body = MODEL + f"""\
folder = {str(tmp_path)!r}
model.save_weights(folder + "/ckpt")
model.save_weights(folder + "/weights.h5")
model.save(folder + "/exported")
model.fit(x, y, epochs=1, verbose=0,
          callbacks=[keras.callbacks.ModelCheckpoint(folder + "/best.h5", save_weights_only=True)])
"""
    _, said, error = keras2_run(body)
    assert error is None and not said, said
    written = sorted(os.listdir(tmp_path))
    record("KER411", "tf_keras save_weights/save/ModelCheckpoint paths", written)
    assert {"ckpt.index", "weights.h5", "exported", "best.h5"} <= set(written)


# -- KER412 ----------------------------------------------------------------------------------------
def test_ker412_keras2_wraps_tensorflow_functions_on_symbolic_tensors():
    body = """\
inputs = keras.Input(shape=(784,))
images = tf.reshape(inputs, (-1, 28, 28, 1))
outputs = layers.Dense(10)(layers.Flatten()(tf.nn.relu(images)))
model = keras.Model(inputs, outputs)
kinds = [type(layer).__name__ for layer in model.layers]
"""
    ns, said, error = keras2_run(body)
    assert error is None and not said, said
    assert "TFOpLambda" in ns["kinds"] and ns["model"].output_shape == (None, 10)
    assert not keras2_messages(body, "KER412")
