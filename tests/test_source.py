"""One source pipeline: a run reads, pre-scans and keys each file once, and files, notebooks and
stdin share one lint and fix path, each kind reporting a failure in its own words."""

from __future__ import annotations

import builtins
import dataclasses
import json
from collections import Counter
from pathlib import Path

import libcst as cst

from kerlint import runner
from kerlint import source as source_module
from kerlint.cache import Cache
from kerlint.diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from kerlint.fix import FixMode
from kerlint.rules import all_rules
from kerlint.source import from_bytes, read_file

MODEL = 'import keras\nm = keras.Sequential([keras.layers.Dense(10, activation="softmax")])\n'
BAD = MODEL + 'm.compile(loss="binary_crossentropy")\n'
CODES = ["KER101", "KER106", "KER301"]


def notebook(*cells: str) -> str:
    return json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c}
                  for c in cells],
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }, indent=1) + "\n"


def test_a_run_reads_prescans_and_keys_each_file_once(tmp_path, monkeypatch):
    files = {"model.py": BAD, "plain.py": "import os\n", "nb.ipynb": notebook(MODEL, BAD.split("\n")[2])}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    reads, scans, keys = Counter(), [], []
    read_bytes, open_, prescan, key = Path.read_bytes, builtins.open, source_module.prescan, Cache.key

    def counted_read_bytes(path):
        if path.name in files:
            reads[path.name] += 1
        return read_bytes(path)

    def counted_open(file, *args, **kwargs):
        if isinstance(file, (str, Path)) and Path(file).name in files:
            reads[Path(file).name] += 1
        return open_(file, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", counted_read_bytes)
    monkeypatch.setattr(builtins, "open", counted_open)
    monkeypatch.setattr(source_module, "prescan", lambda data: scans.append(data) or prescan(data))
    monkeypatch.setattr(Cache, "key", lambda self, *args: keys.append(args) or key(self, *args))
    cache = Cache.open(tmp_path / "cache")
    paths = [(tmp_path / name, CODES) for name in files]
    # Linted, then answered from the cache, then fixed (--diff: nothing written).
    for fix in (None, None, FixMode(write=False, diff=True, unsafe=True)):
        reads.clear(), scans.clear(), keys.clear()
        results = runner.lint_files(paths, jobs=1, fix=fix, cache=cache)
        assert [r.path for r in results] == [str(p) for p, _ in paths]
        assert reads == {name: 1 for name in files}
        # The Python files' bytes; a notebook's program (its joined cells) is pre-scanned when linted.
        assert len([s for s in scans if isinstance(s, bytes)]) == 2
        assert len(keys) == 2  # the files the pre-scan does not clear


def _breaks_dense(file):
    for layer in file.ir.layers:
        if layer.kind == "Dense" and isinstance(layer.node, cst.Call):
            yield Diagnostic("KER996", "test rule", layer.node, Fix(SAFE, "break it", [NodeEdit(layer.node, "Dense(")]))


def test_a_fix_that_breaks_a_notebook_leaves_it_unchanged_and_says_so_in_the_cell(tmp_path, monkeypatch):
    monkeypatch.setitem(all_rules(), "KER996",
                        dataclasses.replace(all_rules()["KER101"], code="KER996", check=_breaks_dense))
    data = notebook("import keras\n", MODEL).encode()
    path = tmp_path / "nb.ipynb"
    path.write_bytes(data)
    from_file = read_file(path, "nb.ipynb").fix(["KER996"], FixMode())
    from_stdin = from_bytes(data, "nb.ipynb").fix(["KER996"], FixMode())
    assert path.read_bytes() == data and from_stdin.fix.output == data
    for result in (from_file, from_stdin):
        assert not result.fix.fixed
        (error,) = [r for r in result.reports if r.code == "KER000"]
        assert error.message.startswith("internal error in kerlint: the fix for KER996 would make the code invalid "
                                        "Python (")
        assert error.message.endswith("; the notebook was left unchanged")
        assert (error.cell, error.cell_row, error.column) == (2, 2, 23)  # where the broken fix is
