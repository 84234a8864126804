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


# -- KER410 backend-math-functions ------------------------------------------------------------------
from kerlint.rules import ker410_backend_math_functions as ker410  # noqa: E402


def _legacy_backend():
    """TensorFlow's tf.keras.backend under Keras 3: Keras 2's functions, kept as TensorFlow code."""
    return tf.keras.backend


def test_ker410_every_listed_function_is_gone_from_keras_backend_and_was_keras_2s():
    legacy = _legacy_backend()
    present = [name for name in ker410.REMOVED if hasattr(keras.backend, name)]
    unknown = [name for name in ker410.REMOVED if not hasattr(legacy, name)]
    assert not present, f"still in keras.backend: {present}"
    assert not unknown, f"not Keras 2 backend functions: {unknown}"
    # Every Keras 2 function the legacy module has and keras.backend lacks is in the table.
    missing = {n for n in dir(legacy) if not n.startswith("_") and callable(getattr(legacy, n))}
    missing -= set(dir(keras.backend)) | ker410.REMOVED
    assert not missing, f"removed but not listed: {sorted(missing)}"


def test_ker410_the_replacements_named_exist():
    import re

    for advice in ker410.OTHERS.values():
        for target in re.findall(r"keras\.[A-Za-z_][\w.]*\w", advice or ""):
            obj = keras
            for part in target.split(".")[1:]:
                obj = getattr(obj, part)  # AttributeError names the stale entry
    for same in ker410.SAME.values():
        assert hasattr(keras.ops, same.name), same.name


def _k_samples():
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(3, 4, 5)).astype("float32"))
    y = tf.constant(rng.normal(size=(3, 4, 5)).astype("float32"))
    probs = tf.nn.softmax(x)
    onehot = tf.one_hot(rng.integers(0, 5, (3, 4)), 5)
    ids = tf.constant(rng.integers(0, 5, (3, 4)))
    binary = tf.constant((rng.random((3, 4, 5)) > 0.5).astype("float32"))
    unary = {n: (x,) for n in ("abs", "cos", "sin", "exp", "sign", "square", "tanh", "sigmoid", "softplus",
                               "softsign", "stop_gradient", "transpose", "relu")}
    unary.update(log=(tf.abs(x),), round=(x * 3,))
    binary_ops = {n: (x, y) for n in ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
                                      "maximum", "minimum")}
    reduce = {n: (x, 1) for n in ("sum", "mean", "max", "min", "prod", "std", "var")}
    reduce.update(all=(x > 0, 1), any=(x > 0,))
    return {
        **unary, **binary_ops, **reduce,
        "dot": (x, tf.constant(rng.normal(size=(5, 2)).astype("float32"))),
        "reshape": (x, (3, 20)), "tile": (x, (1, 2, 1)), "one_hot": (ids, 5),
        "argmax": (x,), "argmin": (x,), "cast": (x, "int32"), "clip": (x, -0.5, 0.5),
        "concatenate": ([x, y],), "cumsum": (x,), "cumprod": (x,), "elu": (x, 0.5),
        "expand_dims": (x,), "softmax": (x,), "squeeze": (x[:, :1], 1), "stack": ([x, y],),
        "ones_like": (x,), "zeros_like": (x,), "pow": (tf.abs(x), 2.5), "permute_dimensions": (x, (0, 2, 1)),
        "repeat_elements": (x, 2, 1), "gather": (x, [2, 0]),
        "binary_crossentropy": (binary, tf.sigmoid(x)), "categorical_crossentropy": (onehot, probs),
        "sparse_categorical_crossentropy": (ids, probs),
    }


