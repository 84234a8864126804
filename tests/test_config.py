"""[tool.kerlint] configuration, selection layering, excludes and .gitignore, run as a user runs
kerlint: the real command line in a subprocess, in a temporary project."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap

import pytest

from .conftest import ROOT, run_kerlint

SEED = (ROOT / "tests" / "data" / "sample_model.py").read_text()  # KER203 at 6:46, KER101 at 9:5
LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<row>\d+):(?P<col>\d+): (?P<code>KER\d{3})\b", re.M)


def found(proc) -> set[tuple[str, str]]:
    """(path, code) of the seed's two diagnostics; other rules that may fire on it don't count."""
    return {
        (m["path"].replace("\\", "/"), m["code"])
        for m in LINE.finditer(proc.stdout)
        if m["code"] in ("KER101", "KER203")
    }


def write(root, files: dict):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def check(cwd, *args, **kw):
    return run_kerlint("check", "--output-format", "concise", *args, cwd=cwd, **kw)


def test_nearest_pyproject_with_a_kerlint_table_wins(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.kerlint]\nselect = ["KER1"]\n',
        "top.py": SEED,
        "a/pyproject.toml": '[tool.kerlint]\nignore = ["KER101"]\n',
        "a/m.py": SEED,
        # A pyproject.toml without the table does not stop the walk up.
        "b/pyproject.toml": '[project]\nname = "b"\n',
        "b/m.py": SEED,
    })
    proc = check(tmp_path, ".")
    assert found(proc) == {("top.py", "KER101"), ("a/m.py", "KER203"), ("b/m.py", "KER101")}
    # Linting from inside the subproject finds the same files' configs.
    assert found(check(tmp_path / "a", "m.py")) == {("m.py", "KER203")}


def test_prefixes_and_more_specific_code_wins(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.kerlint]\nselect = ["KER"]\nignore = ["KER2"]\n', "m.py": SEED})
    assert found(check(tmp_path, ".")) == {("m.py", "KER101")}
    # ruff's rule: a selected code beats an ignored prefix, an ignored code beats a selected prefix.
    (tmp_path / "pyproject.toml").write_text('[tool.kerlint]\nselect = ["KER203"]\nignore = ["KER2"]\n')
    assert found(check(tmp_path, ".")) == {("m.py", "KER203")}


def test_command_line_overrides_the_file(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.kerlint]\nignore = ["KER101"]\n', "m.py": SEED})
    assert found(check(tmp_path, ".")) == {("m.py", "KER203")}
    assert found(check(tmp_path, ".", "--extend-select", "KER101")) == {("m.py", "KER101"), ("m.py", "KER203")}
    assert found(check(tmp_path, ".", "--select", "KER101")) == {("m.py", "KER101")}
    assert found(check(tmp_path, ".", "--ignore", "KER2")) == set()


def test_config_option_and_isolated(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.kerlint]\nignore = ["KER101", "KER203"]\n',
        "m.py": SEED,
        "elsewhere/kerlint.toml": 'select = ["KER203"]\n',
        "elsewhere/pyproject.toml": '[tool.kerlint]\nselect = ["KER101"]\n',
    })
    assert found(check(tmp_path, ".")) == set()
    assert found(check(tmp_path, ".", "--config", "elsewhere/kerlint.toml")) == {("m.py", "KER203")}
    assert found(check(tmp_path, ".", "--config", "elsewhere/pyproject.toml")) == {("m.py", "KER101")}
    assert found(check(tmp_path, ".", "--isolated")) == {("m.py", "KER101"), ("m.py", "KER203")}


@pytest.mark.parametrize(
    "table, key, named",
    [
        ('slect = ["KER1"]', "slect", "unknown key"),
        ('extend_select = ["KER1"]', "extend_select", "did you mean 'extend-select'"),
        ('select = ["KER999"]', "select", "KER999"),
        ('ignore = ["XYZ1"]', "ignore", "XYZ1"),
        ('select = "KER1"', "select", "list of strings"),
        ('[tool.kerlint.per-file-ignores]\n"tests/*" = ["KER1O1"]', 'per-file-ignores."tests/*"', "KER1O1"),
        ("respect-gitignore = 1", "respect-gitignore", "true or false"),
    ],
)
def test_bad_configuration_is_exit_2_naming_file_and_key(tmp_path, table, key, named):
    text = table if table.startswith("[") else "[tool.kerlint]\n" + table
    write(tmp_path, {"pyproject.toml": text + "\n", "m.py": SEED})
    proc = check(tmp_path, ".")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert str(tmp_path / "pyproject.toml") in proc.stderr
    assert key in proc.stderr and named in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_invalid_toml_and_missing_config_file_are_exit_2(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.kerlint\nselect = 1\n", "m.py": SEED})
    proc = check(tmp_path, ".")
    assert proc.returncode == 2 and "pyproject.toml" in proc.stderr and "TOML" in proc.stderr
    proc = check(tmp_path, "--config", "nope.toml", ".")
    assert proc.returncode == 2 and "nope.toml" in proc.stderr


def test_per_file_ignores(tmp_path):
    write(tmp_path, {
        "pyproject.toml": textwrap.dedent("""\
            [tool.kerlint.per-file-ignores]
            "tests/**/*.py" = ["KER101"]
            "legacy_*.py" = ["KER"]
            "nb/one.py" = ["KER203"]
        """),
        "tests/deep/t.py": SEED,
        "legacy_model.py": SEED,
        "nb/one.py": SEED,
        "nb/two.py": SEED,
    })
    assert found(check(tmp_path, ".")) == {
        ("tests/deep/t.py", "KER203"),
        ("nb/one.py", "KER101"),
        ("nb/two.py", "KER101"),
        ("nb/two.py", "KER203"),
    }
    # Patterns are relative to the configuration's folder, wherever kerlint runs from.
    assert found(check(tmp_path / "nb", ".")) == {("one.py", "KER101"), ("two.py", "KER101"), ("two.py", "KER203")}


def test_stdin_filename_matches_config(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.kerlint.per-file-ignores]\n"scripts/*.py" = ["KER203"]\n'})
    proc = check(tmp_path, "-", "--stdin-filename", "scripts/train.py", input=SEED)
    assert found(proc) == {("scripts/train.py", "KER101")}
    proc = check(tmp_path, "-", "--stdin-filename", "train.py", input=SEED)
    assert found(proc) == {("train.py", "KER101"), ("train.py", "KER203")}


def test_exclude_extend_exclude_and_force_exclude(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.kerlint]\nextend-exclude = ["generated", "src/old_*.py"]\n',
        "generated/m.py": SEED,
        "src/old_model.py": SEED,
        "src/model.py": SEED,
        "build/m.py": SEED,
    })
    files = {p for p, _ in found(check(tmp_path, "."))}
    assert files == {"src/model.py"}
    # A file named on the command line is linted anyway, unless --force-exclude (pre-commit).
    assert {p for p, _ in found(check(tmp_path, "generated/m.py"))} == {"generated/m.py"}
    proc = check(tmp_path, "--force-exclude", "generated/m.py", "src/old_model.py", "src/model.py")
    assert {p for p, _ in found(proc)} == {"src/model.py"}
    assert {p for p, _ in found(check(tmp_path, ".", "--extend-exclude", "src"))} == set()
    # `exclude` replaces the default list (which skips build/), as in ruff.
    (tmp_path / "pyproject.toml").write_text('[tool.kerlint]\nexclude = ["generated"]\n')
    files = {p for p, _ in found(check(tmp_path, "."))}
    assert files == {"build/m.py", "src/model.py", "src/old_model.py"}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to make a repository")
def test_gitignore_is_respected_when_walking(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path, {
        ".gitignore": "ignored.py\nout/\n*.gen.py\n!keep.gen.py\n/rooted.py\n",
        "ignored.py": SEED,
        "out/m.py": SEED,
        "a.gen.py": SEED,
        "keep.gen.py": SEED,
        "rooted.py": SEED,
        "sub/rooted.py": SEED,
        "sub/.gitignore": "local_*.py\n",
        "sub/local_x.py": SEED,
        "local_y.py": SEED,
        "kept.py": SEED,
    })
    files = {p for p, _ in found(check(tmp_path, "."))}
    assert files == {"keep.gen.py", "sub/rooted.py", "local_y.py", "kept.py"}
    # Walking a subfolder still applies the .gitignore files above it, up to the repository.
    assert {p for p, _ in found(check(tmp_path / "sub", "."))} == {"rooted.py"}
    # An explicitly named file is always linted.
    assert {p for p, _ in found(check(tmp_path, "ignored.py", "out/m.py"))} == {"ignored.py", "out/m.py"}
    files = {p for p, _ in found(check(tmp_path, ".", "--no-respect-gitignore"))}
    assert "ignored.py" in files and "out/m.py" in files
    (tmp_path / "pyproject.toml").write_text("[tool.kerlint]\nrespect-gitignore = false\n")
    assert "out/m.py" in {p for p, _ in found(check(tmp_path, "."))}


# -- kerlint.toml, .kerlint.toml, `extend`, and the keys a ruff user expects (issue 21, item 10) --

# A script as people write it: KER301 (fit without validation), KER302 (validation on the test
# set, opt-in) and KER401 (`lr=`, which Keras 3 rejects; a safe fix).
TRAIN = """\
    import keras
    from keras import layers

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(lr=1e-3), loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=10)
    model.fit(x_train, y_train, epochs=3, validation_data=(x_test, y_test))
