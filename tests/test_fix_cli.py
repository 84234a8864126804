"""``kerlint check --fix / --unsafe-fixes / --diff / --fix-only`` as a user runs them."""

from __future__ import annotations

import codecs
import subprocess
import sys
import textwrap

import libcst as cst
from click.testing import CliRunner

from kerlint.cli import main
from kerlint.diagnostics import SAFE, Diagnostic, Fix, NodeEdit

from .conftest import FIXTURES, ROOT, register_rule, run_kerlint

SEED000 = FIXTURES / "seeds" / "seed000_sentiment.py"

# KER101 (safe fix) and KER301 (unsafe fix) in one file.
MIXED = textwrap.dedent(
    """\
    import keras

    model = keras.Sequential([
        keras.Input(shape=(8,)),
        keras.layers.Dense(1),  # the head
    ])
    model.compile(loss="binary_crossentropy", optimizer="adam")
    model.fit(x, y, epochs=10)
    """
)
MIXED_SAFE = MIXED.replace("keras.layers.Dense(1),", 'keras.layers.Dense(1, activation="sigmoid"),')
MIXED_ALL = MIXED_SAFE.replace("model.fit(x, y, epochs=10)", "model.fit(x, y, epochs=10, validation_split=0.2)")
SELECT = ("--select", "KER101,KER301")


def write(tmp_path, text=MIXED, name="m.py"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_check_tells_what_fix_and_unsafe_fixes_would_do(tmp_path):
    path = write(tmp_path)
    proc = run_kerlint("check", *SELECT, str(path))
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[-2:] == [
        "Found 2 errors.",
        "1 fixable with the `--fix` option (1 hidden fix can be enabled with the `--unsafe-fixes` option).",
    ]
    proc = run_kerlint("check", *SELECT, "--unsafe-fixes", str(path))
    assert proc.stdout.splitlines()[-1] == "2 fixable with the `--fix` option."
    assert path.read_text() == MIXED


def test_fix_applies_safe_fixes_and_reports_what_remains(tmp_path):
    path = write(tmp_path)
    proc = run_kerlint("check", *SELECT, "--fix", str(path))
    assert proc.returncode == 1  # KER301 remains
    assert path.read_text() == MIXED_SAFE
    lines = proc.stdout.splitlines()
    assert [line.split(": ")[1].split()[0] for line in lines if line.startswith(str(path))] == ["KER301"]
    assert lines[-2:] == [
        "Found 2 errors (1 fixed, 1 remaining).",
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).",
    ]


def test_unsafe_fixes_apply_everything_and_a_second_run_changes_nothing(tmp_path):
    path = write(tmp_path)
    proc = run_kerlint("check", *SELECT, "--fix", "--unsafe-fixes", str(path))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines() == ["Found 2 errors (2 fixed, 0 remaining)."]
    assert path.read_text() == MIXED_ALL
    again = run_kerlint("check", *SELECT, "--fix", "--unsafe-fixes", str(path))
    assert again.returncode == 0
    assert again.stdout.splitlines() == ["All checks passed!"]
    assert path.read_text() == MIXED_ALL


def test_fix_only_reports_nothing_that_remains(tmp_path):
    path = write(tmp_path)
    proc = run_kerlint("check", *SELECT, "--fix-only", str(path))
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == ["Fixed 1 error (1 additional fix available with `--unsafe-fixes`)."]
    assert path.read_text() == MIXED_SAFE
    proc = run_kerlint("check", *SELECT, "--fix-only", str(path))
    assert proc.stdout.splitlines() == ["No errors fixed (1 fix available with `--unsafe-fixes`)."]
    proc = run_kerlint("check", *SELECT, "--fix-only", "--unsafe-fixes", str(path))
    assert proc.stdout.splitlines() == ["Fixed 1 error."]
    assert path.read_text() == MIXED_ALL


