"""Jupyter notebooks as input: cells as one program, IPython syntax, per-cell positions,
fixes written back into the cells and nowhere else, and notebooks kerlint cannot read."""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kerlint import notebook
from kerlint.diagnostics import Report, TextEdit, TextFix
from kerlint.fix import FixMode
from kerlint.rules import all_rules
from kerlint.source import from_bytes

from .conftest import ROOT, run_kerlint

DATA = ROOT / "tests" / "data" / "notebooks"
SEED000 = DATA / "seed000_sentiment.ipynb"  # Colab layout: indent 2, unsorted keys, no final newline
TUTORIAL = DATA / "classification.ipynb"  # Jupyter layout: indent 1, sorted keys, final newline
ALL = sorted(all_rules())

# A cell's `source` value, a string or a list of strings, however the JSON is laid out.
SOURCE_VALUE = re.compile(r'"source":\s*(\[(?:\s*"(?:[^"\\]|\\.)*"\s*,?)*\s*\]|"(?:[^"\\]|\\.)*")')


def lint(text: str, codes=ALL, name="nb.ipynb"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return from_bytes(data, name).lint(codes).reports


def positions(reports):
    return [(r.code, r.cell, r.cell_row, r.column) for r in reports]


def changed_sources(before: str, after: str) -> list[int]:
    """Which cells' ``source`` values differ; asserts every other byte is identical."""
    old = [m.group(1) for m in SOURCE_VALUE.finditer(before)]
    new = [m.group(1) for m in SOURCE_VALUE.finditer(after)]
    assert len(old) == len(new)
    assert SOURCE_VALUE.sub('"source": @', before) == SOURCE_VALUE.sub('"source": @', after)
    return [i for i, (a, b) in enumerate(zip(old, new), 1) if a != b]


def diagnostics(stdout: str) -> list[str]:
    """``path:cell N:row:col CODE`` for each diagnostic line of the text output."""
    return [f"{m.group(1)} {m.group(2)}" for m in re.finditer(r"^(\S.*?): (KER\d+)", stdout, re.M)]


def write_nb(path, cells, **metadata):
    nb = new_notebook(cells=cells, metadata=metadata or {"kernelspec": {"name": "python3", "language": "python",
                                                                        "display_name": "Python 3"}})
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
    nbformat.validate(nb)
    nbformat.write(nb, str(path))
    return path


# -- the seed 000 notebook: the "done when" --------------------------------------


def test_seed000_notebook_reports_cell_positions():
    proc = run_kerlint("check", "--select", "KER101,KER203", str(SEED000))
    assert proc.returncode == 1
    assert diagnostics(proc.stdout) == [f"{SEED000}:cell 5:3:46 KER203", f"{SEED000}:cell 5:6:5 KER101"]
    assert "Found 2 errors." in proc.stdout.splitlines()


def test_seed000_report_carries_cell_and_program_rows():
    reports = lint(SEED000.read_text(), ["KER101", "KER203"])
    assert positions(reports) == [("KER203", 5, 3, 46), ("KER101", 5, 6, 5)]
    # The program row (cells joined: setup 2 lines, imports 2 lines, then the model cell).
    assert [r.row for r in reports] == [7, 10]
    assert reports[1].extra["end_cell_row"] == 6


def test_full_output_shows_the_cell_line_numbered_within_the_cell():
    proc = run_kerlint("check", "--select", "KER203", "--output-format", "full", str(SEED000))
    assert "3 |     tf.keras.layers.Dropout(0.2, noise_shape=[None, 50, 1]),\n" in proc.stdout


def test_json_and_sarif_carry_the_cell_the_row_in_it_and_the_program_row():
    proc = run_kerlint("check", "--select", "KER101", "--output-format", "json", str(SEED000))
    (item,) = json.loads(proc.stdout)
    assert (item["cell"], item["location"], item["end_location"]) == (
        5, {"row": 6, "column": 5}, {"row": 6, "column": 45})
    assert item["fix"]["edits"][0]["location"] == {"row": 6, "column": 5}
    proc = run_kerlint("check", "--select", "KER101", "--output-format", "sarif", str(SEED000))
    (result,) = json.loads(proc.stdout)["runs"][0]["results"]
    # SARIF, like GitHub and JUnit, points at the line of the .ipynb file that holds the source
    # line (a viewer opens the file), with the cell and the line in it as properties.
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 81, "endLine": 81}
    assert "tf.keras.layers.Dense(" in SEED000.read_text().splitlines()[80]
    assert result["properties"] == {"cell": 5, "cellRow": 6}
    proc = run_kerlint("check", "--select", "KER101", "--output-format", "github", str(SEED000), cwd=ROOT)
    assert proc.stdout.startswith("::error file=tests/data/notebooks/seed000_sentiment.ipynb,line=81,endLine=81,"
                                  "title=KER101::cell 5, line 6: Dense output")


