"""[tool.kerlint] configuration, selection layering, excludes and .gitignore, run as a user runs
kerlint: the real command line in a subprocess, in a temporary project."""

from __future__ import annotations

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
