"""KER2 proofs: shape and structure mistakes, built and trained with real Keras."""

from __future__ import annotations

import numpy as np
import pytest

from .proving import message, pair, record, run

keras = pytest.importorskip("keras", reason="the proofs run real Keras (pip install -e '.[test]')")

pytestmark = pytest.mark.proof

TOKENS = """\
x = rng.integers(1, 100, size=(200, 20))
labels = rng.integers(0, 5, size=200)
y = keras.utils.to_categorical(labels, 5)
"""


def test_ker201_dense_on_a_sequence_fails_at_the_first_training_step():
    buggy, fixed = pair(
        "KER201",
        TOKENS
        + """\
model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Embedding(100, 8),
    layers.Conv1D(16, 3, activation="relu"),
    layers.Dense(5, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="adam")
output_shape = model.output_shape
model.fit(x, y, epochs=1, verbose=0)
""",
    )
    assert "GlobalMaxPooling1D()" in fixed or "GlobalAveragePooling1D()" in fixed
    namespace = {}
    with pytest.raises(ValueError) as err:
        run(buggy, namespace=namespace)
    good = run(fixed)
    record("KER201", "softmax head on Conv1D output: model output | fit()",
           (namespace["output_shape"], str(err.value).splitlines()[0][:60]), (good["output_shape"], "fit() runs"))
    assert namespace["output_shape"] == (None, 18, 5)
    assert "must have the same rank" in str(err.value)
    assert good["output_shape"] == (None, 5)


def test_ker201_one_unit_mse_head_on_a_sequence_trains_silently_per_step():
    buggy, fixed = pair(
        "KER201",
        """\
x = rng.integers(1, 100, size=(200, 20))
y = x.mean(axis=1) / 100
model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Embedding(100, 8),
    layers.LSTM(8, return_sequences=True),
    layers.Dense(1),
])
model.compile(loss="mse", optimizer="adam")
history = model.fit(x, y, epochs=2, verbose=0).history
predictions = model.predict(x[:3], verbose=0)
""",
    )
    bad, good = run(buggy), run(fixed)
    record("KER201", "1-unit mse head: predict() shape for 3 samples", bad["predictions"].shape,
           good["predictions"].shape)
    assert bad["predictions"].shape == (3, 20, 1)  # 20 different answers per sample, no error
    assert np.ptp(bad["predictions"][0]) > 0
    assert good["predictions"].shape == (3, 1)


def test_ker201_dense_head_on_a_keras_applications_backbone_fails_at_the_first_step():
    buggy, fixed = pair(
        "KER201",
        """\
base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(32, 32, 3), alpha=0.35)
base.trainable = False
inputs = keras.Input(shape=(32, 32, 3))
x = base(inputs, training=False)
outputs = layers.Dense(4, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
output_shape = model.output_shape
model.fit(rng.normal(size=(16, 32, 32, 3)), rng.integers(0, 4, size=16), epochs=1, verbose=0)
""",
    )
    assert "layers.Dense(4, activation=\"softmax\")(layers.GlobalAveragePooling2D()(x))" in fixed
    namespace = {}
    with pytest.raises(ValueError) as err:
        run(buggy, namespace=namespace)
    good = run(fixed)
    record("KER201", "softmax head on a MobileNetV2 feature map: model output | fit()",
           (namespace["output_shape"], str(err.value).splitlines()[0][:60]), (good["output_shape"], "fit() runs"))
    assert namespace["output_shape"] == (None, 1, 1, 4)
    assert "(None, 1, 1, 1280)" in message(buggy, "KER201")
    assert good["output_shape"] == (None, 4)


