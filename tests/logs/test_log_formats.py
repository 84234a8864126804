"""Every shape of training log the issue lists is read into the same per-epoch numbers."""

import gzip
import json

import pytest

from kerlint.logs import read_log

from .conftest import DATA, REAL, SEEDS, by_code

SCENARIOS = ["ker101_buggy", "ker101_fixed", "ker304_buggy", "ker304_fixed", "ker103_buggy",
             "ker103_fixed", "overfit_buggy", "overfit_fixed", "chance5_buggy", "chance5_fixed",
             "logits5_buggy", "logits5_fixed"]


def epochs_of(path):
    (run,) = read_log(str(path)).runs
    return run


@pytest.mark.parametrize("name", SCENARIOS)
def test_keras3_verbose1_verbose2_csv_and_history_agree(name):
    """verbose=1 under a terminal (\\r and \\b redraws, ANSI colours), verbose=2 with TensorFlow's
    log lines, CSVLogger and History.history of the same seeded run give the same epochs."""
    v1, v2 = epochs_of(REAL / f"{name}_v1.txt"), epochs_of(REAL / f"{name}_v2.txt")
    csv, hist = epochs_of(REAL / f"{name}.csv"), epochs_of(REAL / f"{name}.json")
    assert len(v1.epochs) == len(v2.epochs) == len(csv.epochs) == len(hist.epochs) >= 5
    for a, b, c, d in zip(v1.epochs, v2.epochs, csv.epochs, hist.epochs):
        assert a.number == b.number == c.number == d.number
        assert set(a.metrics) == set(b.metrics) == set(c.metrics) == set(d.metrics) == {
            "loss", "accuracy", "val_loss", "val_accuracy"}
        for key in a.metrics:
            # the console prints 4 decimals of what CSVLogger and History keep in full
            assert a.metrics[key] == b.metrics[key] == pytest.approx(c.metrics[key], abs=6e-5)
            assert c.metrics[key] == d.metrics[key]
    assert v1.declared_epochs == v2.declared_epochs
    assert not any(ep.partial for ep in v1.epochs)


def test_keras3_progress_bar_trace_is_kept():
    run = epochs_of(REAL / "ker304_buggy_v1.txt")
    first = run.epoch(1)
    assert first.total_steps == 30
    steps = [s for s, _, _ in first.trace.series()]
    assert steps[0] == 1 and steps[-1] == 30
    assert first.trace.first == (1, 0.8125)


def test_keras2_backspace_redraws_and_nan(diagnose_file):
    report = diagnose_file(DATA / "keras2_backspace_nan.txt")
    (run,) = report["runs"]
    assert run["train_samples"] == 1000 and run["val_samples"] == 200
    assert [e["epoch"] for e in run["epochs"]] == [1, 2, 3, 4, 5]
    assert run["epochs"][0]["metrics"] == {"loss": 0.6123, "acc": 0.6702, "val_loss": 0.5801,
                                           "val_acc": 0.705}
    # non-finite values are strings in JSON, which has no NaN
    assert run["epochs"][2]["metrics"]["loss"] == "nan"
    (nan,) = by_code(report, "KER608")
    assert nan["epochs"] == [3, 4, 5]
    assert nan["evidence"]["first_epoch"] == 3 and nan["evidence"]["first_batch"] == 320
    assert "first at 320/1000 of epoch 3 (last finite value 0.4550 at epoch 2)" in nan["message"]
    assert [x["code"] for x in report["diagnostics"]] == ["KER608"]


def test_keras22_verbose2_old_names_and_callback_lines(run_log):
    r = run_log(DATA / "keras22_verbose2_healthy.txt", "--output-format", "json")
    assert r.exit_code == 0, r.stdout
    (run,) = r.json()["runs"]
    assert run["train_samples"] == 8000 and run["val_samples"] == 2000
    assert [e["epoch"] for e in run["epochs"]] == [1, 2, 3, 4, 5, 6]
    assert run["epochs"][5]["metrics"] == {"loss": 0.251, "acc": 0.8975, "val_loss": 0.3012,
                                           "val_acc": 0.873}
    assert r.json()["diagnostics"] == []


