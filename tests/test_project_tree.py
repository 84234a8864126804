"""The fixture project in tests/project_tree/, linted as a user lints it: from its root, with its
own configuration (its pyproject.toml has an empty ``[tool.kerlint]``, so that folder is the project
root and the default rules apply).

The tree is a model split over modules: a package with relative imports (``shop/``), a ``src/``
layout with a namespace package whose two modules import each other (``src/vision/``), scripts
importing it absolutely (``scripts/``), notebooks importing a builder next to them and the
package (``notebooks/``), a model class subclassed in another module, losses in ``losses.py``,
and a good twin of every bad file. Expected diagnostics are marked as in tests/fixtures
(``# error: KER101``; in a notebook, on the cell's line), with the other place each cross-module
diagnostic names in RELATED.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run_kerlint
from .markers import MARKER
from .test_project import kerlint

TREE = Path(__file__).resolve().parent / "project_tree"
SOURCES = sorted(p for p in TREE.rglob("*") if p.suffix in (".py", ".ipynb") and "__pycache__" not in p.parts)

# The other place each cross-module diagnostic names: (file, cell, row, code) -> [(file, row, column)].
RELATED = {
    ("shop/train_bad.py", None, 19, "KER101"): [("shop/models/heads.py", 15, 15)],  # the logits head
    ("shop/train_bad.py", None, 29, "KER101"): [("shop/models/base.py", 12, 23)],  # the base class's head
    ("scripts/train_cnn_bad.py", None, 14, "KER201"): [("src/vision/nets.py", 27, 15)],  # Dense on the map
    ("notebooks/explore_bad.ipynb", 4, 2, "KER101"): [("notebooks/baselines.py", 11, 9)],
    # Reported at a loss written here, about an output layer built in another module.
    ("shop/train_bad.py", None, 24, "KER102"): [("shop/models/heads.py", 22, 15)],  # the churn sigmoid
    ("notebooks/explore_bad.ipynb", 6, 2, "KER105"): [("shop/models/heads.py", 22, 15)],
    ("scripts/retrain_bad.py", None, 15, "KER102"): [("src/vision/nets.py", 18, 15)],  # through a namespace package
    # Reported at the call whose arguments complete it, about a layer of the module it calls.
    ("scripts/train_cnn_bad.py", None, 20, "KER206"): [("src/vision/blocks.py", 14, 12)],  # 8x8 runs out
}


def _lines(path: Path):
    """(cell, row, text) of each source line; in a notebook, cells count from 1 (markdown included)
    and rows within the cell, as kerlint's JSON reports them."""
    if path.suffix == ".py":
        for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield None, row, line
        return
    for cell, data in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"], 1):
        if data["cell_type"] == "code":
            for row, line in enumerate("".join(data["source"]).splitlines(), 1):
                yield cell, row, line


def _marked(path: Path, pattern=MARKER) -> set[tuple]:
    """(file, cell, row, code) for each marker of ``path``."""
    name = path.relative_to(TREE).as_posix()
    return {(name, cell, row, code.strip()) for cell, row, line in _lines(path)
            for m in [pattern.search(line)] if m for code in m.group(1).split(",") if code.strip()}


def _markers(pattern=MARKER, paths=SOURCES) -> set[tuple]:
    return set().union(*(_marked(p, pattern) for p in paths))


def _check(*paths, output_format="json"):
    return kerlint("check", "--no-cache", "--output-format", output_format, *paths)


def _found(out: str) -> dict:
    """{(file, cell, row, code): diagnostic} from kerlint's JSON, files relative to the tree."""
    found = {}
    for d in json.loads(out):
        key = (Path(d["filename"]).relative_to(TREE).as_posix(), d["cell"], d["location"]["row"], d["code"])
        assert key not in found, key
        found[key] = d
    return found


def _related(diag) -> list:
    return [(Path(r["filename"]).relative_to(TREE).as_posix(), r["location"]["row"], r["location"]["column"])
            for r in diag.get("related", [])]


@pytest.fixture
def tree(monkeypatch):
    monkeypatch.chdir(TREE)
    return TREE


@pytest.fixture(scope="module")
def whole_tree():
    """(exit code, diagnostics) of ``kerlint check .`` run from the tree's root."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(TREE)
        code, out = _check(".")
    return code, _found(out)


def test_the_whole_tree_reports_exactly_its_markers(whole_tree):
    code, found = whole_tree
    assert code == 1
    assert set(found) == _markers()
    assert not [key for key in found if key[3] == "KER000"]  # the import cycle ends, nothing crashes


def test_cross_module_diagnostics_name_the_other_place(whole_tree):
    _, found = whole_tree
    for key, diag in found.items():
        assert _related(diag) == RELATED.get(key, []), key
    for key, places in RELATED.items():
        [(name, row, column)] = places
        assert found[key]["message"].endswith(f"({name}:{row}:{column})"), key


def test_a_fault_wholly_inside_an_imported_module_is_reported_there_only(whole_tree):
    # shop/optim.py's Adam(lr=...) runs when train_bad.py compiles with it: reported in optim.py.
    _, found = whole_tree
    assert [key for key in found if key[3] == "KER401"] == [("shop/optim.py", None, 7, "KER401")]


@pytest.mark.parametrize("name", ["shop/train_bad.py", "scripts/train_cnn_bad.py", "scripts/retrain_bad.py",
                                  "notebooks/explore_bad.ipynb"])
def test_linting_one_training_file_reports_that_file_only(tree, name):
    # As pre-commit runs it: the imports are read to understand the file, never reported on.
    code, out = _check(name)
    found = _found(out)
    assert code == 1
    assert set(found) == _marked(TREE / name)
    for key, diag in found.items():
        assert _related(diag) == RELATED.get(key, []), key


def test_the_good_twins_are_clean(tree):
    goods = sorted(p.relative_to(TREE).as_posix() for p in SOURCES if "_good" in p.stem)
    assert len(goods) == 4
    assert _check(*goods, output_format="concise") == (0, "All checks passed!\n")


def test_sarif_lists_the_module_of_the_head_as_a_related_location(tree):
    _, out = _check("scripts/train_cnn_bad.py", output_format="sarif")
    result, collapse = json.loads(out)["runs"][0]["results"]
    assert result["ruleId"] == "KER201" and collapse["ruleId"] == "KER206"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 14
    assert result["relatedLocations"] == [{"id": 0, "physicalLocation": {
        "artifactLocation": {"uri": "src/vision/nets.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 27, "startColumn": 15, "endLine": 27, "endColumn": 15}}}]
    assert collapse["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/vision/blocks.py"


def test_modules_that_import_each_other_are_linted_in_a_bounded_time():
    # src/vision/blocks.py and nets.py import each other; a real process, so a hang times out.
    done = run_kerlint("check", "--no-cache", "--output-format", "json", "src/vision/blocks.py",
                       "src/vision/nets.py", "scripts/train_cnn_bad.py", cwd=TREE)
    assert done.returncode == 1, done.stderr
    assert [(Path(d["filename"]).name, d["code"]) for d in json.loads(done.stdout)] == [
        ("train_cnn_bad.py", "KER201"), ("train_cnn_bad.py", "KER206")]