def test_seed000_fix_writes_a_valid_notebook_whose_fixed_cells_lint_clean(tmp_path):
    path = tmp_path / "seed000.ipynb"
    shutil.copy(SEED000, path)
    before = path.read_text(encoding="utf-8")
    proc = run_kerlint("check", "--fix", "--select", "KER101,KER203", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Found 2 errors (2 fixed, 0 remaining)." in proc.stdout
    after = path.read_text(encoding="utf-8")
    nbformat.validate(nbformat.reads(after, as_version=4))
    assert changed_sources(before, after) == [5]
    model_cell = "".join(json.loads(after)["cells"][4]["source"])
    assert "noise_shape=[None, None, 1]" in model_cell
    assert "tf.keras.layers.Dense(len(label_to_idx), activation='softmax')\n" in model_cell
    assert not lint(after, ["KER101", "KER203"])
    # With every rule on, what remains is what was there and not fixed: the fixes add nothing.
    fixed = {"KER101", "KER203"}
    assert positions(lint(after)) == [p for p in positions(lint(before)) if p[0] not in fixed]
    assert not after.endswith("\n")  # Colab writes no final newline, and neither do we
    again = run_kerlint("check", "--select", "KER101,KER203", str(path))
    assert again.returncode == 0 and again.stdout.strip() == "All checks passed!"


def test_diff_shows_changed_cells_and_writes_nothing(tmp_path):
    path = tmp_path / "seed000.ipynb"
    shutil.copy(SEED000, path)
    before = path.read_bytes()
    proc = run_kerlint("check", "--diff", "--select", "KER101,KER203", str(path))
    assert proc.returncode == 1
    assert path.read_bytes() == before
    out = proc.stdout
    assert out.startswith(f"--- {path}:cell 5\n+++ {path}:cell 5\n@@ -1,7 +1,7 @@\n")
    assert "-    tf.keras.layers.Dropout(0.2, noise_shape=[None, 50, 1]),\n" in out
    assert "+    tf.keras.layers.Dropout(0.2, noise_shape=[None, None, 1]),\n" in out
    assert "+    tf.keras.layers.Dense(len(label_to_idx), activation='softmax')\n" in out
    assert "cell 3" not in out and '"source"' not in out


# -- a tutorial-style notebook: magics, outputs, cells that are not Python ---------------


def test_tutorial_notebook_cells_form_one_program():
    text = TUTORIAL.read_text(encoding="utf-8")
    # The model is built in cell 8 and compiled in cell 9, trained in a %%time cell (11).
    assert positions(lint(text, ["KER101", "KER302"])) == [("KER101", 8, 4, 5), ("KER302", 11, 3, 38)]
    # The %%writefile cell (12) holds a broken model too, but it is a file being written.
    assert 12 not in {r.cell for r in lint(text)}


def test_tutorial_fix_keeps_jupyter_layout_outputs_and_counts(tmp_path):
    path = tmp_path / "classification.ipynb"
    shutil.copy(TUTORIAL, path)
    before = path.read_text(encoding="utf-8")
    proc = run_kerlint("check", "--fix", "--select", "KER101", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    after = path.read_text(encoding="utf-8")
    assert changed_sources(before, after) == [8]
    assert after.endswith("}\n") and "Fashion‑MNIST" in after and "🎉" in after
    old, new = json.loads(before), json.loads(after)
    for a, b in zip(old["cells"], new["cells"]):
        assert {k: v for k, v in a.items() if k != "source"} == {k: v for k, v in b.items() if k != "source"}
    assert old["metadata"] == new["metadata"]
    nbformat.validate(nbformat.reads(after, as_version=4))
    # Written the way Jupyter writes it: nbformat would produce the same bytes.
    assert nbformat.writes(nbformat.reads(after, as_version=4)) + "\n" == after
    assert "tf.keras.layers.Dense(10, activation='softmax')\n" in "".join(new["cells"][7]["source"])


# -- IPython syntax ------------------------------------------------------------------------


def masked(source: str) -> str:
    nb = notebook.parse(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                    "cells": [{"cell_type": "code", "source": source, "metadata": {},
                                               "outputs": [], "execution_count": None}]}))
    if not nb.cells:
        return None
    assert len(nb.masked) == len(nb.program)
    assert nb.masked.count("\n") == nb.program.count("\n")
    return nb.masked


