"""The fixer: fixes applied to a fixpoint, never leaving a broken file, written byte-exactly."""

from __future__ import annotations

import ast
import codecs
import os
import stat
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from kerlint import fix as fixmod
from kerlint.diagnostics import SAFE, UNSAFE, Diagnostic, Fix, NodeEdit
from kerlint.edits import add_keyword, keras_name
from kerlint.fix import FixMode, WriteError, choose, encode_like, fix_text, write_atomic
from kerlint.lint import lint_source
from kerlint.rules import all_rules
from kerlint.source import read_file

from .conftest import FIXTURES, register_rule

SEEDS = sorted((FIXTURES / "seeds").glob("*.py"))
FIXTURE_FILES = sorted(FIXTURES.rglob("*.py"))


def linter(select=None, name="m.py"):
    codes = sorted(all_rules()) if select is None else select
    return lambda text: lint_source(text, name, codes).reports


def fixed(source: str, select=None, unsafe=False):
    return fix_text(textwrap.dedent(source), linter(select), unsafe=unsafe)


# -- test-only rules --------------------------------------------------------------------


def _calls(module, name):
    """Calls whose callee is ``name`` or ``<anything>.name``."""
    out = []
    stack = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            func = node.func
            callee = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
            if callee == name:
                out.append(node)
        stack.extend(node.children)
    return out


@pytest.fixture
def extra_rules(monkeypatch):
    """Register test-only rules for one test: ``extra_rules(code, check)``."""

    def add(code, check):
        register_rule(monkeypatch, code, check)
        return code

    return add


def _loss_object_rule(file):
    """Replaces ``loss="categorical_crossentropy"`` with the loss class, named as the file can."""
    ir = file.ir
    for call in _calls(ir.module, "compile"):
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "loss" and isinstance(arg.value, cst.SimpleString):
                name = keras_name(ir, "losses.CategoricalCrossentropy")
                if name is None:
                    yield Diagnostic("KER991", "loss string", arg.value)
                    continue
                edits = [NodeEdit(arg.value, f"{name.text}()"), *name.edits]
                yield Diagnostic("KER991", "loss string", arg.value, Fix(SAFE, "Use the loss class", edits))


# -- the fixed text, exactly ------------------------------------------------------------


def test_seed000_fixed_is_the_catalog_model():
    source = (FIXTURES / "seeds" / "seed000_sentiment.py").read_text()
    out = fix_text(source, linter(["KER101", "KER203"]))
    assert out.error is None and out.reports == []
    assert dict(out.fixed) == {"KER101": 1, "KER203": 1}
    assert out.text == source.replace("noise_shape=[None, 50, 1]", "noise_shape=[None, None, 1]").replace(
        "tf.keras.layers.Dense(len(label_to_idx))", "tf.keras.layers.Dense(len(label_to_idx), activation='softmax')"
    )


def test_comments_and_layout_kept_on_a_multiline_call():
    out = fixed(
        """\
        import keras  # the Keras 3 package

        model = keras.Sequential([
            keras.Input(shape=(8,)),
            # the head
            keras.layers.Dense(
                3,  # classes
                name="head",
            ),
        ])
        model.compile(loss="categorical_crossentropy", optimizer="adam")  # default lr
        model.fit(
            x,  # features
            y,  # one-hot labels
            epochs=10,
        )
        """,
        ["KER101", "KER301"],
        unsafe=True,
    )
    assert out.error is None
    assert out.text == textwrap.dedent(
        """\
        import keras  # the Keras 3 package

        model = keras.Sequential([
            keras.Input(shape=(8,)),
            # the head
            keras.layers.Dense(
                3,  # classes
                name="head",
                activation="softmax",
            ),
        ])
        model.compile(loss="categorical_crossentropy", optimizer="adam")  # default lr
        model.fit(
            x,  # features
            y,  # one-hot labels
            epochs=10,
            validation_split=0.2,
        )
        """
    )
    assert dict(out.fixed) == {"KER101": 1, "KER301": 1}