def test_tf2_verbose2_two_fit_calls_with_tensorflow_noise(diagnose_file):
    report = diagnose_file(DATA / "tf2_verbose2_two_runs.txt")
    assert [len(r["epochs"]) for r in report["runs"]] == [5, 5]
    (chance,) = report["diagnostics"]
    assert chance["code"] == "KER606" and chance["run"] == 1
    assert chance["evidence"]["classes"] == 2
    assert "ln 2 = 0.6931" in chance["message"]


def test_csvlogger_appended_by_two_runs(diagnose_file):
    report = diagnose_file(DATA / "csvlogger_two_runs.csv")
    assert report["format"] == "csv"
    assert [[e["epoch"] for e in r["epochs"]] for r in report["runs"]] == [
        [1, 2, 3, 4, 5, 6], [1, 2, 3]]
    assert report["runs"][1]["epochs"][0]["metrics"]["lr"] == 0.0005
    (d,) = report["diagnostics"]
    assert (d["code"], d["run"], d["evidence"]["best_epoch"]) == ("KER604", 1, 3)


def test_history_printed_as_python_dict_with_nan(diagnose_file):
    report = diagnose_file(DATA / "history_repr.txt")
    assert report["format"] == "json"
    codes = [d["code"] for d in report["diagnostics"]]
    assert "KER601" in codes and "KER608" in codes
    assert by_code(report, "KER608")[0]["epochs"] == [4, 5]


def test_history_json_variants(tmp_path, diagnose_file):
    p = tmp_path / "h.json"
    p.write_text(json.dumps({"history": {"loss": [0.9, 0.5, 0.3], "val_loss": [0.8, 0.7, 0.9]},
                             "epoch": [0, 1, 2]}))
    report = diagnose_file(p)
    assert [e["epoch"] for e in report["runs"][0]["epochs"]] == [1, 2, 3]
    p.write_text(json.dumps([{"loss": [0.5, 0.4]}, {"loss": [0.6, 0.5], "val_loss": [0.7, 0.6]}]))
    report = diagnose_file(p)
    assert len(report["runs"]) == 2


def test_gzip_and_stdin(tmp_path, run_log):
    data = (SEEDS / "seed_001.txt").read_bytes()
    gz = tmp_path / "seed_001.txt.gz"
    gz.write_bytes(gzip.compress(data))
    a = run_log(gz, "--output-format", "json")
    b = run_log("-", "--output-format", "json", input=data)
    assert a.exit_code == b.exit_code == 1
    assert a.codes() == b.codes() == ["KER604"]
    assert b.json()["source"] == "<stdin>"


def test_crlf_and_headerless_lines(tmp_path, diagnose_file):
    text = "".join(f"loss: {0.9 - 0.1 * i:.4f} - accuracy: {0.6 + 0.05 * i:.4f} - "
                   f"val_loss: {0.95 - 0.1 * i:.4f} - val_accuracy: {0.55 + 0.05 * i:.4f}\r\n"
                   for i in range(4))
    p = tmp_path / "pasted.txt"
    p.write_bytes(("Some prose before: loss is high.\r\n" + text).encode())
    report = diagnose_file(p)
    (run,) = report["runs"]
    assert [e["epoch"] for e in run["epochs"]] == [1, 2, 3, 4]
    assert run["epochs"][3]["metrics"]["val_loss"] == 0.65


def test_evaluate_and_predict_output_after_fit_is_not_an_epoch(tmp_path):
    log = (
        "Epoch 1/2\n"
        "\x1b[1m6/6\x1b[0m \x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m\x1b[37m\x1b[0m \x1b[1m1s\x1b[0m "
        "33ms/step - accuracy: 0.5417 - loss: 0.7330 - val_accuracy: 0.5625 - val_loss: 0.7623\n"
        "Epoch 2/2\n"
        "6/6 ━━━━━━━━━━━━━━━━━━━━ 0s 14ms/step - accuracy: 0.5521 - loss: 0.7229 - "
        "val_accuracy: 0.5625 - val_loss: 0.7490\n"
        "8/8 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - accuracy: 0.5586 - loss: 0.7251\n"
        "1/1 ━━━━━━━━━━━━━━━━━━━━ 0s 50ms/step\n"
    )
    p = tmp_path / "k3.txt"
    p.write_text(log, encoding="utf-8")
    (run,) = read_log(str(p)).runs
    assert [e.number for e in run.epochs] == [1, 2]
    assert run.epoch(2).metrics["loss"] == 0.7229