@pytest.mark.parametrize(
    "source, expected",
    [
        ("%matplotlib inline\nx = 1\n", "pass              \nx = 1\n"),
        ("!pip install -q tensorflow\n", "pass" + " " * 22 + "\n"),
        ("!!ls\n", "pass\n"),
        ("?x\n", "0 \n"),
        ("model.fit?\n", "pass      \n"),
        ("keras.layers.Dense??\n", "pass" + " " * 16 + "\n"),
        ("np.*load*?\n", "pass      \n"),
        ("/print 1 2\n", "pass      \n"),
        (",f a b\n", "pass  \n"),
        (";f a\n", "pass\n"),
        ("files = !ls -l\n", "files = _     \n"),
        ("w = %who_ls\n", "w = _      \n"),
        ("%time y = f(1)\n", "pass; y = f(1)\n"),
        ("%time for i in x: f(i)\n", "pass" + " " * 18 + "\n"),
        ("%timeit f(1)\n", "pass        \n"),
        ("if ok:\n    %time f(1)\n    !echo hi\n", "if ok:\n    pass; f(1)\n    pass    \n"),
        ("!pip install \\\n    tensorflow\nx = 1\n", "pass          \n" + " " * 14 + "\nx = 1\n"),
        ("%%time\nh = model.fit(x)\n", "pass  \nh = model.fit(x)\n"),
        ("\n%%capture out\nh = 1\n", "\npass         \nh = 1\n"),
        # What only looks like IPython stays as written: inside strings and brackets, comments.
        ('doc = """\n!important\n%d items?\n"""\n', 'doc = """\n!important\n%d items?\n"""\n'),
        ("f(a,\n  !b)\n", "f(a,\n  !b)\n"),
        ("# why?\nx = 'a?'\n", "# why?\nx = 'a?'\n"),
        ("x = 5 % 3\ny = x != 2\n", "x = 5 % 3\ny = x != 2\n"),
        ("s = 'it\\'s'\n!echo done\n", "s = 'it\\'s'\npass      \n"),
    ],
)
def test_ipython_syntax_is_masked_in_place(source, expected):
    assert masked(source) == expected


@pytest.mark.parametrize("magic", ["%%bash", "%%writefile model.py", "%%timeit", "%%html", "  %%sh", "%%python3"])
def test_cell_magics_whose_body_is_not_run_here_leave_the_program(magic):
    assert masked(f"{magic}\nimport keras\n") is None


def test_a_cell_whose_first_line_is_indented_is_dedented_in_place():
    # IPython removes the first code line's indentation from every line before running the
    # cell. Here it moves to the end of each line: rows and lengths stay, columns shift back.
    assert masked("    x = 1\n    y = 2\n") == "x = 1    \ny = 2    \n"
    assert masked("    if x:\n        y = 2\n") == "if x:    \n    y = 2    \n"
    assert masked("\n  # comment\nx = 1\n") == "\n  # comment\nx = 1\n"  # comments sit anywhere
    assert masked("%%time\n    x = 1\n") == "pass  \nx = 1    \n"
    assert masked("    x = 1\ny = 2\n") is None  # IPython refuses it too


def test_diagnostics_in_an_indented_cell_land_on_its_columns_and_carry_no_fix(tmp_path):
    path = write_nb(tmp_path / "indented.ipynb", [
        new_code_cell("import keras\nfrom keras import layers\nmodel = keras.Sequential()\n"
                      "model.add(keras.Input((28, 28, 1)))\nmodel.add(layers.Conv2D(8, 3, activation='relu'))"),
        new_code_cell("    model.add(layers.Flatten())\n    model.add(layers.Dense(10))"),
        new_code_cell("model.compile(loss='categorical_crossentropy', optimizer='adam')"),
    ])
    reports = lint(path.read_text())
    # The Flatten in the indented cell is seen (no KER201); the linear head is, at its own column.
    assert [(r.code, r.cell, r.cell_row, r.column, r.end_column) for r in reports] == [("KER101", 2, 2, 15, 31)]
    assert reports[0].fix is None  # the cell is dedented for linting: an edit could not be written back


