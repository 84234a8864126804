"""`kerlint log run.log --source train.py`: the diagnoses point at the source lines behind them, the
class count comes from the trained model's output layer; and several logs in one run."""

from __future__ import annotations

import json
import textwrap

import pytest

from .conftest import REAL, SEEDS, by_code

TRAIN = textwrap.dedent("""\
    import numpy as np
    import keras
    from keras import layers

    x = np.load("x.npy")
    y = np.load("y.npy")

    model = keras.Sequential([
        keras.Input((20,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(5),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x, keras.utils.to_categorical(y, 5), epochs=12, validation_split=0.2)
    """)


@pytest.fixture
def train_py(tmp_path):
    path = tmp_path / "train.py"
    path.write_text(TRAIN)
    return path


def test_the_source_gives_the_classes_and_the_line(diagnose_file, train_py):
    # a CSVLogger file holds no class count: the source's Dense(5) does
    report = diagnose_file(REAL / "logits5_buggy.csv", "--source", train_py)
    assert report["checked_source"] == {"path": str(train_py), "error": None, "findings": 1,
                                        "models": 1}
    assert report["runs"][0]["classes"] == {
        "count": 5, "from": "source", "text": f"Dense(5) at {train_py}:11:5"}
    assert [d["code"] for d in report["diagnostics"]] == ["KER606", "KER613"]
    for d in report["diagnostics"]:
        (f,) = d["source_findings"]
        assert (f["code"], f["name"], f["filename"], f["cell"]) == (
            "KER101", "logits-without-from-logits", str(train_py), None)
        assert f["location"] == {"row": 11, "column": 5}
        assert "categorical_crossentropy" in f["message"]


def test_the_text_report_stays_short(run_log, train_py):
    r = run_log(REAL / "logits5_buggy_v2.txt", "--source", train_py)
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert lines[0].endswith(f"; {train_py} checked (1 finding)")
    flat = " ".join(r.stdout.split())
    assert f"at {train_py}:11:5 KER101 Dense output is linear" in flat
    assert f"at {train_py}:11:5 KER101 (above)" in flat
    assert "check: KER101" not in flat  # the finding replaces the list of rules to look for
    # a diagnosis whose rules the source does not break says so (KER306 is silent under 20
    # epochs, and this fit() asks for 12)
    r = run_log(REAL / "overfit_buggy_v2.txt", "--source", train_py)
    flat = " ".join(r.stdout.split())
    assert f"check: KER306 fit-without-early-stopping (none in {train_py})" in flat


def test_opt_in_causes_are_looked_for(diagnose_file, tmp_path):
    # KER306 (no EarlyStopping) is off by default in `check`; a log that overfits asks for it
    src = tmp_path / "long.py"
    src.write_text(TRAIN.replace("epochs=12", "epochs=100"))
    report = diagnose_file(REAL / "overfit_buggy.csv", "--source", src)
    (d,) = by_code(report, "KER604")
    assert [f["code"] for f in d["source_findings"]] == ["KER306"]
    assert d["source_findings"][0]["location"]["row"] == 14


def test_a_regression_source_silences_chance(diagnose_file, tmp_path):
    # the same numbers, but the source trains a regression: no class count, no chance level
    src = tmp_path / "regress.py"
    src.write_text(TRAIN.replace('loss="categorical_crossentropy"', 'loss="mse"'))
    report = diagnose_file(REAL / "chance5_buggy.csv", "--source", src)
    assert report["runs"][0]["classes"] is None
    assert not by_code(report, "KER606") and not by_code(report, "KER613")


def test_two_models_in_the_source_give_no_class_count(diagnose_file, tmp_path):
    src = tmp_path / "two.py"
    second = TRAIN.split("model = ", 1)[1].replace("Dense(5)", "Dense(3)")
    src.write_text(TRAIN + "\nother = " + second.replace("model.", "other."))
    report = diagnose_file(REAL / "logits5_buggy.csv", "--source", src)
    assert report["runs"][0]["classes"] is None  # which fit() wrote the log is not known
    # --classes gives it; the KER101 of both models are candidates
    report = diagnose_file(REAL / "logits5_buggy.csv", "--source", src, "--classes", "5")
    rows = [f["location"]["row"] for f in by_code(report, "KER613")[0]["source_findings"]]
    assert rows == [11, 19]


def test_a_missing_source_is_a_usage_error(run_log, tmp_path):
    r = run_log(REAL / "logits5_buggy.csv", "--source", tmp_path / "nope.py")
    assert r.exit_code == 2
    assert "--source" in r.stderr and "no such file" in r.stderr


def test_a_source_that_does_not_parse_gives_no_joins(diagnose_file, tmp_path):
    src = tmp_path / "broken.py"
    src.write_text("model = keras.Sequential([\n")
    report = diagnose_file(REAL / "logits5_buggy_v2.txt", "--source", src)
    assert report["checked_source"]["findings"] == 1  # KER000: it cannot be read
    assert all(d["source_findings"] == [] for d in report["diagnostics"])
    assert [d["code"] for d in report["diagnostics"]] == ["KER606", "KER613"]


