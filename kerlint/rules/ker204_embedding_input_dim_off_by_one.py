"""KER204: ``Embedding(input_dim=len(tokenizer.word_index))``, one row short."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from . import Rule

_INDEX_ATTRS = ("word_index", "index_word")


def _is_index(node, statements) -> bool:
    """``tokenizer.word_index``, or a name assigned once from it."""
    if isinstance(node, cst.Attribute):
        return node.attr.value in _INDEX_ATTRS
    if isinstance(node, cst.Name):
        value = statements.sole_value(node.value)
        return isinstance(value, cst.Attribute) and value.attr.value in _INDEX_ATTRS
    return False


def _len_of_index(node, statements) -> bool:
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "len"
        and len(node.args) == 1
        and not node.args[0].star
        and _is_index(node.args[0].value, statements)
    )


def _capped_tokenizer(ir) -> bool:
    """A Tokenizer with ``num_words``: its sequences stop below that cap, whatever
    ``word_index`` holds, so the length of ``word_index`` says nothing about them."""
    for site in ir.calls:
        if site.ref.canonical.endswith("Tokenizer") and site.args is not None:
            for arg in site.args.all():
                if arg.name in ("num_words", "#0") and not (
                    isinstance(arg.node.value, cst.Name) and arg.node.value.value == "None"
                ):
                    return True
    return False


def check(file):
    ir = file.ir
    embeddings = [layer for layer in ir.layers if layer.kind == "Embedding" and layer.args.get("input_dim")]
    if not embeddings or _capped_tokenizer(ir):
        return
    for layer in embeddings:
        expr = layer.args.get("input_dim").node.value
        target = None
        if _len_of_index(expr, file.statements):
            target = expr
        elif isinstance(expr, cst.Name):
            value = file.statements.sole_value(expr.value)
            if value is not None and _len_of_index(value, file.statements):
                target = value
        if target is None:
            continue
        code = ir.module.code_for_node(target)
        yield Diagnostic(
            "KER204",
            f"Embedding input_dim is {code}, but Tokenizer indices start at 1 (0 is kept for "
            "padding), so the rarest word's index equals input_dim and is out of range: on "
            "CPU fit() and predict() raise InvalidArgumentError, on GPU the lookup silently "
            "returns zeros; use len(...) + 1",
            expr,
            Fix(SAFE, "Add 1 to the vocabulary size", [NodeEdit(target, f"{code} + 1")]),
        )


RULE = Rule(
    code="KER204",
    explanation=(
        "Keras's `Tokenizer` numbers words from 1 (index 0 is left for padding), so "
        "`texts_to_sequences` produces indices up to `len(tokenizer.word_index)`. An "
        "`Embedding` has rows 0 to `input_dim - 1`: with `input_dim=len(word_index)` the "
        "last word is out of range. On CPU the lookup raises `InvalidArgumentError` as soon "
        "as a batch contains it; on GPU it silently returns a zero vector."
    ),
    bad="""\
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.preprocessing.text import Tokenizer

texts = ["a fine film", "a dull, long film"]
tokenizer = Tokenizer()
tokenizer.fit_on_texts(texts)
vocab_size = len(tokenizer.word_index)
model = keras.Sequential([
    keras.Input(shape=(100,)),
    layers.Embedding(vocab_size, 64),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    good="""\
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.preprocessing.text import Tokenizer

texts = ["a fine film", "a dull, long film"]
tokenizer = Tokenizer()
tokenizer.fit_on_texts(texts)
vocab_size = len(tokenizer.word_index) + 1  # word indices start at 1; 0 is padding
model = keras.Sequential([
    keras.Input(shape=(100,)),
    layers.Embedding(vocab_size, 64),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.preprocessing.text import Tokenizer

texts = ["a fine film", "a dull, long film"]
tokenizer = Tokenizer()
tokenizer.fit_on_texts(texts)
vocab_size = len(tokenizer.word_index) + 1
model = keras.Sequential([
    keras.Input(shape=(100,)),
    layers.Embedding(vocab_size, 64),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    fix_availability="always",
    fix_applicability=("safe",),
    check=check,
)