def test_a_statement_left_open_at_the_end_of_a_cell_is_not_joined_to_the_next(tmp_path):
    path = write_nb(tmp_path / "split.ipynb", [
        new_code_cell("import keras\nmodel = keras.Sequential([\n    keras.Input((4,)),"),
        new_code_cell("x = 1"),
        new_code_cell("    keras.layers.Dense(3)])\nmodel.compile(loss='categorical_crossentropy')"),
        new_code_cell('doc = """Dense(3)\n'),
    ])
    reports = lint(path.read_text())
    assert [(r.code, r.cell, r.cell_row, r.column) for r in reports] == [("KER000", 1, 2, 26), ("KER000", 4, 1, 7)]
    assert reports[0].message == ("syntax error, the cell cannot be parsed on its own (Jupyter runs each cell "
                                  "alone): '[' was never closed")
    before = path.read_bytes()
    run_kerlint("check", "--fix", str(path))
    assert path.read_bytes() == before


def test_a_diagnostic_in_a_line_after_magics_keeps_its_column():
    nb = json.dumps(new_notebook(cells=[new_code_cell(
        "%load_ext autoreload\n!nvidia-smi\nimport keras\nm = keras.Sequential([keras.Input((4,)), "
        "keras.layers.Dense(3)])\n%time m.compile(loss='categorical_crossentropy')\nm.summary?\n")]))
    assert positions(lint(nb)) == [("KER101", 1, 4, 42)]


def test_ker000_for_python_syntax_errors_points_into_the_cell(tmp_path):
    path = write_nb(tmp_path / "broken.ipynb", [
        new_code_cell("import keras"),
        new_markdown_cell("text"),
        new_code_cell("x = 1\ndef f(:\n    pass"),
    ])
    before = path.read_bytes()
    reports = lint(path.read_text())
    assert [(r.code, r.cell, r.cell_row) for r in reports] == [("KER000", 3, 2)]
    proc = run_kerlint("check", "--fix", str(path))
    assert proc.returncode == 1 and diagnostics(proc.stdout) == [f"{path}:cell 3:2:7 KER000"]
    assert path.read_bytes() == before


# -- noqa and per-file-ignores --------------------------------------------------------------


def test_noqa_inside_a_cell(tmp_path):
    text = SEED000.read_text().replace(
        "tf.keras.layers.Dense(len(label_to_idx))\\n", "tf.keras.layers.Dense(len(label_to_idx))  # noqa: KER101\\n"
    )
    assert positions(lint(text, ["KER101", "KER203"])) == [("KER203", 5, 3, 46)]


def test_per_file_ignores_globs_match_notebooks(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kerlint]\nselect = ["KER101", "KER203"]\n\n'
        '[tool.kerlint.per-file-ignores]\n"notebooks/*.ipynb" = ["KER203"]\n'
    )
    (tmp_path / "notebooks").mkdir()
    shutil.copy(SEED000, tmp_path / "notebooks" / "seed.ipynb")
    shutil.copy(SEED000, tmp_path / "seed.ipynb")
    proc = run_kerlint("check", ".", cwd=tmp_path)
    assert diagnostics(proc.stdout) == [
        "notebooks/seed.ipynb:cell 5:6:5 KER101",
        "seed.ipynb:cell 5:3:46 KER203",
        "seed.ipynb:cell 5:6:5 KER101",
    ]


# -- discovery and stdin --------------------------------------------------------------------


def test_walk_finds_notebooks_and_skips_checkpoints(tmp_path):
    shutil.copy(SEED000, tmp_path / "a.ipynb")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    shutil.copy(SEED000, tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb")
    proc = run_kerlint("check", "--select", "KER101", ".", cwd=tmp_path)
    assert diagnostics(proc.stdout) == ["a.ipynb:cell 5:6:5 KER101"]


def test_stdin_with_a_notebook_name():
    proc = run_kerlint("check", "--select", "KER101", "--stdin-filename", "nb.ipynb", "-",
                       input=SEED000.read_text())
    assert diagnostics(proc.stdout) == ["nb.ipynb:cell 5:6:5 KER101"]


def test_stdin_fix_prints_the_fixed_notebook():
    proc = run_kerlint("check", "--fix", "--select", "KER101", "--stdin-filename", "nb.ipynb", "-",
                       input=SEED000.read_text())
    out = json.loads(proc.stdout)
    assert "activation='softmax'" in "".join(out["cells"][4]["source"])
    assert changed_sources(SEED000.read_text(), proc.stdout) == [5]


# -- notebooks kerlint cannot read ----------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"cells": [\n  {"cell_type": "code",,}\n]}', "the notebook is not valid JSON: Expecting property name"),
        (b"", "the notebook is not valid JSON"),
        (b"[1, 2]", "not a Jupyter notebook"),
        (b'{"metadata": {}}', 'not a Jupyter notebook: there is no "cells" list'),
        (b'{"nbformat": 3, "worksheets": [{"cells": []}]}', "nbformat 3 notebooks are not supported"),
        (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}', "the source of cell 1 is not text"),
        (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": "caf\xe9"}]}', "not valid UTF-8"),
    ],
)
def test_unreadable_notebook_gets_one_ker000_and_is_never_written(tmp_path, content, message):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    shutil.copy(SEED000, tmp_path / "good.ipynb")
    proc = run_kerlint("check", "--fix", "--select", "KER101", ".", cwd=tmp_path)
    found = diagnostics(proc.stdout)
    assert found[0].startswith("bad.ipynb:") and found[0].endswith(" KER000")
    assert [d for d in found if d.startswith("bad.ipynb")] == found[:1]
    assert message in proc.stdout.splitlines()[0]
    assert path.read_bytes() == content
    assert "activation='softmax'" in (tmp_path / "good.ipynb").read_text()  # the run went on
    assert proc.returncode == 1


