"""Label evidence belongs to its fit: what the file shows about an array (one-hot, real-valued,
synthetic, one sample) is followed back from each ``fit()`` through the assignments that reach
it, never taken from another model's arrays."""

from __future__ import annotations

import textwrap

import libcst as cst

from kerlint.analysis.labels import ONE_HOT, REAL, SYNTHETIC, ArrayFlow
from kerlint.extract import extract


def _fits(code: str) -> list:
    """(facts of x, facts of y, x is one sample) for each fit() of ``code``, in order."""
    ir = extract(cst.parse_module(textwrap.dedent(code)))
    flow = ArrayFlow(ir)
    out = []
    for fit in sorted(ir.fits, key=lambda f: f.seq):
        x, y = fit.args.get("x").node.value, fit.args.get("y").node.value
        out.append((flow.facts(x, fit.node), flow.facts(y, fit.node), flow.one_sample(x, fit.node)))
    return out


def _labels(code: str) -> list:
    return [y for _, y, _ in _fits(code)]


def test_a_name_reused_for_the_next_model_has_the_value_that_reaches_each_fit():
    found = _labels("""\
        import keras
        from keras.utils import to_categorical
        labels = to_categorical(kinds)
        clf.fit(x, labels, epochs=5)
        labels = frame[["width", "height"]].to_numpy()
        reg.fit(x, labels, epochs=5)
        """)
    assert found == [{ONE_HOT}, set()]


def test_a_function_sees_its_own_names_not_another_functions():
    found = _labels("""\
        import keras
        def classify(m):
            y_train = keras.utils.to_categorical(raw)
            m.fit(x, y_train, epochs=5)
        def locate(m):
            y_train = frame[["lat", "lon"]].to_numpy()
            m.fit(x, y_train, epochs=5)
        def free(m):
            m.fit(x, y_module, epochs=5)
        y_module = keras.utils.to_categorical(raw)
        """)
    # A free name is the module's, as it stands after the script's statements.
    assert found == [{ONE_HOT}, set(), {ONE_HOT}]


def test_a_fact_holds_only_when_every_reaching_assignment_gives_it():
    found = _labels("""\
        import keras
        y = keras.utils.to_categorical(raw)
        if smooth:
            y = prices
        m.fit(x, y, epochs=5)
        y = keras.utils.to_categorical(raw)
        m.fit(x, y[:100], epochs=5)
        """)
    assert found == [set(), {ONE_HOT}]


def test_real_valued_targets_loaders_float_arithmetic_and_scalers():
    found = _labels("""\
        import numpy as np
        import keras
        from sklearn.datasets import fetch_california_housing
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler
        (x_b, y_b), _ = keras.datasets.boston_housing.load_data()
        m.fit(x_b, y_b, epochs=5)
        housing = fetch_california_housing()
        x_a, x_v, y_a, y_v = train_test_split(housing.data, housing.target)
        m.fit(x_a, y_a, epochs=5)
        scaled = StandardScaler().fit_transform(table["price"].to_numpy().reshape(-1, 1))
        m.fit(x_a, scaled, epochs=5)
        m.fit(x_a, table["price"] / 1000, epochs=5)
        m.fit(x_a, table["survived"].astype("float32"), epochs=5)
        m.fit(x_a, (table["fare"] / 100 > 0.3).astype("float32"), epochs=5)
        """)
    assert found == [{REAL}, {REAL}, {REAL}, {REAL}, set(), set()]


def test_synthetic_inputs_and_data_filled_into_zeros():
    found = [x for x, _, _ in _fits("""\
        import numpy as np
        import tensorflow as tf
        from sklearn.datasets import make_moons
        rng = np.random.default_rng(0)
        m.fit(rng.normal(size=(10, 4)), y, epochs=5)
        m.fit(tf.random.uniform((10, 4)), y, epochs=5)
        points, labels = make_moons(100)
        m.fit(points, labels, epochs=5)
        m.fit(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]), y, epochs=5)
        m.fit(images + 0.1 * np.random.normal(size=images.shape), images, epochs=5)
        x = np.zeros((len(texts), 40))
        for i, text in enumerate(texts):
            x[i] = encode(text)
        m.fit(x, y, epochs=5)
        """)]
    assert [SYNTHETIC in f for f in found] == [True, True, True, True, False, False]


def test_one_sample_given_a_batch_axis():
    found = [one for _, _, one in _fits("""\
        import numpy as np
        m.fit(img[None] / 255.0, y, epochs=5)
        m.fit(np.expand_dims(img, axis=0), y, epochs=5)
        photo = img.reshape((1,) + img.shape)
        m.fit(photo, y, epochs=5)
        m.fit(images[3:4], y, epochs=5)
        m.fit(np.array([img]), y, epochs=5)
        m.fit(images, y, epochs=5)
        m.fit(images[:32], y, epochs=5)
        m.fit(np.expand_dims(images, -1), y, epochs=5)
        """)]
    assert found == [True, True, True, True, True, False, False, False]


def test_a_files_flows_are_made_once_and_freed_with_it():
    import gc
    import sys

    from kerlint.analysis.flow import assignments
    from kerlint.analysis.labels import array_flow

    module = cst.parse_module("import numpy as np\nx = np.zeros((4, 3))\ny = np.ones(4)\nmodel.fit(x, y)\n")
    gc.collect()
    held = sys.getrefcount(module)
    ir = extract(module)
    assert array_flow(ir) is array_flow(ir) and assignments(ir) is assignments(ir)
    del ir
    gc.collect()
    assert sys.getrefcount(module) == held  # no cache outlives the file's analysis
