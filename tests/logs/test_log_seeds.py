"""The user stories in shared/seeds: each log gives the diagnoses its story needs.

tests/fixtures/logs/seed_000..003.txt are the seeds' text as posted (the logs pasted onto one
line, with the prose around them). Seed 004 tells its numbers in prose only;
seed_004_reconstructed.txt writes them as the Keras 2.2 log they came from (see
tests/logs/data/make_synthetic_logs.py). Beside each log, <name>.expected.json lists the epochs
of every run and every diagnosis (code, run, epochs) the log must get, no more and no fewer.
"""

import json

import pytest

from .conftest import SEEDS, by_code

SEED_LOGS = sorted(p for p in SEEDS.glob("seed_*.txt"))


def test_every_seed_has_a_log_and_its_expectations():
    assert [p.stem for p in SEED_LOGS] == [
        "seed_000", "seed_001", "seed_002", "seed_003", "seed_004_reconstructed"]
    assert all(p.with_suffix(".expected.json").is_file() for p in SEED_LOGS)


@pytest.mark.parametrize("path", SEED_LOGS, ids=lambda p: p.stem)
def test_seed_gives_exactly_its_expected_diagnoses(diagnose_file, path):
    expected = json.loads(path.with_suffix(".expected.json").read_text())
    report = diagnose_file(path)
    assert [[e["epoch"] for e in run["epochs"]] for run in report["runs"]] == expected["epochs"]
    found = [{"code": d["code"], "run": d["run"], "epochs": d["epochs"]}
             for d in report["diagnostics"]]
    assert found == expected["diagnostics"], expected["story"]


def test_seed_000_divergence_saturation_frozen(diagnose_file):
    report = diagnose_file(SEEDS / "seed_000.txt")
    assert [e["epoch"] for e in report["runs"][0]["epochs"]] == list(range(1, 11))
    assert report["runs"][0]["train_samples"] == 5487
    assert report["runs"][0]["val_samples"] == 610

    (div,) = by_code(report, "KER601")
    assert div["epochs"] == [2]
    assert div["evidence"]["from_value"] == 1.4769 and div["evidence"]["to_value"] == 7.5815
    assert "1.4769 (epoch 1) to 7.5815 (epoch 2)" in div["message"]
    assert {r["code"] for r in div["rules"]} >= {"KER304", "KER101"}

    (sat,) = by_code(report, "KER602")
    assert sat["evidence"]["metric"] == "val_loss"
    assert sat["epochs"] == list(range(3, 11))
    # 9.4066 = 0.5836 x -log(1e-7), exactly 356 of the 610 validation samples at the clip floor
    assert "9.4066 = 0.5836 x 16.118" in sat["message"]
    assert sat["evidence"]["samples_at_floor"] == 356
    assert "356 of the 610 validation samples" in sat["message"]
    assert {r["code"] for r in sat["rules"]} == {"KER101", "KER304"}

    (frozen,) = by_code(report, "KER603")
    assert frozen["epochs"] == list(range(3, 11))
    assert frozen["evidence"]["value"] == 9.4066
    assert frozen["evidence"]["accuracy_from_epoch"] == 4
    assert "val_accuracy 0.3066 from epoch 4 to 10" in frozen["message"]

    (falls,) = by_code(report, "KER605")
    assert falls["evidence"]["best_value"] == 0.5216 and falls["evidence"]["last_value"] == 0.3548
    assert not by_code(report, "KER604")  # val_loss rises with the training loss: not overfitting


def test_seed_000_text_report(run_log):
    r = run_log(SEEDS / "seed_000.txt")
    assert r.exit_code == 1
    out = r.stdout
    assert "Run 1: epochs 1-10 of 10, 5487 training samples, 610 validation samples" in out
    # the per-epoch table marks where each diagnosis starts
    assert any(line.split()[:2] == ["2", "7.5815"] and "KER601" in line
               for line in out.splitlines())
    assert "val_loss" in out and "\u2581" in out  # sparklines
    assert "KER602 saturated-probabilities (run 1, epochs 3-10)" in out
    assert "check: KER304 learning-rate-out-of-range, KER101 logits-without-from-logits" in out
    assert out.rstrip().endswith("Found 4 problems: KER601, KER602, KER603, KER605.")