def test_invalid_json_is_reported_where_the_json_breaks():
    reports = lint('{"cells": [\n  {"cell_type": "code",,}\n]}')
    assert [(r.code, r.row, r.column, r.cell) for r in reports] == [("KER000", 2, 24, None)]


def test_empty_and_codeless_notebooks_are_clean(tmp_path):
    write_nb(tmp_path / "empty.ipynb", [])
    write_nb(tmp_path / "prose.ipynb", [new_markdown_cell("# Keras\n\n`model.compile(loss='mse')`")])
    write_nb(tmp_path / "blank.ipynb", [new_code_cell(""), new_code_cell("\n\n")])
    proc = run_kerlint("check", ".", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == "All checks passed!"


def test_notebooks_of_other_languages_are_not_python():
    nb = json.dumps(new_notebook(
        cells=[new_code_cell("library(keras)\nmodel <- keras_model_sequential() %>% layer_dense(units = 10)")],
        metadata={"kernelspec": {"name": "ir", "language": "R", "display_name": "R"},
                  "language_info": {"name": "R"}},
    ))
    assert lint(nb) == []


# -- writing back: every byte outside the changed sources stays ----------------------------

MODEL = [
    "import keras\n",
    "model = keras.Sequential([\n",
    "    keras.Input(shape=(8,)),\n",
    "    keras.layers.Dense(3),\n",
    "])",
]
COMPILE = "model.compile(loss='categorical_crossentropy', optimizer='adam')"


def fixed_bytes(data: bytes) -> bytes:
    """The notebook bytes as --fix writes them (for stdin, the same code path)."""
    result = from_bytes(data, "nb.ipynb").fix(["KER101"], FixMode())
    assert result.fix.fixed["KER101"] == 1, result.reports
    return result.fix.output


def raw_notebook(source_model, source_compile=COMPILE) -> dict:
    return {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Café ☕ model\n", "naïve"]},
            {"cell_type": "code", "execution_count": 1, "metadata": {"scrolled": True, "tags": ["model"]},
             "outputs": [{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}], "source": source_model},
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source_compile},
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 4,
    }