"""
CODES = re.compile(r"^(?P<path>[^\s:][^:]*):\d+:\d+: (?P<code>KER\d{3})\b", re.M)


def codes(proc) -> set[tuple[str, str]]:
    return {(m["path"].replace("\\", "/"), m["code"]) for m in CODES.finditer(proc.stdout)}


def test_kerlint_toml_and_dot_kerlint_toml_come_before_pyproject_in_a_folder(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.kerlint]\nselect = ["KER101"]\n',
        "kerlint.toml": 'select = ["KER203"]\n',
        ".kerlint.toml": 'select = ["KER101", "KER203"]\n',
        "m.py": SEED,
    })
    assert found(check(tmp_path, ".")) == {("m.py", "KER101"), ("m.py", "KER203")}
    (tmp_path / ".kerlint.toml").unlink()
    assert found(check(tmp_path, ".")) == {("m.py", "KER203")}
    (tmp_path / "kerlint.toml").unlink()
    assert found(check(tmp_path, ".")) == {("m.py", "KER101")}


def test_the_nearest_kerlint_toml_applies_to_each_file(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.kerlint]\nselect = ["KER101"]\n',
        "m.py": SEED,
        "lab/kerlint.toml": 'select = ["KER203"]\n',
        "lab/m.py": SEED,
    })
    assert found(check(tmp_path, ".")) == {("m.py", "KER101"), ("lab/m.py", "KER203")}
    assert found(check(tmp_path, ".", "--config", "pyproject.toml")) == {("m.py", "KER101"), ("lab/m.py", "KER101")}
    assert len(found(check(tmp_path, ".", "--isolated"))) == 4


def test_extend_inherits_the_root_configuration_and_overrides_it(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[project]\nname = "app"\n\n[tool.kerlint]\nextend-select = ["KER302"]\n',
        "train.py": TRAIN,
        "sub/.kerlint.toml": 'extend = "../pyproject.toml"\nignore = ["KER301"]\n',
        "sub/train.py": TRAIN,
    })
    proc = check(tmp_path, ".")
    assert proc.returncode == 1, proc.stderr
    assert codes(proc) == {
        ("train.py", "KER301"), ("train.py", "KER302"), ("train.py", "KER401"),
        ("sub/train.py", "KER302"), ("sub/train.py", "KER401"),
    }
    # From inside the sub-project: the same, its own file in force.
    assert codes(check(tmp_path / "sub", ".")) == {("train.py", "KER302"), ("train.py", "KER401")}


def test_extend_select_and_extend_ignore_layer_through_extend_as_in_ruff(tmp_path):
    write(tmp_path, {
        "base.toml": 'select = ["KER3"]\nignore = ["KER301"]\n',
        "kerlint.toml": 'extend = "base.toml"\nextend-select = ["KER401", "KER301"]\nextend-ignore = ["KER302"]\n',
        "train.py": TRAIN,
    })
    assert codes(check(tmp_path, ".")) == {("train.py", "KER301"), ("train.py", "KER401")}
    # `select` in the extending file starts over, as it does in ruff.
    (tmp_path / "kerlint.toml").write_text('extend = "base.toml"\nselect = ["KER302"]\n')
    assert codes(check(tmp_path, ".")) == {("train.py", "KER302")}
    # The command line still comes last.
    assert codes(check(tmp_path, ".", "--extend-select", "KER401")) == {("train.py", "KER302"), ("train.py", "KER401")}


def test_extend_keeps_the_extended_files_paths_relative_to_its_folder(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.kerlint]\nextend-exclude = ["sub/generated"]\n'
                          '[tool.kerlint.per-file-ignores]\n"sub/scripts/*.py" = ["KER203"]\n',
        "sub/kerlint.toml": 'extend = "../pyproject.toml"\n',
        "sub/generated/m.py": SEED,
        "sub/scripts/m.py": SEED,
    })
    assert found(check(tmp_path / "sub", ".")) == {("scripts/m.py", "KER101")}


def test_an_extend_cycle_is_an_error_that_shows_it(tmp_path):
    write(tmp_path, {
        "kerlint.toml": 'extend = "shared/base.toml"\n',
        "shared/base.toml": 'extend = "../kerlint.toml"\n',
        "m.py": SEED,
    })
    proc = check(tmp_path, ".")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "cycle" in proc.stderr
    assert f"{tmp_path / 'kerlint.toml'} -> {tmp_path / 'shared' / 'base.toml'} -> {tmp_path / 'kerlint.toml'}" in proc.stderr
    (tmp_path / "shared" / "base.toml").unlink()
    proc = check(tmp_path, ".")
    assert proc.returncode == 2 and "extend" in proc.stderr and "no such configuration file" in proc.stderr


@pytest.mark.parametrize(
    "text, key, named",
    [
        ('selct = ["KER1"]', "selct", "did you mean 'select'"),
        ('unfixible = ["KER401"]', "unfixible", "did you mean 'unfixable'"),
        ('output_format = "json"', "output_format", "did you mean 'output-format'"),
        ('[tool.kerlint]\nselect = ["KER1"]', "tool", "top level"),
        ('output-format = "xml"', "output-format", '"json"'),
        ('unsafe-fixes = "yes"', "unsafe-fixes", "true or false"),
        ("cache-dir = 1", "cache-dir", "string"),
        ('fixable = "KER4"', "fixable", "list of strings"),
        ('unfixable = ["KER999"]', "unfixable", "KER999"),
        ('target-keras = "4"', "target-keras", '"2" or "3"'),
        ("extend = true", "extend", "string"),
    ],
)
def test_a_bad_key_in_kerlint_toml_is_exit_2_naming_file_and_key(tmp_path, text, key, named):
    write(tmp_path, {"kerlint.toml": text + "\n", "m.py": SEED})
    proc = check(tmp_path, ".")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert str(tmp_path / "kerlint.toml") in proc.stderr
    assert key in proc.stderr and named in proc.stderr, proc.stderr
    assert proc.stdout == ""


def test_a_bad_key_in_an_extended_file_names_that_file(tmp_path):
    write(tmp_path, {"kerlint.toml": 'extend = "../base.toml"\n', "../base.toml": 'extnd-select = ["KER3"]\n', "m.py": SEED})
    proc = check(tmp_path, ".")
    assert proc.returncode == 2
    assert f"{(tmp_path.parent / 'base.toml')}: unknown key 'extnd-select' (did you mean 'extend-select'?)" in proc.stderr


def test_output_format_in_the_configuration_and_the_command_line_wins(tmp_path):
    write(tmp_path, {"kerlint.toml": 'output-format = "json"\n', "m.py": SEED})
    proc = run_kerlint("check", ".", cwd=tmp_path)
    assert proc.returncode == 1
    assert {d["code"] for d in json.loads(proc.stdout)} >= {"KER101", "KER203"}
    proc = run_kerlint("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert "m.py:9:5: KER101" in proc.stdout


def test_unsafe_fixes_in_the_configuration(tmp_path):
    write(tmp_path, {"kerlint.toml": 'select = ["KER301"]\nunsafe-fixes = true\n', "train.py": TRAIN})
    proc = check(tmp_path, ".")
    assert "1 fixable with the `--fix` option." in proc.stdout
    proc = check(tmp_path, "--fix", "--no-unsafe-fixes", ".")
    assert "validation_split" not in (tmp_path / "train.py").read_text()
    proc = check(tmp_path, "--fix", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "model.fit(x_train, y_train, epochs=10, validation_split=0.2)" in (tmp_path / "train.py").read_text()


def test_unfixable_codes_are_reported_without_a_fix(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.kerlint]\nselect = ["KER401"]\nunfixable = ["KER401"]\n',
                     "train.py": TRAIN})
    proc = run_kerlint("check", ".", cwd=tmp_path)
    assert proc.returncode == 1
    assert "KER401" in proc.stdout and "[*]" not in proc.stdout and "fixable" not in proc.stdout
    proc = run_kerlint("check", "--output-format", "json", ".", cwd=tmp_path)
    assert [d["fix"] for d in json.loads(proc.stdout)] == [None]
    # The command line wins: --extend-fixable puts the code back, --fixable names the only ones.
    proc = run_kerlint("check", "--extend-fixable", "KER401", ".", cwd=tmp_path)
    assert "1 fixable with the `--fix` option." in proc.stdout
    proc = run_kerlint("check", "--isolated", "--select", "KER401", "--fixable", "KER3", ".", cwd=tmp_path)
    assert "fixable" not in proc.stdout


def test_fix_leaves_an_unfixable_code_alone_and_still_reports_it(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.kerlint]\nselect = ["KER401"]\nunfixable = ["KER401"]\n',
                     "train.py": TRAIN})
    proc = check(tmp_path, "--fix", ".")
    assert proc.returncode == 1
    assert "Adam(lr=1e-3)" in (tmp_path / "train.py").read_text()
    assert codes(proc) == {("train.py", "KER401")}
    proc = check(tmp_path, "--fix", "--isolated", "--select", "KER401", "--unfixable", "KER4", ".")
    assert "Adam(lr=1e-3)" in (tmp_path / "train.py").read_text()
    proc = check(tmp_path, "--fix", "--isolated", "--select", "KER401", ".")
    assert proc.returncode == 0
    assert "Adam(learning_rate=1e-3)" in (tmp_path / "train.py").read_text()


def test_kerlint_toml_named_with_config_may_extend_another(tmp_path):
    write(tmp_path, {
        "ci/kerlint.toml": 'extend = "../pyproject.toml"\nextend-select = ["KER302"]\n',
        "pyproject.toml": '[tool.kerlint]\nselect = ["KER401"]\n',
        "train.py": TRAIN,
    })
    assert codes(check(tmp_path, ".", "--config", "ci/kerlint.toml")) == {("train.py", "KER302"), ("train.py", "KER401")}


def test_target_keras_in_kerlint_toml_reaches_a_sub_project_through_extend(tmp_path):
    write(tmp_path, {
        "kerlint.toml": 'target-keras = "2"\n',
        "sub/.kerlint.toml": 'extend = "../kerlint.toml"\n',
        "sub/opt.py": "import tensorflow as tf\n\nopt = tf.keras.optimizers.Adam(lr=0.01)\n",
    })
    proc = check(tmp_path, "sub")
    assert "KER401" in proc.stdout and "Keras 2 warns" in proc.stdout, proc.stdout
