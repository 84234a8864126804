"""Bad input never shows a traceback: exit 2 with a message for what cannot be read, and big logs
are streamed in bounded memory."""

import gzip
import io
import json
import os
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from kerlint.logs import LogReadError, diagnose, read_log
from kerlint.logs import console
from kerlint.logs.console import parse_console
from kerlint.logs.report import render_json, render_text

from .conftest import DATA, SEEDS

ROOT = Path(__file__).resolve().parents[2]


def assert_clean_failure(r, *words):
    assert r.exit_code == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert r.stderr.startswith("kerlint log: ")
    for w in words:
        assert w in r.stderr


def test_empty_and_blank_files(tmp_path, run_log):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    assert_clean_failure(run_log(p), "empty input")
    p.write_bytes(b"\n\r\n   \t\n")
    assert_clean_failure(run_log(p), "empty input")
    assert_clean_failure(run_log("-", input=b""), "<stdin>: empty input")


def test_binary_files(tmp_path, run_log):
    p = tmp_path / "model.h5"
    p.write_bytes(b"\x89HDF\r\n\x1a\n\x00\x00\x00" + bytes(range(256)) * 64)
    assert_clean_failure(run_log(p), "binary data")
    p.write_bytes(os.urandom(200_000))
    assert_clean_failure(run_log(p))


def test_missing_file_and_directory(tmp_path, run_log):
    assert_clean_failure(run_log(tmp_path / "nope.log"), "no such file")
    assert_clean_failure(run_log(tmp_path), "is a directory")


def test_text_without_training(tmp_path, run_log):
    assert_clean_failure(run_log(ROOT / "pyproject.toml"), "no Keras training epochs found")
    p = tmp_path / "prose.txt"
    p.write_text("Total params: 14,977,717\nThe total accuracy is : 0.6046845041714888\n"
                 "ratio 3/4 - not a progress bar\n")
    assert_clean_failure(run_log(p), "no Keras training epochs found")


def test_broken_json_and_csv(tmp_path, run_log):
    p = tmp_path / "history.json"
    p.write_text('{"loss": [0.5, 0.4')
    assert_clean_failure(run_log(p))
    p.write_text('{"model": "resnet", "layers": 50}')
    assert_clean_failure(run_log(p), "no metric lists found")
    p = tmp_path / "log.csv"
    p.write_text("epoch,loss,val_loss\nzero,abc,\n")
    assert_clean_failure(run_log(p), "no Keras training epochs found")


def test_corrupt_gzip(tmp_path, run_log):
    p = tmp_path / "log.txt.gz"
    p.write_bytes(gzip.compress((SEEDS / "seed_000.txt").read_bytes())[:300])
    assert_clean_failure(run_log(p), "cannot read")


def test_truncated_copy_keeps_what_it_has(run_log):
    r = run_log(DATA / "truncated.txt", "--output-format", "json")
    assert r.exit_code == 0
    epochs = r.json()["runs"][0]["epochs"]
    assert [e["epoch"] for e in epochs] == [1, 2, 3]
    assert epochs[2]["partial"] is True
    assert epochs[2]["metrics"]["loss"] == 0.44  # the value the copy was cut in
    assert "* no final progress line" in run_log(DATA / "truncated.txt").stdout


def test_undecodable_bytes_inside_a_log(tmp_path, run_log):
    data = (SEEDS / "seed_001.txt").read_bytes().replace(b"Model structure", b"Mod\xe8le \xff\xfe")
    p = tmp_path / "latin1.txt"
    p.write_bytes(data)
    r = run_log(p, "--output-format", "json")
    assert r.exit_code == 1 and r.codes() == ["KER604"]


def test_a_megabyte_line_with_no_record_in_it(tmp_path, run_log):
    p = tmp_path / "junk.txt"
    p.write_bytes(b"a" * (3 << 20) + b"\nEpoch 1/2\nloss: 0.5 - acc: 0.7\nEpoch 2/2\n"
                  b"loss: 0.4 - acc: 0.8\n")
    r = run_log(p, "--output-format", "json")
    assert r.exit_code == 1  # KER612: no validation
    assert [e["epoch"] for e in r.json()["runs"][0]["epochs"]] == [1, 2]


