"""`kerlint log train.ipynb`: the fit() output a notebook saved, read from a notebook that a real
kernel executed (nbclient + ipykernel), joined to the notebook's own source.

The kernel must not import TensorFlow (the suite's time): a stub `keras` package in the
notebook's folder shadows the real one. Its fit() replays, through the kernel's stdout, the
console output that real Keras 3 printed for the same model (tests/logs/data/real/, captured
from a terminal: progress bars redrawn with \\r, \\b and ANSI colours), in pieces, so the
kernel sends it as several stream messages the way a live training run does. The notebook's
code is what a user writes; `kerlint check` reads it, the kernel runs the stub.
"""

from __future__ import annotations

import json
import textwrap

import pytest

from .conftest import REAL, by_code

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient", reason="the notebook tests need the test extra")
pytest.importorskip("ipykernel", reason="the notebook tests need the test extra")

STUB = '''
"""A stand-in for Keras in the test kernel: fit() replays a recorded Keras console log."""
import sys

REPLAYS = {replays!r}
SUMMARY = {summary!r}
_next = [0]


class History:
    def __init__(self, history):
        self.history = history

    def __repr__(self):
        return "<keras.src.callbacks.history.History at 0x7f3a2c1d5e10>"


class Input:
    def __init__(self, shape):
        self.shape = shape


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def compile(self, **kwargs):
        pass

    def summary(self):
        print(SUMMARY)

    def fit(self, x, y, **kwargs):
        path, history = REPLAYS[_next[0]]
        _next[0] += 1
        if kwargs.get("verbose", "auto") != 0:
            text = open(path, "rb").read().decode("utf-8")
            for i in range(0, len(text), 4000):
                sys.stdout.write(text[i:i + 4000])
                sys.stdout.flush()
        return History(history)
'''

LAYERS = '''
class Dense:
    def __init__(self, units, activation=None):
        self.units = units
'''

CELLS = [
    ("markdown", "# Five classes\n\nA small classifier on synthetic data."),
    ("code", "import numpy as np\nimport keras\nfrom keras import layers"),
    ("code", "rng = np.random.default_rng(0)\nx = rng.normal(size=(1200, 20)).astype('float32')\n"
             "y = np.argmax(x @ rng.normal(size=(20, 5)), axis=1)"),
    ("code", "model = keras.Sequential([\n    keras.Input((20,)),\n"
             "    layers.Dense(64, activation='relu'),\n    layers.Dense(5),\n])\n"
             "model.compile(loss='sparse_categorical_crossentropy', optimizer='adam',\n"
             "              metrics=['accuracy'])\nmodel.summary()"),
    ("code", "history = model.fit(x, y, epochs=12, batch_size=32, validation_split=0.2)\nhistory"),
    ("markdown", "With a softmax:"),
    ("code", "fixed = keras.Sequential([\n    keras.Input((20,)),\n"
             "    layers.Dense(64, activation='relu'),\n    layers.Dense(5, activation='softmax'),\n])\n"
             "fixed.compile(loss='sparse_categorical_crossentropy', optimizer='adam',\n"
             "              metrics=['accuracy'])\n"
             "fixed_history = fixed.fit(x, y, epochs=12, batch_size=32, validation_split=0.2,\n"
             "                          verbose=2)"),
    ("code", "again = fixed.fit(x, y, epochs=12, batch_size=32, validation_split=0.2, verbose=0)\n"
             "again.history"),
]


def _history(name):
    return json.loads((REAL / f"{name}.json").read_text())


