"""KER208: two Dense layers in a row with no activation between them."""

from __future__ import annotations

from ..analysis.activations import LINEAR, layer_activation
from ..analysis.graph import functional_calls
from ..diagnostics import Diagnostic
from ..ir import Const
from ..shapes import int_or_none
from . import Rule

# Layers that are linear maps themselves (in expectation) and keep the two Dense layers one
# linear map. Normalization is not here: batch statistics make it non-linear in training.
_LINEAR_BETWEEN = {"Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "ActivityRegularization", "Identity"}


def _linear_dense(layer) -> bool:
    if layer.kind != "Dense" or layer.activation_overridden or layer.args.has_star:
        return False
    if layer_activation(layer) != LINEAR:
        return False
    bias = layer.args.value("use_bias")
    # use_bias=False marks a deliberate projection.
    return isinstance(bias, Const) and bias.value is True


def _between_ok(layer) -> bool:
    if layer.kind in _LINEAR_BETWEEN:
        return True
    return layer.kind == "Activation" and layer_activation(layer) == LINEAR


def _units(layer):
    return int_or_none(layer.args.value("units"))


def _sequential_pairs(file, model):
    steps = file.steps(model)
    entries = model.entries
    for i, entry in enumerate(entries):
        if entry.conditional or not _linear_dense(entry.layer):
            continue
        j = i + 1
        while j < len(entries) and not entries[j].conditional and _between_ok(entries[j].layer):
            j += 1
        if j < len(entries) and not entries[j].conditional and entries[j].layer.kind == "Dense":
            yield entry.layer, entries[j].layer, steps[i].in_shape, None


def _consumers(ir):
    count: dict = {}
    for call in ir.layer_calls:
        for t in call.inputs:
            count[id(t)] = count.get(id(t), 0) + 1
    for model in ir.models:
        for t in model.outputs or ():
            count[id(t)] = count.get(id(t), 0) + 2  # an output is used outside the chain
    return count


def _functional_pairs(ir):
    consumers = None
    for call in ir.layer_calls:
        if call.layer.kind != "Dense" or len(call.inputs) != 1:
            continue
        tensor = call.inputs[0]
        chain_ok = True
        first = None
        for _ in range(16):
            producer = getattr(tensor, "producer", None)
            if producer is None or len(producer.inputs) != 1:
                chain_ok = False
                break
            if consumers is None:
                consumers = _consumers(ir)
            if consumers.get(id(tensor), 0) != 1:
                chain_ok = False  # the intermediate result is used elsewhere too
                break
            if _linear_dense(producer.layer):
                first = producer
                break
            if not _between_ok(producer.layer):
                chain_ok = False
                break
            tensor = producer.inputs[0]
        if chain_ok and first is not None:
            shape = first.in_shapes[0] if first.in_shapes else None
            yield first.layer, call.layer, shape, call


def check(file):
    ir = file.ir
    # Only models the file trains: scaffolding models (built to test saving, cloning...)
    # stack linear layers on purpose, and capacity matters only when a model learns.
    pairs = []
    for model in ir.models:
        if model.style == "sequential" and model.has_graph and model.compiles:
            pairs.extend(_sequential_pairs(file, model))
    trained = None
    for pair in _functional_pairs(ir):
        if trained is None:
            trained = {id(c) for m in ir.models if m.style == "functional" and m.compiles
                       for c in functional_calls(m)}
        if id(pair[3]) in trained:
            pairs.append(pair)
    for first, second, in_shape, _ in pairs:
        u1, u2 = _units(first), _units(second)
        if u1 is None or u2 is None:
            continue
        d = in_shape[-1] if in_shape and isinstance(in_shape[-1], int) else None
        # A narrower first layer is a low-rank factorization (a bottleneck, a latent code):
        # not one Dense in disguise.
        if u1 < u2 and (d is None or u1 < d):
            continue
        yield Diagnostic(
            "KER208",
            f"Dense({u1}) has no activation and feeds Dense({u2}): the two are one linear map, no more "
            f"expressive than a single Dense({u2})",
            first.node,
        )


RULE = Rule(
    code="KER208",
    explanation=(
        "A `Dense` layer without an activation is a linear map, `x @ W + b`. Two of them in "
        "a row are still one linear map, `x @ (W1 @ W2) + ...`: the first layer adds "
        "parameters but no capacity, which is almost always a forgotten `activation=`. "
        "Dropout between them does not change that. A narrower first layer (a bottleneck or "
        "latent code) is a deliberate low-rank factorization and is not reported, nor is a "
        "first layer with `use_bias=False` (a projection), nor a model the file never "
        "compiles (test scaffolding). Give the first layer an activation "
        "(`activation=\"relu\"`), or remove it."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="never",
    check=check,
)
