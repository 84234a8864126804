"""Bad input never crashes kerlint: each odd file gets a clear diagnostic or a notice, and the
run goes on. Also what kerlint must never do: run the code it reads, or write outside the tree."""

from __future__ import annotations

import ast
import dataclasses
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerlint import cli, runner
from kerlint import source as source_module
from kerlint.lint import DEEP_NESTING, MAX_NESTING, lint_source
from kerlint.rules import all_rules

from .conftest import ROOT, run_kerlint

BAD = ('import keras\nm = keras.Sequential([keras.layers.Dense(10, activation="softmax")])\n'
       'm.compile(loss="binary_crossentropy")\n')
GOOD = BAD.replace('"binary_crossentropy"', '"categorical_crossentropy"')
KER106 = "KER106 binary_crossentropy on a 10-unit softmax"


def concise(proc) -> dict[str, list[str]]:
    """``{path: ["row:col: CODE message", ...]}`` from concise output."""
    out: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        if ": KER" in line:
            path, rest = line.split(":", 1)
            out.setdefault(path, []).append(rest)
    return out


def check_cli(*args, cwd=None, env=None):
    """``kerlint check`` in this process (monkeypatches apply)."""
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(cli.main, ["check", "--no-cache", "--isolated", *args], env=env)
    finally:
        os.chdir(old)


# -- a folder of odd files, linted in one run ------------------------------------------------


def _odd_files(tmp: Path) -> None:
    w = lambda name, data: (tmp / name).write_bytes(data if isinstance(data, bytes) else data.encode())  # noqa: E731
    w("syntax.py", "import keras\nx = (\n")
    w("match_310.py", "import keras\nmatch command:\n    case [x, *rest]:\n        pass\n")
    w("generics_312.py", "import keras\ndef first[T](xs: list[T]) -> T:\n    return xs[0]\n"
      "type Pair = tuple[int, int]\n")
    w("fstring_312.py", 'import keras\nsongs = ["a"]\nx = f"{", ".join(songs)}"\n')
    w("latin1_declared.py", b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + BAD.encode())
    w("latin1_undeclared.py", b"# caf\xe9\n" + BAD.encode())
    w("bogus_coding.py", b"# -*- coding: klingon -*-\n" + BAD.encode())
    w("bom.py", b"\xef\xbb\xbf" + BAD.encode())
    w("crlf.py", BAD.replace("\n", "\r\n"))
    w("mixed_endings.py", "import keras\r\nm = keras.Sequential([keras.layers.Dense(10, activation=\"softmax\")])\r"
      "m.compile(loss=\"binary_crossentropy\")\n")
    w("formfeed_tabs.py", "import keras\n\x0c\ndef build():\n\tm = keras.Sequential([keras.layers.Dense(10, "
      "activation=\"softmax\")])\n\tm.compile(loss=\"binary_crossentropy\")\n")
    w("nul.py", b"import keras\x00\n")
    w("binary.py", bytes(range(256)) * 8)
    w("empty.py", b"")
    w("only_comment.py", b"# keras")
    w("huge_int.py", BAD.replace("Dense(10", "Dense(" + "9" * 5000))
    # Python refuses these itself.
    w("deep_unary.py", "import keras\nx = " + "-" * 100_000 + "1\n")
    w("deep_parens.py", "import keras\nx = " + "[" * 1000 + "]" * 1000 + "\n")
    # Python parses these; LibCST would crash the process (stack) or take minutes.
    w("long_or_chain.py", "import keras\nx = a" + " or a" * 10_000 + "\n")
    w("long_elif_chain.py", "import keras\nif a:\n    pass\n" + "elif a:\n    pass\n" * 2_000)
    w("long_string_concat.py", "import keras\nx = (\n" + "    'a'\n" * 3_000 + ")\n")
    w("long_call_chain.py", "import keras\nx = f" + "(1)" * 2_000 + "\n")
    # Deep, but within what kerlint analyses: linted in full.
    w("deep_but_fine.py", "x = f" + "(1)" * (DEEP_NESTING + 100) + "\n" + BAD)
    (tmp / "dir.py").mkdir()
    w("dir.py/inside.py", BAD)
    os.symlink("nowhere.py", tmp / "dangling.py")
    os.symlink("loop_b.py", tmp / "loop_a.py")
    os.symlink("loop_a.py", tmp / "loop_b.py")
    os.symlink(".", tmp / "self_loop")
    w("not_json.ipynb", "{cells: [")
    w("json_list.ipynb", "[1, 2]")
    w("cells_not_list.ipynb", '{"cells": 3, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}')
    w("source_not_text.ipynb", '{"cells": [{"cell_type": "code", "source": 5, "metadata": {}, "outputs": []}], '
      '"nbformat": 4, "nbformat_minor": 5, "metadata": {}}')
    w("binary.ipynb", bytes(range(128, 256)))


