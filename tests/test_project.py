"""A project split over modules: the file being linted is understood with the project modules it
imports, a fault completed here is reported here naming the other place, and the cache, the
pre-scan and the summary know about the imports."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from kerlint.cli import main

MODEL_DEF = """\
from tensorflow import keras
from tensorflow.keras import layers


def build_model(num_classes, hidden=64):
    model = keras.Sequential([
        keras.Input(shape=(20,)),
        layers.Dense(hidden, activation="relu"),
        layers.Dense(num_classes),
    ])
    return model
"""


def write(root, files: dict):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def kerlint(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_builder_in_a_sibling_package_module_is_followed_with_the_callers_arguments(project):
    write(project, {
        "app/__init__.py": "",
        "app/model_def.py": MODEL_DEF,
        "app/train.py": """\
            from .model_def import build_model

            model = build_model(10)
            model.compile(optimizer="adam", loss="categorical_crossentropy")
        """,
    })
    code, out = kerlint("check", "--isolated", "--no-cache", "--output-format", "json", "app")
    [diag] = json.loads(out)
    assert code == 1
    assert (diag["code"], diag["filename"], diag["location"]) == (
        "KER101", str(project / "app/train.py"), {"row": 4, "column": 1})
    assert diag["message"].endswith("(app/model_def.py:9:9)")
    assert diag["related"] == [{"filename": str(project / "app/model_def.py"), "location": {"row": 9, "column": 9}}]
    # The fix edits the module that defines the layer, linted in the same run.
    assert diag["fix"]["edits"] == [{"content": 'layers.Dense(num_classes, activation="softmax")',
                                     "end_location": {"row": 9, "column": 34}, "filename": str(project / "app/model_def.py"),
                                     "location": {"row": 9, "column": 9}}]
    # Linted alone (pre-commit names the changed file), it has no fix kerlint could apply.
    _, out = kerlint("check", "--isolated", "--no-cache", "--output-format", "json", "app/train.py")
    assert json.loads(out)[0]["fix"] is None


@pytest.mark.parametrize("layout", ["root", "src", "script folder"])
def test_absolute_imports_resolve_from_the_root_src_and_the_scripts_folder(project, layout):
    where = {"root": "nets/model_def.py", "src": "src/nets/model_def.py", "script folder": "scripts/nets/model_def.py"}
    write(project, {
        where[layout]: MODEL_DEF,
        "scripts/train.py": """\
            import nets.model_def as md

            net = md.build_model(3)
            net.compile(loss="sparse_categorical_crossentropy")
        """,
    })
    code, out = kerlint("check", "--isolated", "--no-cache", "--output-format", "concise", "scripts/train.py")
    assert "scripts/train.py:4:1: KER101" in out
    assert f"({where[layout]}:9:9)" in out


def test_a_fault_wholly_inside_the_imported_module_is_reported_there_once(project):
    write(project, {
        "models.py": MODEL_DEF.replace("    return model", "    model.compile(loss='categorical_crossentropy')\n    return model"),
        "train.py": "from models import build_model\n\nmodel = build_model(10)\nmodel.fit(x, y)\n",
    })
    code, out = kerlint("check", "--isolated", "--no-cache", "--select", "KER101", "--output-format", "concise", ".")
    assert [line for line in out.splitlines() if ": KER" in line] == ["models.py:9:9: KER101 Dense output is linear but "
                                     "categorical_crossentropy expects probabilities: it trains badly or not at "
                                     "all"]


TOWER = """\
import keras
from keras import layers


def tower(input_shape=(64, 64, 3)):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for width in (16, 32, 64):
        x = layers.Conv2D(width, 3)(x)
        x = layers.MaxPooling2D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling2D()(x))
    return keras.Model(inputs, outputs)
"""


def test_a_fault_the_callers_arguments_complete_is_reported_at_the_call(project):
    # tower() is fine at 64x64; the caller's 12x12 runs out of pixels in the second block
    write(project, {
        "nets.py": TOWER,
        "train.py": "import nets\n\nbig = nets.tower()\nsmall = nets.tower(input_shape=(12, 12, 1))\n"
                    "small.compile(optimizer='adam', loss='binary_crossentropy')\n",
    })
    code, out = kerlint("check", "--isolated", "--no-cache", "--select", "KER206", "--output-format", "concise", ".")
    assert [line for line in out.splitlines() if ": KER" in line] == [
        "train.py:4:9: KER206 Conv2D gets (None, 1, 1, 32): an output size would be 0 or less, so building the "
        "model raises ValueError (nets.py:9:13)"]
    assert code == 1


CLASSIFIER = """\
import keras
from keras import layers