def test_seed_001_overfitting_from_epoch_2(diagnose_file):
    report = diagnose_file(SEEDS / "seed_001.txt")
    assert [d["code"] for d in report["diagnostics"]] == ["KER604"]
    (d,) = report["diagnostics"]
    assert d["evidence"]["best_epoch"] == 2
    assert d["evidence"]["best_value"] == 0.8234
    assert d["evidence"]["accuracy_metric"] == "val_acc"
    assert d["evidence"]["accuracy_at_best"] == 0.6433
    assert d["evidence"]["last_value"] == 1.577
    assert 'EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)' in d["fix"]
    assert "keep the weights of epoch 2" in d["fix"]


def test_seed_002_two_runs_both_overfit_at_epoch_2(diagnose_file):
    report = diagnose_file(SEEDS / "seed_002.txt")
    assert len(report["runs"]) == 2
    assert [len(r["epochs"]) for r in report["runs"]] == [3, 3]
    diags = report["diagnostics"]
    assert [(d["code"], d["run"], d["evidence"]["best_epoch"]) for d in diags] == [
        ("KER604", 1, 2), ("KER604", 2, 2)]
    assert [d["evidence"]["accuracy_at_best"] for d in diags] == [0.9403, 0.943]
    assert "patience=1" in diags[0]["fix"]


def test_seed_003_collapse_inside_epoch_7(diagnose_file):
    report = diagnose_file(SEEDS / "seed_003.txt")
    (run,) = report["runs"]
    # the paste starts inside epoch 6 (before `Epoch 7/50`) and ends at `Epoch 8/50`
    assert [e["epoch"] for e in run["epochs"]] == [6, 7]
    assert run["truncated_at"] == 8
    assert run["epochs"][1]["metrics"] == {"loss": 6.473, "acc": 0.598}

    (div,) = by_code(report, "KER601")
    assert div["epochs"] == [7]
    ev = div["evidence"]
    assert (ev["batch_from"], ev["batch_from_value"]) == (32, 1.1921e-07)
    assert ev["batch_to_value"] == 6.473 and ev["steps"] == 3662
    assert "rose from 1.1921e-07 (at 32/3662) to 6.4730" in div["message"]

    (sat,) = by_code(report, "KER602")
    assert sat["epochs"] == [7]
    assert sat["evidence"]["batch_floor"] == [{"epoch": 7, "from": 32, "to": 64}]
    assert "-log(float32(1 - 1e-7))" in sat["message"]
    # 6.4730 is (1 - 0.5980) x 16.118: every mistake costs exactly -log(1e-7)
    assert "(1 - 0.5980) x 16.118 = 6.4795, logged 6.4730" in sat["message"]
    assert by_code(report, "KER612")[0]["rules"][0]["code"] == "KER301"


def test_seed_004_plateau_points_at_multilabel_accuracy(diagnose_file):
    report = diagnose_file(SEEDS / "seed_004_reconstructed.txt")
    (d,) = by_code(report, "KER610")
    assert d["evidence"]["first_value"] == 0.95
    assert d["evidence"]["loss_first"] == 0.22
    assert [r["code"] for r in d["rules"]] == ["KER305", "KER104"]
    assert "sparse labels inflate" in d["explanation"]
    assert {x["code"] for x in report["diagnostics"]} == {"KER610", "KER612"}


def test_seed_000_points_at_its_linear_head(diagnose_file):
    # examples/sentiment_model.py is seed 000's model: Dense(len(label_to_idx)) under
    # CategoricalCrossentropy(). Every diagnosis of its log that KER101 usually causes points at it.
    source = SEEDS.parents[2] / "examples" / "sentiment_model.py"
    report = diagnose_file(SEEDS / "seed_000.txt", "--source", source)
    assert report["checked_source"]["error"] is None
    assert [d["code"] for d in report["diagnostics"]] == ["KER601", "KER602", "KER603", "KER605"]
    for d in report["diagnostics"]:
        assert [(f["code"], f["location"]["row"], f["location"]["column"])
                for f in d["source_findings"]] == [("KER101", 9, 5)]
    # the output's units are len(label_to_idx): no class count from the source
    assert report["runs"][0]["classes"] is None