def test_unknown_metric_names_are_kept(run_log):
    r = run_log(DATA / "custom_metrics.txt", "--output-format", "json")
    assert r.exit_code == 0
    metrics = r.json()["runs"][0]["epochs"][2]["metrics"]
    assert metrics["box_out_mean_iou"] == 0.6 and metrics["val_class_out_auc_1"] == 0.83
    assert metrics["lr"] == 0.001
    text = run_log(DATA / "custom_metrics.txt").stdout
    assert "more metrics: see --output-format json" in text


def test_early_stopping_restore_is_read():
    run = epochs_of(REAL / "overfit_fixed_v1.txt")
    assert run.restored_best_epoch == 2
    assert run.early_stopped_epoch == 5
    assert run.declared_epochs == 25


def test_zero_loss_points_at_categorical_loss_on_one_unit(diagnose_file):
    report = diagnose_file(DATA / "keras2_zero_loss.txt")
    (d,) = report["diagnostics"]
    assert d["code"] == "KER611" and d["epochs"] == [1, 2, 3, 4]
    assert d["rules"] == [{"code": "KER105", "name": "categorical-loss-single-unit"}]


def test_perfect_accuracy_at_the_floor_is_leakage_not_saturation(diagnose_file):
    report = diagnose_file(DATA / "leaked_labels.txt")
    assert {d["code"] for d in report["diagnostics"]} == {"KER609"}
    val = [d for d in report["diagnostics"] if d["evidence"]["metric"] == "val_loss"][0]
    assert val["epochs"] == [2, 3, 4]
    assert "leaking into the inputs" in val["explanation"]


KERAS3_FUNCTIONAL_SUMMARY = """\
Model: "functional_1"
\u250f\u2501\u2501\u2501\u2501\u2533\u2501\u2501\u2501\u2501\u2513
\u2503 Layer (type)        \u2503 Output Shape      \u2503    Param # \u2503 Connected to      \u2503
\u2521\u2501\u2501\u2501\u2501\u2547\u2501\u2501\u2501\u2501\u2529
\u2502 input_layer_1       \u2502 (None, 20)        \u2502          0 \u2502 -                 \u2502
\u2502 (InputLayer)        \u2502                   \u2502            \u2502                   \u2502
\u251c\u2500\u2500\u2500\u2500\u253c\u2500\u2500\u2500\u2500\u2524
\u2502 dense_2 (Dense)     \u2502 (None, 8)         \u2502        168 \u2502 input_layer_1[0]\u2026 \u2502
\u251c\u2500\u2500\u2500\u2500\u253c\u2500\u2500\u2500\u2500\u2524
\u2502 out (Dense)         \u2502 (None, 4)         \u2502         36 \u2502 dense_2[0][0]     \u2502
\u2514\u2500\u2500\u2500\u2500\u2534\u2500\u2500\u2500\u2500\u2518
 Total params: 204 (816.00 B)
 Trainable params: 204 (816.00 B)
 Non-trainable params: 0 (0.00 B)
"""


def test_the_last_model_summary_before_a_run_gives_its_output_units(tmp_path):
    run_text = "Epoch 1/2\n30/30 - 0s - loss: 1.3 - accuracy: 0.3\nEpoch 2/2\n30/30 - 0s - loss: 1.2 - accuracy: 0.4\n"
    p = tmp_path / "train.log"
    # a summary cut short (no Total params) tells nothing, and does not swallow the run after it
    p.write_text("Layer (type)   Output Shape\ndense (Dense)  (None, 9)\n" + run_text
                 + KERAS3_FUNCTIONAL_SUMMARY + run_text)
    first, second = read_log(str(p)).runs
    assert first.summary_units is None and len(first.epochs) == 2
    assert second.summary_units == 4 and len(second.epochs) == 2
