"""KER403: ``fit_generator`` / ``evaluate_generator`` / ``predict_generator`` (removed)."""

from __future__ import annotations

import libcst as cst

from ..catalog import get_catalog
from ..codes import NOTE
from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..ir import UNKNOWN, Model
from ..names import keras2_object
from . import Rule

REPLACEMENT = {"fit_generator": "fit", "evaluate_generator": "evaluate", "predict_generator": "predict"}

# Keras 2 positional parameters, as far as they agree across Keras 2 releases.
_LEGACY_POSITIONAL = {
    "fit_generator": ("x", "steps_per_epoch", "epochs", "verbose", "callbacks", "validation_data", "validation_steps"),
    "evaluate_generator": ("x", "steps"),
    "predict_generator": ("x", "steps"),
}
_RENAMED = {"generator": "x"}
# Worker settings moved to the data (PyDataset) in Keras 3; fit() rejects them.
_MOVED = {"max_queue_size", "workers", "use_multiprocessing"}


def _fix(call: cst.Call, method: str):
    new_name = REPLACEMENT[method]
    sig = get_catalog().signature("model_methods", new_name)
    legacy = _LEGACY_POSITIONAL[method]
    rename_only = NodeEdit(call.func.attr, cst.Name(new_name))
    args = []
    used = set()
    changed = False
    for i, arg in enumerate(call.args):
        if arg.star:
            return None
        if arg.keyword is None:
            if i >= len(legacy):
                return None
            name = legacy[i]
            if i == 0:
                used.add(name)
                args.append(arg)
                continue
            arg = arg.with_changes(keyword=cst.Name(name), equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
            changed = True
        else:
            name = _RENAMED.get(arg.keyword.value, arg.keyword.value)
            if name != arg.keyword.value:
                arg = arg.with_changes(keyword=cst.Name(name))
                changed = True
        if sig is None or not sig.accepts(name) or name in used:
            return None  # not fit()'s, or given twice (positionally and by keyword): no safe rewrite
        used.add(name)
        args.append(arg)
    if not changed:
        edit = rename_only
    else:
        func = call.func.with_changes(attr=cst.Name(new_name))
        edit = NodeEdit(call, call.with_changes(func=func, args=args))
    return Fix(SAFE, f"Use {new_name}()", [edit])


def _model_path(ir, model):
    """Where the model's class (``Sequential``, ``Model``) is imported from, when its
    constructor is a Keras call; None for a model made otherwise."""
    if not isinstance(model, Model) or model.node is None:
        return None
    for site in ir.calls:
        if site.node is model.node:
            return site.ref.path
    return None


def check(file):
    ir = file.ir
    for mc in ir.method_calls:
        if mc.name not in REPLACEMENT:
            continue
        if not (isinstance(mc.receiver, Model) or mc.receiver is UNKNOWN):
            continue
        keras2 = keras2_object(_model_path(ir, mc.receiver), ir.resolver, file.keras2_pinned)
        call = mc.node
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            continue
        yield Diagnostic("KER403", _message(mc.name, call, keras2), call.func.attr, _fix(call, mc.name),
                         severity=NOTE if keras2 else None)  # Keras 2 warns and trains


def _message(method: str, call: cst.Call, keras2: bool) -> str:
    new = REPLACEMENT[method]
    if keras2:
        # Keras 2 (tf_keras, tensorflow.python.keras, a project pinned to it) warns and calls fit().
        return f"{method}() is deprecated in Keras 2 (it warns) and removed in Keras 3; {new}() takes generators"
    moved = any(a.keyword is not None and a.keyword.value in _MOVED for a in call.args)
    said = f"{method}() was removed in Keras 3 (AttributeError); {new}() takes generators"
    if not moved:
        return f"{said} directly"
    full = f"{said}, and worker settings move to a PyDataset"
    return full if len(full) <= 120 else f"{said}, workers move to a PyDataset"


RULE = Rule(
    code="KER403",
    explanation=(
        "Keras 2.1 made `fit`, `evaluate` and `predict` accept generators and deprecated the "
        "`*_generator` methods; Keras 3 removed them, so `model.fit_generator(...)` raises "
        "`AttributeError`. `fit`, `evaluate` and `predict` take generators, `tf.data` datasets "
        "and `keras.utils.PyDataset` objects directly. The fix renames the call and turns Keras 2 positional arguments "
        "(`fit_generator(gen, steps_per_epoch, epochs)`) into keywords, because `fit`'s second "
        "parameter is `y`. No fix is offered when the call passes `workers`, "
        "`use_multiprocessing` or `max_queue_size`: Keras 3 takes those from a "
        "`keras.utils.PyDataset`, not from `fit`. In a project pinned to Keras 2 the methods "
        "still run, with a deprecation warning (\"`Model.fit_generator` is deprecated and will be "
        "removed in a future version\"), and the rule says so."
    ),
    bad="""\
from keras.layers import Conv2D, Dense, Flatten, Input, MaxPooling2D
from keras.models import Sequential
from keras.preprocessing.image import ImageDataGenerator

model = Sequential([
    Input(shape=(150, 150, 3)),
    Conv2D(32, (3, 3), activation="relu"),
    MaxPooling2D((2, 2)),
    Flatten(),
    Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
images = ImageDataGenerator(rescale=1.0 / 255)
train = images.flow_from_directory("data/train", target_size=(150, 150), class_mode="binary")
val = images.flow_from_directory("data/val", target_size=(150, 150), class_mode="binary")
model.fit_generator(train, epochs=10, validation_data=val)
""",
    good="""\
from keras.layers import Conv2D, Dense, Flatten, Input, MaxPooling2D
from keras.models import Sequential
from keras.preprocessing.image import ImageDataGenerator

model = Sequential([
    Input(shape=(150, 150, 3)),
    Conv2D(32, (3, 3), activation="relu"),
    MaxPooling2D((2, 2)),
    Flatten(),
    Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
images = ImageDataGenerator(rescale=1.0 / 255)
train = images.flow_from_directory("data/train", target_size=(150, 150), class_mode="binary")
val = images.flow_from_directory("data/val", target_size=(150, 150), class_mode="binary")
model.fit(train, epochs=10, validation_data=val)
""",
    fixed="""\
from keras.layers import Conv2D, Dense, Flatten, Input, MaxPooling2D
from keras.models import Sequential
from keras.preprocessing.image import ImageDataGenerator

model = Sequential([
    Input(shape=(150, 150, 3)),
    Conv2D(32, (3, 3), activation="relu"),
    MaxPooling2D((2, 2)),
    Flatten(),
    Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
images = ImageDataGenerator(rescale=1.0 / 255)
train = images.flow_from_directory("data/train", target_size=(150, 150), class_mode="binary")
val = images.flow_from_directory("data/val", target_size=(150, 150), class_mode="binary")
model.fit(train, epochs=10, validation_data=val)
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
