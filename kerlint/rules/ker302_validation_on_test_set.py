"""KER302: validation data taken from the test set (opt-in)."""

from __future__ import annotations

import re

import libcst as cst

from ..diagnostics import Diagnostic
from . import Rule

# ``test`` as a word of an identifier: x_test, X_test, test_ds, testX, xTest, Xtest, test2.
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_GLUED = re.compile(r"^(?:[xy]test|test[xy])$")


def says_test(name: str) -> bool:
    for part in name.split("_"):
        if _GLUED.match(part.lower()):
            return True
        if any(word.lower() in ("test", "tests") for word in _WORDS.findall(part)):
            return True
    return False


def _data_names(node):
    """The variable names a validation_data expression is built from, in source order
    (not the functions or methods it calls)."""
    if isinstance(node, cst.Name):
        yield node
    elif isinstance(node, cst.Attribute):
        yield from _data_names(node.value)
        yield node.attr
    elif isinstance(node, cst.Call):
        if isinstance(node.func, cst.Attribute):  # test_ds.batch(32): the receiver, not the method
            yield from _data_names(node.func.value)
        for a in node.args:
            yield from _data_names(a.value)
    elif isinstance(node, (cst.Tuple, cst.List)):
        for el in node.elements:
            yield from _data_names(el.value)
    elif isinstance(node, cst.Subscript):
        yield from _data_names(node.value)


def check(file):
    ir = file.ir
    for fit in ir.fits:
        if fit.method not in ("fit", "fit_generator"):
            continue
        if fit.model is None and not ir.uses_keras:
            continue
        arg = fit.args.get("validation_data")
        if arg is None:
            continue
        names = list(dict.fromkeys(n.value for n in _data_names(arg.node.value) if says_test(n.value)))
        if not names:
            continue
        yield Diagnostic(
            "KER302",
            f"validation_data is built from {', '.join(f'`{n}`' for n in names)}, by "
            f"{'their names' if len(names) > 1 else 'its name'} the test set: tuning on it "
            "inflates the test score",
            arg.node.value,
        )


RULE = Rule(
    code="KER302",
    explanation=(
        "Validation data is what you tune against: the epoch to stop at, the checkpoint to "
        "keep, the learning rate, the architecture. When `validation_data` is the test set "
        "(`X_test`, `test_ds`), those choices are fitted to it, and the test score no longer "
        "estimates how the model does on unseen data. Split a validation set off the training "
        "data (`validation_split=0.1` or `train_test_split`) and touch the test set once, at "
        "the end. Off by default: tutorials do this so often that it would drown the other "
        "rules; enable it with `--select KER302` or `extend-select`."
    ),
    bad="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=10, validation_data=(x_test, y_test))
""",
    good="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_val, y_val = x_train[-10000:], y_train[-10000:]
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train[:-10000], y_train[:-10000], epochs=10, validation_data=(x_val, y_val))
model.evaluate(x_test, y_test)  # the test set is used once, at the end
""",
    fix_availability="never",
    check=check,
    proof_exempt=(
        "The harm is a bias in expectation: choosing epochs or models on the test set makes the "
        "reported test score optimistic on average. One seeded run of a small model shows it "
        "only within noise (measured on pure-noise labels with EarlyStopping on the test set: "
        "reported test accuracy 0.55 against 0.49 on 4000 new samples, while an honest "
        "validation split gave 0.35 against 0.49), so a single-run assertion would not be fair."
    ),
)