LAYOUTS = {
    "jupyter": lambda nb: json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
    "indent 4, ascii escapes": lambda nb: json.dumps(nb, indent=4, ensure_ascii=True),
    "compact one line": lambda nb: json.dumps(nb, ensure_ascii=False),
    "tabs": lambda nb: json.dumps(nb, indent="\t", ensure_ascii=False) + "\n",
    # Layouts json.dumps cannot reproduce: the changed sources are spliced in place.
    "crlf": lambda nb: json.dumps(nb, indent=1, ensure_ascii=False).replace("\n", "\r\n") + "\r\n",
    "number spelled 1.50": lambda nb: json.dumps(nb, indent=1, ensure_ascii=False).replace(
        '"scrolled": true', '"scrolled": true, "width": 1.50'),
    "closing bracket after last line": lambda nb: re.sub(r'"\n\s*\]', '"]', json.dumps(nb, indent=2)),
    "two spaces after colon": lambda nb: json.dumps(nb, indent=1, separators=(",", ":  "), ensure_ascii=False),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("form", ["list", "string"])
def test_fix_rewrites_only_the_changed_source(layout, form):
    source = MODEL if form == "list" else "".join(MODEL)
    text = LAYOUTS[layout](raw_notebook(source))
    out = fixed_bytes(text.encode("utf-8")).decode("utf-8")
    assert changed_sources(text, out) == [2]
    cell = json.loads(out)["cells"][1]["source"]
    assert isinstance(cell, type(source))
    assert "".join(cell) == "".join(MODEL).replace("Dense(3)", "Dense(3, activation='softmax')")
    nbformat.validate(nbformat.reads(out, as_version=4))
    if form == "list":
        # One string per line, as Jupyter stores them, in the layout of the list it replaces.
        assert cell[3] == "    keras.layers.Dense(3, activation='softmax'),\n"
        old_list = SOURCE_VALUE.findall(text)[1]
        new_list = SOURCE_VALUE.findall(out)[1]
        assert re.sub(r'"(?:[^"\\]|\\.)*"', '""', old_list) == re.sub(r'"(?:[^"\\]|\\.)*"', '""', new_list)


def test_fix_keeps_a_bom_and_an_empty_source_list(tmp_path):
    nb = raw_notebook(MODEL)
    nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": []})
    text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    out = fixed_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert out.startswith(b"\xef\xbb\xbf")
    assert changed_sources(text, out[3:].decode("utf-8")) == [2]


def test_fix_in_a_cell_without_final_newline_keeps_it_so():
    model = "m = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3)])"
    text = json.dumps(raw_notebook(["import keras\n", model], ["m.compile(loss='categorical_crossentropy')"]), indent=1)
    out = json.loads(fixed_bytes(text.encode()))
    assert out["cells"][1]["source"][-1] == model.replace("Dense(3)", "Dense(3, activation='softmax')")


def test_a_fix_that_would_leave_its_cell_is_dropped():
    nb = notebook.parse(json.dumps(raw_notebook(MODEL)))
    first, second = nb.cells
    inside = TextEdit(first.start, first.start + 6, "import", 1, 1, 1, 7)
    across = TextEdit(first.end - 2, second.start + 5, "", 5, 1, 6, 6)
    keep = Report("KER101", "m", 1, 1, 1, 1, TextFix("safe", "f", (inside,)))
    drop = Report("KER101", "m", 5, 1, 6, 6, TextFix("safe", "f", (inside, across)))
    notebook.locate(nb, keep)
    notebook.locate(nb, drop)
    assert keep.fix is not None and drop.fix is None
    assert (drop.cell, drop.cell_row) == (2, 5)


def test_a_fix_that_touches_masked_ipython_syntax_is_dropped():
    nb = notebook.parse(json.dumps(raw_notebook(["x = !ls\n", "import keras\n"])))
    (cell, _) = nb.cells
    edit = TextEdit(cell.start + 4, cell.start + 7, "None", 1, 5, 1, 8)
    report = Report("KER101", "m", 1, 1, 1, 1, TextFix("safe", "f", (edit,)))
    notebook.locate(nb, report)
    assert report.fix is None


# -- masking, over many cells -----------------------------------------------------------------

PYTHON_LINES = [
    "import keras", "x = 5 % 3", "y = x != 2", "s = 'what?'", "t = \"!x\"  # why?", "m.fit(x, y)",
    "d = {'a': [1, 2]}", "f = lambda q: q", "z = (1 +\n     2)", 'doc = """\n!not magic\n%d?\n"""',
    "if x:\n    y = 1\nelse:\n    y = 2", "w = x \\\n    + 1", "",
]
IPYTHON_LINES = [
    "%matplotlib inline", "!pip install -q tensorflow", "!!ls", "?keras", "keras.layers.Dense?", "m.fit??",
    "files = !ls", "w = %who_ls", "%time h = m.fit(x)", "%timeit f(1)", "/print 1", ",f a b", ";f a b",
    "!pip install \\\n  keras", "if x:\n    %time f(1)\n    !echo hi",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PYTHON_LINES + IPYTHON_LINES), max_size=12))
def test_masked_cells_keep_every_offset_and_parse(lines):
    import ast

    source = "\n".join(lines)
    out = masked(source)
    assert out is not None
    program = source + ("\n" if source and not source.endswith("\n") else "")
    assert len(out) == len(program)
    assert [i for i, c in enumerate(out) if c == "\n"] == [i for i, c in enumerate(program) if c == "\n"]
    ast.parse(out)
    kept = "\n".join(line for line in lines if line in PYTHON_LINES)
    for line in kept.splitlines():
        assert line in out.splitlines()
