"""Logs of real Keras training: the buggy model's signature is diagnosed, the fixed one's is not.

The files in data/real/ were produced with TensorFlow 2.21 / Keras 3.15 (CPU) by
`python tests/logs/data/make_real_logs.py` (tiny synthetic data, fixed seeds): each scenario
trains a buggy model and its fixed version, with verbose=1 under a pseudo-terminal (the real
\\r/\\b redraws and ANSI colours), verbose=2 through a pipe (TensorFlow's log lines included), a
CSVLogger file and the History.history dump. These tests read the committed text, so they run
in milliseconds without TensorFlow; test_log_real_training.py trains the same models in the
suite and reads what they print.
"""

import pytest

from .conftest import REAL, by_code

FORMATS = ["_v1.txt", "_v2.txt", ".csv", ".json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_linear_output_with_probability_loss(diagnose_file, fmt):
    # KER101: Dense(3) under CategoricalCrossentropy() without from_logits
    report = diagnose_file(REAL / f"ker101_buggy{fmt}")
    (falls,) = by_code(report, "KER605")
    assert falls["evidence"]["both_fell"] == [1, 6]
    assert "KER101" in [r["code"] for r in falls["rules"]]
    (rise,) = by_code(report, "KER601")
    assert rise["epochs"] == [6, 7, 8, 9, 10]
    assert diagnose_file(REAL / f"ker101_fixed{fmt}")["diagnostics"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_learning_rate_too_high(diagnose_file, fmt):
    # KER304: Adam(learning_rate=5.0)
    report = diagnose_file(REAL / f"ker304_buggy{fmt}")
    jumps = by_code(report, "KER601")
    assert 4 in [e for d in jumps for e in d["epochs"]]
    sat = {d["evidence"]["metric"]: d for d in by_code(report, "KER602")}
    assert sat["loss"]["evidence"]["above_clip_epochs"] == [1, 2, 4]
    assert sat["val_loss"]["epochs"] == list(range(1, 11))
    (frozen,) = by_code(report, "KER603")
    assert frozen["epochs"] == [7, 8, 9, 10]
    assert not by_code(report, "KER604")  # a broken run is not called overfitting
    assert diagnose_file(REAL / f"ker304_fixed{fmt}")["diagnostics"] == []


def test_learning_rate_too_high_within_epoch_1_from_the_progress_bar(diagnose_file):
    report = diagnose_file(REAL / "ker304_buggy_v1.txt")
    first = [d for d in by_code(report, "KER601") if d["epochs"] == [1]]
    assert first and first[0]["evidence"]["batch_from_value"] == 0.8125
    assert first[0]["evidence"]["batch_to_value"] == 12527.1504


@pytest.mark.parametrize("fmt", FORMATS)
def test_softmax_over_one_unit(diagnose_file, fmt):
    # KER103: Dense(1, activation="softmax") always outputs 1.0
    report = diagnose_file(REAL / f"ker103_buggy{fmt}")
    (d,) = report["diagnostics"]
    assert d["code"] == "KER607"
    assert d["evidence"]["value"] == pytest.approx(0.3)
    assert d["epochs"] == list(range(1, 9))
    assert [r["code"] for r in d["rules"]] == ["KER103", "KER207"]
    assert diagnose_file(REAL / f"ker103_fixed{fmt}")["diagnostics"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_overfitting_without_early_stopping(diagnose_file, fmt):
    report = diagnose_file(REAL / f"overfit_buggy{fmt}")
    (d,) = report["diagnostics"]
    assert d["code"] == "KER604"
    assert d["evidence"]["best_epoch"] == 2
    assert d["evidence"]["best_value"] == pytest.approx(0.5790, abs=1e-4)
    assert "patience=3" in d["fix"] and "stop at epoch 5" in d["fix"]


@pytest.mark.parametrize("fmt", ["_v1.txt", "_v2.txt"])
def test_early_stopping_that_restored_the_best_epoch_is_not_reported(diagnose_file, fmt):
    assert diagnose_file(REAL / f"overfit_fixed{fmt}")["diagnostics"] == []


@pytest.mark.parametrize("fmt", [".csv", ".json"])
def test_csv_and_history_do_not_record_early_stopping(diagnose_file, fmt):
    # CSVLogger and History keep no trace of EarlyStopping's restore: the rise is still reported
    (d,) = diagnose_file(REAL / f"overfit_fixed{fmt}")["diagnostics"]
    assert d["code"] == "KER604" and d["evidence"]["best_epoch"] == 2