def test_diff_prints_the_change_writes_nothing_and_exits_1(tmp_path):
    path = write(tmp_path)
    proc = run_kerlint("check", *SELECT, "--diff", "m.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "--- m.py",
        "+++ m.py",
        "@@ -2,7 +2,7 @@",
        " ",
        " model = keras.Sequential([",
        "     keras.Input(shape=(8,)),",
        "-    keras.layers.Dense(1),  # the head",
        '+    keras.layers.Dense(1, activation="sigmoid"),  # the head',
        " ])",
        ' model.compile(loss="binary_crossentropy", optimizer="adam")',
        " model.fit(x, y, epochs=10)",
    ]
    assert proc.stderr.splitlines() == ["Would fix 1 error (1 additional fix available with `--unsafe-fixes`)."]
    assert path.read_text() == MIXED
    proc = run_kerlint("check", *SELECT, "--diff", "--unsafe-fixes", "m.py", cwd=tmp_path)
    assert "+model.fit(x, y, epochs=10, validation_split=0.2)\n" in proc.stdout
    assert proc.stderr.splitlines() == ["Would fix 2 errors."]
    assert path.read_text() == MIXED


def test_diff_of_a_clean_file_is_empty_and_exits_0(tmp_path):
    write(tmp_path, MIXED_ALL)
    proc = run_kerlint("check", *SELECT, "--diff", str(tmp_path))
    assert proc.returncode == 0
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == ["No errors would be fixed."]


