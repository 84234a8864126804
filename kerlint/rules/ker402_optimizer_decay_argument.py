"""KER402: ``decay=`` given to an optimizer: Keras 3 warns and drops the schedule."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import code_of, keras_name, remove_arg
from ..ir import Const, KerasObject
from ..names import keras2_object
from . import Rule


def _fix(ir, obj, decay):
    call = obj.node
    if not isinstance(call, cst.Call) or obj.args.has_star:
        return None
    name = keras_name(ir, "optimizers.schedules.InverseTimeDecay")
    if name is None:
        return None
    lr_arg = obj.args.get("learning_rate")
    if lr_arg is not None and isinstance(lr_arg.value, KerasObject):
        return None  # already a schedule: Keras 2 divided its value, InverseTimeDecay cannot wrap it
    if lr_arg is not None:
        lr_text = code_of(lr_arg.node.value)
    else:
        default = obj.args.value("learning_rate")
        if not isinstance(default, Const) or not isinstance(default.value, (int, float)):
            return None
        lr_text = repr(default.value)
    schedule = cst.parse_expression(
        f"{name.text}({lr_text}, decay_steps=1, decay_rate={code_of(decay.node.value)})"
    )
    args = []
    for a in call.args:
        if lr_arg is not None and a is lr_arg.node:
            keyword = cst.Name("learning_rate") if a.keyword is not None else None
            args.append(a.with_changes(keyword=keyword, value=schedule))
        elif lr_arg is None and a is decay.node:  # the schedule takes the place of decay=
            args.append(a.with_changes(keyword=cst.Name("learning_rate"), value=schedule))
        else:
            args.append(a)
    new = call.with_changes(args=args)
    if lr_arg is not None:
        new = remove_arg(new, decay.node)
    return Fix(
        SAFE,
        "Replace decay= with an InverseTimeDecay learning-rate schedule",
        [NodeEdit(call, new), *name.edits],
    )


def _legacy(path) -> bool:
    """A Keras 2 optimizer of the old kind, which takes ``decay``: ``optimizers.legacy`` or
    TensorFlow's internal copy of Keras (``tensorflow.python.keras``)."""
    return path is not None and (path.legacy_module == "optimizers.legacy" or path.raw.startswith("tensorflow.python"))


def _message(kind: str, keras2: bool) -> str:
    if keras2:
        # TensorFlow 2.11 made the new optimizers the default; before, keras.optimizers.SGD took decay.
        return f"{kind}(decay=...): Keras 2 optimizers raise on `decay` since TF 2.11, and Keras 3 ignores it"
    return f"{kind}(decay=...): Keras 3 warns that `decay` is ignored and trains at a constant learning rate"


def check(file):
    ir = file.ir
    for obj in ir.objects:
        if obj.section != "optimizers":
            continue
        keras2 = keras2_object(obj.ref.path, ir.resolver, file.keras2_pinned)
        if keras2 and _legacy(obj.ref.path):
            continue  # a Keras 2 legacy optimizer still applies decay
        sig = obj.args.signature
        if not keras2 and sig is not None and sig.accepts("decay"):
            continue
        decay = obj.args.get("decay")
        if decay is None or decay.written != "decay":
            continue
        v = decay.value
        if isinstance(v, Const) and (v.value is None or v.value == 0):
            continue  # nothing to lose: no schedule was asked for
        yield Diagnostic(
            "KER402",
            _message(obj.kind, keras2),
            decay.node,
            _fix(ir, obj, decay),
        )


RULE = Rule(
    code="KER402",
    explanation=(
        "Keras 2 optimizers applied `decay` as `lr / (1 + decay * iterations)` after every "
        "batch. Keras 3 removed the argument: it warns (\"Argument `decay` is no longer "
        "supported and will be ignored\"), ignores it, and trains "
        "with a constant learning rate, so old code silently trains differently. Keras 2's "
        "own optimizers changed first: since TensorFlow 2.11 (and in tf_keras) they raise "
        "`ValueError: decay is deprecated in the new TF-Keras optimizer`, and only the legacy "
        "ones (`tf.keras.optimizers.legacy.SGD`) still apply it. In a project pinned to Keras 2 "
        "the rule reports that, and stays silent on a legacy optimizer. "
        "`keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)` "
        "is the same formula, step for step; the fix passes it as `learning_rate`, reusing "
        "the Keras import the file already has."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
sgd = keras.optimizers.SGD(learning_rate=0.01, decay=1e-6, momentum=0.9)
model.compile(optimizer=sgd, loss="categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=1000, decay_rate=0.9)
sgd = keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)
model.compile(optimizer=sgd, loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
sgd = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-6), momentum=0.9)
model.compile(optimizer=sgd, loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