def test_safe_only_without_unsafe_fixes():
    source = """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.compile(loss="binary_crossentropy", optimizer="adam")
        model.fit(x, y, epochs=10)
        """
    out = fixed(source, ["KER101", "KER301"])
    assert 'keras.layers.Dense(1, activation="sigmoid")' in out.text
    assert "model.fit(x, y, epochs=10)\n" in out.text
    assert [r.code for r in out.reports] == ["KER301"]
    assert out.reports[0].fix.applicability == UNSAFE
    out = fixed(source, ["KER101", "KER301"], unsafe=True)
    assert "model.fit(x, y, epochs=10, validation_split=0.2)\n" in out.text
    assert out.reports == []


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_fixes_to_valid_python_and_a_second_fix_changes_nothing(path):
    source = path.read_text(encoding="utf-8")
    lint = linter()
    once = fix_text(source, lint, unsafe=True)
    assert once.error is None, once.error
    ast.parse(once.text)
    twice = fix_text(once.text, lint, unsafe=True)
    assert twice.text == once.text
    assert not twice.fixed
    fixed_codes = set(once.fixed)
    assert not [r for r in once.reports if r.code in fixed_codes and r.fix is not None], (
        "a fixed code is still reported with a fix"
    )


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_fixed_with_unsafe_fixes_has_no_ker1_or_ker2_left(path):
    out = fix_text(path.read_text(encoding="utf-8"), linter(), unsafe=True)
    assert out.error is None
    left = [(r.row, r.code, r.message) for r in out.reports if r.code.startswith(("KER1", "KER2"))]
    assert left == []


# -- rounds and overlapping fixes ---------------------------------------------------------


def _dense_calls(file):
    return [layer.node for layer in file.ir.layers if layer.kind == "Dense" and isinstance(layer.node, cst.Call)]


def test_two_fixes_on_one_node_apply_in_two_rounds(extra_rules):
    def add_a(file):
        for call in _dense_calls(file):
            if not any(a.keyword and a.keyword.value == "use_bias" for a in call.args):
                yield Diagnostic("KER992", "a", call, Fix(SAFE, "a", [NodeEdit(call, add_keyword(call, "use_bias", "True"))]))

    def add_b(file):
        for call in _dense_calls(file):
            if not any(a.keyword and a.keyword.value == "name" for a in call.args):
                yield Diagnostic("KER993", "b", call, Fix(SAFE, "b", [NodeEdit(call, add_keyword(call, "name", '"out"'))]))

    codes = [extra_rules("KER992", add_a), extra_rules("KER993", add_b)]
    source = "import keras\nlayer = keras.layers.Dense(3)\n"
    lint = linter(codes)
    first, malformed = choose(lint(source), source, unsafe=False)
    assert malformed is None and [r.code for r in first] == ["KER992"]  # the other waits
    rounds = []
    out = fix_text(source, lambda text: rounds.append(text) or lint(text))
    assert out.text == 'import keras\nlayer = keras.layers.Dense(3, use_bias=True, name="out")\n'
    assert dict(out.fixed) == {"KER992": 1, "KER993": 1}
    assert len(rounds) == 3  # the original, after round 1, after round 2


def test_fixes_that_undo_each_other_leave_the_file_alone(extra_rules):
    def flip(file):
        for call in _dense_calls(file):
            arg = call.args[0]
            new = "4" if arg.value.value == "3" else "3"
            yield Diagnostic("KER994", "flip", call, Fix(SAFE, "flip", [NodeEdit(arg.value, new)]))

    code = extra_rules("KER994", flip)
    source = "import keras\nlayer = keras.layers.Dense(3)\n"
    out = fix_text(source, linter([code]))
    assert out.text == source
    assert out.error is not None and out.error.code == "KER000"
    assert "KER994" in out.error.message and "left unchanged" in out.error.message
    assert not out.fixed