def test_ker410_each_fix_computes_what_keras_2_computed():
    legacy, samples = _legacy_backend(), _k_samples()
    assert set(samples) == set(ker410.SAME), set(samples) ^ set(ker410.SAME)
    for name, args in samples.items():
        same = ker410.SAME[name]
        extra = {same.default[0]: int(same.default[2])} if same.default and len(args) <= same.default[1] else {}
        old = np.asarray(getattr(legacy, name)(*args))
        new = np.asarray(keras.ops.convert_to_numpy(getattr(keras.ops, same.name)(*args, **extra)))
        assert old.shape == new.shape, name
        assert np.allclose(old.astype(float), new.astype(float), atol=1e-6), name
        if extra and name == "expand_dims":  # without the written-out default, ops raises ...
            with pytest.raises(TypeError):
                keras.ops.expand_dims(*args)
        elif extra:  # ... or computes something else
            plain = np.asarray(keras.ops.convert_to_numpy(getattr(keras.ops, same.name)(*args)))
            assert plain.shape != old.shape or not np.allclose(plain.astype(float), old.astype(float)), name
    # The two left without a fix really differ.
    x = tf.constant([-1e-7, 0.0, 1.0, -1.0])
    assert np.isnan(keras.ops.convert_to_numpy(keras.ops.sqrt(x))[0]) and legacy.sqrt(x).numpy()[0] == 0.0
    assert not np.allclose(keras.ops.convert_to_numpy(keras.ops.hard_sigmoid(x)), legacy.hard_sigmoid(x).numpy())


def test_ker410_metric_raises_when_training_starts_and_ops_computes_the_same():
    body = """\
from keras import backend as K


def mean_abs_error(y_true, y_pred):
    return K.mean(K.abs(y_pred - y_true), axis=-1)


x = rng.normal(size=(64, 8)).astype("float32")
y = rng.normal(size=(64, 1)).astype("float32")
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse", metrics=[mean_abs_error])
history = model.fit(x, y, epochs=1, batch_size=64, verbose=0, shuffle=False)
"""
    buggy, fixed = pair("KER410", body, count=2)
    assert "keras.ops.mean(keras.ops.abs(y_pred - y_true), axis=-1)" in fixed
    namespace = {}
    with pytest.raises(AttributeError) as err:
        run(buggy, namespace=namespace)
    assert "module 'keras.backend' has no attribute" in str(err.value)
    assert namespace["model"] is not None  # the model was built: only training raised
    good = run(fixed)
    legacy = _legacy_backend()
    a, b = tf.constant(good["y"]), tf.constant(good["y"][::-1])
    expected = legacy.mean(legacy.abs(b - a), axis=-1).numpy()  # what the Keras 2 metric computed
    assert np.allclose(keras.ops.convert_to_numpy(good["mean_abs_error"](a, b)), expected)
    record("KER410", "custom metric with K.mean/K.abs in fit()", f"AttributeError: {str(err.value)[:50]}",
           f"mean_abs_error {good['history'].history['mean_abs_error'][0]:.3f}")
    assert "AttributeError" in message(buggy, "KER410")


def test_ker410_tf_keras_backend_still_has_them():
    src = source(
        """\
from tensorflow.keras import backend as K

x = rng.normal(size=(4, 3)).astype("float32")
total = K.sum(K.square(x), axis=-1)
"""
    )
    assert not reports(src, "KER410")
    assert run(src)["total"].shape == (4,)


# -- KER411 weights-checkpoint-suffix ----------------------------------------------------------------
FIT = """\
x = rng.normal(size=(64, 8)).astype("float32")
y = rng.integers(0, 2, size=(64, 1))
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_ker411_weights_checkpoint_raises_before_training(in_tmp):
    buggy, fixed = pair(
        "KER411",
        FIT
        + """\
