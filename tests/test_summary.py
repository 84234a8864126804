"""`kerlint summary`: each model as kerlint sees it, in text and in the stable JSON schema.

Parameter counts are another module's (kerlint/params.py, proven against Keras there); these
tests pin what the summary does with them through a small stand-in: totals, the trainable
split, `trainable = False`, and `?` / null where a count is unknown.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerlint import summary as summary_module
from kerlint.cli import main


@dataclass(frozen=True)
class ParamCount:  # the shape of kerlint.params.ParamCount
    trainable: int
    non_trainable: int = 0

    @property
    def total(self) -> int:
        return self.trainable + self.non_trainable
from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"


def fake_params(layer, in_shapes, out_shapes):
    """Dense and BatchNormalization counted as Keras does; Dropout/Flatten 0; else unknown."""
    if layer.kind in ("Dropout", "Flatten"):
        return ParamCount(0)
    last = in_shapes[0][-1] if in_shapes and in_shapes[0] else None
    if not isinstance(last, int):
        return None
    if layer.kind == "Dense":
        units = getattr(layer.args.value("units"), "value", None)
        return ParamCount(last * units + units) if isinstance(units, int) else None
    if layer.kind == "BatchNormalization":
        return ParamCount(2 * last, 2 * last)
    return None


@pytest.fixture(autouse=True)
def counts(monkeypatch):
    monkeypatch.setattr(summary_module, "layer_params", fake_params)


def run(tmp_path, files: dict, *args, input=None):
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text) if isinstance(text, str) else json.dumps(text))
    result = CliRunner().invoke(main, ["summary", "--isolated", *args], input=input,
                                catch_exceptions=False)
    return result


def summarize(tmp_path, text, name="m.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    from kerlint.source import read_file

    entries, notice = summary_module.summarize_source(read_file(path, name))
    assert notice is None
    return entries


SEQUENTIAL = """\
    import keras
    from keras import layers

    model = keras.Sequential([
        layers.Dense(64, activation="relu", input_shape=(784,)),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=5, batch_size=32, validation_split=0.2)
"""


def test_sequential_with_input_shape_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, {"m.py": SEQUENTIAL}, "m.py")
    assert result.exit_code == 0
    assert result.output == textwrap.dedent("""\
        m.py:4:9 model (sequential, known)
        Layer (type)       Output Shape  Param #
        ========================================
        dense (Dense)      (None, 64)     50,240
        dropout (Dropout)  (None, 64)          0
        dense_1 (Dense)    (None, 10)        650
        ========================================
        Total params: 50,890
        Trainable params: 50,890
        Non-trainable params: 0
        compile at m.py:9:1: loss categorical_crossentropy (from_logits=False), optimizer Adam (learning_rate=0.001), metrics [accuracy]
        fit at m.py:10:1: epochs 5, batch_size 32, validation validation_split=0.2
        """)


def test_sequential_with_input_shape_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, {"m.py": SEQUENTIAL}, "--output-format", "json", "m.py")
    assert result.exit_code == 0
    assert json.loads(result.output) == [{
        "kind": "model", "filename": "m.py", "cell": None, "location": {"row": 4, "column": 9}, "defined_in": None,
        "name": "model", "style": "sequential", "held_by": None, "graph": "known", "why": None,
        "layers": [
            {"name": "dense", "class": "Dense", "output_shape": [None, 64], "params": 50240,
             "location": {"row": 5, "column": 5}},
            {"name": "dropout", "class": "Dropout", "output_shape": [None, 64], "params": 0,
             "location": {"row": 6, "column": 5}},
            {"name": "dense_1", "class": "Dense", "output_shape": [None, 10], "params": 650,
             "location": {"row": 7, "column": 5}},
        ],
        "params": {"total": 50890, "trainable": 50890, "non_trainable": 0},
        "compiles": [{"location": {"row": 9, "column": 1}, "loss": "categorical_crossentropy",
                      "from_logits": False, "optimizer": "Adam", "learning_rate": 0.001, "metrics": ["accuracy"]}],
        "fits": [{"location": {"row": 10, "column": 1}, "epochs": 5, "batch_size": 32,
                  "validation": "validation_split=0.2"}],
    }]


FUNCTIONAL = """\
    import keras
    from keras import layers

    inp = keras.Input(shape=(28, 28, 1))
    h = layers.Conv2D(32, 3, activation="relu")(inp)
    a = layers.Flatten()(h)
    b = layers.Dense(8, name="side")(a)
    out = layers.Dense(10)(layers.concatenate([a, b]))
    net = keras.Model(inp, out)
    net.compile(optimizer=keras.optimizers.Adam(1e-4),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
"""


def test_functional_with_a_branch(tmp_path):
    (entry,) = summarize(tmp_path, FUNCTIONAL)
    assert (entry["style"], entry["graph"], entry["why"], entry["name"]) == ("functional", "known", None, "net")
    assert [(r["name"], r["class"], r["output_shape"], r["params"]) for r in entry["layers"]] == [
        ("input_layer", "InputLayer", [None, 28, 28, 1], 0),
        ("conv2d", "Conv2D", [None, 26, 26, 32], None),  # the stand-in does not count Conv2D
        ("flatten", "Flatten", [None, 21632], 0),
        ("side", "Dense", [None, 8], 173064),
        ("concatenate", "Concatenate", [None, 21640], None),
        ("dense", "Dense", [None, 10], 216410),
    ]
    assert entry["params"] is None  # one count unknown: no total, never a wrong one
    (compile,) = entry["compiles"]
    assert compile == {"location": {"row": 10, "column": 1}, "loss": "sparse_categorical_crossentropy",
                       "from_logits": True, "optimizer": "Adam", "learning_rate": 0.0001, "metrics": []}
    text = summary_module.render_text([entry])
    assert "\nconv2d (Conv2D)            (None, 26, 26, 32)        ?\n" in text
    assert "Total params: ?\n" in text


def test_subclassed_load_model_and_applications(tmp_path):
    entries = summarize(tmp_path, """\
        import keras

        class Net(keras.Model):
            def call(self, x):
                return x

        net = Net()
        net.compile(loss="mse", optimizer="sgd")
        old = keras.models.load_model("m.keras")
        base = keras.applications.ResNet50(classes=10)
        other = keras.applications.ResNet50(include_top=False, weights=None, input_shape=(16, 16, 3))
        newer = keras.applications.NotYetReleasedNet()
    """)
    assert [(e["name"], e["style"], e["graph"], e["why"], e["layers"], e["params"]) for e in entries] == [
        ("net", "subclassed", "unknown",
         "call() returns a value kerlint cannot follow (an op, a branch or a structure it does not read)", [], None),
        ("old", "loaded", "unknown", "loaded with load_model", [], None),
        ("base", "application", "unknown", "a keras.applications.ResNet50 with ImageNet weights and a top Keras "
         "refuses (classes or input size)", [], None),
        ("other", "application", "unknown", "a keras.applications.ResNet50 that Keras refuses: Input size must "
         "be at least 32x32; Received: input_shape=(16, 16, 3)", [], None),
        ("newer", "application", "unknown", "a keras.applications model the catalog does not have", [], None),
    ]
    assert entries[0]["compiles"][0]["optimizer"] == "SGD"
    assert summary_module.render_text(entries[1:2]) == "m.py:9:7 old (loaded, unknown)\n  why: loaded with load_model\n"


def test_a_builder_is_one_model_per_call_site_not_per_interpretation(tmp_path):
    entries = summarize(tmp_path, """\
        import keras
        from keras import layers

        def build(units):
            m = keras.Sequential()
            m.add(layers.Dense(units, input_shape=(8,)))
            m.compile(loss="mse")
            return m

        a = build(4)
        b = build(16)
        a.fit(x, y, epochs=2)
        b.fit(x, y, epochs=3)
        for _ in range(3):
            c = build(2)
    """)
    first, second, third = entries
    assert first["location"] == second["location"] == third["location"] == {"row": 5, "column": 9}
    assert [row["output_shape"] for e in entries for row in e["layers"]] == [[None, 4], [None, 16], [None, 2]]
    # The compile inside the builder is listed once, with the first model it ran on.
    assert [c["location"]["row"] for c in first["compiles"]] == [7] and second["compiles"] == third["compiles"] == []
    assert [(f["location"]["row"], f["epochs"]) for f in first["fits"]] == [(12, 2)]
    assert [(f["location"]["row"], f["epochs"]) for f in second["fits"]] == [(13, 3)]
    assert first["compiles"][0]["optimizer"] == "RMSprop"  # Keras's default


def test_trainable_false_and_batch_norm_are_non_trainable(tmp_path):
    entries = summarize(tmp_path, """\
        import keras
        from keras import layers

        frozen = layers.Dense(4)
        frozen.trainable = False
        model = keras.Sequential([keras.Input((3,)), frozen, layers.BatchNormalization(), layers.Dense(1)])
        whole = keras.Sequential([layers.Dense(2, input_shape=(5,))])
        whole.trainable = False
    """)
    first, second = entries
    assert [r["params"] for r in first["layers"]] == [16, 16, 5]
    assert first["params"] == {"total": 37, "trainable": 13, "non_trainable": 24}
    assert second["params"] == {"total": 12, "trainable": 0, "non_trainable": 12}


def test_conditional_layers_and_pop_say_why(tmp_path):
    entries = summarize(tmp_path, """\
        import keras
        from keras import layers

        m = keras.Sequential([layers.Dense(2, input_shape=(3,))])
        if deep:
            m.add(layers.Dense(4))
        m.add(layers.Dense(1))
        p = keras.Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(5)])
        p.pop()
        q = keras.Sequential([layers.Dense(2, input_shape=(3,))])
        if deep:
            q.add(layers.Dense(4))
        q.pop()
    """)
    assert [(e["graph"], e["why"]) for e in entries] == [
        ("partial", "layers added conditionally"),
        ("known", None),  # pop() takes the last layer off
        ("unknown", "structure changed (pop)"),  # which may be the one added in the branch
    ]
    assert [r["output_shape"] for r in entries[1]["layers"]] == [[None, 2]]


def test_unresolved_compile_on_an_unknown_receiver(tmp_path):
    entries = summarize(tmp_path, """\
        import re
        import keras

        class Trainer:
            def run(self):
                self.model.compile(loss="mse")
                get_model().fit(x, y)

        pattern = re.compile("x")
        re.sub("a", "b", s).compile()  # not a module: kept

        class Mixed(Trainer, keras.layers.Dense):
            pass

        mixed = Mixed(3)
        mixed.compile(loss="mse")
    """)
    assert entries == [
        {"kind": "unresolved-call", "call": "compile", "filename": "m.py", "cell": None,
         "location": {"row": 6, "column": 9}, "receiver": "self.model", "why": "an attribute kerlint does not follow"},
        {"kind": "unresolved-call", "call": "fit", "filename": "m.py", "cell": None,
         "location": {"row": 7, "column": 9}, "receiver": "get_model()",
         "why": "the result of a call kerlint does not follow"},
        {"kind": "unresolved-call", "call": "compile", "filename": "m.py", "cell": None,
         "location": {"row": 10, "column": 1}, "receiver": 're.sub("a", "b", s)',
         "why": "the result of a call kerlint does not follow"},
        {"kind": "unresolved-call", "call": "compile", "filename": "m.py", "cell": None,
         "location": {"row": 16, "column": 1}, "receiver": "mixed", "why": summary_module._LAYER_RECEIVER},
    ]
    assert summary_module.render_text(entries[:1]) == (
        "m.py:6:9: compile() on `self.model`, not followed: an attribute kerlint does not follow\n")


def _notebook(*cells):
    return {"cells": [{"cell_type": kind, "metadata": {}, "source": src, **({"outputs": [], "execution_count": None}
                       if kind == "code" else {})} for kind, src in cells],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_notebook_locations_name_the_cell(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    nb = _notebook(("markdown", "# A model"),
                   ("code", "import keras\n%matplotlib inline\nmodel = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])"),
                   ("code", "model.compile(loss='mse')"))
    result = run(tmp_path, {"n.ipynb": nb}, "--output-format", "json", "n.ipynb")
    (entry,) = json.loads(result.output)
    assert (entry["filename"], entry["cell"], entry["location"]) == ("n.ipynb", 2, {"row": 3, "column": 9, "cell": 2})
    assert entry["layers"][0]["location"] == {"row": 3, "column": 27, "cell": 2}
    assert entry["compiles"][0]["location"] == {"row": 1, "column": 1, "cell": 3}
    text = run(tmp_path, {}, "n.ipynb").output
    assert text.startswith("n.ipynb:cell 2:3:9 model (sequential, known)\n")
    assert "compile at n.ipynb:cell 3:1:1: loss mean_squared_error" in text


def test_stdin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, {}, "--output-format", "json", "--stdin-filename", "train.py", "-",
                 input="import keras\nm = keras.models.load_model('x')\nm.fit(x, y)\n")
    (entry,) = json.loads(result.output)
    assert (entry["filename"], entry["style"], entry["fits"][0]["epochs"]) == ("train.py", "loaded", 1)


def test_usage_errors_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(tmp_path, {}, "--output-format", "xml", ".").exit_code == 2


def _compile_nodes(path: Path):
    """Every ``<receiver>.compile(...)`` call in a file, found by a walk of its own (not the
    IR's), but for receivers rooted in a module imported from outside Keras (``re``):
    (row, column)."""
    import libcst as cst

    from kerlint.positions import Positions

    module = cst.parse_module(path.read_text(encoding="utf-8"))
    pos = Positions(module)
    foreign = set()
    found = set()

    class Walk(cst.CSTVisitor):
        def visit_Import(self, node):
            for alias in node.names:
                top = cst.helpers.get_full_name_for_node(alias.name).split(".")[0]
                local = alias.asname.name.value if alias.asname else top
                if top not in ("keras", "tensorflow", "tf_keras"):
                    foreign.add(local)

        def visit_Call(self, node):
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "compile":
                root = node.func.value
                while isinstance(root, cst.Attribute):
                    root = root.value
                if not (isinstance(root, cst.Name) and root.value in foreign):
                    r = pos.range(node)
                    found.add((r[0], r[1] + 1))

    module.visit(Walk())
    return found


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.rglob("*.py")), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_compile_appears_exactly_once(path):
    from kerlint.source import read_file

    entries, _ = summary_module.summarize_source(read_file(path, path.name))
    at = [c["location"] for e in entries if e["kind"] == "model" for c in e["compiles"]]
    at += [e["location"] for e in entries if e["kind"] == "unresolved-call" and e["call"] == "compile"]
    listed = [(loc["row"], loc["column"]) for loc in at]
    assert len(listed) == len(set(listed))
    if "def compile(" in path.read_text(encoding="utf-8"):
        # A class of the file's own defines compile(): a call to it is not a Keras compile.
        assert set(listed) <= _compile_nodes(path)
    else:
        assert set(listed) == _compile_nodes(path)


def test_summary_imports_no_tensorflow_or_keras():
    code = ("import sys\nfrom kerlint.summary import summarize_text\n"
            f"summarize_text({SEQUENTIAL!r}, 'm.py')\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras')]\n"
            "print(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_visibility_counts_compiles_by_graph_and_kind():
    import importlib.util

    spec = importlib.util.spec_from_file_location("visibility", ROOT / "tools" / "visibility.py")
    visibility = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(visibility)
    entries = [
        {"kind": "model", "filename": "a.py", "graph": "known", "compiles": [{}, {}]},
        {"kind": "model", "filename": "b.ipynb", "graph": "partial", "compiles": [{}]},
        {"kind": "model", "filename": "b.ipynb", "graph": "unknown", "compiles": [{}]},
        {"kind": "unresolved-call", "call": "compile", "filename": "a.py"},
        {"kind": "unresolved-call", "call": "fit", "filename": "a.py"},
    ]
    counts = visibility.tally(entries)
    assert counts["all"] == {"known": 2, "partial": 1, "unknown": 1, "unresolved": 1}
    assert counts[".py"] == {"known": 2, "unresolved": 1}
    assert counts[".ipynb"] == {"partial": 1, "unknown": 1}
    assert visibility.report(counts).splitlines()[1].split()[:4] == ["all", "5", "60.0%", "40.0%"]


def test_outputs_kerlint_cannot_follow_say_why(tmp_path):
    (entry,) = summarize(tmp_path, """\
        import keras

        x = keras.Input((3,))
        net = keras.Model(x, backbone(x))
    """)
    assert (entry["graph"], entry["why"]) == ("unknown", "outputs made by code kerlint does not follow (a function, "
                                                         "layer or model it cannot read, or an RNN that may return its states)")


def test_unresolved_calls_say_where_the_receiver_comes_from(tmp_path):
    entries = summarize(tmp_path, """\
        import re
        import keras_hub
        from transformers import TFAutoModel
        from models import model

        classifier = keras_hub.models.BertClassifier.from_preset("bert_base_en", num_classes=2)
        classifier.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
        hf = TFAutoModel.from_pretrained("bert-base-uncased")
        hf.compile(optimizer="adam")
        model.compile(loss="mse", optimizer="adam")
        pattern = re.compile("x")
    """)
    assert [(e["location"]["row"], e["receiver"], e["why"]) for e in entries] == [
        (7, "classifier", "a keras_hub preset: kerlint does not read library models"),
        (9, "hf", "a Hugging Face transformers preset: kerlint does not read library models"),
        (10, "model", "imported from models, a module outside the linted project"),
    ]


def test_a_functional_model_whose_inputs_kerlint_cannot_follow_is_still_summarised(tmp_path):
    entries = summarize(tmp_path, """\
        import keras
        from keras import layers

        inputs = make_inputs()
        out = layers.Dense(3)(keras.Input((4,)))
        model = keras.Model(inputs=inputs, outputs=out)
    """)
    [entry] = entries
    assert (entry["graph"], [r["name"] for r in entry["layers"]]) == ("known", ["dense"])


def test_arithmetic_on_tensors_and_activation_functions_are_ops_of_no_weights(tmp_path):
    entries = summarize(tmp_path, """\
        import keras
        from keras import layers

        inp = keras.Input(shape=(16,))
        h = layers.Dense(16, activation="relu")(inp)
        h = layers.Dense(8, activation="relu")(h + inp)
        out = keras.activations.softmax(layers.Dense(4)(h * 0.5))
        model = keras.Model(inp, out)
    """)
    [entry] = entries
    assert entry["graph"] == "known"
    assert [(r["name"], r["class"], r["output_shape"], r["params"]) for r in entry["layers"]] == [
        ("input_layer", "InputLayer", [None, 16], 0),
        ("dense", "Dense", [None, 16], 272),
        ("add", "Add", [None, 16], 0),
        ("dense_1", "Dense", [None, 8], 136),
        ("multiply", "Multiply", [None, 8], 0),
        ("dense_2", "Dense", [None, 4], 36),
        ("activation", "Activation", [None, 4], 0),
    ]
    assert entry["params"] == {"total": 444, "trainable": 444, "non_trainable": 0}


def test_a_subclassed_model_lists_what_call_applies(tmp_path):
    entries = summarize(tmp_path, """\
        import keras
        from keras import layers

        class Scorer(keras.Model):
            def __init__(self, classes):
                super().__init__()
                self.hidden = layers.Dense(8, activation="relu")
                self.drop = layers.Dropout(0.2)
                self.out = layers.Dense(classes, activation="softmax")

            def call(self, x, training=False):
                x = self.hidden(x)
                if training:
                    x = self.drop(x)
                return self.out(x)

        scorer = Scorer(3)
        scorer.build((None, 5))
    """)
    [entry] = entries
    assert (entry["name"], entry["style"], entry["graph"]) == ("scorer", "subclassed", "known")
    assert [(r["name"], r["output_shape"], r["params"]) for r in entry["layers"]] == [
        ("dense", [None, 8], 48),
        ("dense_1", [None, 3], 27),
    ]


def test_a_model_a_plain_class_keeps_on_self_says_which_and_has_its_compile_and_fit(tmp_path):
    entries = summarize(tmp_path, """\
        import keras
        from keras import layers

        class Agent:
            def __init__(self, actions):
                self.q = self._build(actions)

            def _build(self, actions):
                net = keras.Sequential([keras.Input((4,)), layers.Dense(actions)])
                net.compile(loss="mse", optimizer="adam")
                return net

            def learn(self, states, targets):
                self.q.fit(states, targets, epochs=1, verbose=0)

        agent = Agent(2)
    """)
    [entry] = entries
    assert (entry["style"], entry["held_by"], entry["graph"]) == ("sequential", "Agent.q", "known")
    assert [c["location"]["row"] for c in entry["compiles"]] == [10]
    assert [f["location"]["row"] for f in entry["fits"]] == [14]
    assert "net (sequential, held by Agent.q, known)" in summary_module.render_text(entries)


def test_a_layer_added_by_a_method_nothing_calls_is_conditional(tmp_path):
    entries = summarize(tmp_path, """\
        import keras
        from keras import layers

        class Builder:
            def __init__(self):
                self.net = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,))])

            def add_classifier(self):
                self.net.add(layers.Dense(3, activation="softmax"))

            def add_regressor(self):
                self.net.add(layers.Dense(1))

        called = Builder()
        called.add_classifier()

        def base():
            return keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,))])

        returned = base()
        returned.add(layers.Dense(1))
    """)
    builder, returned = entries
    # add_classifier is called by the program; add_regressor is not: its layer may not be there.
    assert (builder["graph"], builder["why"]) == ("unknown", "layers added conditionally")
    assert [r["class"] for r in builder["layers"]] == []
    # A layer added by the caller of the function that built the model is certain.
    assert (returned["graph"], [r["output_shape"] for r in returned["layers"]]) == ("known", [[None, 8], [None, 1]])


def test_a_model_chosen_at_run_time_and_a_train_step_model_say_why(tmp_path):
    entries = summarize(tmp_path, """\
        import keras
        from keras import layers

        def small():
            return keras.Sequential([keras.Input((4,)), layers.Dense(2, activation="softmax")])

        def large():
            return keras.Sequential([keras.Input((4,)), layers.Dense(64), layers.Dense(2, activation="softmax")])

        if size == "small":
            model = small()
        else:
            model = large()
        model.compile(loss="categorical_crossentropy")
        picked = small() if size else large()
        picked.compile(loss="categorical_crossentropy")

        class Gan(keras.Model):
            def __init__(self, generator, critic):
                super().__init__()
                self.generator, self.critic = generator, critic

            def train_step(self, batch):
                return {}

        gan = Gan(small(), large())
        gan.compile(optimizer="adam")
    """)
    chosen = [e["why"] for e in entries if e["kind"] == "unresolved-call"]
    assert chosen == ["a model chosen at run time: branches of the program make different models"] * 2
    [gan] = [e for e in entries if e.get("name") == "gan"]
    assert (gan["graph"], gan["why"]) == ("unknown", "a subclassed model with its own train_step and no call(): "
                                          "it trains the models it holds its own way (a GAN, a VAE)")


def test_a_functional_model_used_as_a_layer_counts_its_layers_and_keeps_its_shape(tmp_path, monkeypatch):
    from kerlint.params import layer_params

    monkeypatch.setattr(summary_module, "layer_params", layer_params)  # nested models: the real counts
    entries = summarize(tmp_path, """\
        import keras
        from keras import layers

        a = keras.Input((8,))
        encoder = keras.Model(a, layers.Dense(4, activation="relu")(layers.Dense(16, activation="relu")(a)))
        x = keras.Input((8,))
        model = keras.Model(x, layers.Dense(2, activation="softmax")(encoder(x)))
        other = keras.Input((9,))
        elsewhere = keras.Model(other, encoder(other))
    """)
    _, model, elsewhere = entries
    assert [(r["class"], r["output_shape"], r["params"]) for r in model["layers"]] == [
        ("InputLayer", [None, 8], 0), ("Functional", [None, 4], 212), ("Dense", [None, 2], 10)]
    assert model["params"] == {"total": 222, "trainable": 222, "non_trainable": 0}
    # On inputs of another shape Keras recomputes the output shape: kerlint does not claim one.
    assert [r["output_shape"] for r in elsewhere["layers"]] == [[None, 9], None]


def test_a_keras_applications_backbone_is_one_known_block(tmp_path, monkeypatch):
    from kerlint.params import layer_params

    monkeypatch.setattr(summary_module, "layer_params", layer_params)  # the catalog's real counts
    entries = summarize(tmp_path, """\
        import keras
        from keras import layers

        base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, alpha=0.35)
        base.trainable = False
        inputs = keras.Input((96, 96, 3))
        x = layers.GlobalAveragePooling2D()(base(inputs, training=False))
        model = keras.Model(inputs, layers.Dense(3, activation="softmax")(x))
    """)
    base, model = entries
    assert (base["style"], base["graph"], base["why"]) == ("application", "known", None)
    assert [(r["name"], r["class"], r["output_shape"], r["params"]) for r in base["layers"]] == [
        ("input_layer", "InputLayer", [None, 96, 96, 3], 0),
        ("mobilenetv2_0.35_96", "Functional", [None, 3, 3, 1280], 410208)]
    assert [(r["name"], r["output_shape"], r["params"]) for r in model["layers"]] == [
        ("input_layer_1", [None, 96, 96, 3], 0), ("mobilenetv2_0.35_96", [None, 3, 3, 1280], 410208),
        ("global_average_pooling2d", [None, 1280], 0), ("dense", [None, 3], 3843)]
    # Frozen: the backbone's weights, batch-norm statistics included, are all non-trainable.
    assert model["params"] == {"total": 414051, "trainable": 3843, "non_trainable": 410208}