def test_fixes_that_never_settle_stop_after_the_bound(extra_rules):
    def grow(file):
        for call in _dense_calls(file):
            arg = call.args[0]
            yield Diagnostic("KER995", "grow", call, Fix(SAFE, "grow", [NodeEdit(arg.value, arg.value.value + "1")]))

    code = extra_rules("KER995", grow)
    source = "import keras\nlayer = keras.layers.Dense(3)\n"
    out = fix_text(source, linter([code]), max_rounds=5)
    assert out.text == source
    assert "did not settle after 5 rounds" in out.error.message


# -- never a broken file ------------------------------------------------------------------


def _broken_rule(file):
    for call in _dense_calls(file):
        yield Diagnostic("KER996", "broken", call, Fix(SAFE, "broken", [NodeEdit(call, "Dense(3, activation=")]))


def test_a_fix_that_breaks_the_syntax_leaves_the_file_untouched(tmp_path, extra_rules):
    code = extra_rules("KER996", _broken_rule)
    path = tmp_path / "m.py"
    data = b"import keras\n\nmodel = keras.Sequential([keras.layers.Dense(3)])\n"
    path.write_bytes(data)
    result = read_file(path, "m.py").fix([code, "KER101"], FixMode())
    assert path.read_bytes() == data
    assert not result.fix.fixed
    errors = [r for r in result.reports if r.code == "KER000"]
    assert len(errors) == 1
    assert errors[0].message.startswith("internal error in kerlint: the fix for KER996 would make the file invalid")
    assert "the file was left unchanged" in errors[0].message
    assert (errors[0].row, errors[0].column) == (3, 27)  # at the diagnostic whose fix is broken
    assert [r.code for r in result.reports if r.code != "KER000"] == ["KER996"]


def test_a_fix_that_only_compiles_wrong_is_caught_too(extra_rules):
    # Parses, but does not compile: a `return` outside a function.
    def bad(file):
        for call in _dense_calls(file):
            yield Diagnostic("KER997", "bad", call, Fix(SAFE, "bad", [NodeEdit(call, "(lambda: 0)()\nreturn 1")]))

    code = extra_rules("KER997", bad)
    source = "import keras\nlayer = keras.layers.Dense(3)\n"
    out = fix_text(source, linter([code]))
    assert out.text == source and out.error is not None


def test_a_file_that_does_not_parse_is_never_written(tmp_path):
    path = tmp_path / "m.py"
    data = b"import keras\nmodel = keras.Sequential([keras.layers.Dense(3)]\nmodel.compile(loss='binary_crossentropy')\n"
    path.write_bytes(data)
    before = path.stat().st_mtime_ns
    result = read_file(path, "m.py").fix(sorted(all_rules()), FixMode(unsafe=True))
    assert path.read_bytes() == data and path.stat().st_mtime_ns == before
    assert [r.code for r in result.reports] == ["KER000"]
    assert "syntax error" in result.reports[0].message


# -- bytes on disk --------------------------------------------------------------------------

SEED_BAD = (
    "import keras\n"
    "model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3)])\n"
    'model.compile(loss="categorical_crossentropy", optimizer="adam")\n'
)
SEED_GOOD = SEED_BAD.replace("keras.layers.Dense(3)", 'keras.layers.Dense(3, activation="softmax")')


def _fix_file(path: Path, mode=None, select=None):
    mode = FixMode() if mode is None else mode
    return read_file(path, path.name).fix(sorted(all_rules()) if select is None else select, mode)