def test_usage_errors(run_log):
    r = run_log(SEEDS / "seed_000.txt", "--output-format", "xml")
    assert r.exit_code == 2
    r = run_log(SEEDS / "seed_000.txt", "--select", "KER999")
    assert r.exit_code == 2 and "unknown code" in r.stderr
    assert run_log().exit_code == 2


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TOKENS = ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3", "Epoch 0/0", " 32/100 [=====>....] - ETA: 3s",
          "100/100 [==============================] - 2s 20ms/step", "100/Unknown", " - loss: ",
          " - acc: ", " - val_loss: ", "loss: ", "nan", "inf", "-inf", "0.6931", "1.1921e-07",
          "16.1181", "0.0000e+00", "1e308", "\r", "\n", "\b\b\b", "\x1b[1m", "\x1b[", "━━━",
          "Train on 10 samples, validate on 0 samples", "Restoring model weights from the end "
          "of the best epoch: 0.", "Epoch 3: early stopping", "{", "[", ",", "epoch,loss\n",
          "\x00", "\xff", "accuracy: 1.0000"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=40))
def test_fuzzed_logs_never_crash(tokens):
    # the library itself, not the command (which turns any exception into exit 2)
    data = "".join(tokens).encode("utf-8", errors="surrogatepass")
    try:
        log = read_log("-", stdin=io.BytesIO(data))
    except LogReadError:
        return
    diags = diagnose(log)
    render_text(log, diags)
    json.loads(render_json(log, diags))