def classifier(n):
    return keras.Sequential([keras.Input(shape=(20,)), layers.Dense(n, activation="softmax")])
"""


def test_a_fault_completed_by_the_callers_argument_has_no_fix_in_the_shared_builder(project):
    # classifier(1) is a softmax over one unit; classifier(10) elsewhere is right, so softmax ->
    # sigmoid in the builder is not this file's to make
    write(project, {"nets.py": CLASSIFIER,
                    "train.py": "import nets\n\nclf = nets.classifier(1)\nclf.compile(loss='binary_crossentropy')\n"})
    code, out = kerlint("check", "--isolated", "--no-cache", "--select", "KER103", "--output-format", "concise",
                        "--fix", ".")
    assert [line for line in out.splitlines() if ": KER" in line] == [
        "train.py:3:7: KER103 softmax over the output of a single unit: the output is 1.0 for every input, "
        "whatever the weights (nets.py:6:56)"]
    assert (project / "nets.py").read_text() == CLASSIFIER


def test_a_builder_that_makes_two_models_here_from_the_same_lines_stays_silent_when_unsure(project):
    # both calls build a one-unit softmax from nets.py's one line; which model a report is about
    # is not known, and a wrong place is worse than none
    write(project, {"nets.py": CLASSIFIER,
                    "train.py": "import nets\n\na = nets.classifier(1)\nb = nets.classifier(1)\n"})
    code, out = kerlint("check", "--isolated", "--no-cache", "--select", "KER103", "--output-format", "concise", ".")
    assert code == 0


def test_a_fault_the_module_has_with_its_own_defaults_is_reported_there_only(project):
    # at its default 8x8 the tower collapses by itself: the module reports it, the caller that
    # keeps the default does not report it a second time
    write(project, {
        "nets.py": TOWER.replace("(64, 64, 3)", "(8, 8, 3)") + "\n\nmodel = tower()\n",
        "train.py": "import nets\n\nmodel = nets.tower()\nmodel.compile(optimizer='adam', loss='binary_crossentropy')\n",
    })
    code, out = kerlint("check", "--isolated", "--no-cache", "--select", "KER206", "--output-format", "concise", ".")
    assert [line.split(": KER")[0] for line in out.splitlines() if ": KER" in line] == ["nets.py:10:13"]


def test_only_the_named_files_are_reported_and_cycles_end(project):
    write(project, {
        "a.py": "from b import helper\nimport keras\n\ndef build():\n    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n",
        "b.py": "from a import build\n\ndef helper():\n    return build()\n",
        "train.py": "from b import helper\n\nm = helper()\nm.compile(loss='binary_crossentropy')\n",
    })
    code, out = kerlint("check", "--isolated", "--no-cache", "--output-format", "concise", "train.py")
    assert out.splitlines()[0].startswith("train.py:4:1: KER101")
    assert "(a.py:5:49)" in out.splitlines()[0]
    assert not any(line.startswith(("a.py", "b.py")) for line in out.splitlines())


def test_a_file_without_keras_text_that_imports_a_keras_module_is_linted(project):
    write(project, {
        "model_def.py": MODEL_DEF,
        "run.py": "from model_def import build_model\n\nnet = build_model(4)\nnet.compile(loss='categorical_crossentropy')\n",
        "notes.py": "from helpers import nothing\nprint('no model here')\n",
        "helpers.py": "nothing = None\n",
    })
    code, out = kerlint("check", "--isolated", "--no-cache", "--output-format", "concise", "run.py", "notes.py")
    assert [line.split(":")[0] for line in out.splitlines() if ": KER" in line] == ["run.py"]


def test_editing_an_imported_module_relints_the_file_that_imports_it(project):
    write(project, {
        "model_def.py": MODEL_DEF,
        "train.py": "from model_def import build_model\n\nm = build_model(5)\nm.compile(loss='categorical_crossentropy')\n",
    })
    first = kerlint("check", "--isolated", "--output-format", "concise", "train.py")
    again = kerlint("check", "--isolated", "--output-format", "concise", "train.py")  # from the cache
    assert first == again and first[0] == 1
    (project / "model_def.py").write_text(MODEL_DEF.replace("Dense(num_classes)", "Dense(num_classes, activation='softmax')"))
    assert kerlint("check", "--isolated", "--output-format", "concise", "train.py") == (0, "All checks passed!\n")


def test_sarif_lists_the_other_place_as_a_related_location(project):
    write(project, {"model_def.py": MODEL_DEF,
                    "train.py": "from model_def import build_model\nm = build_model(5)\nm.compile(loss='categorical_crossentropy')\n"})
    _, out = kerlint("check", "--isolated", "--no-cache", "--output-format", "sarif", "train.py")
    [result] = json.loads(out)["runs"][0]["results"]
    assert result["relatedLocations"] == [{"id": 0, "physicalLocation": {
        "artifactLocation": {"uri": "model_def.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 9, "startColumn": 9, "endLine": 9, "endColumn": 9}}}]


def test_summary_lists_a_model_an_imported_builder_makes_where_it_is_used(project):
    write(project, {"model_def.py": MODEL_DEF,
                    "run.py": "from model_def import build_model\n\nnet = build_model(4)\n"})
    _, out = kerlint("summary", "--isolated", "--output-format", "json", "run.py")
    [entry] = json.loads(out)
    assert (entry["location"], entry["defined_in"]) == ({"row": 3, "column": 7},
                                                        {"row": 6, "column": 13, "filename": "model_def.py"})
    assert [(r["output_shape"], r["params"]) for r in entry["layers"]] == [([None, 64], 1344), ([None, 4], 260)]
    assert entry["layers"][0]["location"] == {"row": 8, "column": 9, "filename": "model_def.py"}
    _, text = kerlint("summary", "--isolated", "run.py")
    assert text.splitlines()[0] == "run.py:3:7 model (sequential, built in model_def.py:6:13, known)"


def test_the_flake8_plugin_reads_the_imports_of_the_file_it_is_given(project):
    from kerlint.flake8_plugin import KerlintChecker

    write(project, {"model_def.py": MODEL_DEF,
                    "train.py": "from model_def import build_model\nm = build_model(5)\nm.compile(loss='categorical_crossentropy')\n"})
    lines = (project / "train.py").read_text().splitlines(keepends=True)
    found = [(row, col, text.split()[0]) for row, col, text, _ in KerlintChecker(None, "train.py", lines).run()]
    assert found == [(3, 0, "KER101")]


def test_summary_says_whether_an_unfollowed_import_is_the_projects_or_not(project):
    write(project, {"models.py": "import keras\nmodel = keras.models.load_model('m.keras') if ok else None\n",
                    "train.py": "from models import model\nfrom elsewhere import other\n"
                                "model.compile(loss='mse')\nother.compile(loss='mse')\n"})
    _, out = kerlint("summary", "--isolated", "--output-format", "json", "train.py")
    assert [(e["receiver"], e["why"]) for e in json.loads(out)] == [
        ("model", "imported from models, a project module whose value here kerlint does not follow"),
        ("other", "imported from elsewhere, a module outside the linted project"),
    ]


def test_a_dense_head_on_a_sequence_built_elsewhere_is_reported_at_the_compile_here(project):
    write(project, {
        "nets.py": """\
            import keras
            from keras import layers

            def tagger(vocab):
                return keras.Sequential([
                    keras.Input((40,)),
                    layers.Embedding(vocab, 32),
                    layers.LSTM(16, return_sequences=True),
                    layers.Dense(1, activation="sigmoid"),
                ])
        """,
        "train.py": "from nets import tagger\n\nm = tagger(5000)\nm.compile(loss='binary_crossentropy')\n",
    })
    _, out = kerlint("check", "--isolated", "--no-cache", "--output-format", "concise", "train.py")
    assert out.startswith("train.py:4:1: KER201 Dense(1) on (None, 40, 16)") and "(nets.py:9:9)" in out


def test_a_notebook_a_subclass_of_an_imported_model_class_and_an_imported_loss(project):
    from nbformat.v4 import new_code_cell, new_notebook

    import nbformat

    write(project, {
        "model_def.py": MODEL_DEF,
        "base.py": """\
            import keras
            from keras import layers

            class Backbone(keras.Model):
                def __init__(self, classes):
                    super().__init__()
                    self.hidden = layers.Dense(32, activation="relu")
                    self.scores = layers.Dense(classes)
        """,
        "losses.py": "import keras\n\nLOSS = keras.losses.CategoricalCrossentropy()\n",
        "train.py": """\
            from base import Backbone
            from losses import LOSS

            class Net(Backbone):
                def call(self, x):
                    return self.scores(self.hidden(x))

            net = Net(4)
            net.compile(optimizer="adam", loss=LOSS)
        """,
        "good.py": """\
            from losses import LOSS
            import keras

            ok = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
            ok.compile(loss=LOSS)
        """,
    })
    nb = new_notebook(cells=[new_code_cell("from model_def import build_model\nm = build_model(3)"),
                             new_code_cell("m.compile(loss='categorical_crossentropy')")])
    nbformat.write(nb, str(project / "explore.ipynb"))
    _, out = kerlint("check", "--isolated", "--no-cache", "--select", "KER101", "--output-format", "concise",
                     "train.py", "good.py", "explore.ipynb")
    found = [line.split(" Dense output")[0] + " " + line.rsplit(" ", 1)[-1] for line in out.splitlines() if ": KER" in line]
    # The notebook's builder and the subclass's head are another module's; the loss is one too.
    assert found == [
        "explore.ipynb:cell 2:1:1: KER101 (model_def.py:9:9)",
        "train.py:9:1: KER101 (base.py:8:23)",
    ]


def test_a_notebook_without_keras_text_of_its_own_is_linted_for_what_it_imports(project):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    write(project, {"model_def.py": MODEL_DEF})
    nb = new_notebook(cells=[new_code_cell("from model_def import build_model\nm = build_model(3)\nm.summary()")])
    nbformat.write(nb, str(project / "look.ipynb"))
    _, out = kerlint("summary", "--isolated", "look.ipynb")
    assert out.startswith("look.ipynb:cell 1:2:5 model (sequential, built in model_def.py:6:13, known)")


CROSS_FIX = {
    "app/__init__.py": "",
    "app/model_def.py": MODEL_DEF,
    "app/train.py": """\
        from .model_def import build_model

        model = build_model(10)
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        model.fit(x, y, epochs=3, validation_split=0.1)
    """,
}
FIXED_MODEL_DEF = MODEL_DEF.replace("layers.Dense(num_classes)", 'layers.Dense(num_classes, activation="softmax")')


def test_a_fix_that_edits_the_imported_module_is_applied_when_both_are_linted(project):
    write(project, CROSS_FIX)
    train = (project / "app/train.py").read_text()
    code, out = kerlint("check", "--isolated", "--no-cache", "--fix", "app")
    assert (code, out) == (0, "Found 1 error (1 fixed, 0 remaining).\n")
    assert (project / "app/model_def.py").read_text() == FIXED_MODEL_DEF
    assert (project / "app/train.py").read_text() == train
    assert kerlint("check", "--isolated", "--no-cache", "--fix", "app") == (0, "All checks passed!\n")


def test_a_fix_that_edits_a_module_not_linted_is_not_applied(project):
    write(project, CROSS_FIX)
    code, out = kerlint("check", "--isolated", "--no-cache", "--fix", "app/train.py")
    assert code == 1
    assert out.endswith("Found 1 error.\n") and "[*]" not in out
    assert (project / "app/model_def.py").read_text() == MODEL_DEF


def test_diff_shows_the_other_module_and_writes_nothing(project):
    write(project, CROSS_FIX)
    code, out = kerlint("check", "--isolated", "--no-cache", "--diff", "app")
    assert code == 1
    assert out == (
        "--- app/model_def.py\n+++ app/model_def.py\n@@ -6,6 +6,6 @@\n"
        "     model = keras.Sequential([\n"
        "         keras.Input(shape=(20,)),\n"
        "         layers.Dense(hidden, activation=\"relu\"),\n"
        "-        layers.Dense(num_classes),\n"
        "+        layers.Dense(num_classes, activation=\"softmax\"),\n"
        "     ])\n"
        "     return model\n"
        "Would fix 1 error.\n")
    assert (project / "app/model_def.py").read_text() == MODEL_DEF


def test_files_a_cross_module_fix_edits_are_written_together_or_not_at_all(project, monkeypatch):
    from kerlint import crossfix
    from kerlint.fix import WriteError

    write(project, CROSS_FIX)

    def refuse(files):
        raise WriteError("the file changed on disk while kerlint was fixing it")

    monkeypatch.setattr(crossfix, "write_together", refuse)
    code, out = kerlint("check", "--isolated", "--no-cache", "--fix", "--output-format", "concise", "app")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == ("app/train.py:1:1: KER000 cannot write the fixes that edit app/model_def.py together: the "
                        "file changed on disk while kerlint was fixing it; none of them was changed")
    assert lines[1].startswith("app/train.py:4:1: KER101 Dense output is linear")
    assert lines[2:] == ["Found 2 errors."]
    assert (project / "app/model_def.py").read_text() == MODEL_DEF


def test_write_together_puts_back_what_it_replaced_when_a_rename_fails(tmp_path, monkeypatch):
    import os

    from kerlint import fix
    from kerlint.fix import WriteError, write_together

    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_bytes(b"a = 1\n")
    b.write_bytes(b"b = 1\n")
    renames = []
    real_replace = os.replace

    def second_fails(src, dst):
        renames.append(dst)
        if len(renames) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(fix.os, "replace", second_fails)
    with pytest.raises(WriteError, match="No space left on device"):
        write_together([(a, b"a = 2\n", b"a = 1\n"), (b, b"b = 2\n", b"b = 1\n")])
    assert (a.read_bytes(), b.read_bytes()) == (b"a = 1\n", b"b = 1\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "b.py"]  # no temporary file left