# -- several inputs ----------------------------------------------------------------------------
def test_one_report_per_file_and_the_exit_status_over_all(run_log, tmp_path):
    clean, buggy = REAL / "ker101_fixed_v2.txt", REAL / "chance5_buggy.csv"
    r = run_log(clean, buggy)
    assert r.exit_code == 1
    assert r.stdout.count("Keras console log") == 1 and r.stdout.count("CSVLogger file") == 1
    assert r.stdout.index(str(clean)) < r.stdout.index(str(buggy))
    assert r.stdout.rstrip().endswith("2 files: 1 with problems (KER606), 1 clean.")
    assert run_log(clean, REAL / "ker304_fixed.json").exit_code == 0
    assert run_log(clean, buggy, "--exit-zero").exit_code == 0
    # an unreadable file is reported on stderr and makes the status 2; the others still are
    empty = tmp_path / "empty.log"
    empty.write_text("")
    r = run_log(buggy, empty, clean)
    assert r.exit_code == 2
    assert f"kerlint log: {empty}: empty input" in r.stderr
    assert "KER606" in r.stdout and r.stdout.rstrip().endswith(
        "3 files: 1 with problems (KER606), 1 clean, 1 unreadable.")


def test_several_inputs_in_json_are_a_list(run_log, tmp_path):
    empty = tmp_path / "empty.log"
    empty.write_text("")
    r = run_log(SEEDS / "seed_001.txt", empty, REAL / "ker101_fixed.json", "--output-format", "json")
    assert r.exit_code == 2
    first, failed, last = json.loads(r.stdout)
    assert first["format"] == "console" and [d["code"] for d in first["diagnostics"]] == ["KER604"]
    assert failed == {"source": str(empty), "error": f"{empty}: empty input"}
    assert last["format"] == "json" and last["diagnostics"] == []


def test_plot_takes_one_file(run_log, tmp_path):
    r = run_log(REAL / "ker101_fixed.json", REAL / "ker101_buggy.json", "--plot", tmp_path / "p.png")
    assert r.exit_code == 2 and "--plot draws one log" in r.stderr


def test_the_log_codes_are_explained_through_the_registry():
    from ..conftest import run_kerlint

    proc = run_kerlint("rule", "KER613")
    assert proc.returncode == 0
    assert proc.stdout.startswith("KER613 (loss-above-chance)\n\nThe loss starts several times "
                                  "above ln C")
    assert "Source rules that usually cause it: KER101, KER107." in proc.stdout
    assert "Reported by `kerlint log` on a training log" in proc.stdout
    doc = (REAL.parents[3] / "docs" / "log.md").read_text()
    assert "| KER613 | loss-above-chance |" in doc


def test_a_hinge_loss_has_no_chance_level_in_ln_c(diagnose_file, tmp_path):
    # accuracy at 1/2 with the loss above ln 2 is what a sound hinge-loss model shows at chance:
    # its loss is on another scale, so neither --classes nor the log makes ln C its yardstick
    src = tmp_path / "svm.py"
    src.write_text(TRAIN.replace("layers.Dense(5)", 'layers.Dense(1, activation="tanh")')
                   .replace('loss="categorical_crossentropy"', 'loss="hinge"'))
    hist = {"loss": [1.02, 1.01, 1.0, 1.0], "accuracy": [0.5, 0.51, 0.49, 0.5]}
    log = tmp_path / "h.json"
    log.write_text(json.dumps(hist))
    assert by_code(diagnose_file(log), "KER606")  # without the source: chance level for 2 classes
    for extra in ([], ["--classes", "2"]):
        report = diagnose_file(log, "--source", src, *extra)
        assert not by_code(report, "KER606") and not by_code(report, "KER613"), extra


def test_a_source_check_that_cannot_run_leaves_the_log_report(monkeypatch, run_log, train_py):
    from kerlint.logs import join

    def cannot_run(path, runner):
        raise OSError("no such interpreter")

    monkeypatch.setattr(join, "check_source", cannot_run)
    monkeypatch.setattr("kerlint.logs.cli.check_source", cannot_run)
    r = run_log(REAL / "logits5_buggy_v2.txt", "--source", train_py)
    assert r.exit_code == 1 and "KER613" in r.stdout
    assert r.stdout.splitlines()[0].endswith(f"; {train_py} not checked")
    assert f"kerlint log: {train_py}: source not checked: OSError: no such interpreter" in r.stderr


def test_log_called_on_its_own_has_no_check_to_run(train_py):
    # the command object alone, as a library would call it: no `kerlint` program around it
    from click.testing import CliRunner

    from kerlint.logs.cli import log

    r = CliRunner().invoke(log, [str(REAL / "logits5_buggy_v2.txt"), "--source", str(train_py)])
    assert r.exit_code == 1
    assert "source not checked: `kerlint check` is not at hand: run `kerlint log`" in r.stderr