def test_every_odd_file_gets_a_diagnostic_or_a_notice_and_the_run_goes_on(tmp_path):
    _odd_files(tmp_path)
    proc = run_kerlint("check", "--no-cache", "--isolated", "--output-format", "concise", ".", cwd=tmp_path)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == 1, proc.stderr
    got = concise(proc)

    def only(name, *starts):
        lines = got.pop(name, [])
        assert len(lines) == len(starts), (name, lines)
        for line, start in zip(lines, starts):
            assert line.startswith(start), (name, line)

    only("syntax.py", "2:5: KER000 syntax error, the file cannot be parsed: '(' was never closed")
    for name in ("latin1_declared.py", "bom.py", "crlf.py", "mixed_endings.py"):
        only(name, f"{5 if name.startswith('latin1') else 3}:16: {KER106}")
    only("formfeed_tabs.py", f"5:17: {KER106}")  # a tab is one column, as in ruff
    only("dir.py/inside.py", f"3:16: {KER106}")
    only("deep_but_fine.py", f"4:16: {KER106}")
    only("latin1_undeclared.py", "1:1: KER000 cannot read the file: the file is not valid utf-8: byte 0xe9 on line 1; "
         "declare its encoding")
    only("bogus_coding.py", "1:1: KER000 cannot read the file: unknown or invalid encoding declaration")
    for name in ("nul.py", "binary.py"):
        only(name, "1:1: KER000 cannot read the file: the file contains NUL bytes (binary, not Python source)")
    only("deep_unary.py", "1:1: KER000 syntax error, the file cannot be parsed: an expression is nested too deeply")
    only("deep_parens.py", "2:205: KER000 syntax error, the file cannot be parsed: too many nested parentheses")
    only("huge_int.py")  # Python refuses 5,000 digits, LibCST reads them: nothing to say, no crash
    only("not_json.ipynb", "1:2: KER000 the notebook is not valid JSON")
    only("json_list.ipynb", "1:1: KER000 not a Jupyter notebook: the file holds JSON but not a notebook object")
    only("cells_not_list.ipynb", '1:1: KER000 not a Jupyter notebook: there is no "cells" list')
    only("source_not_text.ipynb", "1:1: KER000 not a valid Jupyter notebook: the source of cell 1 is not text")
    only("binary.ipynb", "1:1: KER000 the notebook is not valid UTF-8")
    assert got == {}  # nothing from the other files, nor from the links (dangling, loops: left out)
    notices = sorted(line for line in proc.stderr.splitlines() if line.startswith("kerlint: warning:"))
    assert notices == [
        "kerlint: warning: long_call_chain.py: skipped: the code at line 2 nests more than "
        f"{MAX_NESTING} levels deep, more than kerlint analyses",
        "kerlint: warning: long_elif_chain.py: skipped: the code at line 600 nests more "
        f"than {MAX_NESTING} levels deep, more than kerlint analyses",
        "kerlint: warning: long_or_chain.py: skipped: the code at line 2 nests more than "
        f"{MAX_NESTING} levels deep, more than kerlint analyses",
        "kerlint: warning: long_string_concat.py: skipped: the code at line 3 nests more than "
        f"{MAX_NESTING} levels deep, more than kerlint analyses",
    ]


def test_links_named_on_the_command_line_say_what_is_wrong(tmp_path):
    os.symlink("nowhere.py", tmp_path / "dangling.py")
    os.symlink("b.py", tmp_path / "a.py")
    os.symlink("a.py", tmp_path / "b.py")
    proc = run_kerlint("check", "--no-cache", "--isolated", "--output-format", "concise", "dangling.py", "a.py",
                       "missing.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert concise(proc) == {
        "a.py": ["1:1: KER000 cannot read the file: a loop of symbolic links"],
        "dangling.py": ["1:1: KER000 cannot read the file: a symbolic link to nowhere.py, which does not exist"],
        "missing.py": ["1:1: KER000 cannot read the file: no such file"],
    }