best = keras.callbacks.ModelCheckpoint("best.h5", save_weights_only=True)
model.fit(x[:48], y[:48], epochs=2, validation_data=(x[48:], y[48:]), callbacks=[best], verbose=0)
model.load_weights("best.h5")
""",
    )
    assert fixed.count('"best.weights.h5"') == 2  # the checkpoint and the load that reads it
    with pytest.raises(ValueError) as err:
        run(buggy)
    run(fixed)
    record("KER411", 'ModelCheckpoint("best.h5", save_weights_only=True)', str(err.value)[:80],
           sorted(p.name for p in in_tmp.iterdir()))
    assert "must end in `.weights.h5`" in str(err.value)
    assert (in_tmp / "best.weights.h5").exists()


@pytest.mark.parametrize(
    "call, expected, written",
    [
        ('model.save_weights("my_checkpoint")', "The filename must end in `.weights.h5`", "my_checkpoint.weights.h5"),
        ('model.save_weights("weights.hdf5")', "The filename must end in `.weights.h5`", "weights.weights.h5"),
        ('model.save("my_model")', "Invalid filepath extension for saving", "my_model.keras"),
        ('checkpoint = keras.callbacks.ModelCheckpoint("model-{epoch:02d}.hdf5")\n'
         "model.fit(x, y, epochs=1, callbacks=[checkpoint], verbose=0)",
         "The filepath provided must end in `.keras`", "model-01.h5"),
    ],
)
def test_ker411_saving_raises_and_the_suffix_fixes_it(in_tmp, call, expected, written):
    buggy, fixed = pair("KER411", FIT + call + "\n")
    with pytest.raises(ValueError) as err:
        run(buggy)
    run(fixed)
    record("KER411", call.splitlines()[0], str(err.value)[:70], written)
    assert expected in str(err.value)
    assert (in_tmp / written).exists()


def test_ker411_accepted_paths_are_left_alone(in_tmp):
    src = source(
        FIT
        + """\
callbacks = [keras.callbacks.ModelCheckpoint("w.weights.h5", save_weights_only=True),
             keras.callbacks.ModelCheckpoint("m.keras"), keras.callbacks.ModelCheckpoint("m.h5")]
model.fit(x, y, epochs=1, callbacks=callbacks, verbose=0)
model.save("legacy.hdf5")
model.save("native.keras")
model.save_weights("last.weights.h5")
"""
    )
    assert not reports(src, "KER411")
    run(src)


# -- KER412 tensorflow-op-on-keras-tensor ------------------------------------------------------------
from kerlint.rules import ker412_tensorflow_op_on_keras_tensor as ker412  # noqa: E402


def test_ker412_tf_reshape_on_an_input_raises_and_ops_reshape_builds():
    buggy, fixed = pair(
        "KER412",
        """\
import tensorflow as tf

inputs = keras.Input(shape=(28, 28))
x = tf.reshape(inputs, (-1, 784))
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
""",
    )
    assert "keras.ops.reshape(inputs, (-1, 784))" in fixed
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    record("KER412", "tf.reshape(keras.Input(...))", str(err.value)[:70], good["model"].output_shape)
    assert KERAS_TENSOR in str(err.value)
    assert KERAS_TENSOR in message(buggy, "KER412")
    assert good["model"].output_shape == (None, 10)


def test_ker412_without_an_ops_equivalent_the_lambda_fix_builds():
    buggy, fixed = pair(
        "KER412",
        """\
import tensorflow as tf

