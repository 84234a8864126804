"""KER104: a sigmoid output over several exclusive classes."""

from __future__ import annotations

from ..analysis.heads import is_multiunit_sigmoid
from ..analysis.losses import CATEGORICAL_LOSSES
from ..diagnostics import SAFE, Diagnostic, Fix
from ..fixes import activation_edit, quote_of
from . import Rule


def check(file):
    for compiled in file.compiled_heads:
        _, head, _, loss = compiled.parts
        if not is_multiunit_sigmoid(head):
            continue
        if loss.name not in CATEGORICAL_LOSSES or loss.from_logits is not False:
            continue
        edit = activation_edit(head.activation_layer, "softmax", quote_of(head.activation_layer.node))
        fix = Fix(SAFE, 'Use activation="softmax"', [edit]) if edit else None
        yield Diagnostic(
            "KER104",
            f"{compiled.label}{head.activation} output under {loss.name}: its scores for exclusive classes do "
            "not sum to 1",
            head.activation_layer.node,
            fix,
            anchors=(compiled.compile.node,),
        )


RULE = Rule(
    code="KER104",
    explanation=(
        "Categorical and sparse categorical crossentropy treat the outputs as one "
        "probability distribution over exclusive classes. A sigmoid output scores every "
        "class independently: the scores do not sum to 1, so `predict()` is not a "
        "distribution. On the JAX and PyTorch backends and in multi-backend Keras 2 the loss "
        "itself differs from the softmax one (recent Keras on TensorFlow computes the softmax "
        "loss from the sigmoid's logits). If several labels can be true at once (multi-label), "
        "the loss should be binary crossentropy instead, and this rule stays silent."
    ),
    bad="""\
import keras
from keras import layers

num_classes = 10
model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(num_classes, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

# Several sigmoid units are right when labels are not exclusive (multi-label):
# then the loss is binary crossentropy.
num_tags = 10
model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(num_tags, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.AUC(multi_label=True)])
""",
    fixed="""\
import keras
from keras import layers

num_classes = 10
model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(num_classes, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="always",
    fix_applicability=("safe",),
    check=check,
)