def test_a_20_megabyte_file_is_skipped_with_a_notice(tmp_path):
    line = 'layer_{} = keras.layers.Dense(64, activation="relu", name="dense_layer_number_{}")\n'
    text = "import keras\n" + "".join(line.format(i, i) for i in range(230_000))
    (tmp_path / "generated.py").write_text(text)
    (tmp_path / "m.py").write_text(BAD)
    assert len(text) > 20_000_000
    proc = run_kerlint("check", "--no-cache", "--isolated", "--output-format", "concise", ".", cwd=tmp_path)
    assert proc.returncode == 1
    found = concise(proc)
    assert list(found) == ["m.py"] and len(found["m.py"]) == 1 and found["m.py"][0].startswith(f"3:16: {KER106}")
    assert proc.stderr.startswith(
        "kerlint: warning: generated.py: skipped: 20.7 MB of code is more than kerlint lints in one file (0.25 MB); "
        "exclude it if it is generated")


def test_implicitly_concatenated_strings_nest_as_in_libcst_whatever_the_line_endings():
    # LibCST nests "a" "b" "c" as pairs: a long run is deep, however its lines end.
    from kerlint.lint import nesting

    for newline in ("\n", "\r\n", "\r"):
        deep = "x = (" + newline + "".join(f"    'é{i}'{newline}" for i in range(400)) + ")" + newline
        assert nesting("y = 1" + newline + deep)[0] > MAX_NESTING, repr(newline)
        shallow = "x = (" + newline + "".join(f"    'é{i}'{newline}" for i in range(40)) + ")" + newline
        assert nesting(shallow)[0] < MAX_NESTING, repr(newline)
    one = "x = '" + '"é"' * 400 + "'\n"  # many quotes, one string
    assert nesting(one)[0] < 5


def test_deeply_nested_code_is_linted_and_fixed_in_full():
    chain = "x = f" + "(1)" * (MAX_NESTING - 20) + "\n"
    result = lint_source(chain + BAD, "m.py", ["KER106"])
    assert result.error is None
    assert [(r.code, r.row, r.column) for r in result.reports] == [("KER106", 4, 16)]
    assert sys.getrecursionlimit() < 10_000  # raised for the analysis only, then restored
    from kerlint.fix import fix_text

    out = fix_text(chain + BAD, lambda text: lint_source(text, "m.py", ["KER106"]).reports, unsafe=True)
    assert out.error is None
    assert out.text == chain + BAD.replace("binary_crossentropy", "categorical_crossentropy")


def test_a_file_deleted_between_discovery_and_reading(tmp_path, monkeypatch):
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(BAD)
    found = runner.discover

    def discover_then_delete(paths, *args, **kwargs):
        for path, explicit in found(paths, *args, **kwargs):
            if path.name == "a.py":
                path.unlink()
            yield path, explicit

    monkeypatch.setattr(runner, "discover", discover_then_delete)
    result = check_cli("--output-format", "concise", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path}/a.py:1:1: KER000 cannot read the file: no such file" in result.output
    assert f"{tmp_path}/b.py:3:16: {KER106}" in result.output


def test_an_unreadable_file(tmp_path, monkeypatch):
    (tmp_path / "secret.py").write_text(BAD)
    (tmp_path / "m.py").write_text(BAD)
    read_bytes = Path.read_bytes

    def refuse(self):
        if self.name == "secret.py":
            raise PermissionError(13, "Permission denied")
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)  # root reads anything: a mode would not do
    result = check_cli("--output-format", "concise", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path}/secret.py:1:1: KER000 cannot read the file: permission denied" in result.output
    assert f"{tmp_path}/m.py:3:16: {KER106}" in result.output


# -- kerlint's own failures ------------------------------------------------------------------


def _boom(file):
    yield from ()
    raise ZeroDivisionError("division by zero")


