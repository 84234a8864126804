"""An editor buffer parsed statement by statement (kerlint/chunks.py): the same diagnostics,
positions and fixes as the whole-file parse, and a keystroke re-parses one statement."""

from __future__ import annotations

import pytest

from kerlint import chunks as chunks_module
from kerlint.chunks import ChunkCache
from kerlint.codes import SELECTABLE
from kerlint.lint import lint_source

from .conftest import ROOT

CODES = sorted(c for c in SELECTABLE if c != "KER900")
BAD_FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("KER*/bad*.py"))

PROGRAM = '''\
"""A training script."""
import keras
from keras import layers


def build(classes):
    model = keras.Sequential([
        keras.Input(shape=(20,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(classes),
    ])
    return model

# the model
model = build(5)
model.compile(loss="categorical_crossentropy", optimizer="adam")  # trains it
'''


def _seen(result):
    return [(r.code, r.row, r.column, r.end_row, r.end_column, r.message, r.fix) for r in result.reports]


@pytest.mark.parametrize("path", BAD_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_statements_parsed_apart_give_what_the_whole_file_gives(path):
    text = path.read_text(encoding="utf-8")
    whole = lint_source(text, path.name, CODES)
    chunked = lint_source(text, path.name, CODES, chunks=ChunkCache())
    assert _seen(chunked) == _seen(whole)
    assert chunked.error == whole.error


def test_a_keystroke_parses_again_only_the_statement_it_changed(monkeypatch):
    cache = ChunkCache()
    first = lint_source(PROGRAM, "t.py", CODES, chunks=cache)
    assert [(r.code, r.row, r.column) for r in first.reports] == [("KER101", 10, 9)]
    made = []
    real = chunks_module._Chunk

    def counting(text):
        made.append(text)
        return real(text)

    monkeypatch.setattr(chunks_module, "_Chunk", counting)
    edited = PROGRAM.replace("layers.Dense(classes),", 'layers.Dense(classes, activation="softmax"),')
    assert lint_source(edited, "t.py", CODES, chunks=cache).reports == []
    assert len(made) == 1 and made[0].startswith("def build(classes):")
    again = PROGRAM.replace("model = build(5)", "model = build(7)")
    reports = lint_source(again, "t.py", CODES, chunks=cache).reports
    assert [(r.code, r.row, r.column) for r in reports] == [("KER101", 10, 9)]
    assert len(made) == 3  # the build() statement (back as it was) and the changed line


@pytest.mark.parametrize("text", [
    "import keras\nmodel = keras.Sequential([\n",  # a syntax error: the whole parse reports it
    "import keras\r\nx = 1\r\n",  # CRLF line ends
    "import keras\nif True:\n  x = 1\nif True:\n    y = 2\n",  # two indentations
    "x = 1\n",  # one statement: nothing to reuse
])
def test_what_is_parsed_whole(text):
    assert ChunkCache().parse(text) is None
