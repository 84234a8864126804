"""The pre-scan skips the parse of files that cannot hold anything kerlint reports. It must
never hide a diagnostic: every fixture and notebook gives the same reports with and without it."""

from __future__ import annotations

import pytest

from kerlint import lint as lint_module
from kerlint import runner
from kerlint import source as source_module
from kerlint.catalog import get_catalog
from kerlint.lint import prescan
from kerlint.rules import all_rules

from .conftest import FIXTURES, ROOT

NOTEBOOKS = sorted((ROOT / "tests" / "data" / "notebooks").glob("*.ipynb"))
FILES = sorted(FIXTURES.rglob("*.py")) + NOTEBOOKS
ALL = sorted(all_rules()) + ["KER900"]


def _reports(path, monkeypatch, scan: bool):
    with monkeypatch.context() as m:
        if not scan:
            m.setattr(lint_module, "prescan", lambda data: True)
            m.setattr(source_module, "prescan", lambda data: True)
        (result,) = runner.lint_files([(path, ALL)], jobs=1)
    return [(r.code, r.row, r.column, r.end_row, r.end_column, r.message, r.cell) for r in result.reports]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_reports_with_and_without_the_prescan(path, monkeypatch):
    assert _reports(path, monkeypatch, scan=True) == _reports(path, monkeypatch, scan=False)


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_same_reports_with_and_without_the_prescan_once_imports_are_removed(path, monkeypatch, tmp_path):
    # Pasted snippets have no imports: kerlint takes unbound public Keras names as Keras's.
    text = path.read_text(encoding="utf-8")
    stripped = "\n".join("" if line.lstrip().startswith(("import ", "from ")) else line for line in text.split("\n"))
    target = tmp_path / path.name
    target.write_text(stripped, encoding="utf-8")
    assert _reports(target, monkeypatch, scan=True) == _reports(target, monkeypatch, scan=False)


@pytest.mark.parametrize("source, code", [
    # Found by neither `keras` nor a model-building name: an optimizer alone, a noqa alone.
    ("opt = Nadam(learning_rate=10.0)\n", "KER304"),
    ("x = 1  # noqa: KER101\n", "KER900"),
])
def test_snippets_without_keras_words_are_still_linted(source, code, tmp_path, monkeypatch):
    target = tmp_path / "snippet.py"
    target.write_text(source)
    found = _reports(target, monkeypatch, scan=True)
    assert [r[0] for r in found] == [code]
    assert found == _reports(target, monkeypatch, scan=False)


def test_every_public_keras_name_used_unbound_passes():
    for name in get_catalog().public_class_names():
        assert prescan(f"model = {name}(3)\n"), name


@pytest.mark.parametrize("text", [
    "import tensorflow as tf\n",
    "from keras import layers\n",
    "x = tf.zeros(3)\n",
    "model.compile(loss='mse')\n",
    "model.fit (x, y)\n",
    "m.predict_classes(x)\n",
    "y = 1  # noqa: KER101\n",
    "y = 1  # noqa:ker203\n",
])
def test_texts_that_may_hold_a_report_pass(text):
    assert prescan(text)
    assert prescan(text.encode())


@pytest.mark.parametrize("text", [
    "import os\nprint(os.getcwd())\n",
    "import numpy as np\nx = np.zeros((3, 4))\n",
    "def marker1(): return 'tfx'\n",
    "class Thing:\n    pass\n",
])
def test_files_with_no_keras_are_cleared(text):
    assert not prescan(text)


def test_a_cleared_file_is_not_parsed(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(source_module, "lint_source", lambda *a, **k: calls.append(a))
    plain = tmp_path / "plain.py"
    plain.write_text("import os\nprint(os.getcwd())\n")
    assert runner.lint_files([(plain, ALL)], jobs=1)[0].reports == []
    assert calls == []
