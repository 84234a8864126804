"""KER401: ``lr=`` given to an optimizer, or ``optimizer.lr`` read (Keras 3 removed it)."""

from __future__ import annotations

import libcst as cst

from ..codes import NOTE
from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..ir import KerasObject
from ..names import keras2_object
from . import Rule


def _optimizer_attribute(access) -> bool:
    """``opt.lr`` on a known optimizer, or ``<...>.optimizer.lr`` (``model.optimizer.lr``)."""
    if isinstance(access.base, KerasObject):
        return access.base.section == "optimizers"
    value = access.node.value
    return isinstance(value, cst.Attribute) and value.attr.value == "optimizer"


def _keras2(file, value) -> bool:
    """The optimizer is Keras 2, where ``lr`` is deprecated, not removed: taken from tf_keras or
    tensorflow.python.keras, of unknown origin in a file that imports only those, or the project
    pins Keras 2."""
    path = value.ref.path if isinstance(value, KerasObject) else None
    return keras2_object(path, file.ir.resolver, file.keras2_pinned)


def _legacy(obj) -> bool:
    """Keras 2's legacy optimizers (all of them before TensorFlow 2.11, and TensorFlow's own
    internal copy): they take ``lr``, with a warning."""
    path = obj.ref.path
    return path is not None and (path.legacy_module == "optimizers.legacy" or path.raw.startswith("tensorflow.python"))


def _lr_message(obj, keras2: bool) -> str:
    if not keras2:
        return (f"{obj.kind}(lr=...): Keras 3 optimizers have no `lr` and raise "
                "\"Argument(s) not recognized: {'lr': ...}\"")
    if _legacy(obj):
        return f"{obj.kind}(lr=...): `lr` is deprecated in Keras 2 (it warns) and Keras 3 raises on it"
    # The optimizers of TensorFlow 2.11-2.15 log the deprecation and drop the value: the
    # default learning rate trains.
    return f"{obj.kind}(lr=...): Keras 2 warns `lr` is deprecated and ignores it since TF 2.11; Keras 3 raises on it"


def _attribute_message(store: bool, keras2: bool) -> str | None:
    """Keras 2 reads and sets ``optimizer.lr`` without a word. Reading it on Keras 3 raises, which
    says so at once; setting it changes nothing there, silently: only that is worth a note on
    Keras 2, where ``learning_rate`` already works."""
    if keras2:
        return "setting `optimizer.lr` works in Keras 2 but changes nothing in Keras 3: set `learning_rate`" if store else None
    if store:
        return "setting `optimizer.lr` leaves the learning rate unchanged on Keras 3: it only has `learning_rate`"
    return "reading `optimizer.lr` raises AttributeError on Keras 3: it only has `learning_rate`"


def check(file):
    ir = file.ir
    for obj in ir.objects:
        if obj.section != "optimizers":
            continue
        arg = obj.args.get("learning_rate")
        if arg is None or arg.written != "lr":
            continue
        keras2 = _keras2(file, obj)
        yield Diagnostic(
            "KER401",
            _lr_message(obj, keras2),
            arg.node,
            Fix(SAFE, "Rename lr= to learning_rate=", [NodeEdit(arg.node.keyword, cst.Name("learning_rate"))]),
            # a legacy Keras 2 optimizer still uses the value: a deprecation note until Keras 3
            severity=NOTE if keras2 and _legacy(obj) else None,
        )
    seen = set()
    for access in ir.attributes:
        if access.attr != "lr" or id(access.node) in seen or not _optimizer_attribute(access):
            continue
        message = _attribute_message(access.store, _keras2(file, access.base))
        if message is None:
            continue
        seen.add(id(access.node))
        yield Diagnostic(
            "KER401",
            message,
            access.node,
            Fix(SAFE, "Use optimizer.learning_rate", [NodeEdit(access.node.attr, cst.Name("learning_rate"))]),
            severity=NOTE if _keras2(file, access.base) else None,  # works until Keras 3
        )


RULE = Rule(
    code="KER401",
    explanation=(
        "Keras 2 deprecated `lr` for `learning_rate`: its optimizers warn, and the new ones of "
        "TensorFlow 2.11-2.15 (and tf_keras) also drop the value, so `Adam(lr=0.01)` trains at "
        "the default 0.001 (the legacy optimizers, `tf.keras.optimizers.legacy`, still use it). "
        "Keras 3 optimizers raise `ValueError: Argument(s) not recognized: {'lr': 0.01}` when "
        "constructed; reading `model.optimizer.lr` raises `AttributeError` (\"'Adam' object has "
        "no attribute 'lr'\"), and setting it only adds an attribute nothing reads, so the "
        "learning rate does not change. The fix renames it to "
        "`learning_rate`, which means the same on Keras 2 and 3. In a project pinned to Keras 2 "
        "`lr=` is reported with the Keras 2 wording, and so is setting `optimizer.lr`, which "
        "Keras 2 honours and Keras 3 silently ignores; reading `optimizer.lr` works on Keras 2 "
        "and fails loudly on Keras 3, so it is not reported there."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(lr=0.001),
              loss="categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
              loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
              loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="always",
    fix_applicability=("safe",),
    check=check,
)