class Generated(io.RawIOBase):
    """`size` bytes of a log, made while they are read: head, then one block repeated."""

    def __init__(self, head: bytes, block: bytes, size: int) -> None:
        self.head, self.left, self.pos = head, size, 0
        self.chunk = block * (1 + (1 << 20) // len(block))

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = min(len(b), self.left)
        if n <= 0:
            return 0
        if self.head:
            data, self.head = self.head[:n], self.head[n:]
        else:
            if self.pos >= len(self.chunk):
                self.pos = 0
            data = self.chunk[self.pos:self.pos + n]
            self.pos += len(data)
        b[: len(data)] = data
        self.left -= len(data)
        return len(data)


def redraw_block(one_line: bool) -> bytes:
    # verbose=1 under a terminal (backspaces + carriage return), or the same pasted onto one line
    sep = (lambda: b" ") if one_line else (lambda: b"\b" * 90 + b"\r")
    return b"".join(
        sep() + f"{i:>5}/60000 [=====>........................] - ETA: 12s - loss: "
                f"{0.5 + i / 1e6:.4f} - accuracy: 0.8000".encode() for i in range(1, 2000))


def peak_memory(head: bytes, block: bytes, size: int) -> tuple[int, int]:
    stream = io.BufferedReader(Generated(head, block, size))
    tracemalloc.start()
    try:
        runs = parse_console(stream)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, runs[0].epochs[0].trace.n


@pytest.mark.parametrize("one_line", [False, True], ids=["redraws", "one-line"])
def test_big_log_is_streamed_in_bounded_memory(one_line, monkeypatch):
    # 64 KB reads instead of 1 MB keep the fixed overhead small, so that a 3 MB log shows whether
    # memory follows the input (tracemalloc makes larger inputs slow)
    monkeypatch.setattr(console, "CHUNK", 1 << 16)
    head = b"Epoch 1/3 " if one_line else b"Epoch 1/3\n"
    peak, redraws = peak_memory(head, redraw_block(one_line), 3 << 20)
    assert redraws > (20_000 if one_line else 10_000)  # every redraw was read...
    assert peak < 1 << 20  # ...holding a third of the input at most


@pytest.mark.skipif(not os.environ.get("KERLINT_LOG_200MB"),
                    reason="set KERLINT_LOG_200MB=1 to stream a 200 MB log (20 s of CPU)")
def test_200_megabyte_log_through_the_command_line():
    script = textwrap.dedent(f"""
        import io, resource, sys
        sys.path.insert(0, {str(ROOT)!r})
        from tests.logs.test_log_hostile import Generated, redraw_block
        from kerlint.logs import source
        from kerlint.logs.diagnose import diagnose
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        stream = io.BufferedReader(Generated(b"Epoch 1/2\\n", redraw_block(False), 200 << 20))
        log = source._read("big", stream)
        diagnose(log)
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
        print(grown // 1024, log.runs[0].epochs[0].trace.n)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=600).stdout.split()
    grown_mb, redraws = int(out[0]), int(out[1])
    assert redraws > 1_000_000
    assert grown_mb < 64


# -- notebooks (issue 22) ----------------------------------------------------------------------
def _notebook(cells, **extra):
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
                       **extra})


def _code(outputs, source="model.fit(x, y)"):
    return {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": source,
            "outputs": outputs}


V2 = ("Epoch 1/3\n10/10 - 0s - loss: 0.6931 - accuracy: 0.5000\nEpoch 2/3\n"
      "10/10 - 0s - loss: 0.5000 - accuracy: 0.7000\nEpoch 3/3\n"
      "10/10 - 0s - loss: 0.4000 - accuracy: 0.8000\n")


def test_notebooks_that_are_not(tmp_path, run_log):
    p = tmp_path / "broken.ipynb"
    p.write_text('{"cells": [')
    assert_clean_failure(run_log(p), "not a Jupyter notebook")
    p.write_text("Epoch 1/3 and some text")
    assert_clean_failure(run_log(p), "not a Jupyter notebook (not JSON)")
    # nbformat 3 keeps its cells in worksheets
    p.write_text(json.dumps({"worksheets": [{"cells": []}], "nbformat": 3}))
    assert_clean_failure(run_log(p), "JSON without a cell list")
    p.write_text(_notebook([_code([])]))
    assert_clean_failure(run_log(p), "saved without outputs")
    p.write_text(_notebook([_code([{"output_type": "stream", "name": "stdout",
                                    "text": "hello\n"}])]))
    assert_clean_failure(run_log(p), "no fit() progress")


def test_junk_inside_a_notebook_is_skipped(tmp_path, run_log):
    junk = [None, 3, "text", [], {"output_type": "stream", "text": 12},
            {"output_type": "stream", "text": [None, 5, {"a": 1}]},
            {"output_type": "display_data", "data": "not a dict"},
            {"output_type": "display_data", "data": {"text/plain": ["{'loss': [1, 2"]}},
            {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo" * 1000}},
            {"output_type": "error", "ename": "ValueError", "traceback": ["\x1b[31m" * 100]}]
    cells = [None, {"cell_type": "code"}, {"cell_type": "code", "outputs": "nope"},
             {"cell_type": "markdown", "outputs": [{"output_type": "stream", "text": V2}]},
             _code(junk), _code([{"output_type": "stream", "name": "stdout", "text": list(V2)}])]
    p = tmp_path / "junk.ipynb"
    p.write_text(_notebook(cells))
    r = run_log(p, "--output-format", "json")
    assert r.exit_code in (0, 1), r.stderr
    # only the last cell trained; the markdown cell's "outputs" are not outputs; the source,
    # `model.fit(x, y)` six times, names no model
    assert [(run["cell"], len(run["epochs"])) for run in r.json()["runs"]] == [(6, 3)]


def test_a_notebook_on_stdin_has_no_source_to_check(run_log):
    nb = _notebook([_code([{"output_type": "stream", "name": "stdout", "text": V2}])])
    r = run_log("-", "--output-format", "json", input=nb.encode())
    assert r.exit_code in (0, 1), r.stderr
    assert r.json()["format"] == "notebook" and r.json()["checked_source"] is None
    assert r.json()["runs"][0]["cell"] == 1


def test_a_huge_stream_output_is_read_in_bounded_time(tmp_path, run_log):
    bar = "".join(f"\r{i}/5000 [=====>....] - ETA: 1s - loss: 0.5 - accuracy: 0.7"
                  for i in range(1, 5000))
    text = "Epoch 1/2\n" + bar * 4 + "\n5000/5000 - loss: 0.5 - accuracy: 0.7\nEpoch 2/2\n" + (
        "5000/5000 - loss: 0.4 - accuracy: 0.8\n")
    p = tmp_path / "big.ipynb"
    p.write_text(_notebook([_code([{"output_type": "stream", "name": "stdout", "text": text}])]))
    r = run_log(p, "--output-format", "json")
    assert r.exit_code in (0, 1), r.stderr
    assert [e["metrics"]["loss"] for e in r.json()["runs"][0]["epochs"]] == [0.5, 0.4]


def test_a_history_dump_larger_than_the_first_read_is_read_whole(tmp_path, run_log):
    # the format is told from the first 64 KB; the JSON after them was once cut off there
    hist = {"loss": [1.0 / (i + 1) for i in range(3000)],
            "val_loss": [1.0 / (i + 1) + 0.01 for i in range(3000)]}
    p = tmp_path / "long.json"
    p.write_text(json.dumps(hist))
    assert p.stat().st_size > 1 << 16
    r = run_log(p, "--output-format", "json")
    assert r.exit_code in (0, 1), r.stderr
    assert r.json()["summary"]["epochs"] == 3000