def test_fix_over_a_directory_counts_every_file(tmp_path):
    write(tmp_path, name="a.py")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", name="b.py")
    write(tmp_path, MIXED_ALL, name="clean.py")
    proc = run_kerlint("check", *SELECT, "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert proc.stdout.splitlines() == ["Found 4 errors (4 fixed, 0 remaining)."]
    for name in ("a.py", "sub/b.py", "clean.py"):
        assert (tmp_path / name).read_text() == MIXED_ALL


def test_fix_keeps_crlf_and_bom_end_to_end(tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(codecs.BOM_UTF8 + MIXED.replace("\n", "\r\n").encode())
    proc = run_kerlint("check", *SELECT, "--fix", "--unsafe-fixes", str(path))
    assert proc.returncode == 0, proc.stdout
    assert path.read_bytes() == codecs.BOM_UTF8 + MIXED_ALL.replace("\n", "\r\n").encode()


# -- stdin ----------------------------------------------------------------------------------


def test_fix_on_stdin_writes_the_fixed_source_to_stdout():
    proc = run_kerlint("check", *SELECT, "--fix", "-", input=MIXED.encode())
    assert proc.returncode == 1
    assert proc.stdout == MIXED_SAFE.encode()
    err = proc.stderr.decode().splitlines()
    assert err[0].startswith("-:8:1: KER301 ")
    assert err[-2] == "Found 2 errors (1 fixed, 1 remaining)."


def test_fix_on_stdin_keeps_bytes_and_names_the_file(tmp_path):
    data = codecs.BOM_UTF8 + MIXED.replace("\n", "\r\n").encode()
    proc = run_kerlint("check", *SELECT, "--fix", "--unsafe-fixes", "--stdin-filename", "model.py", "-", input=data)
    assert proc.returncode == 0
    assert proc.stdout == codecs.BOM_UTF8 + MIXED_ALL.replace("\n", "\r\n").encode()
    assert proc.stderr.decode().splitlines() == ["Found 2 errors (2 fixed, 0 remaining)."]


def test_fix_on_stdin_that_does_not_parse_gives_it_back_unchanged():
    data = b"import keras\nmodel = keras.Sequential([\n"
    proc = run_kerlint("check", "--fix", "-", input=data)
    assert proc.returncode == 1
    assert proc.stdout == data
    assert "KER000 syntax error" in proc.stderr.decode()


def test_diff_on_stdin():
    proc = run_kerlint("check", *SELECT, "--diff", "--stdin-filename", "model.py", "-", input=MIXED)
    assert proc.returncode == 1
    assert proc.stdout.startswith("--- model.py\n+++ model.py\n@@ ")
    assert '+    keras.layers.Dense(1, activation="sigmoid"),  # the head\n' in proc.stdout


# -- never a broken or half-written file ------------------------------------------------------


def test_a_file_that_does_not_parse_is_reported_and_not_written(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_bytes(b"import keras\nmodel = keras.Sequential([keras.layers.Dense(3)]\n")
    good = write(tmp_path)
    proc = run_kerlint("check", *SELECT, "--fix", "--unsafe-fixes", str(tmp_path))
    assert broken.read_bytes() == b"import keras\nmodel = keras.Sequential([keras.layers.Dense(3)]\n"
    assert good.read_text() == MIXED_ALL
    assert proc.returncode == 1
    assert any("broken.py:" in line and "KER000 syntax error" in line for line in proc.stdout.splitlines())
    assert proc.stdout.splitlines()[-1] == "Found 3 errors (2 fixed, 1 remaining)."


def test_a_broken_fix_leaves_the_file_untouched_with_an_internal_error(tmp_path, monkeypatch):
    def broken(file):
        for layer in file.ir.layers:
            if layer.kind == "Dense" and isinstance(layer.node, cst.Call):
                yield Diagnostic("KER996", "test rule", layer.node,
                                 Fix(SAFE, "break it", [NodeEdit(layer.node, "Dense(1, activation=")]))

    register_rule(monkeypatch, "KER996", broken)
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path)
    result = CliRunner().invoke(main, ["check", "--isolated", "--select", "KER101,KER301", "--extend-select",
                                       "KER996", "--fix", "--unsafe-fixes", "m.py"])
    assert path.read_text() == MIXED
    lines = result.output.splitlines()
    internal = [line for line in lines if line.startswith("m.py:") and "KER000" in line]
    assert len(internal) == 1
    assert internal[0].startswith(
        "m.py:5:5: KER000 internal error in kerlint: the fix for KER996 would make the file invalid Python"
    )
    assert "the file was left unchanged" in internal[0]
    assert result.exit_code == 1
    assert lines[-1] == "Found 4 errors."


def test_killed_mid_write_leaves_the_original_intact(tmp_path):
    path = write(tmp_path)
    # The process dies right after writing the temporary file, before the rename.
    script = textwrap.dedent(
        f"""\
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        os.fsync = lambda fd: os._exit(9)
        from kerlint.cli import main
        main(["check", "--select", "KER101", "--fix", {str(path)!r}])
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == 9
    assert path.read_text() == MIXED
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "m.py"]
    assert all(name.startswith(".m.py.") and name.endswith(".kerlint.tmp") for name in leftovers)


def test_seed000_fixed_on_the_command_line(tmp_path):
    path = tmp_path / "seed.py"
    path.write_text(SEED000.read_text())
    proc = run_kerlint("check", "--fix", str(path))
    assert proc.stdout.splitlines()[-1].startswith("Found ")
    fixed = path.read_text()
    assert "tf.keras.layers.Dropout(0.2, noise_shape=[None, None, 1])," in fixed
    assert "tf.keras.layers.Dense(len(label_to_idx), activation='softmax')" in fixed


def test_two_diagnostics_one_edit_fixes_both_count_as_two_fixed(tmp_path):
    # KER401 (lr=) and KER402 (decay=) sit on one call; the decay fix rewrites the call, lr included.
    path = tmp_path / "opt.py"
    path.write_text("import tensorflow as tf\n\nopt = tf.keras.optimizers.Adam(lr=0.001, decay=1e-6)\n")
    proc = run_kerlint("check", "--isolated", "--no-cache", "--select", "KER4", "--output-format", "concise",
                       str(path))
    assert proc.stdout.splitlines()[-2:] == ["Found 2 errors.", "2 fixable with the `--fix` option."]
    proc = run_kerlint("check", "--isolated", "--no-cache", "--select", "KER4", "--fix", "--unsafe-fixes", str(path))
    assert proc.stdout == "Found 2 errors (2 fixed, 0 remaining).\n"
    assert path.read_text() == ("import tensorflow as tf\n\nopt = tf.keras.optimizers.Adam(learning_rate=tf.keras."
                                "optimizers.schedules.InverseTimeDecay(0.001, decay_steps=1, decay_rate=1e-6))\n")
