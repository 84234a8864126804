"""Proofs for KER211-KER214: constant kernels, Reshape sizes, layer names and float sizes, built
and trained with real Keras."""

from __future__ import annotations

import numpy as np
import pytest

from .proving import message, pair, record, reports, run, source

keras = pytest.importorskip("keras", reason="the proofs run real Keras (pip install -e '.[test]')")

pytestmark = pytest.mark.proof

# Two classes that need the hidden layer: a ring around the origin.
RING = """\
x = rng.normal(size=(600, 8)).astype("float32")
y = (np.sum(x[:, :2] ** 2, axis=1) < 1.4).astype("float32")
majority = max(y.mean(), 1 - y.mean())
"""


# -- KER211 ----------------------------------------------------------------------------------------
def test_ker211_zero_kernel_under_relu_never_trains():
    buggy, fixed = pair(
        "KER211",
        RING
        + """\
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu", kernel_initializer="zeros"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, epochs=30, batch_size=32, verbose=0).history
kernel, bias = model.layers[0].get_weights()
""",
    )
    assert 'layers.Dense(16, activation="relu")' in fixed
    bad, good = run(buggy), run(fixed)
    record("KER211", "Dense(16, relu, zeros) hidden: |kernel| max, final accuracy (majority share)",
           (float(np.abs(bad["kernel"]).max()), bad["history"]["accuracy"][-1], bad["majority"]),
           (float(np.abs(good["kernel"]).max()), good["history"]["accuracy"][-1]))
    assert not bad["kernel"].any() and not bad["bias"].any()  # not one weight moved
    assert bad["history"]["accuracy"][-1] <= bad["majority"] + 0.01
    assert good["history"]["accuracy"][-1] > bad["majority"] + 0.1


def test_ker211_zero_kernel_before_batchnorm_and_relu_never_trains():
    buggy, fixed = pair(
        "KER211",
        RING
        + """\
inputs = keras.Input(shape=(8,))
h = layers.Dense(16, use_bias=False, kernel_initializer="zeros")(inputs)
h = layers.BatchNormalization()(h)
h = layers.ReLU()(h)
outputs = layers.Dense(1, activation="sigmoid")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, epochs=30, batch_size=32, verbose=0).history
kernel = model.layers[1].get_weights()[0]
""",
    )
    bad, good = run(buggy), run(fixed)
    record("KER211", "Dense(zeros) -> BatchNormalization -> ReLU: |kernel| max, final accuracy",
           (float(np.abs(bad["kernel"]).max()), bad["history"]["accuracy"][-1]),
           (float(np.abs(good["kernel"]).max()), good["history"]["accuracy"][-1]))
    assert not bad["kernel"].any()
    assert bad["history"]["accuracy"][-1] <= bad["majority"] + 0.01
    assert good["history"]["accuracy"][-1] > bad["majority"] + 0.1


THREE_CLASSES = """\
x = rng.normal(size=(600, 10)).astype("float32")
labels = np.argmax(np.tanh(x @ rng.normal(size=(10, 6))) @ rng.normal(size=(6, 3)), axis=1)
y = keras.utils.to_categorical(labels, 3)
"""


def _distinct_columns(kernel) -> int:
    """How many different columns (units) a kernel has, to float32 precision."""
    columns = []
    for column in kernel.T:
        if not any(np.allclose(column, c, rtol=1e-5, atol=1e-6) for c in columns):
            columns.append(column)
    return len(columns)


def test_ker211_constant_kernels_in_a_row_keep_the_units_identical():
    buggy, fixed = pair(
        "KER211",
        THREE_CLASSES
        + """\
init = keras.initializers.Constant(0.05)
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(16, activation="tanh", kernel_initializer=init),
    layers.Dense(3, activation="softmax", kernel_initializer=init),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, epochs=20, batch_size=32, verbose=0).history
kernel = model.layers[0].get_weights()[0]
""",
    )
    bad, good = run(buggy), run(fixed)
    record("KER211", "Constant kernels in a row: distinct hidden units of 16, final accuracy",
           (_distinct_columns(bad["kernel"]), bad["history"]["accuracy"][-1]),
           (_distinct_columns(good["kernel"]), good["history"]["accuracy"][-1]))
    assert np.abs(bad["kernel"] - bad["kernel"][:, :1]).max() < 1e-5  # every column the same
    assert np.abs(bad["kernel"] - 0.05).max() > 0.01  # though they did train
    assert _distinct_columns(good["kernel"]) == 16
    assert good["history"]["accuracy"][-1] > bad["history"]["accuracy"][-1] + 0.05


