"""KER112: categorical crossentropy on integer class ids that are never one-hot encoded."""

from __future__ import annotations

from ..analysis.labels import array_flow, fit_on_class_ids
from ..diagnostics import SAFE, Diagnostic, Fix
from ..fixes import loss_swap, quote_of
from ..ir import Const, KerasObject, Seq
from . import Rule

_SPARSE = "sparse_categorical_crossentropy"
# Metrics that take class ids, as the sparse loss does (the string "accuracy" follows the shapes).
_ID_METRICS = {"accuracy", "acc", "sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy"}


def _one_unit(file, compiled) -> bool:
    """The output has one unit: categorical crossentropy there is KER105's case (and labels of
    shape ``(n, 1)`` would not raise)."""
    return file.output_units(compiled.model) == 1


def _metrics_take_class_ids(compile) -> bool:
    """Every metric of ``metrics=`` works on class ids: the string "accuracy", the sparse ones.
    Others (``"categorical_accuracy"``, ``AUC()``) read one-hot rows and would need changing too."""
    arg = compile.args.get("metrics")
    if arg is None:
        return True
    value = arg.value
    items = value.items if isinstance(value, Seq) and not value.opaque else [value]
    for item in items:
        if isinstance(item, Const) and isinstance(item.value, str) and item.value.lower() in _ID_METRICS:
            continue
        if isinstance(item, KerasObject) and item.kind.startswith("Sparse"):
            continue
        return False
    return True


def _fix(compiled):
    if not _metrics_take_class_ids(compiled.compile):
        return None
    edit = loss_swap(compiled, _SPARSE, quote_of(compiled.compile.node))
    return Fix(SAFE, f"Use {_SPARSE}", [edit]) if edit is not None else None


def check(file):
    flow = None  # made when a categorical loss asks for it
    for compiled in file.compiled_heads:
        model, _, compile, loss = compiled.parts
        if compiled.output is not None or loss.name != "categorical_crossentropy":
            continue
        fits = [fit for fit in model.fits if fit.compile is compile]
        if not fits or _one_unit(file, compiled):
            continue
        flow = flow or array_flow(file.ir)
        if not any(fit_on_class_ids(fit, flow) for fit in fits):
            continue
        yield Diagnostic(
            "KER112",
            f"{loss.name} on integer class ids never one-hot encoded: fit() raises a shape error at the first step",
            compiled.loss_node,
            _fix(compiled),
        )


RULE = Rule(
    code="KER112",
    explanation=(
        "Categorical crossentropy compares each sample's output row with a one-hot row of the "
        "same shape. Integer class ids (one number per sample) have no class axis, or one of "
        "size 1: Keras 3 checks the shapes and `fit()` raises at the first step, on every "
        "backend (\"Arguments `target` and `output` must have the same rank (ndim)\", or "
        "\"... the same shape\" for ids of shape `(n, 1)` such as CIFAR-10's), after the data "
        "has been loaded and the model built.\n\n"
        "The rule fires when the file shows the labels of the `fit()` that trains the model "
        "to be class ids on every path to it: `image_dataset_from_directory` and "
        "`text_dataset_from_directory` with their default `label_mode=\"int\"`, "
        "`keras.datasets.mnist` (and `fashion_mnist`, `cifar10`, `cifar100`, `reuters`, "
        "`imdb`) labels, `np.argmax(..., axis=1)`, `np.random.randint` with one draw per "
        "sample, `LabelEncoder().fit_transform`, an integer label column "
        "(`df[\"label\"].astype(int)`, `.map({...: 0})`, `.cat.codes`). It stays silent when "
        "the labels are one-hot encoded before that fit (`to_categorical`, `one_hot`, "
        "`label_mode=\"categorical\"`, a `.map` that one-hots them) or when it cannot follow "
        "them.\n\n"
        "Sparse categorical crossentropy takes class ids directly and computes the same loss. "
        "The fix (safe) uses it in the spelling the code uses (string, function or class, "
        "keeping `from_logits`); there is no fix when the compile also reports a metric that "
        "reads one-hot rows (`\"categorical_accuracy\"`, `AUC()`) or when the class takes an argument "
        "the sparse one does not (`label_smoothing`)."
    ),
    bad="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_val, y_val = x_train[-10000:], y_train[-10000:]
x_train, y_train = x_train[:-10000], y_train[:-10000]

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, validation_data=(x_val, y_val))
""",
    good="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_val, y_val = x_train[-10000:], y_train[-10000:]
x_train, y_train = x_train[:-10000], y_train[:-10000]
y_train = keras.utils.to_categorical(y_train, 10)
y_val = keras.utils.to_categorical(y_val, 10)

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, validation_data=(x_val, y_val))
""",
    fixed="""\
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_val, y_val = x_train[-10000:], y_train[-10000:]
x_train, y_train = x_train[:-10000], y_train[:-10000]

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, validation_data=(x_val, y_val))
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
