"""KER408-KER412 proofs: the Keras 3 error (or wrong number) behind each message, the rule's fix
running, and the tables the rules keep checked against the installed Keras and TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest

from .proving import message, pair, record, reports, run, source

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