inputs = keras.Input(shape=(8, 8, 3))
features = layers.Conv2D(4, 3, padding="same")(inputs)
halves = tf.split(features, 2, axis=-1)
model = keras.Model(inputs, layers.Add()(halves))
""",
    )
    assert "layers.Lambda(lambda t: tf.split(t, 2, axis=-1))(features)" in fixed
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    assert KERAS_TENSOR in str(err.value)
    assert good["model"].output_shape == (None, 8, 8, 2)


def _tf(name):
    obj = tf
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _tf_samples():
    rng = np.random.default_rng(1)
    x = tf.constant(rng.normal(size=(2, 3, 4)).astype("float32"))
    y = tf.constant(rng.normal(size=(2, 3, 4)).astype("float32"))
    pos = tf.abs(x) + 0.1
    out = {}
    for name, op in ker412.OPS.items():
        last = name.rsplit(".", 1)[-1]
        if op.positional == 1:
            out[name] = (pos,) if last in ("sqrt", "log", "log1p") else (x,)
        elif last in ("matmul",):
            out[name] = (x, tf.transpose(y, (0, 2, 1)))
        elif last == "tile":
            out[name] = (x, (1, 2, 1))
        elif last == "one_hot":
            out[name] = (tf.constant([[0, 2], [1, 3]]), 4)
        elif last == "pad":
            out[name] = (x, [[0, 0], [1, 1], [0, 2]])
        elif last == "transpose":
            out[name] = (x, (0, 2, 1))
        elif last == "reshape":
            out[name] = (x, (-1, 12))
        elif last.startswith("reduce_"):
            out[name] = (x > 0, 1) if last in ("reduce_any", "reduce_all") else (x, 1)
        elif last == "pow":
            out[name] = (pos, 2.5)
        elif last in ("concat", "stack"):
            out[name] = ([x, y], 1)
        elif last == "expand_dims":
            out[name] = (x, 1)
        elif last == "squeeze":
            out[name] = (x[:, :1], 1)
        elif last == "cast":
            out[name] = (x, "int32")
        elif last == "clip_by_value":
            out[name] = (x, -0.5, 0.5)
        elif last == "where":
            out[name] = (x > 0, x, y)
        elif last == "gather":
            out[name] = (x, [1, 0])
        elif last in ("argmax", "argmin"):
            out[name] = (x,)
        elif last in ("softmax", "log_softmax"):
            out[name] = (x, 1)
        elif last == "leaky_relu":
            out[name] = (x, 0.3)
        elif last == "einsum":
            out[name] = ("bij,bkj->bik", x, y)
        else:
            out[name] = (x, y)
    return out


def test_ker412_each_ops_fix_computes_what_tensorflow_computed():
    for name, args in _tf_samples().items():
        op = ker412.OPS[name]
        extra = {op.default[0]: int(op.default[2])} if op.default and len(args) <= op.default[1] else {}
        old = np.asarray(_tf(name)(*args))
        new = np.asarray(keras.ops.convert_to_numpy(getattr(keras.ops, op.name)(*args, **extra)))
        assert old.shape == new.shape, name
        assert np.allclose(old.astype(float), new.astype(float), atol=1e-5), name


def test_ker412_every_tensorflow_function_in_the_table_raises_on_a_keras_tensor():
    inputs = keras.Input(shape=(3, 4))
    samples = _tf_samples()
    for name in ker412.OPS:
        args = tuple(inputs if isinstance(a, tf.Tensor) and a.dtype == tf.float32 and a.shape.rank == 3 else a
                     for a in samples[name])
        if not any(a is inputs for a in args):
            args = (inputs, *args[1:])
        with pytest.raises((ValueError, TypeError), match="KerasTensor"):
            _tf(name)(*args)
    # The functions left alone take anything: a KerasTensor passes through.
    assert tf.nest.flatten([inputs])[0] is inputs and tf.is_tensor(inputs) is False


def test_ker412_tensorflow_inside_a_layer_and_under_tf_keras_is_left_alone():
    src = source(
        """\
import tensorflow as tf


class Gate(layers.Layer):
    def call(self, x):
        return x * tf.nn.sigmoid(tf.reduce_mean(x, axis=-1, keepdims=True))


inputs = keras.Input(shape=(6,))
gated = Gate()(inputs)
scaled = layers.Lambda(lambda t: tf.math.l2_normalize(t, axis=-1))(gated)
model = keras.Model(inputs, layers.Dense(1)(scaled))
prediction = model.predict(rng.normal(size=(2, 6)).astype("float32"), verbose=0)
"""
    )
    assert not reports(src, "KER412")
    assert run(src)["prediction"].shape == (2, 1)
