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