def test_a_rule_that_fails_on_a_file_is_a_diagnostic_and_everything_else_goes_on(tmp_path, monkeypatch):
    rules = all_rules()
    monkeypatch.setitem(rules, "KER304", dataclasses.replace(rules["KER304"], check=_boom))
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text(BAD)
    result = check_cli("--output-format", "concise", "--select", "KER106,KER304", str(tmp_path))
    assert result.exit_code == 1  # findings, not a failure of kerlint
    for name in ("a.py", "b.py"):
        assert (f"{tmp_path}/{name}:1:1: KER000 internal error in kerlint (KER304): ZeroDivisionError: division by "
                "zero; please report this with the file that caused it") in result.output
        assert f"{tmp_path}/{name}:3:16: {KER106}" in result.output


def test_a_failure_outside_any_file_exits_2_with_one_line(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(runner, "lint_paths", broken)
    result = check_cli(str(tmp_path))
    assert result.exit_code == 2
    assert result.output == ("kerlint: error: internal error: KeyError: 'oops'; please report this with the command "
                             "and the files it ran on (KERLINT_DEBUG=1 shows the traceback)\n")
    result = check_cli(str(tmp_path), env={"KERLINT_DEBUG": "1"})
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.output


@pytest.mark.parametrize("where", ["prescan", "lint_source"])  # before and in the linting proper
def test_a_file_that_breaks_the_linter_itself_is_a_diagnostic(tmp_path, monkeypatch, where):
    def broken(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'value'")

    monkeypatch.setattr(source_module, where, broken)
    (tmp_path / "m.py").write_text(BAD)
    result = check_cli("--output-format", "concise", str(tmp_path))
    assert result.exit_code == 1
    assert (f"{tmp_path}/m.py:1:1: KER000 internal error in kerlint (linting): AttributeError: 'NoneType' object has "
            "no attribute 'value'; please report this with the file that caused it") in result.output


# -- configuration and cache -----------------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (b"[tool.kerlint\nselect = [\"KER1\"]\n", "not valid TOML: Expected ']' at the end of a table declaration"),
        (b"[tool.kerlint]\nselect = \"KER1\"\n", "[tool.kerlint] select: must be a list of strings"),
        (b"[tool.kerlint]\nselect = [\"caf\xe9\"]\n", "not valid TOML"),
    ],
)
def test_a_broken_pyproject_is_a_configuration_error(tmp_path, content, message):
    (tmp_path / "pyproject.toml").write_bytes(content)
    (tmp_path / "m.py").write_text(BAD)
    result = CliRunner().invoke(cli.main, ["check", "--no-cache", str(tmp_path / "m.py")])
    assert result.exit_code == 2
    assert result.output.startswith(f"kerlint: error: {tmp_path / 'pyproject.toml'}: ")
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_cache_folder_that_cannot_be_written_is_a_warning(tmp_path):
    (tmp_path / "m.py").write_text(BAD)
    (tmp_path / "file").write_text("")
    proc = run_kerlint("check", "--isolated", "--output-format", "concise", "--cache-dir", str(tmp_path / "file" / "c"),
                       "m.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"m.py:3:16: {KER106}")
    assert proc.stderr.startswith(f"kerlint: warning: cannot write the cache in {tmp_path / 'file' / 'c'}")


# -- security: never run the code, never write out of the tree ------------------------------------


def test_kerlint_never_runs_the_code_it_reads(tmp_path):
    payload = (
        "import os, pathlib\n"
        "pathlib.Path('ran').write_text('import')\n"
        "__import__('pathlib').Path('ran2').write_text('dunder import')\n"
        "exec(\"open('ran3', 'w')\")\n"
        "class Evil(keras.layers.Layer):\n"
        "    def __init__(self):\n"
        "        open('ran4', 'w')\n"
        "m.add(Evil())\n"
    )
    (tmp_path / "m.py").write_text(BAD + payload)
    proc = run_kerlint("check", "--no-cache", "--isolated", "--fix", "--unsafe-fixes", "m.py", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]


def test_the_package_has_no_way_to_run_code():
    """No eval/exec/dynamic import of anything but kerlint's own rule modules."""
    found = []
    for path in sorted((ROOT / "kerlint").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                if isinstance(f, ast.Name) and f.id in ("eval", "exec", "__import__"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {f.id}")
                if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and (
                    (f.value.id == "os" and (f.attr in ("system", "popen") or f.attr.startswith(("exec", "spawn"))))
                    or (f.value.id == "importlib" and f.attr == "import_module"
                        and not (path.name == "__init__.py" and path.parent.name == "rules"))
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {f.value.id}.{f.attr}")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name.split(".")[0] in ("subprocess", "runpy", "pickle", "marshal"):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} import {alias.name}")
    assert found == []


def _outside_tree(tmp_path):
    tree = tmp_path / "project"
    outside = tmp_path / "outside"
    tree.mkdir()
    outside.mkdir()
    (outside / "victim.py").write_text(BAD)
    (tree / "m.py").write_text(BAD)
    return tree, outside / "victim.py"


def test_fix_does_not_follow_a_linked_folder_out_of_the_tree(tmp_path):
    tree, victim = _outside_tree(tmp_path)
    os.symlink(victim.parent, tree / "linked")
    proc = run_kerlint("check", "--no-cache", "--isolated", "--fix", "--unsafe-fixes", "--output-format", "concise",
                       str(tree), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert (tree / "m.py").read_text() == GOOD
    assert victim.read_text() == BAD


def test_fix_does_not_write_through_a_link_to_a_file_out_of_the_tree(tmp_path):
    tree, victim = _outside_tree(tmp_path)
    os.symlink(victim, tree / "link.py")
    proc = run_kerlint("check", "--no-cache", "--isolated", "--fix", "--unsafe-fixes", "--output-format", "concise",
                       "link.py", "m.py", cwd=tree)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == (
        f"link.py:1:1: KER000 cannot write the fixed file: it is a symbolic link to {victim}, outside the folder "
        "kerlint was run on; the file was left unchanged")
    assert victim.read_text() == BAD
    assert (tree / "m.py").read_text() == GOOD
    assert (tree / "link.py").is_symlink()


# -- regressions found by fuzzing ------------------------------------------------------------


def test_ker403_no_fix_when_a_keras2_positional_is_also_given_by_keyword():
    source = "model.fit_generator(gen, 200, steps_per_epoch=100)\n"
    (report,) = lint_source(source, "m.py", ["KER403"]).reports
    assert report.code == "KER403" and report.fix is None


def test_integer_literals_past_pythons_digit_limit():
    digits = "9" * 5000
    source = BAD.replace("Dense(10", "Dense(" + digits)
    source += f"import numpy as np\ny = np.zeros(({digits}, 3))\nm.fit(x, y)\n"
    result = lint_source(source, "m.py", sorted(all_rules()))
    assert [r.code for r in result.reports if r.code == "KER000"] == []


def test_pythons_warnings_about_the_code_are_not_printed(tmp_path):
    (tmp_path / "m.py").write_text('assert (x, "never false")\nif x is 1:\n    s = "\\d"\n' + BAD)
    proc = run_kerlint("check", "--no-cache", "--isolated", "--fix", "--unsafe-fixes", "m.py", cwd=tmp_path,
                       env={"PYTHONWARNINGS": "default"})
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert (tmp_path / "m.py").read_text().endswith(GOOD)


def test_permute_dims_that_are_not_a_permutation_leave_the_shape_unknown():
    source = ("import keras\nmodel = keras.Sequential()\nmodel.add(keras.Input((None, 0, None)))\n"
              "model.add(keras.layers.Permute((-1, 8, 0)))\nmodel.add(keras.layers.Dense(3))\n"
              "model.compile(loss='categorical_crossentropy')\n")
    result = lint_source(source, "m.py", sorted(all_rules()))
    assert [r for r in result.reports if r.code == "KER000"] == []


def test_a_line_holding_only_a_backslash_is_skipped_with_a_notice(tmp_path):
    # LibCST drops such a line: positions and fixes after it would land a line too early.
    source = BAD.replace("m.compile", "\\\nm.compile")
    (tmp_path / "m.py").write_text(source)
    proc = run_kerlint("check", "--no-cache", "--isolated", "--fix", "--unsafe-fixes", "m.py", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr == ("kerlint: warning: m.py: skipped: kerlint's parser (LibCST) does not read this file "
                           "exactly, from line 3 (a line holding only a backslash?)\n")
    assert (tmp_path / "m.py").read_text() == source
