"""KER401: ``lr=`` given to an optimizer, or ``optimizer.lr`` read (Keras 3 removed it)."""

from __future__ import annotations

import libcst as cst

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
    """The optimizer is Keras 2, which accepts ``lr``: taken from tf_keras or
    tensorflow.python.keras, or of unknown origin in a file that imports only those."""
    path = value.ref.path if isinstance(value, KerasObject) else None
    return keras2_object(path, file.ir.resolver, file.keras2_pinned)


def check(file):
    ir = file.ir
    for obj in ir.objects:
        if obj.section != "optimizers" or _keras2(file, obj):
            continue
        arg = obj.args.get("learning_rate")
        if arg is None or arg.written != "lr":
            continue
        yield Diagnostic(
            "KER401",
            f"{obj.kind}(lr=...): Keras 3 optimizers have no `lr` and raise "
            "\"Argument(s) not recognized: {'lr': ...}\"",
            arg.node,
            Fix(SAFE, "Rename lr= to learning_rate=", [NodeEdit(arg.node.keyword, cst.Name("learning_rate"))]),
        )
    seen = set()
    for access in ir.attributes:
        if access.attr != "lr" or id(access.node) in seen or not _optimizer_attribute(access):
            continue
        if _keras2(file, access.base):
            continue
        seen.add(id(access.node))
        if access.store:
            message = "setting `optimizer.lr` leaves the learning rate unchanged on Keras 3: it only has `learning_rate`"
        else:
            message = "reading `optimizer.lr` raises AttributeError on Keras 3: it only has `learning_rate`"
        yield Diagnostic(
            "KER401",
            message,
            access.node,
            Fix(SAFE, "Use optimizer.learning_rate", [NodeEdit(access.node.attr, cst.Name("learning_rate"))]),
        )


RULE = Rule(
    code="KER401",
    explanation=(
        "Keras 2 accepted `lr` as an alias of `learning_rate` (with a deprecation warning). "
        "Keras 3 optimizers raise `ValueError: Argument(s) not recognized: {'lr': 0.01}` when "
        "constructed; reading `model.optimizer.lr` raises `AttributeError` (\"'Adam' object has "
        "no attribute 'lr'\"), and setting it only adds an attribute nothing reads, so the "
        "learning rate does not change. The fix renames it to "
        "`learning_rate`, which means the same on Keras 2 and 3."
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
