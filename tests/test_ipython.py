"""`%load_ext kerlint` in a real kernel: a notebook executed through nbclient and ipykernel shows
each cell's new findings before it runs, `%kerlint summary` prints the models, and strict mode
stops a cell that would train a model with KER1/KER2 findings."""

from __future__ import annotations

import types

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient", reason="the IPython extension tests need the test extra")
pytest.importorskip("ipykernel", reason="the IPython extension tests need the test extra")

CELLS = [
    "%load_ext kerlint",
    "import numpy as np\nimport keras\nfrom keras import layers",
    "model = keras.Sequential([\n    keras.Input(shape=(20,)),\n    layers.Dense(64, activation='relu'),\n"
    "    layers.Dense(5),\n])",
    "model.compile(loss='categorical_crossentropy', optimizer='adam')",
    "%kerlint summary",
    "%kerlint strict",
    "model.fit(np.zeros((4, 20)), np.zeros((4, 5)), epochs=1, verbose=0)\nprint('trained')",
    "%kerlint on",
    "model.fit(np.zeros((4, 20)), np.zeros((4, 5)), epochs=1, verbose=0)\nprint('trained')",
]


def _texts(cell) -> list[str]:
    out = []
    for o in cell.outputs:
        if o.output_type == "stream":
            out.append(o.text)
        elif o.output_type in ("display_data", "execute_result"):
            out.append(o.data.get("text/plain", ""))
        elif o.output_type == "error":
            out.append(f"{o.ename}: {o.evalue}")
    return out


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder = tmp_path_factory.mktemp("nb")
    (folder / "pyproject.toml").write_text("[tool.kerlint]\n")
    nbclient.NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(folder)}}).execute()
    return nb.cells


def test_a_cell_shows_the_findings_it_brings_before_it_runs(executed):
    assert [t for t in _texts(executed[2]) if "kerlint" in t] == []  # a model alone: nothing wrong yet
    [shown] = [o for o in executed[3].outputs if o.output_type == "display_data"]
    text = shown.data["text/plain"]
    assert text.startswith("kerlint: In [3], line 4:5: KER101 Dense output is linear")
    assert "<td>In [3], line 4:5</td>" in shown.data["text/html"] and ">KER101</a>" in shown.data["text/html"]
    # Shown once: the next cells do not repeat it.
    assert not any("KER101" in t for cell in executed[4:6] for t in _texts(cell))


def test_summary_prints_the_models_of_the_cells_run(executed):
    [text] = _texts(executed[4])
    assert "model (sequential, known)" in text
    assert "dense_1 (Dense)  (None, 5)         325" in text


def test_strict_mode_stops_a_cell_that_would_train_and_on_lets_it_run(executed):
    assert _texts(executed[5]) == ["kerlint: strict\n"]
    stopped = _texts(executed[6])
    assert stopped == ["StrictStop: this cell trains a model with KER101 findings; fix them, or run `%kerlint off` "
                       "(or `%kerlint on`) and run the cell again"]
    assert any("trained" in t for t in _texts(executed[8]))


def test_a_kerlint_failure_never_reaches_the_users_code(monkeypatch):
    from kerlint import ipython

    shell = types.SimpleNamespace()
    session = ipython.Session(shell)

    def broken(extra=None):
        raise RuntimeError("a kerlint bug")

    monkeypatch.setattr(session, "findings", broken)
    session.pre_run_cell(types.SimpleNamespace(raw_cell="model.fit(x, y)"))
    assert session.stop is None
    assert session.visit("the module") == "the module"