def test_crlf_line_endings_are_kept(tmp_path, extra_rules):
    code = extra_rules("KER991", _loss_object_rule)
    path = tmp_path / "m.py"
    path.write_bytes(SEED_BAD.replace("import keras\n", "from keras.layers import Dense\n").replace("\n", "\r\n").encode())
    result = _fix_file(path, select=[code])
    data = path.read_bytes()
    assert dict(result.fix.fixed) == {"KER991": 1}
    # The import the fix adds gets the file's CRLF too.
    assert data.count(b"\r\n") == data.count(b"\n") == 4
    assert data.startswith(b"from keras.layers import Dense\r\nimport keras\r\n")
    assert b"loss=keras.losses.CategoricalCrossentropy()" in data


def test_bom_and_coding_declaration_are_kept(tmp_path):
    path = tmp_path / "bom.py"
    path.write_bytes(codecs.BOM_UTF8 + ("# café\n" + SEED_BAD).encode("utf-8"))
    _fix_file(path)
    assert path.read_bytes() == codecs.BOM_UTF8 + ("# café\n" + SEED_GOOD).encode("utf-8")

    path = tmp_path / "latin.py"
    path.write_bytes(("# -*- coding: latin-1 -*-\n# café\n" + SEED_BAD).encode("latin-1"))
    _fix_file(path)
    assert path.read_bytes() == ("# -*- coding: latin-1 -*-\n# café\n" + SEED_GOOD).encode("latin-1")


def test_no_newline_at_end_of_file_is_kept(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(SEED_BAD.rstrip("\n"))
    _fix_file(path)
    assert path.read_text() == SEED_GOOD.rstrip("\n")


@pytest.mark.parametrize("mode", [0o640, 0o755])
def test_permissions_are_kept(tmp_path, mode):
    path = tmp_path / "m.py"
    path.write_text(SEED_BAD)
    os.chmod(path, mode)
    _fix_file(path)
    assert path.read_text() == SEED_GOOD
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_symlink_stays_a_link_and_its_target_is_fixed(tmp_path):
    target = tmp_path / "real.py"
    target.write_text(SEED_BAD)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    _fix_file(link)
    assert link.is_symlink()
    assert target.read_text() == SEED_GOOD


def test_a_failing_rename_leaves_the_original_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "m.py"
    path.write_text(SEED_BAD)

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fixmod.os, "replace", fail)
    result = _fix_file(path)
    assert path.read_text() == SEED_BAD
    assert os.listdir(tmp_path) == ["m.py"]
    assert not result.fix.fixed
    assert [(r.code, r.message) for r in result.reports if r.code == "KER000"] == [
        ("KER000", "cannot write the fixed file: No space left on device; the file was left unchanged")
    ]
    assert [r.code for r in result.reports if r.code != "KER000"] == ["KER101"]  # still there


def test_a_read_only_file_is_not_written(tmp_path, monkeypatch):
    path = tmp_path / "m.py"
    path.write_text(SEED_BAD)
    os.chmod(path, 0o444)
    if os.geteuid() == 0:  # root may write any file: let access() answer as for a user
        monkeypatch.setattr(fixmod.os, "access", lambda p, mode: not mode & os.W_OK)
    result = _fix_file(path)
    assert path.read_text() == SEED_BAD
    assert [r.message for r in result.reports if r.code == "KER000"] == [
        "cannot write the fixed file: the file is read-only; the file was left unchanged"
    ]


def test_diff_marks_a_missing_final_newline():
    assert fixmod.unified_diff("m.py", "a = 1\nb = 2", "a = 1\nb = 3") == (
        "--- m.py\n+++ m.py\n@@ -1,2 +1,2 @@\n a = 1\n-b = 2\n\\ No newline at end of file\n"
        "+b = 3\n\\ No newline at end of file\n"
    )


