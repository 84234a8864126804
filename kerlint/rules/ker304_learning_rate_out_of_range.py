"""KER304: a literal learning rate far outside the range an optimizer trains with."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..ir import Const
from . import Rule

# Adaptive optimizers scale each step to about the learning rate itself.
ADAPTIVE = {"Adam", "AdamW", "RMSprop", "Nadam", "Adamax", "Adagrad"}
HIGH = {**{name: 0.1 for name in ADAPTIVE}, "SGD": 1.0}
LOW = 1e-6


def learning_rate(obj):
    """The optimizer's learning_rate argument and its number, or (None, None)."""
    arg = obj.args.get("learning_rate")
    if arg is None:
        return None, None
    v = arg.value
    if not isinstance(v, Const) or isinstance(v.value, bool) or not isinstance(v.value, (int, float)):
        return arg, None
    return arg, v.value


def check(file):
    ir = file.ir
    for obj in ir.objects:
        if obj.section != "optimizers":
            continue
        arg, lr = learning_rate(obj)
        if lr is None:
            continue
        high = HIGH.get(obj.kind)
        if high is not None and lr >= high:
            kind = "adaptive optimizer" if obj.kind in ADAPTIVE else "optimizer"
            message = (
                f"learning rate {lr:g} is too high for {obj.kind} (an {kind} that trains at about "
                f"{'1e-3' if obj.kind in ADAPTIVE else '1e-2 to 1e-1'}): each update moves the "
                "weights so far that the loss jumps around or becomes NaN, or the model settles "
                "on predicting one class, and Keras reports nothing but the loss curve"
            )
        elif lr <= LOW:
            message = (
                f"learning rate {lr:g} is so small that {obj.kind} barely changes the weights: "
                "the loss stays almost flat for many epochs and the model looks as if it cannot "
                "learn"
            )
        else:
            continue
        yield Diagnostic("KER304", message, arg.node.value)


RULE = Rule(
    code="KER304",
    explanation=(
        "Adaptive optimizers (Adam, AdamW, RMSprop, Nadam, Adamax, Adagrad) move each weight by "
        "about the learning rate per step, so they train around 1e-3. At 0.1 the loss jumps "
        "back up during training; a little higher they diverge or collapse to a constant "
        "prediction (a small MLP under Adam predicts one class at 1.0). Plain SGD tolerates "
        "more but not 1.0 and above. At 1e-6 or below any optimizer barely moves and the loss stays flat. Only "
        "literal numbers are checked: schedules and variables are left alone."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1),
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
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
              loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="never",
    check=check,
)
