"""KER204: ``Embedding(input_dim=len(tokenizer.word_index))``, one row short."""

from __future__ import annotations

import re

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


# -- vocabularies the file numbers from 1 by hand -----------------------------------------------------
def _int(node) -> int | None:
    if isinstance(node, cst.Integer):
        try:
            return node.evaluated_value
        except (ValueError, SyntaxError):
            return None
    return None


def _enumerate_start(call) -> int | None:
    """The start of ``enumerate(src)`` / ``enumerate(src, 1)`` / ``enumerate(src, start=1)``."""
    args = call.args
    if not args or any(a.star for a in args) or args[0].keyword is not None or len(args) > 2:
        return None
    if len(args) == 1:
        return 0
    second = args[1]
    if second.keyword is not None and second.keyword.value != "start":
        return None
    return _int(second.value)


def _index_offset(expr, index: str) -> int | None:
    """0 for the enumerate index itself, k for ``index + k`` (or ``k + index``), else None."""
    if isinstance(expr, cst.Name):
        return 0 if expr.value == index else None
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        for var, num in ((expr.left, expr.right), (expr.right, expr.left)):
            if isinstance(var, cst.Name) and var.value == index and _int(num) is not None:
                return _int(num)
    return None


def _numbering(value) -> tuple | None:
    """For a dict comprehension over ``enumerate(src, ...)``: (src, the index of its first
    item), the index None when the comprehension is not a plain numbering. Plain numberings:
    ``{w: i + 1 for i, w in enumerate(vocab)}``, ``{w: i for i, w in enumerate(vocab, 1)}``,
    and the index -> word dicts written the same ways."""
    if not isinstance(value, cst.DictComp):
        return None
    comp = value.for_in
    call = comp.iter
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == "enumerate"
            and call.args and call.args[0].keyword is None and not call.args[0].star):
        return None
    source = call.args[0].value
    target = comp.target
    start = _enumerate_start(call)
    if (start is None or comp.inner_for_in is not None or comp.ifs or not isinstance(target, cst.Tuple)
            or len(target.elements) != 2 or not all(isinstance(el.value, cst.Name) for el in target.elements)):
        return source, None
    index, item = (el.value.value for el in target.elements)
    for numbered, word in ((value.value, value.key), (value.key, value.value)):
        offset = _index_offset(numbered, index)
        if offset is not None and isinstance(word, cst.Name) and word.value == item:
            return source, start + offset
    return source, None


def _grows(code: str, name: str) -> bool:
    """The file adds entries to ``name`` after building it (``vocab["<pad>"] = 0`` and the like)."""
    return re.search(rf"\b{re.escape(name)}\s*(\[[^\]]*\]\s*=[^=]|\.\s*(update|setdefault|append|insert|extend)\s*\()",
                     code) is not None


def _hand_numbered(name: str, file) -> int | None:
    """The first index of a vocabulary the file numbers from 1 by hand, when ``len(name)`` is its
    size: ``name`` is that dict, or the list it enumerates. None when the file also numbers the
    list from 0, or changes the dict or list after building it."""
    statements = file.statements
    if statements.sole_value(name) is None:
        return None  # bound more than once, or not by a plain assignment
    firsts = set()
    for assign in statements.assigns:
        found = _numbering(assign.value)
        if found is None:
            continue
        source, first = found
        dict_names = {t.target.value for t in assign.targets if isinstance(t.target, cst.Name)}
        if name in dict_names or (isinstance(source, cst.Name) and source.value == name):
            firsts.add(first)  # None: numbered some other way, so the size may be right
    if len(firsts) != 1:
        return None
    first = firsts.pop()
    if first is None or first < 1 or _grows(file.ir.module.code, name):
        return None
    return first


def _len_argument(node):
    """The name in ``len(name)``, or None."""
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "len"
            and len(node.args) == 1 and not node.args[0].star and isinstance(node.args[0].value, cst.Name)):
        return node.args[0].value.value
    return None


def _input_dim_length(layer, statements):
    """The ``len(...)`` call that ``input_dim`` is, directly or through a name bound once."""
    expr = layer.args.get("input_dim").node.value
    if isinstance(expr, cst.Call):
        return expr, expr
    if isinstance(expr, cst.Name):
        value = statements.sole_value(expr.value)
        if isinstance(value, cst.Call):
            return expr, value
    return expr, None


def check(file):
    ir = file.ir
    embeddings = [layer for layer in ir.layers if layer.kind == "Embedding" and layer.args.get("input_dim")]
    if not embeddings:
        return
    capped = _capped_tokenizer(ir)
    for layer in embeddings:
        expr, target = _input_dim_length(layer, file.statements)
        if target is None:
            continue
        code = ir.module.code_for_node(target)
        if not capped and _len_of_index(target, file.statements):
            yield Diagnostic(
                "KER204",
                f"Embedding input_dim is {code}, but Tokenizer indices start at 1: the last word is out "
                "of range",
                expr,
                Fix(SAFE, "Add 1 to the vocabulary size", [NodeEdit(target, f"{code} + 1")]),
            )
            continue
        name = _len_argument(target)
        first = _hand_numbered(name, file) if name is not None else None
        if first is None:
            continue
        yield Diagnostic(
            "KER204",
            f"Embedding input_dim is {code}, but this vocabulary is numbered from {first}: its last entry is "
            "out of range",
            expr,
            Fix(SAFE, f"Add {first} to the vocabulary size", [NodeEdit(target, f"{code} + {first}")]),
        )


RULE = Rule(
    code="KER204",
    explanation=(
        "Keras's `Tokenizer` numbers words from 1 (index 0 is left for padding), so "
        "`texts_to_sequences` produces indices up to `len(tokenizer.word_index)`. An "
        "`Embedding` has rows 0 to `input_dim - 1`: with `input_dim=len(word_index)` the "
        "last word is out of range. On CPU the lookup raises `InvalidArgumentError` as soon "
        "as a batch contains it; on GPU it silently returns a zero vector.\n\n"
        "The same holds for a vocabulary the file numbers from 1 by hand "
        "(`{w: i + 1 for i, w in enumerate(vocab)}`, `enumerate(vocab, 1)`, `enumerate(vocab, "
        "start=1)`) and sizes with `len(vocab)` or the length of that dict. kerlint stays silent "
        "when the dict gets more entries afterwards (`vocab[\"<pad>\"] = 0`) or the list is also "
        "numbered from 0."
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