def _execute(folder, coalesce):
    summary = (REAL / "chance5_buggy_v2.txt").read_text()
    summary = summary[summary.index('Model: "sequential"'): summary.index("Epoch 1/")]
    keras_dir = folder / "keras"
    keras_dir.mkdir()
    replays = [(str(REAL / "chance5_buggy_v1.txt"), _history("chance5_buggy")),
               (str(REAL / "chance5_fixed_v2.txt"), _history("chance5_fixed")),
               (str(REAL / "chance5_fixed_v2.txt"), _history("chance5_fixed"))]
    (keras_dir / "__init__.py").write_text(STUB.format(replays=replays, summary=summary))
    (keras_dir / "layers.py").write_text(textwrap.dedent(LAYERS))
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src)
        for kind, src in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", coalesce_streams=coalesce,
                            resources={"metadata": {"path": str(folder)}}).execute()
    path = folder / "train.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    """The notebook as a front end that keeps the raw stream saves it (several stream outputs,
    \\r and \\b inside), and as one that merges the streams and applies the \\r redraws."""
    raw = _execute(tmp_path_factory.mktemp("raw"), coalesce=False)
    merged = _execute(tmp_path_factory.mktemp("merged"), coalesce=True)
    return {"raw": raw, "merged": merged}


def test_the_kernel_saved_the_progress_bars_as_a_user_gets_them(notebooks):
    raw = json.loads(notebooks["raw"].read_text())
    fit_cell = raw["cells"][4]
    streams = [o for o in fit_cell["outputs"] if o["output_type"] == "stream"]
    assert len(streams) > 1  # the replay came in several messages
    text = "".join("".join(o["text"]) for o in streams)
    assert "\r" in text and "\x08" in text and "\x1b[1m" in text
    [result] = [o for o in fit_cell["outputs"] if o["output_type"] == "execute_result"]
    assert "History at 0x" in "".join(result["data"]["text/plain"])
    merged = json.loads(notebooks["merged"].read_text())
    assert len([o for o in merged["cells"][4]["outputs"] if o["output_type"] == "stream"]) == 1


@pytest.mark.parametrize("kind", ["raw", "merged"])
def test_each_cell_s_run_is_read_apart_and_named(diagnose_file, notebooks, kind):
    report = diagnose_file(notebooks[kind])
    assert report["format"] == "notebook"
    assert [(r["run"], r["cell"], len(r["epochs"])) for r in report["runs"]] == [
        (1, 5, 12), (2, 7, 12), (3, 8, 12)]
    expected = _history("chance5_buggy")
    first = report["runs"][0]["epochs"]
    assert [e["metrics"]["loss"] for e in first] == pytest.approx(expected["loss"], abs=6e-5)
    assert [e["metrics"]["val_accuracy"] for e in first] == pytest.approx(
        expected["val_accuracy"], abs=6e-5)
    # the History dict shown by the last cell is a run of its own
    assert report["runs"][2]["epochs"][0]["metrics"]["loss"] == _history("chance5_fixed")["loss"][0]


@pytest.mark.parametrize("kind", ["raw", "merged"])
def test_the_notebook_is_its_own_source(diagnose_file, notebooks, kind):
    report = diagnose_file(notebooks[kind])
    assert report["checked_source"]["path"] == str(notebooks[kind])
    assert report["checked_source"]["error"] is None
    # the class count comes from the fitted model's output layer, in cell 4
    run = report["runs"][0]
    assert run["classes"]["count"] == 5 and run["classes"]["from"] == "source"
    assert "Dense(5)" in run["classes"]["text"]
    assert {d["run"] for d in report["diagnostics"]} == {1}  # the softmax runs are clean
    (chance,) = by_code(report, "KER606")
    (above,) = by_code(report, "KER613")
    assert chance["epochs"] == above["epochs"] == list(range(1, 13))
    for d in (chance, above):
        (finding,) = d["source_findings"]
        assert finding["code"] == "KER101" and finding["cell"] == 4
        assert finding["location"] == {"row": 4, "column": 5}


def test_the_text_report_names_the_cells_and_points_at_the_line(run_log, notebooks):
    r = run_log(notebooks["raw"])
    assert r.exit_code == 1
    out = r.stdout
    assert out.splitlines()[0].endswith("notebook, 3 runs, 36 epochs; its code checked (1 finding)")
    assert "Run 1 (cell 5): epochs 1-12 of 12" in out
    assert "Run 2 (cell 7): epochs 1-12 of 12" in out
    assert "KER606 chance-level (run 1, cell 5, epochs 1-12)" in out
    flat = " ".join(out.split())  # the report wraps long lines
    assert f"at {notebooks['raw']}:cell 4:4:5 KER101 Dense output is linear" in flat
    # shown once per run: the second diagnosis refers to it
    assert flat.count(":cell 4:4:5 KER101") == 2 and ":cell 4:4:5 KER101 (above)" in flat


def test_the_summaries_in_the_outputs_give_the_classes_without_the_source(tmp_path, notebooks,
                                                                          diagnose_file):
    # the notebook's outputs without its code: the model.summary() tables in them are read, and
    # one printed in an earlier cell holds for the History shown by cell 8
    nb = json.loads(notebooks["merged"].read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["source"] = "pass"
    path = tmp_path / "outputs_only.ipynb"
    path.write_text(json.dumps(nb))
    report = diagnose_file(path)
    assert [(r["classes"]["from"], r["classes"]["count"]) for r in report["runs"]] == [
        ("summary", 5)] * 3
    assert [d["code"] for d in report["diagnostics"]] == ["KER606", "KER613"]
    assert all(d["source_findings"] == [] for d in report["diagnostics"])