def test_a_file_edited_meanwhile_is_not_overwritten(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("changed by the user\n")
    with pytest.raises(WriteError, match="changed on disk"):
        write_atomic(path, b"fixed\n", expected=b"original\n")
    assert path.read_text() == "changed by the user\n"


def test_text_that_the_declared_encoding_cannot_hold_is_refused():
    with pytest.raises(WriteError, match="latin-1"):
        encode_like(b"# -*- coding: latin-1 -*-\nx = 1\n", "# -*- coding: latin-1 -*-\nx = '\u2192'\n")


# -- naming a Keras object the fix needs ----------------------------------------------------


@pytest.mark.parametrize(
    ("imports", "expected"),
    [
        ("import tensorflow as tf\n", "tf.keras.losses.CategoricalCrossentropy"),
        ("import keras\n", "keras.losses.CategoricalCrossentropy"),
        ("from tensorflow import keras\n", "keras.losses.CategoricalCrossentropy"),
        ("import tensorflow.keras as tfk\n", "tfk.losses.CategoricalCrossentropy"),
        ("from tensorflow.keras import losses\n", "losses.CategoricalCrossentropy"),
        ("from keras.losses import CategoricalCrossentropy\n", "CategoricalCrossentropy"),
        ("import tensorflow as tf\nfrom tensorflow import keras\n", "keras.losses.CategoricalCrossentropy"),
    ],
)
def test_fix_reuses_the_keras_alias_the_file_has(extra_rules, imports, expected):
    code = extra_rules("KER991", _loss_object_rule)
    source = imports + "model = Model()\nmodel.compile(loss='categorical_crossentropy')\n"
    out = fix_text(source, linter([code]))
    assert out.text == imports + f"model = Model()\nmodel.compile(loss={expected}())\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (  # after the imports, for the Keras the file uses
            '"""Doc."""\nfrom __future__ import annotations\nfrom tensorflow.keras.layers import Dense\n\n'
            "m.compile(loss='categorical_crossentropy')\n",
            '"""Doc."""\nfrom __future__ import annotations\nfrom tensorflow.keras.layers import Dense\n'
            "from tensorflow import keras\n\nm.compile(loss=keras.losses.CategoricalCrossentropy())\n",
        ),
        (  # a snippet with no imports at all
            "# pasted\nm.compile(loss='categorical_crossentropy')\n",
            "# pasted\nimport keras\nm.compile(loss=keras.losses.CategoricalCrossentropy())\n",
        ),
        (  # after a docstring
            '"""Doc."""\nm.compile(loss="categorical_crossentropy")\n',
            '"""Doc."""\nimport keras\nm.compile(loss=keras.losses.CategoricalCrossentropy())\n',
        ),
        (  # a legacy module path is not reused
            "from keras.layers import core\nm.compile(loss='categorical_crossentropy')\n",
            "from keras.layers import core\nimport keras\nm.compile(loss=keras.losses.CategoricalCrossentropy())\n",
        ),
    ],
)
def test_fix_adds_an_import_only_when_no_alias_exists(extra_rules, source, expected):
    code = extra_rules("KER991", _loss_object_rule)
    out = fix_text(source, linter([code]))
    assert out.error is None
    assert out.text == expected


def test_two_fixes_needing_the_import_add_it_once(extra_rules):
    code = extra_rules("KER991", _loss_object_rule)
    source = "a.compile(loss='categorical_crossentropy')\nb.compile(loss='categorical_crossentropy')\n"
    out = fix_text(source, linter([code]))
    assert out.text == (
        "import keras\n"
        "a.compile(loss=keras.losses.CategoricalCrossentropy())\n"
        "b.compile(loss=keras.losses.CategoricalCrossentropy())\n"
    )
    assert dict(out.fixed) == {"KER991": 2}


def test_no_fix_when_keras_means_something_else(extra_rules):
    code = extra_rules("KER991", _loss_object_rule)
    source = "keras = load_plugin()\nm.compile(loss='categorical_crossentropy')\n"
    out = fix_text(source, linter([code]))
    assert out.text == source
    assert [r.fix for r in out.reports] == [None]