def test_ker202_stacked_rnn_without_return_sequences_fails_when_built():
    buggy, fixed = pair(
        "KER202",
        """\
model = keras.Sequential([
    keras.Input(shape=(50, 8)),
    layers.LSTM(16),
    layers.LSTM(8),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(rng.normal(size=(32, 50, 8)), rng.integers(0, 2, size=32), epochs=1, verbose=0)
""",
    )
    assert "layers.LSTM(16, return_sequences=True)" in fixed
    with pytest.raises(ValueError) as err:
        run(buggy)
    run(fixed)
    first = str(err.value).splitlines()[0]
    record("KER202", "stacked LSTM", first[first.index("expected"):][:60], "builds and fits")
    assert "expected ndim=3, found ndim=2" in str(err.value)
    assert "expected ndim=3, found ndim=2" in message(buggy, "KER202")


def test_ker202_conv2d_on_images_without_a_channel_axis():
    buggy, fixed = pair(
        "KER202",
        """\
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
""",
        """\
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
""",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    first = str(err.value).splitlines()[0]
    record("KER202", "Conv2D on rank 3", first[first.index("expected"):][:60], good["model"].output_shape)
    # Convolutions check a minimum rank, so Keras's words differ from the RNN case.
    assert "expected min_ndim=4, found ndim=3" in str(err.value)
    assert "expected min_ndim=4, found ndim=3" in message(buggy, "KER202")


def test_ker203_noise_shape_mismatch_fails_only_in_fit():
    buggy, fixed = pair(
        "KER203",
        """\
x = rng.integers(1, 1000, size=(64, 30))
y = rng.integers(0, 2, size=64)
model = keras.Sequential([
    layers.Embedding(1000, 16),
    layers.Dropout(0.2, noise_shape=[None, 50, 1]),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="adam")
predictions = model.predict(x, verbose=0)
evaluated = model.evaluate(x, y, verbose=0)
model.fit(x, y, epochs=1, verbose=0)
""",
    )
    assert "noise_shape=[None, None, 1]" in fixed
    namespace = {}
    with pytest.raises(ValueError) as err:
        run(buggy, namespace=namespace)
    good = run(fixed)
    message = next(line for line in str(err.value).splitlines() if "Dimensions must be equal" in line)
    record("KER203", "predict() and evaluate(); then fit()",
           f"run; {type(err.value).__name__}: {message.strip()[:50]}", "run; fit() runs")
    assert namespace["predictions"].shape == (64, 1)  # predict and evaluate ran
    assert isinstance(err.value, ValueError)
    assert "Dimensions must be equal, but are 50 and 30" in message
    assert good["predictions"].shape == (64, 1)


def test_ker204_embedding_one_row_short_for_tokenizer_indices():
    buggy, fixed = pair(
        "KER204",
        """\
from types import SimpleNamespace

# Keras 2's Tokenizer numbers words from 1 and keeps 0 for padding.
words = [f"w{i}" for i in range(50)]
tokenizer = SimpleNamespace(word_index={w: i + 1 for i, w in enumerate(words)})
x = rng.integers(1, len(tokenizer.word_index) + 1, size=(64, 10))
vocab_size = len(tokenizer.word_index)
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Embedding(vocab_size, 8),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
predictions = model.predict(x, verbose=0)
""",
    )
    assert "len(tokenizer.word_index) + 1" in fixed
    import tensorflow as tf

    with pytest.raises(tf.errors.InvalidArgumentError) as err:
        run(buggy)
    good = run(fixed)
    message = next(line for line in str(err.value).splitlines() if "is not in" in line)
    record("KER204", "predict() on CPU", message.strip()[:70], good["predictions"].shape)
    assert "= 50 is not in [0, 50)" in message


def test_ker205_input_shape_with_the_batch_axis_fails_when_built():
    buggy, fixed = pair(
        "KER205",
        """\
model = keras.Sequential([
    layers.Conv2D(8, 3, activation="relu", input_shape=(None, 28, 28, 1)),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
""",
    )
    assert "input_shape=(28, 28, 1)" in fixed
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    record("KER205", "Sequential([Conv2D(input_shape=(None, 28, 28, 1))])", str(err.value).splitlines()[0][:70],
           good["model"].output_shape)
    assert "Kernel shape must have the same length as input" in str(err.value)
    assert "(None, None, 28, 28, 1)" in str(err.value)  # the leading None became an axis


def test_ker206_feature_map_collapse_fails_when_built():
    buggy, fixed = pair(
        "KER206",
        """\
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, 3), layers.MaxPooling2D(),
    layers.Conv2D(32, 3), layers.MaxPooling2D(),
])
""",
        """\
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, 3, padding="same"), layers.MaxPooling2D(),
    layers.Conv2D(32, 3, padding="same"), layers.MaxPooling2D(),
])
""",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    said = next(line for line in str(err.value).splitlines() if "output size" in line)
    record("KER206", "8x8 input, two Conv2D(3) + MaxPooling2D blocks", said.strip()[:60], good["model"].output_shape)
    assert "Computed output size would be zero or negative" in said
    assert good["model"].output_shape == (None, 2, 2, 32)


THREE_CLASSES = """\
x = rng.normal(size=(300, 8)).astype("float32")
labels = np.argmax(x @ rng.normal(size=(8, 3)), axis=1)
y = keras.utils.to_categorical(labels, 3)
"""


def test_ker207_dropout_after_softmax_gives_a_nan_training_loss():
    buggy, fixed = pair(
        "KER207",
        THREE_CLASSES
        + """\
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
    layers.Dropout(0.5),
])
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
history = model.fit(x, y, epochs=4, batch_size=32, verbose=0).history
""",
    )
    assert fixed.index("layers.Dropout(0.5)") < fixed.index('layers.Dense(3, activation="softmax")')
    bad, good = run(buggy), run(fixed)
    record("KER207", "Dropout after softmax: training loss per epoch", bad["history"]["loss"],
           good["history"]["loss"])
    assert all(np.isnan(loss) for loss in bad["history"]["loss"])
    assert not any(np.isnan(loss) for loss in good["history"]["loss"])


def test_ker207_batch_normalization_after_softmax_leaves_validation_at_chance():
    buggy, fixed = pair(
        "KER207",
        THREE_CLASSES
        + """\
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
    layers.BatchNormalization(),
])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"])
history = model.fit(x, y, epochs=6, batch_size=32, validation_split=0.3, verbose=0).history
""",
    )
    bad, good = run(buggy), run(fixed)
    majority = np.bincount(bad["labels"]).max() / len(bad["labels"])
    record("KER207", f"BatchNormalization after softmax: val_accuracy per epoch (majority {majority:.3f})",
           bad["history"]["val_accuracy"], good["history"]["val_accuracy"])
    assert max(bad["history"]["val_accuracy"]) <= majority
    assert good["history"]["val_accuracy"][-1] > 0.7


def test_ker207_sigmoid_after_softmax_squashes_the_outputs():
    buggy, fixed = pair(
        "KER207",
        THREE_CLASSES
        + """\
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(3, activation="softmax"),
    layers.Activation("sigmoid"),
])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
history = model.fit(x, y, epochs=6, batch_size=32, verbose=0).history
outputs = model.predict(x, verbose=0)
""",
    )
    assert 'Activation("sigmoid")' not in fixed
    bad, good = run(buggy), run(fixed)
    record("KER207", "sigmoid after softmax: output range",
           (float(bad["outputs"].min()), float(bad["outputs"].max())),
           (float(good["outputs"].min()), float(good["outputs"].max())))
    record("KER207", "sigmoid after softmax: loss | accuracy after 6 epochs",
           (bad["history"]["loss"][-1], bad["history"]["accuracy"][-1]),
           (good["history"]["loss"][-1], good["history"]["accuracy"][-1]))
    assert bad["outputs"].min() >= 0.5 and bad["outputs"].max() <= 0.7311  # sigmoid of [0, 1]
    assert bad["history"]["loss"][-1] > 3 * good["history"]["loss"][-1]
    # A floor: for a perfect softmax output the loss is still -log(e / (e + 2)) = 0.551 on
    # TensorFlow (it takes the sigmoid's input, the probabilities, as logits).
    assert min(bad["history"]["loss"]) > 0.55


def test_ker208_two_linear_dense_layers_are_one_linear_map():
    body = """\
# XOR of two signs: no linear model separates it.
x = rng.normal(size=(400, 2)).astype("float32")
y = ((x[:, 0] > 0) != (x[:, 1] > 0)).astype("float32")
model = keras.Sequential([
    keras.Input(shape=(2,)),
    layers.Dense(32{act}),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
history = model.fit(x, y, epochs=10, batch_size=32, verbose=0).history
(w1, b1), (w2, b2) = model.layers[0].get_weights(), model.layers[1].get_weights()
outputs = model.predict(x, verbose=0)
"""
    buggy, fixed = pair("KER208", body.replace("{act}", ""), body.replace("{act}", ', activation="relu"'))
    bad, good = run(buggy), run(fixed)
    # The two layers compute exactly what one Dense(1) with these weights computes.
    one_layer = 1 / (1 + np.exp(-(bad["x"] @ (bad["w1"] @ bad["w2"]) + bad["b1"] @ bad["w2"] + bad["b2"])))
    record("KER208", "XOR accuracy after 10 epochs", bad["history"]["accuracy"][-1],
           good["history"]["accuracy"][-1])
    record("KER208", "max |model - single Dense(1)| on the training inputs",
           float(np.max(np.abs(one_layer - bad["outputs"]))))
    assert np.allclose(one_layer, bad["outputs"], atol=1e-5)
    assert bad["history"]["accuracy"][-1] < 0.65
    assert good["history"]["accuracy"][-1] > 0.9


def test_ker209_a_repeated_relu_changes_nothing():
    buggy, fixed = pair(
        "KER209",
        """\
x = rng.normal(size=(50, 20)).astype("float32")
model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    layers.Activation("relu"),
    layers.Dense(1),
])
outputs = model.predict(x, verbose=0)
""",
    )
    assert 'Activation("relu")' not in fixed
    bad, good = run(buggy), run(fixed)
    record("KER209", "max |outputs with - without the repeated relu|",
           float(np.max(np.abs(bad["outputs"] - good["outputs"]))))
    assert np.array_equal(bad["outputs"], good["outputs"])


def test_ker209_a_repeated_sigmoid_at_the_output_freezes_accuracy():
    buggy, fixed = pair(
        "KER209",
        """\
x = rng.normal(size=(300, 8)).astype("float32")
y = (x @ rng.normal(size=8) > 1.0).astype("float32")
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(1, activation="sigmoid"),
    layers.Activation("sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"])
history = model.fit(x, y, epochs=8, batch_size=32, verbose=0).history
""",
    )
    bad, good = run(buggy), run(fixed)
    share = float(bad["y"].mean())
    record("KER209", f"sigmoid(sigmoid): accuracy per epoch (positive share {share:.3f})",
           bad["history"]["accuracy"], good["history"]["accuracy"])
    # Every output is above 0.5: every sample is predicted positive.
    assert all(a == pytest.approx(share) for a in bad["history"]["accuracy"])
    assert good["history"]["accuracy"][-1] > 0.9


def test_ker210_a_layer_as_the_dropout_rate_raises():
    buggy, fixed = pair(
        "KER210",
        """\
model = keras.Sequential([
    keras.Input(shape=(100,)),
    layers.Embedding(1000, 64),
    layers.SpatialDropout1D(layers.Dropout(0.2)),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
""",
        """\
model = keras.Sequential([
    keras.Input(shape=(100,)),
    layers.Embedding(1000, 64),
    layers.SpatialDropout1D(0.2),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
""",
    )
    with pytest.raises((TypeError, ValueError)) as err:
        run(buggy)
    good = run(fixed)
    record("KER210", "SpatialDropout1D(Dropout(0.2))", f"{type(err.value).__name__}: {str(err.value)[:60]}",
           good["model"].output_shape)


def test_ker210_a_layer_never_called_on_a_tensor_raises():
    buggy, fixed = pair(
        "KER210",
        """\
inputs = keras.Input(shape=(20,))
hidden = layers.Dense(64, activation="relu")
outputs = layers.Dense(1)(hidden)
model = keras.Model(inputs, outputs)
""",
        """\
inputs = keras.Input(shape=(20,))
hidden = layers.Dense(64, activation="relu")(inputs)
outputs = layers.Dense(1)(hidden)
model = keras.Model(inputs, outputs)
""",
    )
    with pytest.raises(ValueError) as err:
        run(buggy)
    good = run(fixed)
    record("KER210", "Dense(1)(<Dense layer>)", f"{type(err.value).__name__}: {str(err.value)[:60]}",
           good["model"].output_shape)


def _converted_keras1(src: str) -> str:
    """``src`` with KER406's fixes applied until none is left: the Keras 1 call as Keras 3
    receives it once converted."""
    from kerlint.fix import fix_text
    from kerlint.lint import lint_source

    from .proving import reports

    outcome = fix_text(src, lambda text: lint_source(text, "proof.py", ["KER406"]).reports)
    assert outcome.error is None and not reports(outcome.text, "KER406")
    return outcome.text


def test_ker206_keras1_channels_first_input_collapses_once_converted():
    # Keras 1 code written for Theano's channels-first order. Keras 3 refuses the Keras 1 spelling
    # itself (KER406 says so); the converted call reads (1, 28, 28) as height 1 and collapses.
    from .proving import reports, source

    buggy = source("""\
model = keras.Sequential()
model.add(layers.Convolution2D(32, 3, 3, border_mode="valid", input_shape=(1, 28, 28)))
""")
    said = message(buggy, "KER206")
    assert "(None, 1, 28, 28)" in said and "converted Keras 1 model raises ValueError when built" in said
    with pytest.raises(ValueError) as raw:
        run(buggy)
    assert "Unrecognized keyword arguments passed to Conv2D: {'border_mode': 'valid'}" in str(raw.value)
    converted = _converted_keras1(buggy)
    assert 'Convolution2D(32, (3, 3), padding="valid", input_shape=(1, 28, 28))' in converted
    assert reports(converted, "KER206")
    with pytest.raises(ValueError) as err:
        run(converted)
    built = next(line for line in str(err.value).splitlines() if "output size" in line)
    assert "Computed output size would be zero or negative" in built

    # The same code with channels-last images: converted, it builds, and KER206 is silent.
    good = source("""\
model = keras.Sequential()
model.add(layers.Convolution2D(32, 3, 3, border_mode="valid", input_shape=(28, 28, 1)))
""")
    assert not reports(good, "KER206")
    shape = run(_converted_keras1(good))["model"].output_shape
    record("KER206", "Keras 1 Convolution2D(32, 3, 3) on (1, 28, 28) | (28, 28, 1), converted",
           built.strip()[:60], shape)
    assert shape == (None, 26, 26, 32)


def test_ker206_keras1_subsample_is_read_as_the_converted_strides():
    # subsample=(2, 2) is the converted call's strides: three strided 5x5 convolutions take 32x32
    # to 1x1, and the 3x3 after them collapses; on 66x200 (the NVIDIA network's input) they fit.
    from .proving import reports, source

    body = """\
model = keras.Sequential()
model.add(layers.Convolution2D(24, 5, 5, subsample=(2, 2), input_shape=({size}, 3)))
model.add(layers.Convolution2D(36, 5, 5, subsample=(2, 2)))
model.add(layers.Convolution2D(48, 5, 5, subsample=(2, 2)))
model.add(layers.Convolution2D(64, 3, 3))
"""
    buggy, good = source(body.format(size="32, 32")), source(body.format(size="66, 200"))
    assert reports(buggy, "KER206") and not reports(good, "KER206")
    with pytest.raises(ValueError) as err:
        run(_converted_keras1(buggy))
    assert "Computed output size would be zero or negative" in str(err.value)
    shape = run(_converted_keras1(good))["model"].output_shape
    record("KER206", "Keras 1 strided chain on 32x32 | 66x200, converted", "ValueError", shape)
    assert shape == (None, 3, 20, 64)


def test_ker201_same_padding_cnn_without_flatten_fails_at_the_first_step():
    """A CNN whose convolutions keep the image size (padding="same", no pooling) still outputs
    one prediction per pixel: with one label per image, fit() raises."""
    buggy, fixed = pair(
        "KER201",
        """\
images = rng.normal(size=(64, 16, 16, 3)).astype("float32")
labels = rng.integers(0, 10, size=64)
model = keras.Sequential([
    keras.Input(shape=(16, 16, 3)),
    layers.Conv2D(8, 3, padding="same", activation="relu"),
    layers.Conv2D(8, 3, padding="same", activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
output_shape = model.output_shape
model.fit(images, labels, epochs=1, verbose=0)
""",
    )
    assert "GlobalAveragePooling2D()" in fixed
    namespace = {}
    with pytest.raises(ValueError) as err:
        run(buggy, namespace=namespace)
    good = run(fixed)
    record("KER201", "same-padding CNN, softmax head per pixel: model output | fit()",
           (namespace["output_shape"], str(err.value).splitlines()[0][:60]), (good["output_shape"], "fit() runs"))
    assert namespace["output_shape"] == (None, 16, 16, 10)
    assert good["output_shape"] == (None, 10)


def test_ker201_windowed_forecaster_returning_every_step_trains_silently_per_step():
    """The next value after each window is one target per sample; an LSTM that returns every
    step under a Dense(1) head trains without an error and predicts one value per step."""
    buggy, fixed = pair(
        "KER201",
        """\
series = np.sin(np.arange(600) / 10.0) + rng.normal(scale=0.05, size=600)
X, y = [], []
for i in range(30, len(series)):
    X.append(series[i - 30:i])
    y.append(series[i])
X, y = np.array(X), np.array(y)
X = np.reshape(X, (X.shape[0], X.shape[1], 1))
model = keras.Sequential([
    keras.Input(shape=(30, 1)),
    layers.LSTM(16, return_sequences=True),
    layers.Dense(1),
])
model.compile(loss="mse", optimizer="adam")
history = model.fit(X, y, epochs=2, batch_size=64, verbose=0).history
predictions = model.predict(X[:3], verbose=0)
""",
    )
    bad, good = run(buggy), run(fixed)
    record("KER201", "windowed next-value forecaster: predict() shape for 3 windows", bad["predictions"].shape,
           good["predictions"].shape)
    assert bad["predictions"].shape == (3, 30, 1)  # 30 forecasts per window, no error raised
    assert np.isfinite(bad["history"]["loss"]).all()
    assert good["predictions"].shape == (3, 1)


def test_ker204_vocabulary_numbered_from_one_by_hand_is_one_row_short():
    buggy, fixed = pair(
        "KER204",
        """\
words = [f"w{i}" for i in range(50)]
word2idx = {w: i + 1 for i, w in enumerate(words)}  # 0 is left for padding
x = np.array([[word2idx[words[(r + c) % 50]] for c in range(10)] for r in range(64)])
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Embedding(len(words), 8),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
predictions = model.predict(x, verbose=0)
""",
    )
    assert "len(words) + 1" in fixed
    import tensorflow as tf

    with pytest.raises(tf.errors.InvalidArgumentError) as err:
        run(buggy)
    good = run(fixed)
    message = next(line for line in str(err.value).splitlines() if "is not in" in line)
    record("KER204", "hand-built 1-based vocabulary, predict() on CPU", message.strip()[:70], good["predictions"].shape)
    assert "= 50 is not in [0, 50)" in message