def test_ker211_is_silent_where_the_next_layer_tells_the_units_apart():
    # The catalog's "units never differentiate" holds only when nothing random follows: with a
    # glorot next layer, each unit of a constant (non-dead) layer gets its own gradient.
    src = source(THREE_CLASSES + """\
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(16, activation="tanh", kernel_initializer="zeros"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32, verbose=0)
kernel = model.layers[0].get_weights()[0]
""")
    assert not reports(src, "KER211")
    ns = run(src)
    record("KER211", "zeros under tanh, glorot next layer: distinct hidden units of 16 (not reported)",
           _distinct_columns(ns["kernel"]))
    assert _distinct_columns(ns["kernel"]) == 16


# -- KER212 ----------------------------------------------------------------------------------------
def test_ker212_reshape_of_another_size_raises_when_the_model_is_built():
    buggy, fixed = pair(
        "KER212",
        """\
model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Reshape((28, 28, 3)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
""",
        """\
model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Reshape((28, 28, 1)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
""",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    said = next(line for line in str(err.value).splitlines() if "total size" in line)
    record("KER212", "Reshape((28, 28, 3)) of 784 values", said.strip()[:70], good["model"].output_shape)
    assert "The total size of the tensor must be unchanged" in said
    assert "needs 2352 values per sample but its input (None, 784) has 784" in message(buggy, "KER212")


def test_ker212_a_minus_one_that_does_not_divide_raises_when_the_model_is_built():
    buggy, fixed = pair(
        "KER212",
        """\
readings = layers.Input(shape=(96, 6))
windows = layers.Reshape((-1, 5))(readings)
model = keras.Model(readings, layers.Dense(1)(layers.Flatten()(windows)))
""",
        """\
readings = layers.Input(shape=(96, 6))
windows = layers.Reshape((-1, 24 * 6))(readings)
model = keras.Model(readings, layers.Dense(1)(layers.Flatten()(windows)))
""",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    said = next(line for line in str(err.value).splitlines() if "total size" in line)
    record("KER212", "Reshape((-1, 5)) of 576 values", said.strip()[:70], good["model"].output_shape)
    assert "cannot by divided by the specified dimensions" in said  # Keras's own spelling
    assert good["model"].get_layer(index=1).output.shape == (None, 4, 144)
    assert "cannot split the 576 values of (None, 96, 6) into groups of 5" in message(buggy, "KER212")


def test_ker212_without_an_input_the_error_waits_for_the_data():
    buggy, fixed = pair(
        "KER212",
        """\
generator = keras.Sequential()
generator.add(layers.Dense(7 * 7 * 128, input_shape=(100,)))
generator.add(layers.LeakyReLU(negative_slope=0.2))
generator.add(layers.Reshape((7, 7, 256)))
generator.add(layers.Conv2DTranspose(1, 4, strides=4, padding="same", activation="tanh"))
created = True
images = generator.predict(rng.normal(size=(2, 100)), verbose=0)
""",
        """\
generator = keras.Sequential()
generator.add(layers.Dense(7 * 7 * 128, input_shape=(100,)))
generator.add(layers.LeakyReLU(negative_slope=0.2))
generator.add(layers.Reshape((7, 7, 128)))
generator.add(layers.Conv2DTranspose(1, 4, strides=4, padding="same", activation="tanh"))
created = True
images = generator.predict(rng.normal(size=(2, 100)), verbose=0)
""",
    )
    namespace = {}
    with pytest.raises(ValueError) as err:
        run(buggy, namespace=namespace)
    good = run(fixed)
    record("KER212", "generator Reshape((7, 7, 256)) of 6272 values: created | predict()",
           (namespace.get("created", False), str(err.value).splitlines()[2].strip()[:50]), good["images"].shape)
    assert "The total size of the tensor must be unchanged" in str(err.value)
    assert good["images"].shape == (2, 28, 28, 1)


# -- KER213 ----------------------------------------------------------------------------------------
def test_ker213_sequential_with_a_repeated_name_raises():
    buggy, fixed = pair(
        "KER213",
        """\
model = keras.Sequential([
    keras.Input(shape=(13,)),
    layers.Dense(64, activation="relu", name="hidden"),
    layers.Dropout(0.2),
    layers.Dense(64, activation="relu", name="hidden"),
    layers.Dense(1),
])
""",
        """\
model = keras.Sequential([
    keras.Input(shape=(13,)),
    layers.Dense(64, activation="relu", name="hidden_1"),
    layers.Dropout(0.2),
    layers.Dense(64, activation="relu", name="hidden_2"),
    layers.Dense(1),
])
""",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    record("KER213", "Sequential with two layers named hidden", str(err.value)[:70], good["model"].output_shape)
    assert "All layers added to a Sequential model should have unique names" in str(err.value)


def test_ker213_functional_block_with_a_fixed_name_raises():
    buggy, fixed = pair(
        "KER213",
        """\
def conv_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name="conv")(x)
    return layers.MaxPooling2D()(x)


inputs = keras.Input(shape=(32, 32, 3))
x = conv_block(inputs, 8)
x = conv_block(x, 16)
calls_done = True
outputs = layers.Dense(4, activation="softmax")(layers.GlobalAveragePooling2D()(x))
model = keras.Model(inputs, outputs)
""",
        """\
def conv_block(x, filters, index):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv_{index}")(x)
    return layers.MaxPooling2D()(x)


inputs = keras.Input(shape=(32, 32, 3))
x = conv_block(inputs, 8, 1)
x = conv_block(x, 16, 2)
calls_done = True
outputs = layers.Dense(4, activation="softmax")(layers.GlobalAveragePooling2D()(x))
model = keras.Model(inputs, outputs)
""",
    )
    namespace = {}
    with pytest.raises(ValueError) as err:
        run(buggy, namespace=namespace)
    good = run(fixed)
    record("KER213", "functional model, block naming its Conv2D 'conv' twice: layers called | Model()",
           (namespace.get("calls_done", False), str(err.value)[:60]), good["model"].output_shape)
    assert namespace["calls_done"]  # calling the layers works; keras.Model(...) refuses
    assert 'The name "conv" is used 2 times in the model' in str(err.value)


def test_ker213_an_input_and_a_nested_model_count_as_layers():
    buggy, fixed = pair(
        "KER213",
        """\
encoder = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4)], name="features")
inputs = keras.Input(shape=(8,), name="features")
outputs = layers.Dense(1)(encoder(inputs))
model = keras.Model(inputs, outputs)
""",
        """\
encoder = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4)], name="encoder")
inputs = keras.Input(shape=(8,), name="features")
outputs = layers.Dense(1)(encoder(inputs))
model = keras.Model(inputs, outputs)
""",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    run(fixed)
    assert 'The name "features" is used 2 times in the model' in str(err.value)


def test_ker213_is_silent_on_a_subclassed_model_which_keras_accepts():
    src = source("""\
class TwoTower(keras.Model):
    def __init__(self):
        super().__init__()
        self.a = layers.Dense(4, name="tower")
        self.b = layers.Dense(4, name="tower")

    def call(self, x):
        return self.b(self.a(x))


model = TwoTower()
model.compile(optimizer="adam", loss="mse")
model.fit(np.zeros((8, 4)), np.zeros((8, 4)), epochs=1, verbose=0)
""")
    assert not reports(src, "KER213")
    run(src)


# -- KER214 ----------------------------------------------------------------------------------------
# (layer line as written, what Keras 3 says). Each runs under the rule's own fix too.
FLOAT_SIZES = [
    ("layers.Dense(n_features / 2, activation='relu')", "expected a positive integer. Received: units=4.0"),
    ("layers.Dense(np.prod((2, 4)))", "expected a positive integer. Received: units=8"),
    ("layers.Dense(np.float32(8))", "expected a positive integer. Received: units=8.0"),
    ("layers.Dense(64.0)", "Received: units=64.0"),
]
CONV_SIZES = [
    ("layers.Conv2D(width * 1.5, 3)", "Cannot convert '(3, 3, 1, 12.0)' to a shape"),
    ("layers.Conv2D(8, 3.0)", "The `kernel_size` argument must be a tuple of 2 integers"),
    ("layers.Conv2D(8, np.int64(3))", "The `kernel_size` argument must be a tuple of 2 integers"),
    ("layers.MaxPooling2D(pool_size=width / 4)", "The `pool_size` argument must be a tuple of 2 integers"),
    ("layers.MaxPooling2D(np.int64(2))", "The `pool_size` argument must be a tuple of 2 integers"),
    ("layers.UpSampling2D(size=width / 4)", "The `size` argument must be a tuple of 2 integers"),
    ("layers.Conv2DTranspose(width / 2, 3)", "Cannot convert"),
]
SEQUENCE_SIZES = [
    ("layers.LSTM(width / 2)", "Cannot convert"),
    ("layers.GRU(width / 2)", "state_size must be an integer"),
    ("layers.SimpleRNN(np.int64(width))", "state_size must be an integer"),
    ("layers.Conv1D(width / 2, 3)", "Cannot convert"),
]


@pytest.mark.parametrize("line, said", FLOAT_SIZES)
def test_ker214_float_or_numpy_units_raise(line, said):
    _float_size("n_features = 8\nmodel = keras.Sequential([keras.Input(shape=(n_features,)), {line}])\n",
                line, said)


@pytest.mark.parametrize("line, said", CONV_SIZES)
def test_ker214_float_or_numpy_conv_and_pool_sizes_raise(line, said):
    _float_size("width = 8\nmodel = keras.Sequential([keras.Input(shape=(16, 16, 1)), {line}])\n", line, said)


@pytest.mark.parametrize("line, said", SEQUENCE_SIZES)
def test_ker214_float_sizes_of_sequence_layers_raise(line, said):
    _float_size("width = 8\nmodel = keras.Sequential([keras.Input(shape=(10, 4)), {line}])\n", line, said)


def test_ker214_embedding_repeat_vector_and_attention_sizes_raise():
    for body, said in [
        ("dim = 16\nmodel = keras.Sequential([keras.Input(shape=(5,)), layers.Embedding(100, dim / 2)])\n",
         "`output_dim` must be a positive integer. Received: output_dim=8.0"),
        ("model = keras.Sequential([keras.Input(shape=(5,)), layers.Embedding(np.int64(100), 8)])\n",
         "`input_dim` must be a positive integer"),
        ("steps = 6\nmodel = keras.Sequential([keras.Input(shape=(4,)), layers.RepeatVector(steps / 2)])\n",
         "Expected an integer value for `n`"),
        ("heads = 4\nx = keras.Input(shape=(6, 8))\ny = layers.MultiHeadAttention(num_heads=heads / 2, key_dim=4)(x, x)\n",
         "Received: num_heads=2.0"),
    ]:
        _float_size(body, None, said)


def _float_size(template, line, said):
    body = template.format(line=line) if line is not None else template
    buggy, fixed = pair("KER214", body)
    with pytest.raises((ValueError, TypeError)) as err:
        run(buggy)
    run(fixed)
    record("KER214", (line or body.splitlines()[-1])[:60], str(err.value).replace("\n", " ")[:60], "builds")
    assert said in str(err.value)


def test_ker214_the_fixes_keep_the_intended_sizes():
    buggy, fixed = pair(
        "KER214",
        """\
n_features = 30
img_shape = (7, 7, 1)
model = keras.Sequential([
    keras.Input(shape=(n_features,)),
    layers.Dense(n_features / 2, activation="relu"),
    layers.Dense(np.prod(img_shape)),
    layers.Reshape(img_shape),
    layers.Conv2D(16.0, 3),
])
""",
        count=3,
    )
    assert "layers.Dense(n_features // 2" in fixed and "int(np.prod(img_shape))" in fixed and "Conv2D(16, 3)" in fixed
    good = run(fixed)
    record("KER214", "Dense(30 / 2), Dense(np.prod), Conv2D(16.0) after the fix",
           [layer.output.shape[-1] for layer in good["model"].layers], "")
    assert [layer.output.shape[-1] for layer in good["model"].layers] == [15, 49, 1, 16]


def test_ker214_is_silent_on_numpy_conv_filters_which_keras_accepts():
    src = source("model = keras.Sequential([keras.Input(shape=(8, 8, 1)), layers.Conv2D(np.int64(16), 3)])\n")
    assert not reports(src, "KER214")
    assert run(src)["model"].output_shape == (None, 6, 6, 16)
