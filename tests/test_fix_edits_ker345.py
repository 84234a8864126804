"""The fixes of the KER3 (training setup), KER4 (Keras 3 API) and KER5 (performance) rules,
applied to the source they came from."""

from __future__ import annotations

import textwrap

import libcst as cst

from kerlint.fix import apply_edits
from kerlint.lint import lint_source
from kerlint.rules import all_rules


def reports(source: str, code: str):
    result = lint_source(textwrap.dedent(source), "t.py", sorted(all_rules()))
    return [r for r in result.reports if r.code == code]


def fixed(source: str, code: str, index: int = 0, count: int = 1) -> tuple[str, str]:
    """Apply the fix of the ``index``-th ``code`` report; the result parses and that report is gone."""
    source = textwrap.dedent(source)
    found = reports(source, code)
    assert len(found) == count, found
    fix = found[index].fix
    assert fix is not None, found[index].message
    out = apply_edits(source, fix.edits)
    cst.parse_module(out)
    compile(out, "t.py", "exec")
    again = reports(out, code)
    assert len(again) == count - 1, "the fix must silence its own report"
    return out, fix.applicability


# -- KER3 -------------------------------------------------------------------------------


def test_ker305_replaces_accuracy_with_multilabel_metrics():
    out, applicability = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(30,)), keras.layers.Dense(8, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy", "mse"])
        """,
        "KER305",
    )
    assert applicability == "unsafe"
    assert (
        'metrics=[keras.metrics.AUC(multi_label=True), keras.metrics.Precision(), keras.metrics.Recall(), "mse"])'
        in out
    )


def test_ker305_bare_string_becomes_a_list_with_the_files_alias():
    out, _ = fixed(
        """\
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(30,))
        outputs = tf.keras.layers.Dense(num_labels, activation="sigmoid")(inputs)
        model = tf.keras.Model(inputs, outputs)
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics="acc")
        """,
        "KER305",
    )
    assert (
        "metrics=[tf.keras.metrics.AUC(multi_label=True), tf.keras.metrics.Precision(), "
        "tf.keras.metrics.Recall()])" in out
    )


def test_ker306_adds_early_stopping_and_appends_to_a_callback_list():
    source = """\
        from tensorflow import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        model.fit(x, y, epochs=100, validation_split=0.2)
        """
    found = lint_source(textwrap.dedent(source), "t.py", ["KER306"]).reports
    assert len(found) == 1 and found[0].fix.applicability == "unsafe"
    out = apply_edits(textwrap.dedent(source), found[0].fix.edits)
    assert (
        "model.fit(x, y, epochs=100, validation_split=0.2, "
        "callbacks=[keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)])\n" in out
    )
    assert not lint_source(out, "t.py", ["KER306"]).reports

    source = """\
        import keras
        from keras.callbacks import EarlyStopping, ModelCheckpoint
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        model.fit(x, y, epochs=30, validation_data=(xv, yv),
                  callbacks=[ModelCheckpoint("m.keras")])
        """
    found = lint_source(textwrap.dedent(source), "t.py", ["KER306"]).reports
    out = apply_edits(textwrap.dedent(source), found[0].fix.edits)
    assert (
        '          callbacks=[ModelCheckpoint("m.keras"), '
        "EarlyStopping(patience=3, restore_best_weights=True)])\n" in out
    )
    assert not lint_source(out, "t.py", ["KER306"]).reports


def test_opt_in_rules_are_off_by_default():
    from kerlint.cli import selection

    default = selection([], [], [])
    for code in ("KER302", "KER303", "KER306", "KER502"):
        assert code not in default
    for code in ("KER304", "KER305", "KER401", "KER405", "KER407", "KER501"):
        assert code in default
