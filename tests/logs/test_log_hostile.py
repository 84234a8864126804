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
