"""KER111 proofs: a bounded output regressing targets outside its range stalls at the error of
the clipped prediction, while the same model with a linear output (the rule's fix) fits."""

from __future__ import annotations

import numpy as np
import pytest

from .proving import pair, record, run

keras = pytest.importorskip("keras", reason="the proofs run real Keras (pip install -e '.[test]')")

pytestmark = pytest.mark.proof

# A real-valued target (a price-like linear signal), standardised as regression code does.
STANDARDISED = """\
x = rng.normal(size=(512, 8)).astype("float32")
raw = x @ rng.normal(size=8) * 7 + 40
y = ((raw - raw.mean()) / raw.std()).astype("float32")
"""
FIT = "history = model.fit(x, y, epochs=30, batch_size=64, verbose=0).history\n"


def _clipped_error(y, low, high) -> float:
    """The mean squared error of the best output bounded to [low, high]: each target clipped."""
    return float(np.mean((y - np.clip(y, low, high)) ** 2))


def _stalls(loss: list, floor: float) -> bool:
    """The loss ends at the clipped error (never below it) and no longer moves."""
    return floor <= loss[-1] <= 1.05 * floor and abs(loss[-5] - loss[-1]) < 0.01 * floor


@pytest.mark.parametrize("activation, low, high", [("sigmoid", 0.0, 1.0), ("relu", 0.0, np.inf)])
def test_ker111_bounded_output_stalls_at_the_clipped_error(activation, low, high):
    buggy, fixed = pair(
        "KER111",
        STANDARDISED
        + f"""\
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(32, activation="relu"),
    layers.Dense(1, activation="{activation}"),
])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
"""
        + FIT,
    )
    assert "layers.Dense(1)," in fixed
    bad, good = run(buggy), run(fixed)
    floor = _clipped_error(bad["y"], low, high)
    record("KER111", f"{activation} output, standardised targets: mse per 5 epochs (clipped error {floor:.3f})",
           bad["history"]["loss"][::5], good["history"]["loss"][::5])
    assert _stalls(bad["history"]["loss"], floor)
    assert good["history"]["loss"][-1] < 0.02 * floor


def test_ker111_softmax_forecaster_stalls_and_the_linear_one_fits():
    """The forecaster of issue 18: a softmax over the next 10 steps of a standardised series."""
    buggy, fixed = pair(
        "KER111",
        """\
t = np.arange(3000, dtype="float32")
series = np.sin(t / 9) * 3 + np.sin(t / 31) + rng.normal(scale=0.1, size=t.shape)
series = ((series - series.mean()) / series.std()).astype("float32")


def make_windows(data, n_in, n_out):
    inputs, outputs = [], []
    for start in range(0, len(data) - n_in - n_out, 3):
        inputs.append(data[start:start + n_in])
        outputs.append(data[start + n_in:start + n_in + n_out])
    return np.array(inputs), np.array(outputs)


x, y = make_windows(series, 30, 10)
model = keras.Sequential([
    keras.Input(shape=(30,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
"""
        + FIT,
    )
    assert 'layers.Dense(10),' in fixed
    bad, good = run(buggy), run(fixed)
    floor = _clipped_error(bad["y"], 0.0, 1.0)  # a softmax is bounded by (0, 1) and more
    record("KER111", "softmax forecaster, 10 steps: mse per 5 epochs", bad["history"]["loss"][::5],
           good["history"]["loss"][::5])
    assert bad["history"]["loss"][-1] >= floor
    assert abs(bad["history"]["loss"][-5] - bad["history"]["loss"][-1]) < 0.01 * floor
    assert good["history"]["loss"][-1] < 0.1 * floor
