"""Files bigger than kerlint lints (``lint.MAX_SOURCE_CHARS``): skipped with a notice on stderr,
the run goes on, and the exit code is what the other files make it. The commands run with a
smaller limit (the real one needs megabytes of source), set before kerlint's command line
starts; a separate test pins the real limit to what docs/performance.md says."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from kerlint import lint

from .conftest import ROOT

LIMIT = 20_000
BUGGY = ('import keras\nmodel = keras.Sequential([keras.layers.Dense(10, activation="softmax")])\n'
         'model.compile(loss="binary_crossentropy")\n')
# A data table, as generated files hold them: each line adds 32 characters.
ROW = "    (5.10, 3.50, 1.40, 0.20, 0),\n"


def script(chars: int) -> str:
    """A training script of about ``chars`` characters (at most ``chars``): the buggy model,
    then a table."""
    rows = (chars - len(BUGGY) - len("DATA = [\n]\n")) // len(ROW)
    return BUGGY + "DATA = [\n" + ROW * rows + "]\n"


def kerlint_with_limit(*args, cwd, limit=LIMIT, input=None):
    """``kerlint ARGS`` in a subprocess whose size limit is ``limit`` characters."""
    code = ("import sys, kerlint.lint; kerlint.lint.MAX_SOURCE_CHARS = int(sys.argv[1]); "
            "from kerlint.cli import main; main(sys.argv[2:], prog_name='kerlint')")
    return subprocess.run([sys.executable, "-c", code, str(limit), *args], cwd=cwd, capture_output=True, text=True,
                          input=input, timeout=120)


def findings(proc) -> list[str]:
    """``["path:row:col: CODE", ...]`` of concise output."""
    return [" ".join(m.groups()) for m in re.finditer(r"^(.+?:\d+:\d+:) (KER\d+) ", proc.stdout, re.M)]


def check(*args, cwd, **kwargs):
    return kerlint_with_limit("check", "--no-cache", "--isolated", "--output-format", "concise", *args, cwd=cwd,
                              **kwargs)


NOTICE = ("kerlint: warning: generated.py: skipped: 0.03 MB of code is more than kerlint lints in one file "
          "(0.02 MB); exclude it if it is generated\n")


def test_a_file_over_the_limit_is_skipped_with_a_notice_and_exits_0(tmp_path):
    (tmp_path / "generated.py").write_text(script(30_000))
    proc = check("generated.py", cwd=tmp_path)
    assert proc.stdout == "All checks passed!\n"
    assert proc.stderr == NOTICE
    assert proc.returncode == 0  # a notice, not a finding: as for other skipped files


def test_the_run_goes_on_and_the_other_files_set_the_exit_code(tmp_path):
    (tmp_path / "generated.py").write_text(script(30_000))
    (tmp_path / "train.py").write_text(BUGGY)
    proc = check(".", cwd=tmp_path)
    assert proc.returncode == 1
    assert findings(proc) == ["train.py:3:20: KER106"]
    assert proc.stderr == NOTICE


def test_a_file_just_below_the_limit_is_linted(tmp_path):
    text = script(LIMIT)
    assert LIMIT - len(ROW) < len(text) <= LIMIT
    (tmp_path / "generated.py").write_text(text)
    proc = check("generated.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert findings(proc) == ["generated.py:3:20: KER106"]
    assert proc.stderr == ""


def test_verbose_says_why_the_file_was_skipped(tmp_path):
    (tmp_path / "generated.py").write_text(script(30_000))
    (tmp_path / "train.py").write_text(BUGGY)
    proc = check("-v", ".", cwd=tmp_path)
    assert ("kerlint: generated.py: skipped: 0.03 MB of code is more than kerlint lints in one file (0.02 MB); "
            "exclude it if it is generated\n") in proc.stderr
    assert "kerlint: train.py: linted\n" in proc.stderr
    assert "generated.py: linted" not in proc.stderr


def test_a_file_skipped_by_a_noqa_line_gets_no_notice(tmp_path):
    (tmp_path / "generated.py").write_text("# kerlint: noqa\n" + script(30_000))
    proc = check("generated.py", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "")


def test_stdin_over_the_limit_gets_the_notice_and_fix_prints_it_back(tmp_path):
    text = script(30_000)
    proc = check("--stdin-filename", "generated.py", "-", cwd=tmp_path, input=text)
    assert (proc.returncode, proc.stderr) == (0, NOTICE)
    proc = check("--fix", "--stdin-filename", "generated.py", "-", cwd=tmp_path, input=text)
    assert proc.stdout == text  # unchanged, not lost
    assert proc.returncode == 0


def notebook(*cells: str, outputs: str = "") -> str:
    return json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                   "outputs": [{"output_type": "stream", "name": "stdout", "text": [outputs]}] if outputs else [],
                   "source": cell.splitlines(keepends=True)} for cell in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_a_notebook_is_measured_by_its_code_cells_joined(tmp_path):
    table = script(16_000)[len(BUGGY):]
    (tmp_path / "big.ipynb").write_text(notebook(BUGGY, table, table))  # each cell under the limit, joined over
    (tmp_path / "outputs.ipynb").write_text(notebook(BUGGY, outputs="loss: 0.25\n" * 5_000))  # big JSON, little code
    proc = check(".", cwd=tmp_path)
    assert proc.returncode == 1
    assert findings(proc) == ["outputs.ipynb:cell 1:3:20: KER106"]
    assert re.fullmatch(r"kerlint: warning: big.ipynb: skipped: 0.03 MB of code is more than kerlint lints in one "
                        r"file \(0.02 MB\); exclude it if it is generated\n", proc.stderr)


def test_the_real_limit_is_the_one_the_docs_give():
    docs = (ROOT / "docs" / "performance.md").read_text()
    stated = re.search(r"kerlint lints files of up to \*\*([\d,]+) characters\*\*", docs)
    assert stated, "docs/performance.md states the limit"
    assert int(stated.group(1).replace(",", "")) == lint.MAX_SOURCE_CHARS


@pytest.mark.parametrize("extra", [0, 1])
def test_the_real_limit_one_character_either_side(extra):
    head = "import keras\n"
    text = head + "#" * (lint.MAX_SOURCE_CHARS - len(head) - 1) + "\n" + "x" * extra
    assert len(text) == lint.MAX_SOURCE_CHARS + extra
    assert (lint.too_big(text) is None) == (extra == 0)


def test_a_notebook_source_says_why_its_code_was_skipped(monkeypatch):
    # every caller of a Source (check, the language server, --fix) gets the notice, not only the
    # runner's check before the workers
    from kerlint.codes import DEFAULTS
    from kerlint.source import from_bytes

    monkeypatch.setattr(lint, "MAX_SOURCE_CHARS", LIMIT)
    table = script(16_000)[len(BUGGY):]
    source = from_bytes(notebook(BUGGY, table, table).encode(), "big.ipynb")
    reports, notice = source.lint_program(source.program(), sorted(DEFAULTS))
    assert reports == []
    assert notice == ("skipped: 0.03 MB of code is more than kerlint lints in one file (0.02 MB); "
                      "exclude it if it is generated")
