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


# -- chance level (issue 22) -----------------------------------------------------------------
# Both scenarios train a linear Dense(5) head on 5 classes (KER101) and print model.summary()
# before fit(), as users do; their fixed versions put a softmax on it.


@pytest.mark.parametrize("fmt", FORMATS)
def test_accuracy_at_chance_with_sparse_crossentropy(diagnose_file, fmt):
    # sparse_categorical_crossentropy on the linear head: accuracy 0.14-0.21 around 1/5 while the
    # loss falls from 8.42 but never below ln 5
    report = diagnose_file(REAL / f"chance5_buggy{fmt}")
    (d,) = by_code(report, "KER606")
    assert d["epochs"] == list(range(1, 13))
    assert d["evidence"]["kind"] == "chance" and d["evidence"]["classes"] == 5
    assert d["evidence"]["loss_low"] == pytest.approx(1.7642, abs=1e-4)
    assert [r["code"] for r in d["rules"]] == ["KER101", "KER107"]
    text = " ".join(d["message"].split())
    assert "chance for 5 classes (1/5 = 0.2000)" in text and "ln 5 = 1.6094" in text
    if fmt in (".csv", ".json"):
        # no summary in a CSVLogger file or a History dump: the count is read from the accuracy,
        # the message says so, and the loss-above-chance diagnosis (which needs a known count)
        # stays silent
        assert report["runs"][0]["classes"]["from"] == "accuracy"
        assert "guessed from the accuracy" in text and "--classes N" in text
        assert "8.4225 at epoch 1 is 5.2 x ln 5" in text
        assert not by_code(report, "KER613")
    else:
        assert report["runs"][0]["classes"]["from"] == "summary"
        (above,) = by_code(report, "KER613")
        assert above["evidence"]["first_value"] == pytest.approx(8.4225, abs=1e-4)
        assert above["evidence"]["factor"] == pytest.approx(5.233, abs=1e-3)
        assert above["epochs"] == list(range(1, 13))
    assert diagnose_file(REAL / f"chance5_fixed{fmt}")["diagnostics"] == []


@pytest.mark.parametrize("fmt", ["_v1.txt", "_v2.txt"])
def test_loss_stuck_far_above_chance_with_categorical_crossentropy(diagnose_file, fmt):
    # the run: categorical_crossentropy on the linear head, loss 5.4-6.0 (3.5 x ln 5) for
    # 12 epochs, accuracy 0.11-0.15, below chance
    report = diagnose_file(REAL / f"logits5_buggy{fmt}")
    assert [d["code"] for d in report["diagnostics"]] == ["KER606", "KER613"]
    chance, above = report["diagnostics"]
    assert chance["evidence"]["kind"] == "below"
    assert above["evidence"]["first_value"] == pytest.approx(5.9538, abs=1e-4)
    assert above["evidence"]["factor"] == pytest.approx(3.699, abs=1e-3)
    assert above["evidence"]["classes_from"] == "summary"
    text = " ".join(above["message"].split())
    assert text.startswith("loss 5.9538 at epoch 1 is 3.7 x ln 5 = 1.6094, the loss of a uniform "
                           "guess over 5 classes, and stays above it to epoch 12")
    assert "accuracy 0.1104-0.1479, chance is 0.2000" in text
    assert [r["code"] for r in above["rules"]] == ["KER101", "KER107"]
    assert diagnose_file(REAL / f"logits5_fixed{fmt}")["diagnostics"] == []


@pytest.mark.parametrize("fmt", [".csv", ".json"])
def test_a_class_count_the_file_does_not_hold_is_given_with_classes(diagnose_file, fmt):
    # accuracy 0.11-0.15 sits on no 1/C and a CSVLogger file has no model summary: nothing tells
    # the class count, and nothing is said until --classes gives it
    assert diagnose_file(REAL / f"logits5_buggy{fmt}")["diagnostics"] == []
    report = diagnose_file(REAL / f"logits5_buggy{fmt}", "--classes", "5")
    assert [d["code"] for d in report["diagnostics"]] == ["KER606", "KER613"]
    assert report["runs"][0]["classes"] == {"count": 5, "from": "option", "text": "--classes 5"}
    assert diagnose_file(REAL / f"logits5_fixed{fmt}", "--classes", "5")["diagnostics"] == []


CLASSES = {"ker101": 3, "ker304": 2, "ker103": 2, "overfit": 2, "chance5": 5, "logits5": 5}
# CSVLogger and History keep no trace of EarlyStopping (see above)
NO_EARLY_STOPPING_RECORD = {"overfit_fixed.csv", "overfit_fixed.json"}
# no class count in the file and an accuracy on no 1/C: diagnosed with --classes only
NEEDS_CLASSES = {"logits5_buggy.csv", "logits5_buggy.json"}
ALL_REAL = sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".csv", ".json"))


def test_every_scenario_has_its_four_formats():
    names = {p.name for p in ALL_REAL}
    assert len(ALL_REAL) == 4 * 2 * len(CLASSES)
    assert all(f"{s}_{v}{f}" in names for s in CLASSES for v in ("buggy", "fixed") for f in FORMATS)


@pytest.mark.parametrize("path", ALL_REAL, ids=lambda p: p.name)
def test_every_buggy_run_is_diagnosed_and_no_fixed_run_is(diagnose_file, path):
    scenario, variant = path.stem.split("_")[:2]
    for extra in ([], ["--classes", str(CLASSES[scenario])]):
        codes = [d["code"] for d in diagnose_file(path, *extra)["diagnostics"]]
        if variant == "fixed":
            assert codes == (["KER604"] if path.name in NO_EARLY_STOPPING_RECORD else []), extra
        elif extra or path.name not in NEEDS_CLASSES:
            assert codes, extra