def test_keras_name_paths():
    from kerlint.extract import extract

    ir = extract(cst.parse_module("import tensorflow as tf\nfrom keras import optimizers\n"))
    assert keras_name(ir, "optimizers.schedules.InverseTimeDecay").text == "optimizers.schedules.InverseTimeDecay"
    assert keras_name(ir, "models.Sequential").text == "tf.keras.Sequential"
    assert keras_name(ir, "losses.Huber").edits == ()


# -- property: generated models with injected faults ------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

STYLES = {
    "keras": ("import keras\n", "keras.Sequential", "keras.layers.", "keras.Input"),
    "tf": ("import tensorflow as tf\n", "tf.keras.Sequential", "tf.keras.layers.", "tf.keras.Input"),
    "from_tf": ("from tensorflow import keras\n", "keras.Sequential", "keras.layers.", "keras.Input"),
    "names": ("from keras.models import Sequential\nfrom keras.layers import Dense, Dropout, Embedding, Input\n",
              "Sequential", "", "Input"),
}


@st.composite
def models(draw):
    header, seq, L, inp = STYLES[draw(st.sampled_from(sorted(STYLES)))]
    q = draw(st.sampled_from(['"', "'"]))
    layers = []
    if draw(st.booleans()):
        layers += [f"{inp}(shape=(50,))", f"{L}Embedding(1000, 16)"]
        noise = draw(st.sampled_from([None, "[None, 1, 16]", "[None, 50, 1]", "(None, 7, 1)", "[None, 1]"]))
        if noise:
            layers.append(f"{L}Dropout(0.2, noise_shape={noise})")
        layers.append(f"{L}GlobalAveragePooling1D()" if L else "Dense(8)")
    else:
        layers.append(f"{inp}(shape=(20,))")
    for _ in range(draw(st.integers(0, 2))):
        layers.append(f"{L}Dense({draw(st.sampled_from([8, 32]))}, activation={q}relu{q})")
    units = draw(st.sampled_from(["1", "3", "n_classes"]))
    act = draw(st.sampled_from([None, "softmax", "sigmoid", "relu", "linear"]))
    head_args = [units] + ([f"activation={q}{act}{q}"] if act else [])
    if draw(st.booleans()):
        head_args.append(f"name={q}head{q}")
    layers.append(f"{L}Dense({', '.join(head_args)})")
    layout = draw(st.sampled_from(["one_line", "per_line", "per_line_comma", "commented"]))
    if layout == "one_line":
        body = f"model = {seq}([{', '.join(layers)}])\n"
    else:
        lines = []
        for i, layer in enumerate(layers):
            comma = "," if i < len(layers) - 1 or layout != "per_line" else ""
            comment = f"  # layer {i}" if layout == "commented" else ""
            lines.append(f"    {layer}{comma}{comment}\n")
        body = f"model = {seq}([\n{''.join(lines)}])\n"
    loss = draw(st.sampled_from(["categorical_crossentropy", "binary_crossentropy",
                                 "sparse_categorical_crossentropy", "mse"]))
    body += f"model.compile(loss={q}{loss}{q}, optimizer={q}adam{q}, metrics=[{q}accuracy{q}])\n"
    fit_args = ["x", "y", f"epochs={draw(st.sampled_from([1, 10]))}"]
    if draw(st.booleans()):
        fit_args.append("validation_split=0.1")
    if draw(st.booleans()):
        body += "model.fit(\n" + "".join(f"    {a},\n" for a in fit_args) + ")\n"
    else:
        body += f"model.fit({', '.join(fit_args)})\n"
    return header + "\n" + body


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_property_fixed_models_parse_and_no_longer_report_the_fixed_codes(source):
    lint = linter()
    out = fix_text(source, lint, unsafe=True)
    assert out.error is None, out.error.message
    ast.parse(out.text)
    still = {r.code for r in out.reports} & set(out.fixed)
    assert not still, (still, out.text)
    assert fix_text(out.text, lint, unsafe=True).text == out.text
