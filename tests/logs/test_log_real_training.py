"""Real Keras training in the suite: the buggy model's signature is diagnosed, the fixed one's not.

The models are those of the committed logs in data/real/ (tests/logs/keras_training.py): each
scenario's buggy and fixed versions are trained on tiny data, TensorFlow on the CPU, seeds fixed,
in one subprocess per verbosity. verbose=1 runs under a pseudo-terminal, so the capture holds the
progress bar's real \\r/\\b redraws and colours; verbose=2 runs through a pipe with stderr merged.
`kerlint log` then reads the captured bytes. Some runs stop once their signature is complete
(`_5`: 5 epochs) to keep the whole module near 40 s of CPU.
"""

import pytest

from ..conftest import run_kerlint
from .conftest import by_code
from .keras_training import train

pytestmark = pytest.mark.proof

# (scenario, variant[, epochs])
ON_TERMINAL = ["ker101_buggy", "ker101_fixed", "ker304_buggy_5", "ker304_fixed_5",
               "ker103_buggy_4", "ker103_fixed_4", "overfit_buggy_8", "overfit_fixed_8",
               "chance5_buggy_6", "chance5_fixed_6"]
THROUGH_PIPE = ["ker101_buggy", "ker101_fixed", "overfit_buggy_8", "overfit_fixed_8"]
RUNS = [(name, 1) for name in ON_TERMINAL] + [(name, 2) for name in THROUGH_PIPE]

# the diagnosis each buggy model must get, and the source rule it must name
SIGNATURE = {
    "ker101": ("KER605", "KER101"),  # accuracy falls while the loss falls: the loss is mismeasured
    "ker304": ("KER601", "KER304"),  # the loss explodes
    "ker103": ("KER607", "KER103"),  # accuracy pinned at the majority class
    "overfit": ("KER604", "KER306"),  # val_loss turns up at epoch 2
    "chance5": ("KER606", "KER101"),  # accuracy at 1/5 while the loss stays above ln 5
}


def _train(runs, verbose):
    pytest.importorskip("keras", reason="trains real Keras models: needs tensorflow-cpu "
                                        "(pip install -e '.[test]')")
    return train(runs, verbose, timeout=600)


@pytest.fixture(scope="module")
def on_terminal():
    return _train(ON_TERMINAL, 1)


@pytest.fixture(scope="module")
def through_pipe():
    return _train(THROUGH_PIPE, 2)


def test_verbose_1_is_captured_as_a_terminal_shows_it(on_terminal):
    data = on_terminal["ker101_buggy"]
    assert data.count(b"Epoch ") == 10
    # the bar is redrawn in place: carriage returns, backspaces and ANSI bold/colour codes
    assert b"\r\x1b[1m" in data and b"\x08" in data and b"\x1b[0m" in data
    assert b"val_loss" in data


def test_verbose_2_is_one_line_per_epoch(through_pipe):
    lines = through_pipe["ker101_buggy"].decode().splitlines()
    epochs = [line for line in lines if " - loss: " in line]
    assert len(epochs) == 10 and all(line.startswith("34/34 - ") for line in epochs)
    assert "\r" not in through_pipe["ker101_buggy"].decode()


@pytest.mark.parametrize("name, verbose", RUNS, ids=[f"{n}-v{v}" for n, v in RUNS])
def test_real_run(diagnose_file, tmp_path, on_terminal, through_pipe, name, verbose):
    data = (on_terminal if verbose == 1 else through_pipe)[name]
    scenario, variant = name.split("_")[:2]
    path = tmp_path / f"{name}.log"
    path.write_bytes(data)
    report = diagnose_file(path)
    (run,) = report["runs"]
    assert run["epochs"][-1]["metrics"]["val_loss"] > 0
    if variant == "fixed":
        assert report["diagnostics"] == [], report["diagnostics"]
        return
    code, rule = SIGNATURE[scenario]
    found = by_code(report, code)
    assert found, [d["code"] for d in report["diagnostics"]]
    assert rule in [r["code"] for d in found for r in d["rules"]]
    if scenario == "overfit":
        assert [d["evidence"]["best_epoch"] for d in found] == [2]
    if scenario == "chance5":  # the class count is read from the model.summary() it printed
        assert run["classes"] == {"count": 5, "from": "summary", "text": (
            "the output shape (None, 5) in the model summary printed in the log")}
        assert by_code(report, "KER613")
    if scenario == "ker304":
        assert by_code(report, "KER602") and not by_code(report, "KER604")
        if verbose == 1:  # the progress bar shows the loss exploding inside epoch 1
            assert 1 in [e for d in found for e in d["epochs"]]


def test_early_stopping_restore_is_read_from_the_real_console(run_log, tmp_path, on_terminal):
    path = tmp_path / "overfit_fixed.log"
    path.write_bytes(on_terminal["overfit_fixed_8"])
    r = run_log(path)
    assert r.exit_code == 0
    assert "EarlyStopping restored the weights of epoch 2" in r.stdout


def test_training_piped_into_kerlint_log(through_pipe):
    # python train.py 2>&1 | kerlint log -
    proc = run_kerlint("log", "-", input=through_pipe["overfit_buggy_8"])
    assert proc.returncode == 1, proc.stderr
    assert b"KER604 overfitting-onset (run 1, epochs 2-8)" in proc.stdout
